"""Wars as a state of the world: facts.toml [[war]], the Ukraine flashpoint, user files.

The date of the Russia-Ukraine war is checked against the raw UCDP/PRIO
Armed Conflict Dataset when ``../shared/data`` is present (skipped otherwise).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flashpoint.engine.initial import initial_state
from flashpoint.errors import DataError, UnknownActorError
from flashpoint.world import load_world, load_world_file
from flashpoint.world.flashpoints import flashpoint_arrays
from flashpoint.world.loader import wars

RAW = Path(__file__).resolve().parents[3].parent / "shared" / "data"
needs_raw = pytest.mark.skipif(not (RAW / "SOURCES.md").exists(), reason="raw data not available")


def test_russia_ukraine_is_a_fact_with_its_citation() -> None:
    (war,) = [w for w in wars() if w.id == "russia_ukraine"]
    assert (war.flashpoint, war.challenger, war.targets) == ("ukraine", "RUS", ("UKR",))
    assert war.started == date(2022, 2, 24) and war.ended is None
    assert "UCDP" in war.citation and "13243" in war.citation


@needs_raw
def test_war_date_matches_the_ucdp_armed_conflict_file() -> None:
    u = pd.read_csv(RAW / "ucdp_armed_conflict.csv")
    c = u[u.conflict_id == 13243]
    # Gleditsch-Ward codes: 365 Russia, 369 Ukraine.
    assert set(c.gwno_a) == {365} and set(c.gwno_b) == {369}
    war_years = c[c.intensity_level == 2]
    assert war_years.year.min() == 2022 and set(war_years.start_date2) == {"2022-02-24"}
    assert (c[c.year == c.year.max()].ep_end == 0).all()  # still ongoing at the file's end
    (war,) = [w for w in wars() if w.id == "russia_ukraine"]
    assert war.started.isoformat() == war_years.start_date2.iloc[0]


@pytest.mark.parametrize(("year", "at_war"), [(2021, False), (2022, True), (2024, True)])
def test_the_war_is_a_state_of_the_2022_to_2024_worlds(year: int, at_war: bool) -> None:
    arrays = load_world(year).to_arrays()
    fps = flashpoint_arrays(arrays)
    assert "ukraine" in fps.ids
    k = fps.ids.index("ukraine")
    assert bool(fps.at_war[k]) is at_war
    s = initial_state(arrays, fps, runs=2)
    assert np.all(s.war[:, k] == float(at_war)) and np.all(s.crisis[:, k] == float(at_war))
    others = [i for i in range(fps.f) if i != k]
    assert not np.any(s.war[:, others])


def test_a_world_without_a_belligerent_has_no_war() -> None:
    arrays = load_world(2024, actors=["USA", "CHN", "TWN", "RUS"]).to_arrays()
    assert arrays.at_war == ()
    assert "ukraine" not in flashpoint_arrays(arrays).ids


def _write(tmp_path: Path, war: str) -> Path:
    p = tmp_path / "w.toml"
    p.write_text('base_year = 2024\nactors = ["USA", "RUS", "UKR", "CHN", "TWN"]\n\n[[war]]\n' + war)
    return p


_OK = ('id = "taiwan_war"\nflashpoint = "taiwan_strait"\nchallenger = "CHN"\n'
       'targets = ["TWN"]\nstarted = "2024-06-01"\ncitation = "exercise"\n')


def test_user_file_can_add_a_war(tmp_path: Path) -> None:
    w = load_world_file(_write(tmp_path, _OK))
    fps = flashpoint_arrays(w.to_arrays())
    assert set(w.to_arrays().at_war) == {"ukraine", "taiwan_strait"}
    assert fps.at_war[fps.ids.index("taiwan_strait")]


def test_user_war_with_a_belligerent_not_an_actor(tmp_path: Path) -> None:
    bad = _OK.replace('targets = ["TWN"]', 'targets = ["JPN"]')
    with pytest.raises(UnknownActorError, match=r"w\.toml: war\[0\]\.targets"):
        load_world_file(_write(tmp_path, bad))


@pytest.mark.parametrize(("old", "new", "field", "reason"), [
    ('flashpoint = "taiwan_strait"', 'flashpoint = "taiwan"', "flashpoint", "expected one of"),
    ('challenger = "CHN"', 'challenger = "RUS"', "challenger", "challenger at taiwan_strait is CHN"),
    ('started = "2024-06-01"', 'started = "June"', "started", "ISO date"),
    ('citation = "exercise"\n', 'citation = "x"\nended = "2020-01-01"\n', "ended", "after started"),
    ('citation = "exercise"\n', 'citation = "x"\nside = 1\n', "side", "unknown field"),
    ('citation = "exercise"\n', '', "citation", "required field missing"),
])
def test_user_war_errors_name_file_entry_and_field(tmp_path: Path, old: str, new: str, field: str,
                                                   reason: str) -> None:
    with pytest.raises(DataError, match=rf"w\.toml: war\[0\]\.{field}.*{reason}"):
        load_world_file(_write(tmp_path, _OK.replace(old, new)))
