"""Helpers of the reliability suite: the installed ``flashpoint`` script, as a shell runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

#: The package source the subprocesses run (``FLASHPOINT_SRC`` overrides it, e.g. to measure
#: the corpus on another checkout).
SRC = os.environ.get("FLASHPOINT_SRC") or str(Path(__file__).resolve().parents[2] / "src")


def env() -> dict[str, str]:
    """The environment with this checkout's ``src`` first (the console script honours it)."""
    extra = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": SRC + (os.pathsep + extra if extra else ""),
            "COLUMNS": "200", "NO_COLOR": "1"}


def flashpoint_command() -> list[str]:
    """The installed console script (as a user runs it), else the same entry point via python."""
    script = shutil.which("flashpoint")
    if script:
        return [script]
    return [sys.executable, "-c", "from flashpoint.cli.app import main; main()"]


def run_cli(*args: str, cwd: str | Path | None = None, timeout: float = 120,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``flashpoint ARGS`` in a subprocess and return the completed process."""
    return subprocess.run([*flashpoint_command(), *args], capture_output=True, text=True,
                          env=env(), cwd=cwd, timeout=timeout, input=stdin)
