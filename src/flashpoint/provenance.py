"""Code provenance of a result: package version, git commit of a checkout, library versions.

:func:`code_version` is what results record as ``attrs["code_version"]``
(and the store in its ``code_version`` columns): the package version, plus
``+g<commit>`` when flashpoint runs from a git checkout (an editable install
or ``PYTHONPATH=src``), and ``.dirty`` when that checkout has uncommitted
changes to tracked files (PEP 440 local version label). From an installed
wheel there is no checkout, and the version alone identifies the code.
:func:`package_versions` lists the versions of the libraries whose numerics
a result depends on. Both are computed once per process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

__all__ = ["code_version", "git_commit", "package_versions", "provenance_attrs"]

_LIBRARIES = ("numpy", "scipy", "pandas", "xarray", "SALib", "duckdb", "pydantic")


@lru_cache(maxsize=1)
def git_commit() -> tuple[str, bool]:
    """``(commit, dirty)`` of the git checkout flashpoint is imported from, or ``("", False)``."""
    root = Path(__file__).resolve().parents[2]  # <checkout>/src/flashpoint/provenance.py
    if not (root / ".git").exists() or not (root / "pyproject.toml").exists():
        return "", False
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=5, check=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                 "--untracked-files=no"], capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "", False
    return head, bool(status)


def code_version() -> str:
    """``<version>`` or, from a git checkout, ``<version>+g<12-hex commit>[.dirty]``."""
    from flashpoint import __version__

    commit, dirty = git_commit()
    if not commit:
        return __version__
    return f"{__version__}+g{commit[:12]}{'.dirty' if dirty else ''}"


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    """Python and the numerical libraries, ``{name: version}``."""
    out = {"python": sys.version.split()[0]}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def provenance_attrs() -> dict[str, str]:
    """The code-provenance attributes of a result (all strings, NetCDF-safe)."""
    commit, dirty = git_commit()
    return {"code_version": code_version(), "git_commit": commit + ("-dirty" if dirty else ""),
            "package_versions": json.dumps(package_versions(), sort_keys=True)}
