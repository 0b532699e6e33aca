"""Dated reaction events (the loader) and the theory weights they give (ABC model choice)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from flashpoint.engine.plan import Commitment, Tie
from flashpoint.errors import DataError
from flashpoint.validation.reactions import DEFAULT_PATH, load_reactions

GOOD = DEFAULT_PATH.read_text(encoding="utf-8")


def test_shipped_events_load_with_sources_and_moves() -> None:
    events = load_reactions()
    ids = {e.id for e in events}
    assert {"thaad_2016", "quad_2017", "aukus_2021", "nato_enlargement_2004",
            "finland_2023"} <= ids
    for e in events:
        assert e.sources and all(s["title"] and s["date"] for s in e.sources)
        assert e.reaction in (-1, 0, 1) and e.moves
    fin = next(e for e in events if e.id == "finland_2023")
    assert any(isinstance(m, Commitment) and m.target == ("FIN",) for m in fin.moves)
    assert any(isinstance(m, Tie) for m in fin.moves)
    assert fin.plan().ties and fin.plan().commitments


@pytest.mark.parametrize(("old", "new", "pattern"), [
    ('reaction = 0\nsummary = """The US sent', 'reaction = 2\nsummary = """The US sent',
     r"\(taiwan_strait_1996\): field 'reaction': expected -1, 0 or 1\. Got 2"),
    ('kind = "presence"\nactors', 'kind = "parade"\nactors',
     r"\(taiwan_strait_1996\): move\[0\]: field 'kind'.*Got 'parade'"),
    ('visibility = [0.8, 1.0]', 'visibility = [0.8, 1.4]',
     r"move\[0\]: field 'visibility': expected 0 <= low <= high <= 1"),
    ('world_year = 1996', 'world_year = 1990',
     r"field 'world_year': expected a year in 1995-2024\. Got 1990"),
    ('date = "1996-03-11"', 'date = "1999-03-11"', r"field 'date': 1999-03-11 does not fall"),
])
def test_bad_event_files_name_file_event_and_field(tmp_path: Path, old: str, new: str,
                                                   pattern: str) -> None:
    assert old in GOOD
    p = tmp_path / "reactions.toml"
    p.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"reactions\.toml: event\[0\].*" + pattern):
        load_reactions(p)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        load_reactions(tmp_path / "none.toml")
    p = tmp_path / "r.toml"
    p.write_text("[[event]\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a valid TOML file"):
        load_reactions(p)


@pytest.mark.slow
def test_theory_weights_are_a_distribution_with_uncertainty() -> None:
    from flashpoint.validation.calibrate import theory_weights

    tp = theory_weights(runs=30, seed=0, alpha=0.3)
    post = tp.posterior()
    for mech, w in post.items():
        assert set(w) == set(tp.prior[mech])
        assert abs(sum(w.values()) - 1.0) < 1e-9 and all(v >= 0 for v in w.values())
        for lo, hi in tp.loo[mech].values():
            assert 0.0 <= lo <= hi <= 1.0
    table = tp.summary()
    assert {"posterior", "se", "loo_min", "loo_max", "discriminates"} <= set(table.columns)
    pred = tp.predictions()
    assert list(pred["event"]) == list(tp.events)
    # a reassurance signal lowers China's perceived intent under every reading
    row = pred.set_index("event").loc["three_nos_2017"]
    assert row["spiral"] < 0 and row["signalling"] < 0
    assert np.isfinite(tp.distance).all()
