"""The metric registry: every metric of the result declared once.

Each :class:`MetricSpec` says what a result variable means, its dimensions
besides ``(run, time)``, how the engine computes it, the unit it is shown in
and the smallest change that matters (its *materiality*, with the source or
rationale). The CLI (``run``, ``compare``, ``claims``), the report, the web
page and the claims read it, so one metric has one name, one label and one
unit everywhere. :mod:`flashpoint.engine.metrics` computes the metrics; this
module only describes them.

Values are stored in the *raw* unit of the result (a probability, a
fraction, an index). People read them in the *display* unit: ``factor``
converts (``display = raw * factor``), ``unit`` names the display unit of a
level and ``change_unit`` that of a difference (percent and percentage
points for probabilities and shares). ``materiality`` is in the raw unit;
:meth:`MetricSpec.materiality_display` gives it in ``change_unit``.

Materiality is the default half-width of the *region of practical
equivalence* (ROPE; Kruschke 2018) of a claim about the metric: a paired
scenario-minus-baseline effect inside ``[-materiality, +materiality]`` is
"no material effect". A claim may set its own band (with its own source);
the registry's value is the floor a claim inherits and the unit it must use.

References
----------
Kruschke, J. K. (2018). Rejecting or accepting parameter values in Bayesian
estimation. *Advances in Methods and Practices in Psychological Science*
1(2), 270-280. doi:10.1177/2515245918771304

Horn, M. D. (1987). *Arms Races and the International System*. PhD thesis,
University of Rochester.

Gibler, D. M., Rider, T. J. & Hutchison, M. L. (2005). Taking arms against a
sea of troubles: conventional arms races during periods of rivalry.
*Journal of Peace Research* 42(2), 131-147. doi:10.1177/0022343305050687

Friedman, J. A., Baker, J. D., Mellers, B. A., Tetlock, P. E. & Zeckhauser,
R. (2018). The value of precision in probability assessment: evidence from a
large-scale geopolitical forecasting tournament. *International Studies
Quarterly* 62(2), 410-422. doi:10.1093/isq/sqx078
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from flashpoint.errors import FlashpointError, did_you_mean

__all__ = ["ARMS_RACE_RULE", "METRICS", "PLACE_NAMES", "MetricSpec", "display_label", "fmt_change", "fmt_value", "metric"]


@dataclass(frozen=True)
class MetricSpec:
    """One metric of the result.

    Attributes
    ----------
    name
        The result variable (``flashpoint.simulate`` data variable).
    label
        Short display label, e.g. ``"War risk"``.
    unit
        Display unit of a level (after ``factor``), e.g. ``"% by the horizon"``.
    dims
        Dimensions besides ``(run, time)`` a selector must fix.
    description
        What the metric means, in words (what a higher value means).
    computed
        How the engine computes it.
    materiality
        Smallest change that matters, in the raw unit of the result.
    materiality_source
        The literature definition or the stated rationale of ``materiality``.
    factor
        Raw value times ``factor`` is the display value (100 for shares).
    change_unit
        Short display unit of a difference: ``"pp"`` (percentage points) for shares
        shown in percent, ``"points"`` for indices, ``"ratio"`` for ratios. A claim's
        band must be given in it (``threshold_unit``).
    bounds
        The raw range of the metric, if bounded (checks claims' bands).
    """

    name: str
    label: str
    unit: str
    dims: tuple[str, ...]
    description: str
    computed: str
    materiality: float
    materiality_source: str
    factor: float = 1.0
    change_unit: str = "points"
    bounds: tuple[float, float] | None = None

    @property
    def delta_unit(self) -> str:
        """The display unit of a change: ``change_unit``."""
        return self.change_unit

    @property
    def level_unit(self) -> str:
        """The short display unit of a level: ``%`` for shares shown in percent, else
        ``change_unit`` (a level and a change of an index are both in points)."""
        if self.factor == 100.0:
            return "% a year" if self.change_unit == "pp a year" else "%"
        return self.change_unit

    def materiality_display(self) -> float:
        """The materiality in the display unit of a change."""
        return self.materiality * self.factor

    def span(self) -> float:
        """Width of the raw range (``inf`` when unbounded)."""
        return math.inf if self.bounds is None else self.bounds[1] - self.bounds[0]


_PP = "pp"
_HORIZON_WAR = (
    "judgement: a change of less than half a percentage point in the probability of war over "
    "the horizon is finer than the resolution at which geopolitical probability judgements "
    "have been shown to carry information (cf. Friedman, Baker, Mellers, Tetlock & Zeckhauser "
    "2018, International Studies Quarterly 62(2), on the precision of forecasts in a large "
    "geopolitical forecasting tournament); 0.5 pp is a lenient floor"
)
_ALIGN = (
    "judgement: alignment lives on [-1, 1] (from UN General Assembly ideal points and "
    "alliances, docs/world.md); 0.02 is 1 % of that range"
)
_TENSION = (
    "judgement: tension lives on [0, 1]; 0.01 is 1 % of that range"
)
#: The arms-race coding rule (Horn 1987), as Gibler, Rider & Hutchison (2005) apply it to
#: rivals: a mutual military build-up, both rivals' military expenditure growing by at least
#: 8 % a year over a three-year span. flashpoint.classic.arms_races implements the rule on
#: the 71 races of their data; the two statements are to be kept in step.
ARMS_RACE_RULE = (
    "Horn (1987), as applied to rivals by Gibler, Rider & Hutchison (2005, Journal of Peace "
    "Research 42(2): 131-147): an arms race is a mutual military build-up in which both "
    "rivals' military expenditure grows by at least 8 % a year over a three-year span"
)
_ARMS = (
    "judgement against " + ARMS_RACE_RULE + ": 1 percentage point of extra regional "
    "spending growth over the horizon (0.1 pp a year) is two orders of magnitude below an "
    "arms race's 8 % a year, so a smaller change cannot be part of one; claims that speak of "
    "an arms race set the rule itself as their band"
)

_SPECS: tuple[MetricSpec, ...] = (
    MetricSpec(
        "arms_race_index", "Arms-race index", "% growth of regional spending since start",
        ("region",), "Total military spending of the region's actors relative to the start, "
        "minus 1: higher means faster regional arming.",
        "sum of milex over the region's actors / its value at t = 0, minus 1",
        0.01, _ARMS, factor=100.0, change_unit=_PP),
    MetricSpec(
        "milex_growth", "Military spending growth", "% since start", ("actor",),
        "An actor's military spending relative to the start, minus 1.",
        "milex(t) / milex(0) - 1 per actor",
        0.01, _ARMS.replace("regional spending", "spending"), factor=100.0, change_unit=_PP),
    MetricSpec(
        "milex", "Military spending", "constant US$ bn", ("actor",),
        "Military spending of an actor.", "state variable (mechanisms arms, economy)",
        0.0, "no band: a level, compare with milex_growth", change_unit="US$ bn"),
    MetricSpec(
        "gdp", "GDP", "constant US$ bn", ("actor",), "GDP of an actor.",
        "state variable (mechanism economy)", 0.0, "no band: a level", change_unit="US$ bn"),
    MetricSpec(
        "gdp_loss", "GDP loss", "% of GDP", ("actor",),
        "Realised loss of an actor's GDP from wars and blockades.",
        "state variable (mechanisms war_costs, economy)", 0.001,
        "judgement: 0.1 pp of GDP is the rounding unit of published growth rates", factor=100.0,
        change_unit=_PP, bounds=(0.0, 1.0)),
    MetricSpec(
        "alignment", "Alignment", "index, -1 (opposed) to +1 (allied)", ("actor", "counterpart"),
        "Political alignment of an actor with a counterpart.",
        "state variable (mechanisms alignment, threat)", 0.02, _ALIGN, bounds=(-1.0, 1.0)),
    MetricSpec(
        "tension", "Tension", "index, 0 (none) to 1 (war footing)", ("actor", "counterpart"),
        "Dyadic tension.", "state variable (mechanism security_dilemma)", 0.01, _TENSION,
        bounds=(0.0, 1.0)),
    MetricSpec(
        "intent", "Perceived hostile intent", "index, 0 to 1", ("actor", "counterpart"),
        "How hostile an actor believes a counterpart's intentions are.",
        "state variable (mechanisms security_dilemma, reassurance)", 0.01,
        "rationale: intent lives on [0, 1]; 0.01 is 1 % of the range", bounds=(0.0, 1.0)),
    MetricSpec(
        "crisis", "Crisis intensity", "index, 0 to 1", ("flashpoint",),
        "Intensity of a crisis at a flashpoint.", "state variable (mechanism deterrence)",
        0.05, "rationale: a twentieth of the [0, 1] scale", bounds=(0.0, 1.0)),
    MetricSpec(
        "war", "War", "% of runs at war", ("flashpoint",), "Whether a flashpoint is at war.",
        "state variable (mechanism deterrence)", 0.005, _HORIZON_WAR, factor=100.0,
        change_unit=_PP, bounds=(0.0, 1.0)),
    MetricSpec(
        "blockade", "Blockade", "index, 0 to 1", ("flashpoint",), "Blockade at a flashpoint.",
        "state variable (mechanism deterrence)", 0.05, "rationale: a twentieth of the scale",
        bounds=(0.0, 1.0)),
    MetricSpec(
        "cohesion_chn_rus", "China-Russia alignment", "index, -1 to +1", (),
        "Alignment of China and Russia.", "alignment[CHN, RUS]", 0.02, _ALIGN,
        bounds=(-1.0, 1.0)),
    MetricSpec(
        "cohesion_chn_prk", "China-North Korea alignment", "index, -1 to +1", (),
        "Alignment of China and North Korea.", "alignment[CHN, PRK]", 0.02, _ALIGN,
        bounds=(-1.0, 1.0)),
    MetricSpec(
        "cohesion_rus_prk", "Russia-North Korea alignment", "index, -1 to +1", (),
        "Alignment of Russia and North Korea.", "alignment[RUS, PRK]", 0.02, _ALIGN,
        bounds=(-1.0, 1.0)),
    MetricSpec(
        "axis_cohesion", "China-Russia-North Korea cohesion", "index, -1 to +1", (),
        "Mean pairwise alignment of China, Russia and North Korea: higher means a closer axis.",
        "mean of the three cohesion_* pairs", 0.02, _ALIGN, bounds=(-1.0, 1.0)),
    MetricSpec(
        "nato_cohesion", "NATO cohesion", "index, -1 to +1", (),
        "Mean pairwise alignment among NATO members.",
        "mean of alignment over NATO x NATO, diagonal excluded", 0.02, _ALIGN,
        bounds=(-1.0, 1.0)),
    MetricSpec(
        "hedger_tilt", "Hedger's tilt", "index, -1 (China) to +1 (West)", ("actor",),
        "(alignment with the USA - alignment with China) / 2 for a hedging state.",
        "(a[i, USA] - a[i, CHN]) / 2, NaN for non-hedgers", 0.02, _ALIGN, bounds=(-1.0, 1.0)),
    MetricSpec(
        "hedger_alignment", "Hedging states' tilt", "index, -1 (China) to +1 (West)", (),
        "Mean tilt of India, Indonesia, the Philippines, Malaysia, Singapore and Vietnam: "
        "above 0 they lean to the West.", "mean of hedger_tilt over the hedgers", 0.02, _ALIGN,
        bounds=(-1.0, 1.0)),
    MetricSpec(
        "credibility", "Deterrence credibility", "index, 0 to 1", ("flashpoint",),
        "How believable the defenders' commitment at a flashpoint is: higher deters more.",
        "mechanism credibility: commitment x capability x resolve of the defenders", 0.05,
        "documented scale [0, 1] (mechanism credibility: the probability that the defenders "
        "intervene effectively, after Huth 1988): a change of 0.05, "
        "a twentieth of the scale, is the smallest taken to alter a challenger's calculus; "
        "the catalogue's 'not much deterrence' claims use the same 0.05", bounds=(0.0, 1.0)),
    MetricSpec(
        "crisis_hazard", "Crisis hazard", "% a year", ("flashpoint",),
        "Annual probability that a crisis breaks out at a flashpoint.",
        "mechanism deterrence: onset hazard from tension, provocation and credibility",
        0.001, "judgement: 0.1 pp a year accumulates to about 1 pp of crisis probability over "
        "a decade, twice the war-risk band (crises are far more frequent than wars: 2,174 "
        "militarised disputes 1816-2010 in Gibler, Miller & Little 2016); it is about a sixth "
        "of the default world's crisis hazard at the Taiwan Strait (about 0.65 % a year)",
        factor=100.0, change_unit="pp a year", bounds=(0.0, 1.0)),
    MetricSpec(
        "war_hazard", "War hazard", "% a year", ("flashpoint",),
        "Annual probability of war at a flashpoint given the state.",
        "mechanism deterrence: escalation of crises to war", 0.0005,
        "the war-risk band spread over a ten-year horizon: 0.05 pp a year is about 0.5 pp "
        "over the horizon (" + _HORIZON_WAR + ")", factor=100.0, change_unit="pp a year",
        bounds=(0.0, 1.0)),
    MetricSpec(
        "war_risk", "War risk", "% probability of war by then", ("flashpoint",),
        "Cumulative probability of war at a flashpoint by time t.",
        "1 - prod(1 - war_hazard * dt) over the steps (kept by the engine)", 0.005,
        _HORIZON_WAR, factor=100.0, change_unit=_PP, bounds=(0.0, 1.0)),
    MetricSpec(
        "tension_china_west", "China-West tension", "index, 0 (none) to 1 (war footing)", (),
        "Mean tension between China and NATO + IP4.",
        "mean of tension[CHN, NATO + IP4]", 0.01, _TENSION, bounds=(0.0, 1.0)),
    MetricSpec(
        "tension_indo_pacific", "Indo-Pacific tension", "index, 0 (none) to 1 (war footing)", (),
        "Mean tension among the Indo-Pacific actors.",
        "mean of tension over Indo-Pacific x Indo-Pacific, diagonal excluded", 0.01, _TENSION,
        bounds=(0.0, 1.0)),
    MetricSpec(
        "european_security", "European security ratio",
        "ratio: European NATO forces + US forces in Europe, per unit of Russian spending", (),
        "Conventional resources for Europe's defence relative to Russia's military spending: "
        "higher means Europe is better defended.",
        "(forces of European NATO in Europe + US forces in Europe) / milex[RUS]", 0.06,
        "judgement: the ratio starts near 5.8 in the default 2024 world; 0.06 is 1 % of it, "
        "half a year of European spending growing 2 % a year in real terms", change_unit="ratio"),
    MetricSpec(
        "us_asia_share", "US forces in the Indo-Pacific", "% of US forces", (),
        "Share of US forces committed to the Indo-Pacific.",
        "state variable (mechanism burden_shifting)", 0.01,
        "judgement: 1 percentage point of US forces (some 13,000 of about 1.3 million "
        "active-duty personnel) is the smallest shift a force posture review would report", factor=100.0, change_unit=_PP, bounds=(0.0, 1.0)),
    MetricSpec(
        "gdp_loss_world", "World GDP loss (realised)", "% of world GDP", (),
        "GDP-weighted realised loss of world GDP from wars and blockades.",
        "sum(gdp_loss x initial GDP) / sum(initial GDP)", 0.001,
        "judgement: a GDP share in pp; 0.1 pp of world GDP is the rounding unit of "
        "published world growth rates", factor=100.0, change_unit=_PP, bounds=(0.0, 1.0)),
    MetricSpec(
        "gdp_loss_expected", "Expected world GDP loss", "% of world GDP", (),
        "Expected loss of world GDP from wars: war risk times the world GDP cost of each war.",
        "sum over flashpoints of war_risk x world war cost", 0.001,
        "rationale: 0.1 pp of world GDP, as for gdp_loss_world", factor=100.0,
        change_unit=_PP, bounds=(0.0, 1.0)),
    MetricSpec(
        "warheads", "Nuclear warheads", "warheads", ("actor",),
        "An actor's nuclear warhead stockpile (North Korea's grows; the others are held).",
        "state variable (mechanism nuclear; FAS estimates at t = 0)", 1.0,
        "rationale: one warhead, the unit of the stock (FAS estimates are given in units)",
        change_unit="warheads", bounds=(0.0, math.inf)),
    MetricSpec(
        "axis_support", "Axis support to Russia", "constant US$ bn a year", (),
        "Military-spending equivalent of North Korean munitions and Chinese dual-use goods "
        "received by Russia.", "mechanism axis_support", 0.2,
        "judgement: about 5 % of the low end of the sourced range of total support in the "
        "default world (US$ 0.6 bn of munitions + 3.6 bn of dual-use goods a year, "
        "mechanisms/axis_support.py)", change_unit="US$ bn a year", bounds=(0.0, math.inf)),
    MetricSpec(
        "frustration", "Network frustration", "index, 0 (balanced) to 1", (),
        "Weighted share of unbalanced triads of the alignment network (structural balance).",
        "(tr|A|^3 - tr A^3) / (2 tr|A|^3)", 0.01, "rationale: 1 % of the [0, 1] scale",
        bounds=(0.0, 1.0)),
)

#: Metric name -> :class:`MetricSpec`, read-only.
METRICS: Mapping[str, MetricSpec] = MappingProxyType({m.name: m for m in _SPECS})


#: Display names of the labels a selector fixes (flashpoints, regions).
PLACE_NAMES: Mapping[str, str] = MappingProxyType({
    "taiwan_strait": "Taiwan Strait", "korean_peninsula": "Korean Peninsula",
    "south_china_sea": "South China Sea", "east_china_sea": "East China Sea",
    "baltic": "Baltic", "ukraine": "Russia-Ukraine", "euro_atlantic": "Euro-Atlantic", "indo_pacific": "Indo-Pacific",
})


def display_label(name: str, labels: tuple[str, ...] = ()) -> str:
    """The metric's label with the selected places, e.g. ``"War risk, Taiwan Strait"``."""
    spec = metric(name)
    if not labels:
        return spec.label
    return f"{spec.label}, {' + '.join(PLACE_NAMES.get(x, x) for x in labels)}"


def metric(name: str) -> MetricSpec:
    """The :class:`MetricSpec` called ``name``; unknown names suggest the closest.

    Raises
    ------
    FlashpointError
        If no metric has that name.
    """
    try:
        return METRICS[name]
    except KeyError:
        raise FlashpointError(
            f"unknown metric {name!r}.{did_you_mean(name, METRICS)}"
        ) from None


_MAX_DECIMALS = 4


def plain_number(x: float, digits: int) -> str:
    """A number in plain decimals (never scientific notation) with ``digits`` significant."""
    if not math.isfinite(x):
        return "–" if math.isnan(x) else ("+∞" if x > 0 else "−∞")
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    decimals = min(max(0, digits - 1 - mag), _MAX_DECIMALS)
    if round(abs(x), _MAX_DECIMALS) == 0:  # below the last shown decimal: say so instead
        tiny = "0." + "0" * (_MAX_DECIMALS - 1) + "1"
        return f"<{tiny}" if x > 0 else f"−<{tiny}"
    s = f"{x:.{decimals}f}"
    return s.replace("-", "−")


def fmt_value(spec: MetricSpec, raw: float, digits: int = 3) -> str:
    """A level in the display unit, plain decimals, without the unit."""
    return plain_number(raw * spec.factor, digits)


def fmt_change(spec: MetricSpec, raw: float, digits: int = 2, unit: bool = False) -> str:
    """A difference in the display unit with its sign (``+1.3``), optionally with the unit."""
    text = plain_number(raw * spec.factor, digits)
    if text not in ("0", "–") and not text.startswith(("−", "+")):
        text = "+" + text
    return f"{text} {spec.delta_unit}" if unit else text
