"""flashpoint as an EMA Workbench model: uncertainties, levers, outcomes and a vectorised evaluator.

Needs the ``ema`` extra (``pip install flashpoint[ema]``, which installs
``ema_workbench``). One call builds the model; the evaluator runs a whole
experiment design as one flashpoint ensemble::

    from ema_workbench import perform_experiments
    from ema_workbench.analysis import prim
    from flashpoint.ema import FlashpointEvaluator, build_model, policies

    model = build_model(["nato_ip4_partnership"], claims=["engagement_raises_china_nato_tension"])
    with FlashpointEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=200,
                                                    policies=policies(model), evaluator=evaluator)
    margin = outcomes["margin__engagement_raises_china_nato_tension"]
    box = prim.Prim(experiments[model.uncertainty_names], margin > 0, threshold=0.8).find_box()

Vocabulary. An EMA *scenario* is a point in the uncertainties (flashpoint's
parameter priors); an EMA *policy* is a flashpoint scenario (here called an
*option*, because ``scenario`` is a reserved column of EMA's experiments)
together with the magnitudes of its levers.

Uncertainties
    Every declared :class:`flashpoint.params.Parameter` with a range (the
    first option's override where it has one), named by replacing the dots
    of its name with ``__`` (``threat.range_km`` -> ``threat__range_km``,
    valid Python identifiers; ``model.parameter_names`` maps back). A
    log-uniform prior becomes a ``RealParameter`` with a
    ``scipy.stats.loguniform`` distribution, which EMA's LHS and Monte Carlo
    samplers honour; EMA's Sobol, Morris, FAST and (partial) factorial
    samplers draw every uncertainty uniformly between its bounds, so for
    them ``build_model`` raises unless ``log_priors="log"``, which declares
    the uniform uncertainty ``ln__<name>`` on the natural logarithm instead
    (the evaluator exponentiates; same prior, honoured by every sampler).
Levers
    ``option`` (a ``CategoricalParameter`` over the options, when there are
    several) and one ``RealParameter`` per uncertain lever magnitude of each
    option, named ``<lever>__<what>`` after the scenario's ``[[lever]]``
    entry and what the magnitude sets (``nato_ip4_partnership__commitment``,
    ``..._commitment_2``, ``..._intent_shock``;
    ``<option>__edit_<k>__<what>`` / ``<option>__shock_<k>__<what>`` for a
    scenario's own edits and shocks), over the range the option gives it.
    ``lever_effects="uncertainties"`` declares them as uncertainties instead.
    A magnitude a policy leaves unset (or sets for another option) is drawn
    by the engine from its range as in any flashpoint run.
Outcomes
    A ``ScalarOutcome`` per metric and label (``war_risk__taiwan_strait``,
    ``tension_china_west``), its value in the last recorded year (or the mean
    over the horizon, ``statistic="mean"``), and ``margin__<claim>`` for each
    claim in ``claims``: the claim's per-run margin (> 0 where it holds),
    computed against the claim's baseline run on the same parameter values
    and event streams (common random numbers); NaN for experiments of other
    options. Per-actor metrics are left out unless ``actor_metrics=True``.
Evaluator
    :class:`FlashpointEvaluator` groups the experiments by option and runs
    each group as ONE vectorised ensemble (``runs`` = the group's
    experiments, chunked by ``chunk_size``) with the experiments' parameter
    and lever values as explicit per-run inputs. Run ``r`` of a group is its
    ``r``-th experiment and meets event stream ``r``: the experiments of a
    group see distinct event streams, and in EMA's factorial design the
    ``r``-th EMA scenario meets the same stream under every option (common
    random numbers across policies). EMA's own evaluators still work
    (``model.run_model`` then runs one experiment) at the fixed cost of a
    whole ensemble per experiment; such an experiment meets the event stream
    numbered by its EMA scenario name (modulo 65,536), which EMA draws from a
    process-wide counter, so the streams are distinct but the numbers are not those of
    :class:`FlashpointEvaluator` (use it for reproducible numbers).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import xarray as xr

from flashpoint.errors import ParameterError

try:
    import scipy.stats

    with warnings.catch_warnings():  # EMA warns at import about optional extras (ipyparallel ...)
        warnings.simplefilter("ignore")
        from ema_workbench import CategoricalParameter, Model, Policy, RealParameter, ScalarOutcome
        from ema_workbench.em_framework.evaluators import BaseEvaluator
        from ema_workbench.em_framework.model import AbstractModel
        from ema_workbench.em_framework.points import experiment_generator
except ImportError as err:  # pragma: no cover - exercised only without the extra
    raise ImportError("flashpoint.ema needs EMA Workbench: pip install 'flashpoint[ema]' "
                      "(or pip install ema_workbench)") from err

__all__ = [
    "FlashpointEvaluator",
    "FlashpointModel",
    "build_model",
    "metric_outcomes",
    "policies",
]

Sampler = Literal["lhs", "mc", "uniform_lhs", "ff", "pff", "sobol", "morris", "fast"]
_HONOURS_DIST = {"lhs", "mc"}
_STREAMS = 2**16  # event streams of one-experiment runs (EMA's own evaluators) cycle modulo this


# --------------------------------------------------------------------------- outcomes

def metric_outcomes(result: xr.Dataset, *, statistic: str = "final",
                    actor_metrics: bool = False) -> dict[str, np.ndarray]:
    """Per-run scalar outcomes of a result: ``{name: (runs,) array}``.

    The one place that decides which metrics become EMA outcomes: every
    ``(run, time)`` metric, and per label every ``(run, time, flashpoint)`` /
    ``(run, time, region)`` one (``<metric>__<label>``; with ``actor_metrics``
    also the ``actor`` ones). When the metric registry ``flashpoint.metrics``
    exists, only its metrics are used.
    """
    try:
        from flashpoint.metrics import METRICS  # the verdicts helper's registry

        known: set[str] | None = set(METRICS)
    except ImportError:
        known = None
    dims_ok = {(), ("flashpoint",), ("region",)} | ({("actor",)} if actor_metrics else set())
    out: dict[str, np.ndarray] = {}
    for name, da in result.data_vars.items():
        key = str(name)
        if key.startswith("attribution__") or (known is not None and key not in known):
            continue
        if da.dims[:2] != ("run", "time") or tuple(da.dims[2:]) not in dims_ok:
            continue
        red = da.isel(time=-1) if statistic == "final" else da.mean("time")
        if red.ndim == 1:
            out[key] = np.asarray(red.values, dtype=np.float64)
        else:
            dim = str(red.dims[1])
            for label in red[dim].values:
                out[f"{key}__{_ident(str(label))}"] = np.asarray(red.sel({dim: label}).values,
                                                                 dtype=np.float64)
    return out


def _ident(text: str) -> str:
    s = re.sub(r"\W+", "_", text).strip("_").lower()
    return s if s and not s[0].isdigit() else f"x_{s}"


# --------------------------------------------------------------------------- levers

_KIND = {"Commitment": "commitment", "Presence": "presence", "TradeChange": "trade",
         "Signal": "signal", "SpendingFloor": "spending_floor", "Shock": "shock",
         "RelationShock": "shock"}


def _what(label: str) -> str:
    """What a lever magnitude sets, from its engine label (``Commitment(...)`` -> ``commitment``)."""
    kind = label.split("(", 1)[0]
    what = _KIND.get(kind, _ident(kind))
    if kind == "RelationShock":
        m = re.search(r"field='(\w+)'", label)
        what = f"{m.group(1)}_shock" if m else what
    elif kind == "Shock":
        m = re.search(r"kind='(\w+)'", label)
        what = m.group(1) if m else what
    if label.endswith("#visibility"):
        what += "_visibility"
    return what


@dataclass(frozen=True)
class _Option:
    """One flashpoint scenario as an EMA policy choice: its plan and its named lever magnitudes."""

    name: str
    plan: Any
    levers: dict[str, tuple[str, float, float]]  # ema name -> (engine label, low, high)


def _option(scenario: Any, world: Any) -> _Option:
    from flashpoint.api import resolve_plan
    from flashpoint.engine.apply import lever_ranges
    from flashpoint.engine.plan import Plan
    from flashpoint.scenarios import compile_scenario, load_scenario

    if isinstance(scenario, Plan):
        plan, entries = scenario, []
    else:
        spec = load_scenario(scenario) if isinstance(scenario, str) else scenario
        plan = resolve_plan(spec, world)
        name = _ident(spec.name)
        entries = ([(str(use.lever), spec.model_copy(update={"lever": (use,), "edit": (), "shock": ()}))
                    for use in spec.lever]
                   + [(f"{name}__edit_{k + 1}", spec.model_copy(update={"lever": (), "edit": (e,), "shock": ()}))
                      for k, e in enumerate(spec.edit)]
                   + [(f"{name}__shock_{k + 1}", spec.model_copy(update={"lever": (), "edit": (), "shock": (s,)}))
                      for k, s in enumerate(spec.shock)])
    full = lever_ranges(plan)
    owner: dict[str, str] = {}
    for prefix, part in entries:
        for label in lever_ranges(compile_scenario(part, world)):
            owner.setdefault(label, prefix)
    out: dict[str, tuple[str, float, float]] = {}
    for label, rng in full.items():
        if not rng.high > rng.low:
            continue
        base = f"{owner.get(label, _ident(plan.name))}__{_what(label)}"
        ema_name, k = base, 2
        while ema_name in out:
            ema_name, k = f"{base}_{k}", k + 1
        out[ema_name] = (label, float(rng.low), float(rng.high))
    return _Option(_ident(plan.name), plan, out)


# --------------------------------------------------------------------------- the model

class FlashpointModel(Model):  # type: ignore[misc]
    """An EMA ``Model`` backed by flashpoint; build it with :func:`build_model`.

    Attributes beyond EMA's: ``parameter_names`` (EMA uncertainty ->
    flashpoint parameter), ``log_names`` (the ``ln__`` uncertainties),
    ``options`` (option name -> its plan and lever magnitudes),
    ``uncertainty_names``, ``lever_names``, ``claims``.
    """

    def __init__(self, name: str, *, world: Any, options: Sequence[_Option], years: float,
                 dt: float, seed: int, statistic: str, actor_metrics: bool, claims: Sequence[Any],
                 chunk_size: int | None) -> None:
        super().__init__(name, function=self._function)
        self.world, self.years, self.dt, self.seed = world, float(years), float(dt), int(seed)
        self.statistic, self.actor_metrics, self.chunk_size = statistic, actor_metrics, chunk_size
        self.options = {o.name: o for o in options}
        self.claims = tuple(claims)
        self.parameter_names: dict[str, str] = {}
        self.log_names: set[str] = set()

    @property
    def uncertainty_names(self) -> list[str]:
        """The uncertainties' names, in order (the experiments' parameter columns)."""
        return [u.name for u in self.uncertainties]

    @property
    def lever_names(self) -> list[str]:
        """The levers' names, in order."""
        return [lv.name for lv in self.levers]

    def _function(self, **kwargs: Any) -> dict[str, float]:  # pragma: no cover - run_model is used
        raise ParameterError("flashpoint.ema: run the model through EMA (run_model), not its function.")

    def run_model(self, scenario: Any, policy: Any) -> None:
        """One experiment (EMA's own evaluators); event stream = the EMA scenario's id."""
        AbstractModel.run_model(self, scenario, policy)
        stream = int(scenario.name) % _STREAMS if isinstance(scenario.name, (int, np.integer)) else 0
        values = {**dict(scenario), **dict(policy)}
        raw = self._evaluate([values], first=int(stream))[0]
        self.outcomes_output = raw

    def run_experiments(self, experiments: Sequence[Any]) -> list[dict[str, Any]]:
        """Raw outputs (outcome name -> value) of EMA experiments, one vectorised ensemble per option."""
        return self._evaluate([{**dict(e.scenario), **dict(e.policy)} for e in experiments])

    # -- the vectorised core
    def _option_of(self, values: Mapping[str, Any]) -> str:
        if "option" in values and values["option"] is not None:
            return _ident(str(values["option"]))
        return next(iter(self.options))

    def _evaluate(self, rows: Sequence[Mapping[str, Any]], first: int = 0) -> list[dict[str, Any]]:
        groups: dict[str, list[int]] = {}
        for i, values in enumerate(rows):
            opt = self._option_of(values)
            if opt not in self.options:
                raise ParameterError(f"flashpoint.ema: unknown option {opt!r}. "
                                     f"Expected one of {sorted(self.options)}.")
            groups.setdefault(opt, []).append(i)
        out: list[dict[str, Any]] = [{} for _ in rows]
        for opt, idx in groups.items():
            arrays = self._run_group(self.options[opt], [rows[i] for i in idx], first)
            for name, arr in arrays.items():
                for j, i in enumerate(idx):
                    out[i][name] = float(arr[j])
        return out

    def _inputs(self, opt: _Option, rows: Sequence[Mapping[str, Any]], runs: int,
                first: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        def column(name: str) -> np.ndarray | None:
            vals = [r.get(name) for r in rows]
            if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in vals):
                return None
            col = np.asarray(vals, dtype=np.float64)
            if first:  # one experiment at run index `first` of a first+1-run ensemble
                col = np.full(runs, col[0])
            return col

        params: dict[str, np.ndarray] = {}
        for ema_name, fp_name in self.parameter_names.items():
            col = column(ema_name)
            if col is not None:
                params[fp_name] = np.exp(col) if ema_name in self.log_names else col
        levers: dict[str, np.ndarray] = {}
        for ema_name, (label, low, high) in opt.levers.items():
            col = column(ema_name)
            if col is not None:
                if col.min() < low or col.max() > high:
                    raise ParameterError(f"flashpoint.ema: lever {ema_name!r} of option {opt.name!r} "
                                         f"expects values in [{low}, {high}]. "
                                         f"Got [{col.min():g}, {col.max():g}] instead.")
                levers[label] = col
        return params, levers

    def _simulate(self, plan: Any, params: Mapping[str, np.ndarray], levers: Mapping[str, np.ndarray],
                  runs: int, first: int, dyadic: bool) -> xr.Dataset:
        from flashpoint.engine.run import RunConfig, run_ensemble

        cfg = RunConfig(runs=runs, years=self.years, seed=self.seed, dt=self.dt,
                        chunk_size=self.chunk_size, attribution=False, keep_dyadic=dyadic)
        return run_ensemble(self.world, plan, cfg, parameters=params, levers=levers,
                            run_range=(first, runs) if first else None)

    def _run_group(self, opt: _Option, rows: Sequence[Mapping[str, Any]], first: int) -> dict[str, np.ndarray]:
        from flashpoint.api import resolve_plan
        from flashpoint.claims import margins

        runs = first + len(rows)
        params, levers = self._inputs(opt, rows, runs, first)
        mine = [c for c in self.claims if _ident(c.scenario) == opt.name]
        dyadic = any(c.metric in ("alignment", "tension", "intent") for c in mine)
        ds = self._simulate(opt.plan, params, levers, runs, first, dyadic)
        out = metric_outcomes(ds, statistic=self.statistic, actor_metrics=self.actor_metrics)
        for c in self.claims:
            out[f"margin__{c.id}"] = np.full(len(rows), np.nan)
        baselines: dict[str, xr.Dataset] = {}
        for c in mine:
            base = None
            if c.is_relative:
                if c.baseline not in baselines:
                    plan = resolve_plan(c.baseline, self.world)
                    baselines[c.baseline] = self._simulate(plan, params, {}, runs, first, dyadic)
                base = baselines[c.baseline]
            m, _ = margins(c, ds, base)
            out[f"margin__{c.id}"] = np.asarray(m.values, dtype=np.float64)
        return out


# --------------------------------------------------------------------------- building

def build_model(options: str | Any | Sequence[Any] = "status_quo", *, world: Any = None,
                years: float = 10, dt: float = 0.25, seed: int = 0, claims: Iterable[Any] = (),
                statistic: Literal["final", "mean"] = "final", actor_metrics: bool = False,
                sampler: Sampler | Any = "lhs", log_priors: Literal["dist", "log"] = "dist",
                lever_effects: Literal["levers", "uncertainties"] = "levers",
                chunk_size: int | None = None, name: str = "flashpoint") -> FlashpointModel:
    """An EMA Workbench model of flashpoint: uncertainties, levers and outcomes in one call.

    Parameters
    ----------
    options
        The flashpoint scenarios to choose between (catalogue names, scenario
        files, :class:`~flashpoint.scenarios.Scenario` or compiled plans).
    world
        A World or WorldArrays (default: the 2024 world).
    years, dt, seed
        Horizon, step and seed of every ensemble the model runs.
    claims
        Claim ids or :class:`~flashpoint.claims.Claim` objects whose margins
        become outcomes (``margin__<id>``); a claim's scenario must be one of
        the options. A claim with a horizon beyond ``years`` is evaluated at
        ``years``.
    statistic
        Metric outcomes in the last recorded year (``"final"``) or averaged
        over the horizon (``"mean"``).
    actor_metrics
        Also one outcome per actor for the per-actor metrics (35 each).
    sampler
        The EMA sampler the uncertainties will be drawn with (a name such as
        ``"sobol"`` or a member of EMA's ``Samplers``); checked against the
        log-uniform priors (see the module docstring).
    log_priors
        ``"dist"``: log-uniform distributions (LHS and Monte Carlo only);
        ``"log"``: uniform uncertainties on the logarithm (every sampler).
    lever_effects
        Declare the options' lever magnitudes as EMA ``"levers"`` or ``"uncertainties"``.
    chunk_size
        Runs computed together by the engine (the results do not depend on it).

    Raises
    ------
    ParameterError
        A sampler that would ignore a log-uniform prior, an unknown claim, a
        claim whose scenario is not an option, or a model name EMA rejects.
    """
    from flashpoint.analysis.sensitivity import factors_for
    from flashpoint.api import resolve_world
    from flashpoint.claims import load_claims

    arrays = resolve_world(world)
    opts = [_option(o, arrays) for o in ([options] if isinstance(options, str) or not
                                         isinstance(options, Sequence) else options)]
    if not opts:
        raise ParameterError("flashpoint.ema: build_model needs at least one option.")
    if len({o.name for o in opts}) != len(opts):
        raise ParameterError(f"flashpoint.ema: options must have distinct names. "
                             f"Got {[o.name for o in opts]} instead.")
    if not name.isalnum():
        raise ParameterError(f"flashpoint.ema: the model name must be alphanumeric (EMA's rule). "
                             f"Got {name!r} instead.")
    sampler_key = str(getattr(sampler, "name", sampler)).lower()  # a name or EMA's Samplers member
    factors = factors_for(*[o.plan for o in opts], levers=False)
    logs = [f for f in factors if f.log]
    if log_priors == "dist" and logs and sampler_key not in _HONOURS_DIST:
        listed = ", ".join(f.name for f in logs[:4]) + (" ..." if len(logs) > 4 else "")
        raise ParameterError(
            f"flashpoint.ema: EMA's {sampler_key} sampler draws every uncertainty uniformly between "
            f"its bounds and would ignore the log-uniform priors of {len(logs)} parameters "
            f"({listed}). Use sampler 'lhs' or 'mc', or build_model(..., log_priors='log') to "
            f"sample their logarithms uniformly.")
    catalogue = {c.id: c for c in load_claims()}
    chosen = []
    for c in claims:
        claim = catalogue.get(c) if isinstance(c, str) else c
        if claim is None:
            from flashpoint.errors import did_you_mean

            raise ParameterError(f"flashpoint.ema: unknown claim {c!r}.{did_you_mean(str(c), catalogue)}")
        if _ident(claim.scenario) not in {o.name for o in opts}:
            raise ParameterError(f"flashpoint.ema: claim {claim.id!r} is about scenario "
                                 f"{claim.scenario!r}, which is not an option. Expected one of "
                                 f"{[o.name for o in opts]}.")
        if claim.horizon > years:
            claim = claim.model_copy(update={"horizon": math.floor(years)})
        chosen.append(claim)
    model = FlashpointModel(name, world=arrays, options=opts, years=years, dt=dt, seed=seed,
                            statistic=statistic, actor_metrics=actor_metrics, claims=chosen,
                            chunk_size=chunk_size)
    uncertainties: list[Any] = []
    for f in factors:
        ema_name = f.name.replace(".", "__")
        if f.log and log_priors == "log":
            ema_name = f"ln__{ema_name}"
            model.log_names.add(ema_name)
            uncertainties.append(RealParameter(ema_name, math.log(f.low), math.log(f.high)))
        elif f.log:
            uncertainties.append(RealParameter.from_dist(ema_name, scipy.stats.loguniform(f.low, f.high)))
        else:
            uncertainties.append(RealParameter(ema_name, f.low, f.high))
        model.parameter_names[ema_name] = f.name
    levers: list[Any] = []
    if len(opts) > 1:
        levers.append(CategoricalParameter("option", [o.name for o in opts]))
    seen: dict[str, tuple[float, float]] = {}
    for o in opts:
        for ema_name, (_, low, high) in o.levers.items():
            if ema_name in seen and seen[ema_name] != (low, high):
                raise ParameterError(f"flashpoint.ema: lever {ema_name!r} has range {seen[ema_name]} "
                                     f"in one option and ({low}, {high}) in {o.name!r}; give the "
                                     f"options the same effect range or compare them separately.")
            if ema_name not in seen:
                seen[ema_name] = (low, high)
                levers.append(RealParameter(ema_name, low, high))
    if lever_effects == "uncertainties":
        uncertainties += [lv for lv in levers if lv.name != "option"]
        levers = [lv for lv in levers if lv.name == "option"]
    model.uncertainties = uncertainties
    model.levers = levers
    from flashpoint.engine.run import RunConfig, run_ensemble

    probe = run_ensemble(arrays, opts[0].plan, RunConfig(runs=2, years=1.0, seed=seed, dt=dt,
                                                         attribution=False, keep_dyadic=False))
    names = list(metric_outcomes(probe, statistic=statistic, actor_metrics=actor_metrics))
    names += [f"margin__{c.id}" for c in chosen]
    model.outcomes = [ScalarOutcome(n) for n in names]
    return model


def policies(model: FlashpointModel, effects: Literal["midpoint", "engine"] = "midpoint") -> list[Any]:
    """One EMA ``Policy`` per option, named by it.

    ``effects="midpoint"`` sets each lever magnitude to the middle of its
    range (EMA's experiments need a value for every lever); magnitudes of
    other options are set too and ignored. With ``lever_effects="uncertainties"``
    the policies carry only the option.
    """
    out = []
    for name in model.options:
        values: dict[str, Any] = {}
        for lv in model.levers:
            if lv.name == "option":
                values["option"] = name
            else:
                values[lv.name] = (lv.lower_bound + lv.upper_bound) / 2
        out.append(Policy(name, **values))
    return out


class FlashpointEvaluator(BaseEvaluator):  # type: ignore[misc]
    """An EMA evaluator that runs a whole experiment design as vectorised flashpoint ensembles.

    Use as ``with FlashpointEvaluator(model) as ev: perform_experiments(model, ..., evaluator=ev)``.
    Experiments of other (non-flashpoint) models run one by one through EMA's runner.
    """

    def initialize(self) -> None:
        """Nothing to start: the ensembles run in this process."""

    def finalize(self) -> None:
        """Nothing to stop."""

    def evaluate_experiments(self, scenarios: Any, policies: Any, callback: Any,
                             combine: str = "factorial", **kwargs: Any) -> None:
        """Run every experiment (EMA's interface) and hand each outcome to ``callback``."""
        from ema_workbench.em_framework.experiment_runner import ExperimentRunner
        from ema_workbench.em_framework.util import NamedObjectMap

        experiments = list(experiment_generator(scenarios, self._msis, policies, combine=combine))
        by_model: dict[str, list[Any]] = {}
        for e in experiments:
            by_model.setdefault(e.model_name, []).append(e)
        models = {m.name: m for m in self._msis}
        for model_name, group in by_model.items():
            model = models[model_name]
            if isinstance(model, FlashpointModel):
                raw = model.run_experiments(group)
                for e, r in zip(group, raw, strict=True):
                    callback(e, {o.name: o.process([r[v] for v in o.variable_name])
                                 for o in model.outcomes})
            else:
                named = NamedObjectMap(AbstractModel)
                named.extend([model])
                runner = ExperimentRunner(named)
                for e in group:
                    callback(e, runner.run_experiment(e))
                runner.cleanup()
