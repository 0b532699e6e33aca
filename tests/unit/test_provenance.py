"""Results and the store record the code: version, git commit of a checkout, library versions."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import flashpoint
from flashpoint.provenance import code_version, git_commit, package_versions

ROOT = Path(flashpoint.__file__).resolve().parents[2]
FROM_CHECKOUT = (ROOT / ".git").exists() and shutil.which("git") is not None


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return flashpoint.simulate(None, None, runs=2, years=1, dt=1.0, attribution=False)


@pytest.mark.skipif(not FROM_CHECKOUT, reason="flashpoint is not imported from a git checkout")
def test_code_version_names_the_checkouts_commit() -> None:
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    commit, _ = git_commit()
    assert commit == head
    assert re.fullmatch(rf"{re.escape(flashpoint.__version__)}\+g{head[:12]}(\.dirty)?", code_version())


def test_result_attrs_carry_code_provenance(result) -> None:  # type: ignore[no-untyped-def]
    assert result.attrs["code_version"] == code_version()
    assert result.attrs["code_version"].startswith(flashpoint.__version__)
    versions = json.loads(result.attrs["package_versions"])
    assert versions == package_versions()
    assert {"python", "numpy", "scipy", "xarray", "SALib"} <= set(versions)
    if FROM_CHECKOUT:
        assert result.attrs["git_commit"].split("-")[0] == git_commit()[0]


def test_the_store_records_the_commit(result) -> None:  # type: ignore[no-untyped-def]
    from flashpoint.storage import Store
    from flashpoint.storage.results import save_result

    with Store.open(":memory:") as store:
        save_result(store, result)
        (stored,) = store.con.execute("SELECT code_version FROM runs").fetchone()
    assert stored == code_version()
