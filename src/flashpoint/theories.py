"""Rival theories as sampled factors: the theory packages and their prior weights.

The five source articles disagree, at bottom, about which theory of
international politics holds: the sceptics argue the spiral model (NATO's
moves in Asia will be read as threats and answered), the proponents the
deterrence model (credible commitments deter); Jervis (1976, ch. 3) frames
the choice. flashpoint does not pick one. Every mechanism that has rival
formulations (its ``variants``) is a *theory factor*: each run of an
ensemble draws one variant per factor with the factor's declared prior
weight, in the same space-filling design as the numeric parameters, and the
result records the draw per run (coordinates ``theory__<mechanism>``) and
the weights (``attrs["theory_weights"]``, JSON ``{mechanism: {variant: w}}``).
Verdicts can then be given per theory and pooled.

How a factor enters the design
------------------------------
Each factor is a parameter ``theory.<mechanism>`` on the unit interval,
appended to the Latin hypercube of the model parameters (so it appears in
the sensitivity analyses, scenario discovery and the ABC calibration with
no special case). A run's variant is the inverse CDF of the weights at its
unit value: with variants ``v_1..v_K`` and weights ``w_1..w_K`` (sum 1),
``u`` in ``[W_{k-1}, W_k)`` gives ``v_k`` (``W_k = w_1 + ... + w_k``). The
Latin hypercube stratifies ``u``, so each variant's share of runs matches
its weight to within one run per stratum. Changing the weights changes only
the mapping, not the draws (common random numbers across weightings).

A scenario can fix a factor (``[mechanisms] variants = {m = "v"}``) or
reweight it (``[mechanisms.weights] m = {v = w, ...}``).

Theory packages
---------------
The factor of the security dilemma also governs :mod:`signal reading
<flashpoint.mechanisms.signal_reading>`: both are readings of the same
theory of how states interpret each other's moves (spiral, deterrence,
Bayesian signalling), so a run is one world or the other for both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.errors import ParameterError, did_you_mean
from flashpoint.params import Parameter

__all__ = [
    "FACTOR_OF",
    "THEORIES",
    "Theory",
    "assign",
    "check_weights",
    "factor_of",
    "parameters",
    "weights_json",
]

#: Mechanisms whose variant follows another mechanism's factor (one theory, two mechanisms).
FACTOR_OF: dict[str, str] = {"signal_reading": "security_dilemma"}

#: Tolerance on the sum of the weights.
_SUM_TOL = 1e-9


def _check_weights(mechanism: str, weights: Mapping[str, float], variants: tuple[str, ...],
                  where: str) -> dict[str, float]:
    """Validated weights (every variant present, non-negative, summing to one)."""
    field = f"{where}: weights of {mechanism!r}"
    for v in weights:
        if v not in variants:
            raise ParameterError(f"{field}: unknown theory {v!r}; expected one of "
                                 f"{', '.join(variants)}.{did_you_mean(v, variants)}")
    out = {v: float(weights.get(v, 0.0)) for v in variants}
    bad = {v: w for v, w in out.items() if not np.isfinite(w) or w < 0}
    if bad:
        raise ParameterError(f"{field}: weights must be non-negative. Got {bad} instead.")
    total = sum(out.values())
    if abs(total - 1.0) > _SUM_TOL:
        raise ParameterError(f"{field}: weights must sum to 1. Got {total:g} instead.")
    return out


@dataclass(frozen=True)
class Theory:
    """One theory factor: a mechanism's rival variants with prior weights.

    mechanism : the mechanism whose variant is drawn (and the coordinate name).
    variants : its variants, in the mechanism's order.
    weights : prior weight of each variant (non-negative, sum 1).
    literature : where each variant comes from.
    rationale : why these weights.
    """

    mechanism: str
    variants: tuple[str, ...]
    weights: tuple[float, ...]
    literature: tuple[str, ...]
    rationale: str

    def __post_init__(self) -> None:
        _check_weights(self.mechanism, dict(zip(self.variants, self.weights, strict=True)),
                       self.variants, where="theories.py")

    @property
    def parameter(self) -> Parameter:
        """The unit-interval design factor ``theory.<mechanism>``."""
        return Parameter(
            name=f"theory.{self.mechanism}",
            meaning=(f"unit draw selecting the {self.mechanism} theory by its weights "
                     f"({', '.join(f'{v} {w:.2g}' for v, w in zip(self.variants, self.weights, strict=True))})"),
            unit="unit interval (inverse CDF of the theory weights)",
            default=0.0,
            low=0.0,
            high=1.0,
            source=self.rationale,
        )


THEORIES: dict[str, Theory] = {t.mechanism: t for t in (
    Theory(
        mechanism="security_dilemma",
        variants=("spiral", "deterrence", "signalling"),
        weights=(1 / 3, 1 / 3, 1 / 3),
        literature=(
            "spiral: Jervis 1976, Perception and Misperception, ch. 3; Jervis 1978, World "
            "Politics 30(2):167-214; Glaser 1997, World Politics 50(1):171-201",
            "deterrence: Jervis 1976, ch. 3 (the deterrence model); Schelling 1966, Arms and "
            "Influence; Huth 1988, Extended Deterrence and the Prevention of War",
            "signalling: Kydd 2005, Trust and Mistrust in International Relations; Fearon 1997, "
            "J. Conflict Resolut. 41(1):68-90",
        ),
        rationale=(
            "rationale: Jervis (1976, ch. 3) argues neither model holds in general - which one "
            "applies depends on the adversary's unobserved type - and Kydd (2005) offers the "
            "Bayesian synthesis; no study ranks them for the Indo-Pacific, so equal weights. "
            "The spending and UN-vote history does not discriminate; seven dated reaction "
            "events weigh against the deterrence reading of perceived hostility but not of "
            "behaviour (docs/validation.md), so the equal weights stay the default."
        ),
    ),
    Theory(
        mechanism="alignment",
        variants=("balancing", "bandwagoning"),
        weights=(0.8, 0.2),
        literature=(
            "balancing: Walt 1987, The Origins of Alliances; Waltz 1979",
            "bandwagoning: Schweller 1994, International Security 19(1):72-107",
        ),
        rationale=(
            "Walt (1987) finds balancing far more common than bandwagoning among the "
            "alliances he studies; Schweller (1994) argues bandwagoning is underrated; "
            "rationale: 0.8 / 0.2."
        ),
    ),
    Theory(
        mechanism="arms",
        variants=("relative", "absolute"),
        weights=(0.5, 0.5),
        literature=(
            "relative: Intriligator 1975 (log-deviation reaction); Glaser 2000, World Politics "
            "52(2):251-276",
            "absolute: Richardson 1960, Arms and Insecurity",
        ),
        rationale=(
            "rationale: the empirical arms-race literature fits both forms on different dyads "
            "and does not rank them (Dunne & Smith 2007, Handbook of Defense Economics vol. 2); "
            "equal weights."
        ),
    ),
    Theory(
        mechanism="credibility",
        variants=("consensus", "independent"),
        weights=(0.5, 0.5),
        literature=(
            "consensus: North Atlantic Treaty (1949) and NATO's consensus rule in the North "
            "Atlantic Council",
            "independent: North Atlantic Treaty Art. 5, 'such action as it deems necessary'; "
            "Press 2005, Calculating Credibility",
        ),
        rationale=(
            "rationale: NATO decides by consensus, but Article 5 leaves each ally to act as it "
            "deems necessary and coalitions of the willing have acted outside the consensus; "
            "equal weights."
        ),
    ),
    Theory(
        mechanism="deterrence",
        variants=("deterrence", "spiral", "bargaining"),
        weights=(1 / 3, 1 / 3, 1 / 3),
        literature=(
            "deterrence: Huth & Russett 1984, World Politics 36(4):496-526; Huth 1988",
            "spiral: Jervis 1976, ch. 3",
            "bargaining: Fearon 1995, International Organization 49(3):379-414 (the "
            "risk-return tradeoff under private information; mechanisms/bargaining.py)",
        ),
        rationale=(
            "rationale: whether credible commitments lower or raise crisis onset is the question "
            "the articles dispute (seeds 002 and 004 against the proponents they quote), and "
            "crisis bargaining under private information is the rival formalisation of both; "
            "equal weights."
        ),
    ),
)}


def factor_of(mechanism: str) -> str:
    """The theory factor that decides ``mechanism``'s variant (itself unless aliased)."""
    return FACTOR_OF.get(mechanism, mechanism)


def parameters() -> tuple[Parameter, ...]:
    """The design factors ``theory.<mechanism>`` of every theory, in registry order."""
    from flashpoint.mechanisms import REGISTRY

    return tuple(t.parameter for t in THEORIES.values() if t.mechanism in REGISTRY)


def effective_weights(fixed: Mapping[str, str] | None = None,
                      weights: Mapping[str, Mapping[str, float]] | None = None,
                      where: str = "scenario") -> dict[str, dict[str, float]]:
    """``{mechanism: {variant: weight}}`` of every registered theory factor.

    ``fixed`` (a scenario's ``[mechanisms] variants``) gives a variant weight 1;
    ``weights`` (``[mechanisms.weights]``) replaces the prior weights.
    """
    from flashpoint.mechanisms import REGISTRY

    fixed = dict(fixed or {})
    weights = dict(weights or {})
    for name in weights:
        if factor_of(name) not in THEORIES:
            raise ParameterError(f"{where}: mechanisms.weights: {name!r} is not a sampled theory; "
                                 f"expected one of {', '.join(THEORIES)}."
                                 f"{did_you_mean(name, THEORIES)}")
    out: dict[str, dict[str, float]] = {}
    for t in THEORIES.values():
        if t.mechanism not in REGISTRY:
            continue
        names = [n for n in (t.mechanism, *(a for a, f in FACTOR_OF.items() if f == t.mechanism))]
        chosen = [fixed[n] for n in names if n in fixed]
        given = [weights[n] for n in names if n in weights]
        if len(set(chosen)) > 1:
            raise ParameterError(f"{where}: mechanisms.variants: {' and '.join(names)} follow one "
                                 f"theory; fix them alike. Got {chosen} instead.")
        if chosen:
            v = chosen[0]
            if v not in t.variants:
                raise ParameterError(f"{where}: mechanisms.variants: {t.mechanism!r} has no "
                                     f"theory {v!r}; expected one of {', '.join(t.variants)}."
                                     f"{did_you_mean(v, t.variants)}")
            out[t.mechanism] = {u: float(u == v) for u in t.variants}
        elif given:
            out[t.mechanism] = _check_weights(t.mechanism, given[0], t.variants,
                                             where=f"{where}: mechanisms.weights")
        else:
            out[t.mechanism] = dict(zip(t.variants, t.weights, strict=True))
    return out


def assign(unit: FloatArray, weights: Mapping[str, float]) -> np.ndarray:
    """Variant of each run ``(R,)`` (str) from its unit draw by the inverse CDF of ``weights``."""
    names = list(weights)
    cum = np.cumsum([weights[v] for v in names])
    cum[-1] = np.inf  # rounding: every u < 1 maps to a variant
    idx = np.searchsorted(cum, np.asarray(unit, dtype=np.float64), side="right")
    # a variant of weight 0 is never drawn (searchsorted skips empty intervals)
    return np.asarray(names, dtype=object)[np.minimum(idx, len(names) - 1)]


check_weights = _check_weights


def weights_json(weights: Mapping[str, Mapping[str, float]]) -> str:
    """The ``theory_weights`` attribute: JSON ``{mechanism: {variant: weight}}``."""
    return json.dumps({m: dict(w) for m, w in weights.items()}, sort_keys=True)
