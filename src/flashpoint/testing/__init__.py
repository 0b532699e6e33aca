"""Public test helpers: a small synthetic world and assertion helpers.

:func:`tiny_world` is a hand-made 10-actor world for fast tests of
mechanisms and the engine. Its figures are rounded orders of magnitude of
the 2023 values (SIPRI, World Bank, FAS), chosen for tests only: analyses
use :func:`flashpoint.load_world`, which is built from the sourced tables.
"""

from __future__ import annotations

import numpy as np

from flashpoint.world.arrays import EURO_ATLANTIC, INDO_PACIFIC, WorldArrays

__all__ = ["make_context", "tiny_world"]

_TINY = (
    # iso3, name, theatre, milex bn, gdp bn, pop m, milper k, warheads, lat, lon, ideal point
    ("USA", "United States", EURO_ATLANTIC, 880.0, 27000.0, 335.0, 1330.0, 3700, 38.9, -77.0, 2.9),
    ("CHN", "China", INDO_PACIFIC, 290.0, 17800.0, 1410.0, 2035.0, 410, 39.9, 116.4, -0.9),
    ("RUS", "Russia", EURO_ATLANTIC, 110.0, 2000.0, 144.0, 1190.0, 4490, 55.8, 37.6, -0.9),
    ("PRK", "North Korea", INDO_PACIFIC, 4.0, 20.0, 26.0, 1280.0, 50, 39.0, 125.8, -1.8),
    ("JPN", "Japan", INDO_PACIFIC, 50.0, 4200.0, 124.0, 247.0, 0, 35.7, 139.7, 1.2),
    ("KOR", "South Korea", INDO_PACIFIC, 46.0, 1700.0, 52.0, 555.0, 0, 37.6, 127.0, 1.0),
    ("TWN", "Taiwan", INDO_PACIFIC, 17.0, 760.0, 23.5, 169.0, 0, 25.0, 121.5, 1.0),
    ("DEU", "Germany", EURO_ATLANTIC, 65.0, 4450.0, 84.0, 183.0, 0, 52.5, 13.4, 1.3),
    ("LTU", "Lithuania", EURO_ATLANTIC, 2.0, 77.0, 2.9, 23.0, 0, 54.7, 25.3, 1.4),
    ("IND", "India", INDO_PACIFIC, 82.0, 3550.0, 1430.0, 1460.0, 172, 28.6, 77.2, -0.5),
)


def _haversine_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    a = np.sin(dphi / 2) ** 2 + np.cos(phi[:, None]) * np.cos(phi[None, :]) * np.sin(dlam / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def tiny_world() -> WorldArrays:
    """A 10-actor synthetic world (USA, CHN, RUS, PRK, JPN, KOR, TWN, DEU, LTU, IND)."""
    codes = tuple(r[0] for r in _TINY)
    n = len(codes)
    idx = {c: i for i, c in enumerate(codes)}

    def col(k: int) -> np.ndarray:
        return np.array([float(r[k]) for r in _TINY])

    lat, lon = col(8), col(9)
    milex, gdp = col(3), col(4)

    def sym(pairs: list[tuple[str, str]]) -> np.ndarray:
        m = np.zeros((n, n))
        for a, b in pairs:
            m[idx[a], idx[b]] = m[idx[b], idx[a]] = 1.0
        return m

    defense = sym([("USA", "JPN"), ("USA", "KOR"), ("USA", "DEU"), ("USA", "LTU"),
                   ("DEU", "LTU"), ("CHN", "PRK"), ("RUS", "PRK")])
    partnership = sym([("DEU", "JPN"), ("DEU", "KOR"), ("LTU", "JPN"), ("USA", "IND"),
                       ("RUS", "CHN"), ("USA", "TWN")])
    rivalry = sym([("USA", "CHN"), ("USA", "RUS"), ("CHN", "TWN"), ("PRK", "KOR"),
                   ("CHN", "JPN"), ("RUS", "LTU"), ("CHN", "IND"), ("USA", "PRK")])
    # Trade shares: gravity-like, proportional to partner GDP over distance.
    dist = _haversine_km(lat, lon)
    mass = gdp[None, :] / np.maximum(dist, 500.0)
    np.fill_diagonal(mass, 0.0)
    trade_share = 0.6 * mass / mass.sum(axis=1, keepdims=True)
    zero = np.zeros((n, n))
    nato = np.array([c in ("USA", "DEU", "LTU") for c in codes])
    return WorldArrays(
        year=2023,
        iso3=codes,
        names=tuple(r[1] for r in _TINY),
        theatre=np.array([r[2] for r in _TINY], dtype=np.int64),
        milex=milex,
        milex_share=milex / gdp,
        gdp=gdp,
        population=col(5),
        milper=col(6),
        cinc=(milex / milex.sum() + gdp / gdp.sum() + col(5) / col(5).sum()) / 3,
        warheads=col(7),
        lat=lat,
        lon=lon,
        distance_km=dist,
        defense=defense,
        offense=zero.copy(),
        neutrality=zero.copy(),
        nonaggression=zero.copy(),
        consultation=np.maximum(defense, partnership),
        partnership=partnership,
        rivalry=rivalry,
        trade_share=trade_share,
        ideal_point=col(10),
        membership={
            "NATO": nato,
            "EU": np.array([c in ("DEU", "LTU") for c in codes]),
            "IP4": np.array([c in ("JPN", "KOR") for c in codes]),
        },
    )


def make_context(world: WorldArrays | None = None, runs: int = 4, **kwargs: object):  # type: ignore[no-untyped-def]
    """A :class:`~flashpoint.mechanisms.Context` on ``world`` (default :func:`tiny_world`)
    with every parameter at its default and no scenario inputs, plus its initial state.

    Returns ``(state, ctx, draws)`` ready to call a mechanism's step with
    ``derived={}``; ``draws`` are fixed-seed uniforms/normals for tests.
    """
    from flashpoint.engine.context import base_context
    from flashpoint.mechanisms._protocol import Draws

    world = tiny_world() if world is None else world
    ctx = base_context(world, runs, **kwargs)  # type: ignore[arg-type]
    rng = np.random.default_rng(12345)
    f = ctx.flashpoints.f
    draws = Draws(
        onset=rng.random((runs, f)),
        escalation=rng.random((runs, f)),
        spending=rng.standard_normal((runs, world.n)),
    )
    return ctx.initial.copy(), ctx, draws
