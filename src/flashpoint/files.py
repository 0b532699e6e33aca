"""Safe reading of the user's input files (scenarios, worlds, claims, calibrations).

Every file loader of flashpoint reads through :func:`read_text` (and, for
TOML or JSON, :func:`parse_document`), so that no input file can crash or hang
the program. A file is refused, with a one-line error naming the file and the
reason, when it is

- not a regular file: a directory, a named pipe (opened without blocking, so a
  FIFO cannot hang the reader), a device such as ``/dev/zero``, a socket;
- larger than :data:`MAX_BYTES` (8 MiB; the largest shipped input, the claims
  catalogue, is about 60 KiB, so this leaves two orders of magnitude);
- not UTF-8 text (a UTF-16 or binary file), or contains a NUL byte;
- nested deeper than :data:`MAX_DEPTH` (32 levels of tables and arrays; the
  deepest shipped file uses 4), which would otherwise exhaust the parser's
  recursion;
- holding a NaN or an infinite number anywhere (TOML's ``nan`` and ``inf``,
  JSON's ``NaN`` and ``Infinity``): no input of flashpoint means either;
- holding a key with control characters (a line break in a key would break
  the one-line error that names it).

The error class is the loader's own (``ScenarioError``, ``DataError``,
``ClaimError``), passed as ``error``: a callable taking the place (the file,
or ``file: entry.field``) and the reason.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flashpoint.errors import FlashpointError

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "InputFileError",
    "OutputPathError",
    "check_output_path",
    "check_tree",
    "parse_document",
    "read_text",
]

#: Largest input file read, in bytes (8 MiB).
MAX_BYTES = 8 * 1024 * 1024
#: Deepest nesting of tables and arrays accepted in a TOML or JSON document.
MAX_DEPTH = 32


class InputFileError(FlashpointError, ValueError):
    """An input file cannot be read as text: names the file and the reason."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class OutputPathError(FlashpointError, ValueError):
    """An output path cannot be written: checked before any work is done."""


ErrorFactory = Callable[[str, str], Exception]


def check_output_path(path: str | Path, *, option: str,
                      suffixes: tuple[str, ...] | None = None) -> None:
    """Refuse, before the work, an output path that cannot be written.

    The suffix must be one of ``suffixes`` (when given); the path must not be a
    directory or another non-regular file; its folder must exist and be
    writable (an existing file must be writable too).
    """
    p = Path(path)
    if suffixes is not None and p.suffix.lower() not in suffixes:
        raise OutputPathError(f"{option} {p}: expected a file name ending in "
                              f"{' or '.join(suffixes)}. Got {p.suffix or 'no suffix'!r} instead.")
    if p.exists() and not p.is_file():
        raise OutputPathError(f"{option} {p}: expected a file to write. Got "
                              f"{'a directory' if p.is_dir() else 'a special file'} instead.")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise OutputPathError(f"{option} {p}: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise OutputPathError(f"{option} {p}: not writable (permission denied).")


def read_text(path: str | Path, *, error: ErrorFactory = InputFileError,
              max_bytes: int = MAX_BYTES) -> str:
    """Read a regular UTF-8 text file of at most ``max_bytes`` bytes.

    Raises ``error(str(path), reason)`` for a missing, non-regular, oversized
    or non-UTF-8 file (see the module docstring). A leading UTF-8 byte-order
    mark is dropped.
    """
    p = str(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(p, "file not found.") from None
    except IsADirectoryError:
        raise error(p, "expected a file. Got a directory instead.") from None
    except OSError as e:
        raise error(p, f"cannot open the file: {e.strerror or e}.") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise error(p, f"expected a regular file. Got {_kind(st.st_mode)} instead.")
        if st.st_size > max_bytes:
            raise error(p, f"expected a file of at most {_size(max_bytes)}. "
                        f"Got {_size(st.st_size)} instead.")
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:  # the size may change while reading: read at most max + 1
            block = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not block:
                break
            chunks.append(block)
            total += len(block)
        if total > max_bytes:
            raise error(p, f"expected a file of at most {_size(max_bytes)}. Got a larger one instead.")
    except OSError as e:
        raise error(p, f"cannot read the file: {e.strerror or e}.") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    return decode(data, p, error=error)


def decode(data: bytes, where: str, *, error: ErrorFactory = InputFileError) -> str:
    """``data`` as UTF-8 text (a byte-order mark dropped); NUL bytes and other encodings refused."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise error(where, "expected UTF-8 text. Got UTF-16 (byte-order mark) instead; "
                    "save the file as UTF-8.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(where, f"expected UTF-8 text. Got byte 0x{data[e.start]:02x} at offset "
                    f"{e.start} instead (a binary file or another encoding?).") from None
    if "\x00" in text:
        raise error(where, f"expected text. Got a NUL byte at offset {text.index(chr(0))} "
                    "instead (a binary file?).")
    return text.removeprefix("\ufeff")


def parse_document(text: str, where: str, *, fmt: str, error: ErrorFactory = InputFileError,
                   max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """Parse TOML (``fmt="toml"``) or JSON text into a table, checked by :func:`check_tree`.

    Syntax errors, nesting beyond :data:`MAX_DEPTH`, non-finite numbers and a
    top level that is not a table all raise ``error(where, reason)``.
    """
    if len(text) > max_bytes:
        raise error(where, f"expected at most {_size(max_bytes)} of text. Got {_size(len(text))} instead.")
    try:
        if fmt == "json":
            data = json.loads(text, parse_constant=_refuse_constant)
        elif fmt == "toml":
            data = tomllib.loads(text)
        else:
            raise ValueError(f"fmt: expected 'toml' or 'json'. Got {fmt!r} instead.")
    except _NonFinite as e:
        raise error(where, f"expected finite numbers. Got {e.args[0]} instead.") from None
    except json.JSONDecodeError as e:
        raise error(f"{where}:{e.lineno}", f"invalid JSON: {e.msg}.") from None
    except tomllib.TOMLDecodeError as e:
        raise error(where, f"invalid TOML: {e}.") from None
    except RecursionError:
        raise error(where, f"expected nesting of at most {MAX_DEPTH} levels. Got more instead.") from None
    if not isinstance(data, dict):
        raise error(where, f"expected a table (object) at the top level. Got {type(data).__name__} instead.")
    check_tree(data, where, error=error)
    return data


def check_tree(data: Any, where: str, *, error: ErrorFactory = InputFileError,
               max_depth: int = MAX_DEPTH) -> None:
    """Refuse nesting deeper than ``max_depth`` and NaN or infinite floats anywhere in ``data``.

    Iterative, so that it cannot itself overflow the stack; the error names the
    first offending entry (``actor[2].milex``).
    """
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        obj, at, depth = stack.pop()
        if isinstance(obj, dict | list | tuple):
            if depth >= max_depth:
                raise error(where, f"{at or 'document'}: expected nesting of at most {max_depth} "
                            "levels. Got deeper instead.")
            items = obj.items() if isinstance(obj, dict) else enumerate(obj)
            for k, v in items:
                if isinstance(k, str) and _CONTROL.search(k):
                    raise error(where, f"{at or 'document'}: expected keys of printable text. "
                                f"Got {k!r} instead.")
                sub = f"{at}[{k}]" if not isinstance(obj, dict) else (f"{at}.{k}" if at else str(k))
                stack.append((v, sub, depth + 1))
        elif isinstance(obj, float) and not math.isfinite(obj):
            raise error(where, f"{at or 'value'}: expected a finite number. Got {obj!r} instead.")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _NonFinite(Exception):
    pass


def _refuse_constant(name: str) -> float:
    raise _NonFinite(name)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} bytes"
