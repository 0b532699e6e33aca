"""Shared fixtures for the scenario tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.testing import tiny_world
from flashpoint.world.arrays import WorldArrays


@pytest.fixture(scope="session")
def tiny() -> WorldArrays:
    return tiny_world()


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a scenario text to ``tmp_path/s.toml`` and return its path."""

    def _write(text: str, name: str = "s.toml") -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return _write
