"""``flashpoint forecast``: each actor's spending, GDP and burden a few years ahead.

The forecast is the status quo of the world of year ``--from``, which knows
only what was known then: figures up to that year, trends estimated from the
record up to that year (:mod:`flashpoint.world.trends`) and the pledges
announced by 31 December of that year. It reports, per actor, the median and
the 90 % interval (5th-95th percentile) of the ensemble ``--years`` ahead.
Spending and GDP are in constant 2022 US$ bn; the burden is spending / GDP.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flashpoint.errors import FlashpointError

if TYPE_CHECKING:  # heavy imports stay out of `flashpoint --help`
    import pandas as pd
    from rich.table import Table

__all__ = ["forecast", "forecast_table"]

#: Quantiles reported: the median and the bounds of the central 90 % interval.
QUANTILES = (0.5, 0.05, 0.95)


def forecast_table(year: int, years: int = 1, *, runs: int = 1000, seed: int = 0) -> pd.DataFrame:
    """One row per actor: start value and forecast quantiles of spending, GDP and burden.

    Columns ``milex_*`` and ``gdp_*`` are in constant 2022 US$ bn, ``share_*``
    a fraction of GDP; ``*_start`` is the world's own figure, ``*_median``,
    ``*_p05`` and ``*_p95`` the ensemble quantiles at ``year + years``.
    ``milex_rebased_*`` and ``gdp_rebased_*`` are the same in constant US$ of
    the data year (``rebased_to``), converted with each state's own ratio of
    current to constant-2022 US$ in that year.
    """
    import numpy as np
    import pandas as pd

    import flashpoint as fp
    from flashpoint.world.loader import DATA_LAST

    if not 1 <= years <= 10:
        raise FlashpointError(f"--years: expected 1 to 10 years. Got {years} instead.")
    world = fp.load_world(year)
    ds = fp.simulate(world, None, runs=runs, years=years, seed=seed, attribution=False,
                     keep_dyadic=False)
    end = ds.sel(time=float(years))
    start = ds.isel(time=0, run=0)
    out = pd.DataFrame({"iso3": list(ds.actor.values),
                        "name": [a.name for a in world.actors]})
    out["from_year"] = year
    out["data_year"] = min(year, DATA_LAST)
    out["forecast_year"] = year + years
    series = {"milex": end.milex.values, "gdp": end.gdp.values,
              "share": end.milex.values / end.gdp.values}
    starts = {"milex": start.milex.values, "gdp": start.gdp.values,
              "share": start.milex.values / start.gdp.values}
    for key, values in series.items():
        q = np.quantile(values, QUANTILES, axis=0)
        out[f"{key}_start"] = starts[key]
        out[f"{key}_median"], out[f"{key}_p05"], out[f"{key}_p95"] = q[0], q[1], q[2]
    # The same figures in constant US$ of the data year (its prices and exchange
    # rates), the basis of the next SIPRI release: each state's own ratio of
    # current-US$ to constant-2022 GDP in the data year (known then).
    rebase = np.array([a.gdp_current.value / a.gdp.value if a.gdp.value > 0 else np.nan
                       for a in world.actors])
    out["rebased_to"] = f"constant {min(year, DATA_LAST)} US$"
    for key in ("milex", "gdp"):
        for col in ("start", "median", "p05", "p95"):
            out[f"{key}_rebased_{col}"] = out[f"{key}_{col}"] * rebase
    out.attrs["runs"], out.attrs["seed"] = runs, seed
    return out


def _table(df: pd.DataFrame) -> Table:
    from rich.table import Table

    y0, y1 = int(df.from_year.to_numpy()[0]), int(df.forecast_year.to_numpy()[0])
    t = Table(title=f"Forecast for {y1} from the {y0} world (status quo; median [5 %, 95 %]); "
                    "US$ bn, constant 2022 prices")
    for col in ("actor", "spending", "GDP", "share of GDP"):
        t.add_column(col, justify="left" if col == "actor" else "right")
    for r in df.to_dict("records"):
        t.add_row(f"{r['iso3']} {r['name']}",
                  f"{r['milex_median']:,.1f} [{r['milex_p05']:,.1f}, {r['milex_p95']:,.1f}]",
                  f"{r['gdp_median']:,.0f} [{r['gdp_p05']:,.0f}, {r['gdp_p95']:,.0f}]",
                  f"{100 * r['share_median']:.2f} % [{100 * r['share_p05']:.2f}, "
                  f"{100 * r['share_p95']:.2f}]")
    return t


def forecast(
    from_year: Annotated[int, typer.Option("--from", help="Year of the world to forecast from "
                                           "(uses nothing later than that year).")] = 2023,
    years: Annotated[int, typer.Option(help="Years ahead (1-10).")] = 1,
    runs: Annotated[int, typer.Option(help="Ensemble size.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same numbers.")] = 0,
    out: Annotated[Path, typer.Option(help="CSV file to write.")] = Path("flashpoint-forecast.csv"),
) -> None:
    """Forecast each actor's spending, GDP and share of GDP from the world of a year."""
    if runs < 20:
        raise FlashpointError(f"--runs: expected at least 20 runs for a 90 % interval. Got {runs} instead.")
    if out.suffix.lower() != ".csv":
        raise FlashpointError(f"--out {out}: expected a file name ending in .csv.")
    from rich.console import Console

    import flashpoint as fp

    df = forecast_table(from_year, years, runs=runs, seed=seed)
    Console().print(_table(df))
    pledges = [p.id for p in fp.load_world(from_year).pledges]
    Console(stderr=True).print(f"pledges in force in {from_year}: {', '.join(pledges) or 'none'}; "
                               f"{runs} runs, seed {seed}")
    df.to_csv(out, index=False, float_format="%.10g")
    Console(stderr=True).print(f"wrote {out}")
