"""Read claims from TOML: the shipped catalogue or a user's file or folder.

A claims file is a TOML array of tables, one ``[[claim]]`` per claim::

    [[claim]]
    id = "ip4_arms_race"
    paraphrase = "A formal NATO+IP4 partnership raises Indo-Pacific military spending."
    side = "sceptic"
    source = { seed = "004_b98a0458632f5616.txt", quote = "would almost certainly cause a regional arms race" }
    metric = "arms_race_index"
    selector = { region = "indo_pacific" }
    direction = "increase"
    scenario = "nato_ip4_partnership"

Every error is a :class:`~flashpoint.errors.ClaimError` whose message names
the file, the line of the claim's ``[[claim]]`` header, the claim id, the
field and the reason.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from flashpoint.claims.model import Claim
from flashpoint.errors import ClaimError

__all__ = ["CATALOGUE", "load_claims", "parse_claims"]

#: Name of the shipped catalogue inside the package.
CATALOGUE = "catalogue.toml"

_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*claim[ \t]*\]\]", re.MULTILINE)


def load_claims(path: str | Path | None = None) -> tuple[Claim, ...]:
    """Load claims from ``path`` (a ``.toml`` file or a folder of them), or the catalogue.

    Parameters
    ----------
    path
        A claims file, a folder whose ``*.toml`` files are read in name order,
        or ``None`` for the shipped catalogue.

    Returns
    -------
    tuple of Claim
        In file order. Ids are unique across all files read.

    Raises
    ------
    ClaimError
        If a file is missing or not valid TOML, a claim is invalid, or an id repeats.
    """
    if path is None:
        text = resources.files("flashpoint.claims").joinpath(CATALOGUE).read_text("utf-8")
        return parse_claims(text, where=f"flashpoint/claims/{CATALOGUE}")
    from flashpoint.files import read_text

    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("*.toml"))
        if not files:
            raise ClaimError(f"{p}: expected at least one *.toml claims file. Got none instead.")
    elif p.exists() or p.is_symlink():
        files = [p]  # read_text refuses what is not a regular file (a FIFO, a device)
    else:
        raise ClaimError(f"{p}: no such claims file or folder.")
    claims: list[Claim] = []
    seen: dict[str, str] = {}
    for f in files:
        text = read_text(f, error=lambda where, reason: ClaimError(f"{where}: {reason}"))
        for claim in parse_claims(text, where=str(f)):
            if claim.id in seen:
                raise ClaimError(
                    f"{f}: claim {claim.id!r}: field 'id': must be unique. "
                    f"Got a duplicate of the claim in {seen[claim.id]} instead."
                )
            seen[claim.id] = str(f)
            claims.append(claim)
    return tuple(claims)


def parse_claims(text: str, *, where: str = "<string>") -> tuple[Claim, ...]:
    """Parse the TOML ``text`` of a claims file; ``where`` names it in errors."""
    from flashpoint.files import MAX_BYTES, check_tree

    if len(text) > MAX_BYTES:
        raise ClaimError(f"{where}: expected at most {MAX_BYTES} characters. Got {len(text)} instead.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ClaimError(f"{where}: not valid TOML: {err}") from err
    except RecursionError:
        raise ClaimError(f"{where}: nested too deeply for a claims file.") from None
    check_tree(data, where, error=lambda at, reason: ClaimError(f"{at}: {reason}"))
    extra = sorted(set(data) - {"claim"})
    if extra:
        raise ClaimError(
            f"{where}: unknown top-level key(s) {extra}; expected only [[claim]] tables."
        )
    tables = data.get("claim", [])
    if not isinstance(tables, list) or not tables:
        raise ClaimError(f"{where}: expected one or more [[claim]] tables. Got none instead.")
    lines = [text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)]
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for k, table in enumerate(tables):
        line = lines[k] if k < len(lines) else None
        loc = f"{where}:{line}" if line is not None else where
        if not isinstance(table, dict):
            raise ClaimError(f"{loc}: claim number {k + 1}: expected a [[claim]] table. "
                             f"Got {type(table).__name__} {table!r} instead.")
        claim = _validate(table, loc, k)
        if claim.id in seen:
            raise ClaimError(
                f"{loc}: claim {claim.id!r}: field 'id': must be unique. "
                f"Got a duplicate of claim number {seen[claim.id] + 1} instead."
            )
        seen[claim.id] = k
        claims.append(claim)
    return tuple(claims)


def _validate(table: Mapping[str, Any], loc: str, k: int) -> Claim:
    cid = table.get("id")
    name = f"claim {cid!r}" if isinstance(cid, str) else f"claim number {k + 1}"
    try:
        return Claim.model_validate(dict(table))
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"] if not _is_union_tag(p))
        reason = str(first["msg"]).removeprefix("Value error, ")
        if not field:  # a cross-field check names its field at the start of the reason
            head, _, rest = reason.partition(": ")
            field, reason = (head, rest) if rest and head.isidentifier() else ("claim", reason)
        if first["type"] == "extra_forbidden":
            reason = "unknown field"
        elif first["type"] == "missing":
            reason = "required field is missing"
        elif "Got " not in reason:
            reason = f"{reason}. Got {first.get('input')!r} instead."
        more = len(err.errors()) - 1
        tail = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
        raise ClaimError(f"{loc}: {name}: field {field!r}: {reason}{tail}") from err


def _is_union_tag(part: object) -> bool:
    # pydantic adds the union member's type ("str", "tuple[str, ...]") to the location
    return isinstance(part, str) and (part in {"str", "float", "int"} or "[" in part)
