"""The event history: the shipped file, its errors, its plan and the event-rich backtest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from flashpoint.errors import DataError
from flashpoint.validation.backtest import MOVERS, WITH_EVENTS, WITHOUT_EVENTS, event_backtest
from flashpoint.validation.events import PRIMITIVES, event_plan, load_events
from flashpoint.world import load_world

GOOD = '''
[[event]]
id = "x"
title = "t"
date = "2014-03-18"
primitive = "war"
challenger = "RUS"
target = "UKR"
intensity = "minor"
tension = [0.3, 0.5]
date_source = "d"
size_source = "s"
'''


def test_shipped_events_load_and_each_is_a_primitive_with_sources() -> None:
    ev = load_events()
    ids = {e.id for e in ev}
    for must in ("georgia_2008", "crimea_2014", "donbas_2014", "wales_pledge_2014", "thaad_2016",
                 "quad_2017", "aukus_2021", "lithuania_coercion_2021", "invasion_2022",
                 "japan_plan_2022", "finland_accession_2023", "sweden_accession_2024"):
        assert must in ids
    assert all(e.primitive in PRIMITIVES and e.date_source and e.size_source for e in ev)
    assert [e.date for e in ev] == sorted(e.date for e in ev)


@pytest.mark.parametrize(("old", "new", "field", "reason"), [
    ('date = "2014-03-18"', 'date = "1990-01-01"', "date", "outside the world's years"),
    ('target = "UKR"', 'target = "XXX"', "target", "unknown actor 'XXX'"),
    ('primitive = "war"', 'primitive = "battle"', "primitive", "unknown primitive 'battle'"),
    ('tension = [0.3, 0.5]', 'tension = [0.5, 0.3]', "tension", "low 0.5 > high 0.3"),
    ('intensity = "minor"', 'intensity = "huge"', "intensity", "expected 'minor' or 'war'"),
])
def test_bad_event_names_file_entry_and_field(tmp_path: Path, old: str, new: str, field: str,
                                              reason: str) -> None:
    f = tmp_path / "ev.toml"
    f.write_text(GOOD.replace(old, new))
    with pytest.raises(DataError) as e:
        load_events(f)
    msg = str(e.value)
    assert str(f) in msg and "event 0 (x)" in msg and f"field {field!r}" in msg and reason in msg
    assert "\n" not in msg


def test_plan_times_and_war_at_a_flashpoint_only_at_war_intensity() -> None:
    ev = load_events()
    world = load_world(year=2014).to_arrays()
    plan, used = event_plan(ev, 2014, 2023, world)
    assert "georgia_2008" not in used and "sweden_accession_2024" not in used
    crimea = [r for r in plan.relation_shocks if r.source == ("RUS",) and r.target == ("UKR",)]
    assert crimea[0].at == 0.0                         # in the origin year: at once
    inv = max(r.at for r in crimea)
    assert inv == pytest.approx((np.datetime64("2022-02-24") - np.datetime64("2015-01-01")).astype(int) / 365.25)
    wales = [f for f in plan.spending_floors if "DEU" in f.actors]
    assert wales and wales[0].ramp == pytest.approx(10.0)
    assert all(s.kind == "war" for s in plan.shocks)   # only if the model has a Russia-Ukraine flashpoint


def test_event_backtest_scores_changes_with_and_without_events() -> None:
    bt = event_backtest(2014, 2017, runs=20, seed=1)
    methods = set(bt.changes.method)
    assert {WITH_EVENTS, WITHOUT_EVENTS, "persistence", "linear trend", "AR(1)"} <= methods
    per = bt.per_actor("share")
    assert set(MOVERS) - {"UKR"} <= set(per.index)
    pers = bt.changes[(bt.changes.method == "persistence")]
    # persistence predicts no change (up to the sampling of its ensemble median)
    assert np.abs(pers.pred).mean() < 0.2 * np.abs(pers.obs).mean()
    # the events change the forecast of the actors they touch (the Wales floor on Germany)
    c = bt.changes[(bt.changes.actor == "DEU") & (bt.changes.target == "share")]
    assert not np.allclose(c[c.method == WITH_EVENTS].pred.to_numpy(),
                           c[c.method == WITHOUT_EVENTS].pred.to_numpy())
