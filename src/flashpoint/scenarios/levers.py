"""The lever library: the policy options and shocks of the articles, as model interventions.

A *lever* is a named intervention in the articles' vocabulary (a NATO liaison
office in Tokyo, a formal NATO+IP4 partnership, Europe shouldering its own
conventional defence ...). Each lever declares, as data:

* what it is (``title``, ``description``) and the seed passage it comes from
  (``seed``, ``quote``: an exact quote from the source article (the seed file it names));
* what it changes in the model (``changes``): which
  :mod:`flashpoint.engine.plan` primitives, between which actors;
* its *headline effect*: an uncertain magnitude ``effect = (low, high)``,
  sampled per run by the engine, with its ``unit`` and the ``source`` of the
  range (a publication, or ``"rationale: ..."`` when it is a judgement);
* hard ``bounds`` for that magnitude: a scenario may move the range anywhere
  inside the bounds (outside the sourced ``effect`` range it gets a
  :class:`~flashpoint.errors.FlashpointWarning`), never outside them.

Secondary magnitudes of a lever (for example a partnership's visibility) are
fixed ranges stated in ``changes`` with their rationale; the headline effect
is the one a scenario can override.

What levers deliberately do *not* encode
----------------------------------------
A policy lever sets only what a policy sets: commitments, presence,
institutional ties (their visibility and the capability they add), trade,
spending floors and signals. It never writes perceived intent, tension or
alignment, nor any other state a claim is about: how China, Russia or North
Korea read a move (a threat under the spiral model, a deterrent under the
deterrence model, evidence weighed by its cost under Kydd's signalling
model) comes from :mod:`flashpoint.mechanisms.signal_reading`, with the
theory drawn per run. The options differ by what they change: an office is
visibility without commitment, a partnership consultation (a partial
commitment) and interoperability, membership an Article 5 commitment
(limited by Article 6's treaty area in the credibility mechanism),
deployments presence and visibility, technical cooperation capability
without visibility. Shocks (crises, coercion, escalation) may still move
relations directly: they are events, not policies.

Actor tokens
------------
Primitives built here name actors by *tokens*: ISO3 codes (``"JPN"``),
institutions (``"NATO"``, ``"EU"``, ``"IP4"``) or analysts' groups of
:data:`flashpoint.world.groups.GROUPS` (``"axis"``, ``"europe_nato"``).
:func:`flashpoint.scenarios.compile_scenario` resolves them against a world.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from flashpoint.engine.plan import (
    Commitment,
    Presence,
    Range,
    RelationShock,
    Shock,
    Signal,
    SpendingFloor,
    Tie,
    TradeChange,
)

__all__ = ["LEVERS", "Lever", "Primitive", "lever_names"]

Primitive = (Commitment | Presence | TradeChange | Signal | SpendingFloor | Shock | RelationShock
             | Tie)
"""Any engine-level primitive a lever may produce."""

Builder = Callable[[Range, float], tuple[Primitive, ...]]

# Who the axis reads as hostile when NATO and the IP4 formalise ties.
_WEST_IN_ASIA = ("NATO", "IP4")
_AXIS = ("CHN", "RUS", "PRK")
_IP4 = ("IP4",)
_NATO = ("NATO",)
# European navies named by the sources as deploying to the Indo-Pacific
# (seed 001: "France, Germany, Italy, and the United Kingdom"; seed 002 adds
# Spain) plus the Netherlands, whose frigate sailed with the UK Carrier
# Strike Group in 2021 (UK Ministry of Defence, CSG21 announcements).
_EUROPEAN_NAVIES = ("GBR", "FRA", "DEU", "ITA", "ESP", "NLD")
_EU_FTA_PARTNERS = ("IND", "IDN", "PHL")


@dataclass(frozen=True)
class Lever:
    """A named policy option or shock and how it maps to plan primitives.

    Attributes
    ----------
    name : str
        Identifier used in scenario files (``[[lever]] lever = "..."``).
    title : str
        One-line label.
    description : str
        What the option is, in the articles' terms.
    changes : str
        What it changes in the model: primitives, actors and every secondary
        magnitude with its rationale.
    kind : {"policy", "shock"}
        A policy option or an exogenous shock.
    effect : tuple of float
        Default uncertain range of the headline magnitude (sampled per run).
    bounds : tuple of float
        Hard bounds: an override of ``effect`` must lie inside them.
    unit : str
        Unit or scale of the headline magnitude.
    source : str
        Where the ``effect`` range comes from, or ``"rationale: ..."``.
    seed, quote : str
        Seed file and exact quote of the passage that describes the option.
    default_start : float
        Years from the start when the lever takes effect, unless overridden.
    build : callable
        ``build(effect, start) -> tuple[Primitive, ...]`` with actor tokens.
    """

    name: str
    title: str
    description: str
    changes: str
    kind: Literal["policy", "shock"]
    effect: tuple[float, float]
    bounds: tuple[float, float]
    unit: str
    source: str
    seed: str
    quote: str
    build: Builder
    default_start: float = 0.0

    def __post_init__(self) -> None:
        lo, hi = self.effect
        blo, bhi = self.bounds
        if not (blo <= lo <= hi <= bhi):
            raise ValueError(
                f"lever {self.name!r}: effect {self.effect} must lie within bounds {self.bounds}."
            )
        if not self.source.strip():
            raise ValueError(f"lever {self.name!r}: a source or rationale is required.")

    def primitives(
        self, effect: tuple[float, float] | None = None, start: float | None = None
    ) -> tuple[Primitive, ...]:
        """The primitives (with unresolved actor tokens) for one use of the lever."""
        lo, hi = self.effect if effect is None else effect
        return self.build(Range(float(lo), float(hi)), self.default_start if start is None else start)


# --------------------------------------------------------------------------- builders


def _liaison_office(e: Range, t: float) -> tuple[Primitive, ...]:
    return (Tie(_NATO, ("JPN",), e, capability=Range(0.0, 0.05), start=t),)


def _ip4_partnership(e: Range, t: float) -> tuple[Primitive, ...]:
    return (
        Commitment(_NATO, _IP4, e, start=t),
        Commitment(_IP4, _NATO, e, start=t),
        Tie(_NATO, _IP4, Range(0.7, 1.0), capability=Range(0.15, 0.35), start=t),
    )


def _asian_members(e: Range, t: float) -> tuple[Primitive, ...]:
    return (
        Commitment(_NATO, _IP4, e, start=t),
        Commitment(_IP4, _NATO, e, start=t),
        Tie(_NATO, _IP4, Range.fixed(1.0), capability=Range(0.4, 0.7), start=t),
    )


def _naval_deployments(e: Range, t: float) -> tuple[Primitive, ...]:
    return (
        Presence(
            _EUROPEAN_NAVIES,
            "indo_pacific",
            Range(0.01, 0.03),
            flashpoints=("south_china_sea", "taiwan_strait"),
            visibility=e,
            start=t,
        ),
    )


def _technical_cooperation(e: Range, t: float) -> tuple[Primitive, ...]:
    return (
        Tie(_NATO, _IP4, Range(0.0, 0.15), capability=e, start=t),
        Commitment(_NATO, _IP4, Range(0.02, 0.08), start=t),
        Commitment(_IP4, _NATO, Range(0.02, 0.08), start=t),
    )


def _europe_shoulders(e: Range, t: float) -> tuple[Primitive, ...]:
    return (SpendingFloor(("europe_nato",), e, start=t, ramp=5.0),)


def _eu_economic_track(e: Range, t: float) -> tuple[Primitive, ...]:
    return (
        TradeChange(("EU",), _EU_FTA_PARTNERS, e, start=t),
        Tie(("EU",), _EU_FTA_PARTNERS, Range(0.2, 0.4), start=t),
    )


def _reassurance(e: Range, t: float) -> tuple[Primitive, ...]:
    return (Signal(_NATO, ("CHN",), e, start=t),)


def _korea_arms_ukraine(e: Range, t: float) -> tuple[Primitive, ...]:
    return (
        Tie(("KOR",), ("UKR",), Range(0.6, 0.9), capability=e, start=t),
        Tie(("KOR",), _NATO, Range(0.3, 0.5), start=t),
    )


def _us_retrenchment(e: Range, t: float) -> tuple[Primitive, ...]:
    return (Shock("retrenchment", at=t, magnitude=e),)


def _chinese_coercion(e: Range, t: float) -> tuple[Primitive, ...]:
    return (
        TradeChange(("CHN",), ("LTU",), e, start=t),
        RelationShock("tension", ("CHN",), ("LTU",), Range(0.10, 0.20), at=t),
    )


def _russian_escalation(e: Range, t: float) -> tuple[Primitive, ...]:
    return (
        RelationShock("tension", ("RUS",), _NATO, e, at=t),
        Shock("crisis", at=t, magnitude=Range(0.3, 0.6), flashpoint="baltic"),
    )


def _taiwan_crisis(e: Range, t: float) -> tuple[Primitive, ...]:
    return (Shock("crisis", at=t, magnitude=e, flashpoint="taiwan_strait"),)


def _taiwan_blockade(e: Range, t: float) -> tuple[Primitive, ...]:
    return (
        Shock("crisis", at=t, magnitude=Range(0.7, 1.0), flashpoint="taiwan_strait"),
        Shock("blockade", at=t, magnitude=e, flashpoint="taiwan_strait", duration=1.0),
    )


def _taiwan_invasion(e: Range, t: float) -> tuple[Primitive, ...]:
    return (
        Shock("crisis", at=t, magnitude=Range.fixed(1.0), flashpoint="taiwan_strait"),
        Shock("war", at=t, magnitude=e, flashpoint="taiwan_strait"),
    )


def _korean_contingency(e: Range, t: float) -> tuple[Primitive, ...]:
    return (Shock("crisis", at=t, magnitude=e, flashpoint="korean_peninsula"),)


# --------------------------------------------------------------------------- library

_BUILDERS: dict[str, Builder] = {
    "nato_tokyo_liaison_office": _liaison_office,
    "nato_ip4_partnership": _ip4_partnership,
    "asian_members": _asian_members,
    "european_naval_deployments": _naval_deployments,
    "technical_cooperation": _technical_cooperation,
    "europe_shoulders_defence": _europe_shoulders,
    "eu_economic_track": _eu_economic_track,
    "reassurance_diplomacy": _reassurance,
    "south_korea_arms_ukraine": _korea_arms_ukraine,
    "us_retrenchment": _us_retrenchment,
    "chinese_coercion": _chinese_coercion,
    "russian_escalation": _russian_escalation,
    "taiwan_crisis": _taiwan_crisis,
    "taiwan_blockade": _taiwan_blockade,
    "taiwan_invasion": _taiwan_invasion,
    "korean_contingency": _korean_contingency,
}

_S000 = "000_e88f8b8d614da2d5.txt"
_S001 = "001_e818867fe11d8965.txt"
_S002 = "002_a7178c740b635dab.txt"
_S003 = "003_f849cc1ff9dd614b.txt"
_S004 = "004_b98a0458632f5616.txt"

_LEVER_LIST: tuple[Lever, ...] = (
    Lever(
        name="nato_tokyo_liaison_office",
        build=_BUILDERS["nato_tokyo_liaison_office"],
        title="NATO liaison office in Tokyo",
        description=(
            "NATO opens its first liaison office in Asia, in Tokyo: a political signal "
            "of closer NATO-Japan ties with no new defence obligation."
        ),
        changes=(
            "Tie NATO <-> JPN of visibility given by the headline effect and capability "
            "0-0.05 (rationale: liaison and information exchange, no forces or integration). "
            "No Commitment: an office carries no defence obligation. How Beijing reads the "
            "visible tie (hostile under the spiral reading, no information under signalling, "
            "nothing to deter with under deterrence) is left to the signal_reading mechanism."
        ),
        kind="policy",
        effect=(0.4, 0.8),
        bounds=(0.0, 1.0),
        unit="visibility of the NATO-Japan tie, [0, 1]",
        source=(
            "rationale: the first NATO office in Asia is a public political signal - shelved "
            "over 'apprehensions that they might fuel tensions' (seed 000) and 'strongly "
            "opposed' by France (seed 003) - so clearly visible; below 1 because it is an "
            "office, not a summit-level partnership or an accession."
        ),
        seed=_S000,
        quote="NATO was planning to open a liaison office in Tokyo",
    ),
    Lever(
        name="nato_ip4_partnership",
        build=_BUILDERS["nato_ip4_partnership"],
        title="Formal NATO+IP4 security partnership",
        description=(
            "NATO and Japan, South Korea, Australia and New Zealand formalise a security "
            "partnership: partial mutual commitments, not Article 5."
        ),
        changes=(
            "Commitment NATO <-> IP4 (both ways, mode max) of strength given by the headline "
            "effect (consultation and partial commitments). Tie NATO <-> IP4 of visibility "
            "0.7-1.0 (rationale: a formal, summit-level partnership is as public as a tie "
            "gets short of accession) and capability 0.15-0.35 (rationale: interoperability "
            "and joint planning, short of integrated command). No reaction is set here: "
            "whether China, Russia and North Korea read it as a threat (spiral), are deterred "
            "by it (deterrence) or update on its cost (signalling) comes from signal_reading."
        ),
        kind="policy",
        effect=(0.2, 0.5),
        bounds=(0.0, 1.0),
        unit="commitment strength, [0, 1] (1 = treaty obligation covering the target)",
        source=(
            "rationale: a partnership is not Article 5 - 'the alliance does not intervene "
            "directly to protect mere partners' (seed 001) - so the strength lies well below 1; "
            "it is above the technical-cooperation level because it is formal and public."
        ),
        seed=_S004,
        quote=(
            "a formal NATO+IP4 security partnership would almost certainly exacerbate "
            "regional security tensions"
        ),
    ),
    Lever(
        name="asian_members",
        build=_BUILDERS["asian_members"],
        title="NATO admits Asian members",
        description=(
            "NATO admits the IP4 as members with Article 5 guarantees. Article 6 limits the "
            "treaty area to Europe, North America and the North Atlantic north of the Tropic "
            "of Cancer, so it would need amending for the guarantee to cover them."
        ),
        changes=(
            "Commitment NATO <-> IP4 (both ways, mode max) of strength given by the headline "
            "effect (Article 5 guarantees; the credibility mechanism applies Article 6's treaty "
            "area to them). Tie NATO <-> IP4 of visibility 1 (accession is the most public "
            "tie there is) and capability 0.4-0.7 (rationale: integration into NATO's command "
            "structure and defence planning). No reaction is set here: it comes from "
            "signal_reading under each theory."
        ),
        kind="policy",
        effect=(0.8, 1.0),
        bounds=(0.5, 1.0),
        unit="commitment strength, [0, 1]",
        source=(
            "rationale: full membership; below 1 at the low end because Article 5 leaves each "
            "ally to take 'such action as it deems necessary' (North Atlantic Treaty, 1949, "
            "Art. 5) and the amended Article 6 would be untested."
        ),
        seed=_S001,
        quote="floated the idea of expanding the alliance to include Asian democracies",
    ),
    Lever(
        name="european_naval_deployments",
        build=_BUILDERS["european_naval_deployments"],
        title="Regular European naval deployments in the South China Sea and Taiwan Strait",
        description=(
            "European navies (UK, France, Germany, Italy, Spain, the Netherlands) patrol the "
            "South China Sea and transit the Taiwan Strait regularly, without any commitment "
            "to fight there."
        ),
        changes=(
            "Presence of GBR, FRA, DEU, ITA, ESP, NLD in the indo_pacific theatre at a level of "
            "0.01-0.03 of their forces (rationale: a carrier group or a few frigates a year "
            "out of each navy) with visibility given by the headline effect at south_china_sea "
            "and taiwan_strait. No Commitment: the ships would 'run back home' (seed 002). "
            "No Tie: deployments are presence and visibility, not an institutional tie."
        ),
        kind="policy",
        effect=(0.4, 0.8),
        bounds=(0.0, 1.0),
        unit="visibility (provocation) at the flashpoints, [0, 1]",
        source=(
            "rationale: deliberately high-profile transits near 'China's vicinity' evoking the "
            "'century of humiliation' (seed 002); below 1 because they are announced, "
            "infrequent and lawful passages rather than standing deployments."
        ),
        seed=_S002,
        quote="which would presumably \u201crun back home\u201d in the event of military crises",
    ),
    Lever(
        name="technical_cooperation",
        build=_BUILDERS["technical_cooperation"],
        title="Low-profile technical cooperation with the IP4",
        description=(
            "Discreet cooperation on cyber defence, standardisation, intelligence and maritime "
            "security with the IP4, instead of high-profile exercises and photo ops."
        ),
        changes=(
            "Tie NATO <-> IP4 of capability given by the headline effect and visibility "
            "0-0.15 (rationale: discreet by design - cyber, standardisation, intelligence - "
            "but not invisible to Beijing); Commitment NATO <-> IP4 (both ways, mode max) "
            "0.02-0.08 (rationale: interoperability raises the odds of practical help, "
            "'materials, supplies, and logistics', reader's comment, seed 000, with no "
            "obligation)."
        ),
        kind="policy",
        effect=(0.15, 0.35),
        bounds=(0.0, 0.6),
        unit="capability the cooperation adds to the IP4 side, [0, 1]",
        source=(
            "rationale: cyber defence, standardisation, intelligence sharing and maritime "
            "security (seed 001) add real capability - comparable to a formal partnership's "
            "interoperability (0.15-0.35) - without its visibility or obligation."
        ),
        seed=_S001,
        quote="emphasizing tailored, discrete, and useful technical cooperation with the IP4",
    ),
    Lever(
        name="europe_shoulders_defence",
        build=_BUILDERS["europe_shoulders_defence"],
        title="Europe shoulders conventional defence so the US can pivot",
        description=(
            "European NATO members raise defence spending and rebuild their industrial base, "
            "taking on conventional deterrence of Russia and freeing US forces for Asia."
        ),
        changes=(
            "SpendingFloor on the europe_nato group at the headline share of GDP, ramped over "
            "5 years (rationale: rebuilding 'defense industrial bases', seed 003, takes years). "
            "The burden_shifting mechanism turns the higher European capacity into US forces "
            "freed for the Indo-Pacific; the lever itself moves no US forces."
        ),
        kind="policy",
        effect=(0.025, 0.035),
        bounds=(0.01, 0.06),
        unit="military spending floor, fraction of GDP",
        source=(
            "NATO Defence Expenditure of NATO Countries (2014-2024), June 2024: the 2% "
            "guideline (Wales 2014) is the floor most allies reached in 2024 and the frontline "
            "allies spend 3-4%; rationale: 2.5-3.5% spans 'urgently boosting defense "
            "spending' (seed 003) up to the frontline allies' level."
        ),
        seed=_S003,
        quote=(
            "pushing European NATO members to shoulder the burden of conventional deterrence "
            "and defense"
        ),
    ),
    Lever(
        name="eu_economic_track",
        build=_BUILDERS["eu_economic_track"],
        title="EU-led economic and diplomatic track",
        description=(
            "The EU concludes FTAs with India, Indonesia and the Philippines, delivers Global "
            "Gateway investment in Southeast Asia and runs CRIMARIO maritime capacity building."
        ),
        changes=(
            "TradeChange EU <-> {IND, IDN, PHL} (both ways) by the headline multiplier; Tie "
            "EU <-> {IND, IDN, PHL} of visibility 0.2-0.4 and no capability (rationale: Global "
            "Gateway and CRIMARIO are public, cooperative, non-military ties). Hedgers' "
            "alignment is not set here: it answers the trade through the alignment "
            "mechanism's hedging term, and that is the claim under test."
        ),
        kind="policy",
        effect=(1.1, 1.4),
        bounds=(1.0, 2.5),
        unit="multiplier on bilateral trade shares",
        source=(
            "Baier & Bergstrand (2007), 'Do free trade agreements actually increase members' "
            "international trade?', J. Int. Econ. 71(1):72-95, doi:10.1016/j.jinteco.2006.02.005: "
            "an FTA roughly doubles members' bilateral trade after about ten years; rationale: "
            "1.1-1.4 is the partial effect within a few years of entry into force (upper bound "
            "2.5 covers the long-run estimate)."
        ),
        seed=_S001,
        quote=(
            "The European Union should start by finalizing free trade agreements with India, "
            "Indonesia, and the Philippines"
        ),
    ),
    Lever(
        name="reassurance_diplomacy",
        build=_BUILDERS["reassurance_diplomacy"],
        title="Reassurance diplomacy with China",
        description=(
            "NATO pledges not to admit Asian members and its Secretary General meets senior "
            "Chinese officials regularly to explain the alliance's activities in Asia."
        ),
        changes=(
            "Signal NATO -> CHN of yearly cost given by the headline effect, from the lever's "
            "start on. The reassurance mechanism (Kydd 2005) lowers China's hostile belief "
            "more for costlier signals."
        ),
        kind="policy",
        effect=(0.2, 0.5),
        bounds=(0.0, 1.0),
        unit="signal cost, [0, 1] (0 = cheap talk, 1 = maximally costly)",
        source=(
            "Kydd (2005), Trust and Mistrust in International Relations, Princeton UP: only "
            "costly signals separate security seekers from expansionists; rationale: a "
            "no-expansion pledge is moderately costly because it binds NATO's future options "
            "(mid-range), while dialogue alone is close to cheap talk (low end)."
        ),
        seed=_S003,
        quote="it will not expand the alliance to formally include countries in the region",
    ),
    Lever(
        name="south_korea_arms_ukraine",
        build=_BUILDERS["south_korea_arms_ukraine"],
        title="South Korea supplies weapons to Ukraine directly",
        description=(
            "Seoul moves from indirect supply (restocking US and European stocks) to direct "
            "arms deliveries to Ukraine."
        ),
        changes=(
            "Tie KOR <-> UKR of capability given by the headline effect and visibility "
            "0.6-0.9 (rationale: direct deliveries are announced and tracked, unlike the "
            "indirect restocking of US and European stocks); Tie KOR <-> NATO of visibility "
            "0.3-0.5 and no capability (rationale: seed 002 reads direct supply as 'Seoul "
            "aligning more closely with the U.S. and NATO', through NATO's coordination of "
            "aid to Ukraine). Russia's reaction and closer "
            "RUS-PRK or CHN-PRK ties are not set here: Moscow's reading comes from "
            "signal_reading, and the seed-002 claim is what the model must test."
        ),
        kind="policy",
        effect=(0.1, 0.3),
        bounds=(0.0, 0.6),
        unit="capability the deliveries add to Ukraine's side, [0, 1]",
        source=(
            "rationale: South Korea is among the few producers able to supply artillery "
            "ammunition and armour at scale (it supplied Poland from 2022); direct supply "
            "would add a noticeable but not decisive share of Ukraine's needs. Moscow warned "
            "that it would be 'a very big mistake' (Putin, Hanoi, 20 June 2024)."
        ),
        seed=_S002,
        quote="by directly supplying weapons to Ukraine",
    ),
    Lever(
        name="us_retrenchment",
        build=_BUILDERS["us_retrenchment"],
        title="US retrenchment from NATO",
        description=(
            "The United States withdraws a share of its forces from Europe (a change of "
            "administration, or a shift of attention to Asia)."
        ),
        changes=(
            "Shock retrenchment at the lever's start (default year 1): a share of US forces in "
            "Europe given by the headline effect is withdrawn."
        ),
        kind="shock",
        effect=(0.25, 0.75),
        bounds=(0.0, 1.0),
        unit="share of US forces in Europe withdrawn, [0, 1]",
        source=(
            "rationale: from a partial drawdown to withdrawing most forces short of leaving the "
            "alliance; the sources expect US involvement in Europe to fall 'whether under "
            "President Biden, Trump, or any future U.S. leader' (seed 002)."
        ),
        seed=_S004,
        quote="who has indicated he would reconsider U.S. involvement in NATO",
        default_start=1.0,
    ),
    Lever(
        name="chinese_coercion",
        build=_BUILDERS["chinese_coercion"],
        title="Chinese economic coercion of a NATO member (Lithuania)",
        description=(
            "China cuts trade with Lithuania, as after Vilnius let Taiwan open a representative "
            "office in 2021."
        ),
        changes=(
            "TradeChange CHN <-> LTU by the headline multiplier; RelationShock tension "
            "CHN <-> LTU +0.10-0.20 (rationale: an open diplomatic downgrade accompanied the "
            "2021 measures)."
        ),
        kind="shock",
        effect=(0.1, 0.5),
        bounds=(0.0, 1.0),
        unit="multiplier on bilateral trade shares (0 = embargo)",
        source=(
            "rationale: Lithuanian exports to China fell by most of their value in the year "
            "after the 2021 dispute (Statistics Lithuania); 0.1-0.5 spans a near-embargo to "
            "halving, since re-routing and exempted goods kept some trade going."
        ),
        seed=_S003,
        quote="Lithuania has been the target of severe Chinese economic coercion",
        default_start=1.0,
    ),
    Lever(
        name="russian_escalation",
        build=_BUILDERS["russian_escalation"],
        title="Russian escalation in Europe",
        description="Russia escalates against NATO, with a crisis on the Baltic flank.",
        changes=(
            "RelationShock tension RUS <-> NATO by the headline effect; Shock crisis at baltic "
            "of intensity 0.3-0.6 (rationale: a serious crisis short of open attack)."
        ),
        kind="shock",
        effect=(0.1, 0.3),
        bounds=(0.0, 1.0),
        unit="change of dyadic tension, [0, 1] scale",
        source=(
            "rationale: a marked rise on top of the wartime tension already in the 2024 world; "
            "the upper bound leaves room for a direct NATO-Russia confrontation."
        ),
        seed=_S003,
        quote="deterring Russia from attacking alliance members",
        default_start=1.0,
    ),
    Lever(
        name="taiwan_crisis",
        build=_BUILDERS["taiwan_crisis"],
        title="Taiwan Strait crisis",
        description="A military crisis in the Taiwan Strait short of blockade or war.",
        changes="Shock crisis at taiwan_strait with the headline intensity.",
        kind="shock",
        effect=(0.5, 0.9),
        bounds=(0.0, 1.0),
        unit="crisis intensity, [0, 1]",
        source=(
            "rationale: a crisis on the scale of 1995-96 or of the August 2022 exercises "
            "(serious, short of blockade) sits in the upper half of the scale."
        ),
        seed=_S003,
        quote="Concerns that China will use force against Taiwan",
        default_start=1.0,
    ),
    Lever(
        name="taiwan_blockade",
        build=_BUILDERS["taiwan_blockade"],
        title="Chinese blockade of Taiwan",
        description="China blockades Taiwan for about a year, in a full-scale crisis.",
        changes=(
            "Shock crisis at taiwan_strait of intensity 0.7-1.0 and Shock blockade at "
            "taiwan_strait with the headline magnitude, lasting 1 year (rationale: a blockade "
            "long enough to bite on trade, short of the sources' war case)."
        ),
        kind="shock",
        effect=(0.6, 1.0),
        bounds=(0.0, 1.0),
        unit="blockade tightness, [0, 1] (1 = complete)",
        source=(
            "rationale: a quarantine lets some traffic through (low end); a full blockade "
            "stops it (1). The sources discuss 'a Taiwan Strait or South China Sea "
            "contingency' (seed 001) and its trade cost (seed 003)."
        ),
        seed=_S001,
        quote="in a Taiwan Strait or South China Sea contingency",
        default_start=1.0,
    ),
    Lever(
        name="taiwan_invasion",
        build=_BUILDERS["taiwan_invasion"],
        title="Chinese invasion of Taiwan",
        description="China invades Taiwan: war at the Taiwan Strait flashpoint.",
        changes=(
            "Shock crisis at taiwan_strait of intensity 1 and Shock war at taiwan_strait (the "
            "event, no magnitude). Its world GDP cost (the sources cite 'up to $10 trillion', "
            "seed 003) is a parameter of the interdependence mechanism, not of the lever."
        ),
        kind="shock",
        effect=(1.0, 1.0),
        bounds=(1.0, 1.0),
        unit="war, the event itself (no magnitude: a war is fought or not, State.war is 0 or 1)",
        source=(
            "rationale: the shock is the event itself, a full-scale invasion; the engine has no "
            "limited war, so the lever offers no magnitude it would ignore."
        ),
        seed=_S001,
        quote="a Chinese invasion of Taiwan, for instance",
        default_start=1.0,
    ),
    Lever(
        name="korean_contingency",
        build=_BUILDERS["korean_contingency"],
        title="Korean Peninsula contingency",
        description="A military crisis on the Korean Peninsula started by North Korea.",
        changes="Shock crisis at korean_peninsula with the headline intensity.",
        kind="shock",
        effect=(0.6, 1.0),
        bounds=(0.0, 1.0),
        unit="crisis intensity, [0, 1]",
        source=(
            "rationale: a 'contingency' (seed 002) is a serious crisis - upper half of the "
            "scale, up to the brink of war."
        ),
        seed=_S002,
        quote="in the event of contingency breaking out on the Korean peninsula",
        default_start=1.0,
    ),
)

LEVERS: dict[str, Lever] = {lever.name: lever for lever in _LEVER_LIST}
"""Every lever by name, in the order of the articles' options and then the shocks."""


def lever_names() -> tuple[str, ...]:
    """Names of every lever in the library."""
    return tuple(LEVERS)
