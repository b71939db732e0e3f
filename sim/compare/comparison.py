"""``restrans compare``: scenarios (x regions) as one batch, compared with the first scenario.

Every scenario is loaded once per region (``--region R`` or ``--regions all``),
optionally scaled to an equal budget (:mod:`restrans.sim.compare.budget`), and all runs are
integrated as ONE batch. The comparison holds: the indicators at 2025, 2030 and
2035 with differences from the first (baseline) scenario of the same region,
costs split central vs local, cost-effectiveness, the lever changes, the
scorecard against the targets file, and a region x mix matrix.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from restrans.sim.compare.budget import MINIMUM_BUDGET, BudgetJob, BudgetScaling, batch_with_schedules, fit_budgets
from restrans.sim.scenario.errors import InputError, did_you_mean
from restrans.sim.scenario.regions import available_regions, unknown_region_error
from restrans.sim.engine.results import Results
from restrans.sim.compare.lever_changes import cut_levers, cut_notes, lever_changes
from restrans.sim.scenario.schedules import PiecewiseLinear
from restrans.sim.compare.scorecard import ranking_frame, scorecard_frame
from restrans.sim.engine.simulate import run_inputs, simulate_batch
from restrans.sim.compare.targets import TargetSet, find_targets, load_targets

POLICY_MIXES: tuple[str, ...] = (
    "resource_security", "innovation_successor", "coordination_cooperation", "green_restoration", "opening_up",
    "livelihood_first", "integrated_plan", "no_support")
"""The library of policy mixes in scenarios/ (each extends baseline.yaml)."""
EMPLOYMENT: tuple[str, ...] = ("mining_employment", "successor_employment", "service_employment")
"""Stocks summed as employment (thousand persons) for the job-years gained."""
MINIMUM_GAIN = {"job_years": 1.0, "land": 1.0, "share_points": 0.1}
"""Smallest gain for which a cost per unit is reported: 1 thousand job-years, 1 km2, 0.1 percentage point."""


@dataclass(frozen=True)
class RunSpec:
    """One run of the comparison.

    Attributes
    ----------
    scenario : restrans.sim.scenario.scenario.Scenario
        Resolved for ``region`` (and solver overrides).
    label : str
        Name shown in tables: the scenario name, ``@<budget>bn`` appended when scaled.
    region : str
    path : str
        The scenario file as given on the command line.
    scaling : BudgetScaling or None
    """

    scenario: object
    label: str
    region: str
    path: str
    scaling: BudgetScaling | None = None

    @property
    def schedules(self) -> list[PiecewiseLinear]:
        """Lever schedules of the run, in :data:`restrans.model.levers.LEVERS` order."""
        return list(self.scaling.schedules) if self.scaling else run_inputs(self.scenario)[2]


def select_regions(region: str | None, regions: str | None) -> list[str] | None:
    """Regions from ``--region`` / ``--regions`` ('all' or comma-separated); None: the scenarios' own."""
    if region is not None and regions is not None:
        raise InputError("--regions", "--regions", regions, "either --region or --regions, not both")
    known = available_regions()
    if region is not None:
        names = [region]
    elif regions is None:
        return None
    elif regions.strip() == "all":
        return list(known)
    else:
        names = [name.strip() for name in regions.split(",") if name.strip()]
    for name in names:
        if name not in known and region is not None:
            raise unknown_region_error("--region", "region", name)
        if name not in known:
            raise InputError("--regions", "region", name, f"'all' or region presets: {', '.join(known)}",
                             did_you_mean(name, ("all", *known)))
    if not names:
        raise InputError("--regions", "--regions", regions, "'all' or a comma-separated list of region presets")
    return list(dict.fromkeys(names))


def _check_budget(budget: float | None) -> None:
    if budget is not None and not (math.isfinite(budget) and budget >= MINIMUM_BUDGET):
        raise InputError("--budget", "budget", budget, f"a number of bn CNY >= {MINIMUM_BUDGET:g} (extra cost above "
                         "policy as of 2025; smaller ones are below the precision of the cost integration)")


def _load_all(paths: Sequence[Path], region: str | None, method: str | None, dt: float | None,
              overrides: Mapping[str, float] | None = None) -> list:
    from restrans.sim.scenario.scenario import load_scenario

    loaded = []
    for path in paths:
        scenario = load_scenario(path, region=region, overrides=overrides)
        if method is not None or dt is not None:
            scenario = scenario.with_solver(method=method, dt=dt)
        loaded.append(scenario)
    return loaded


def _check_consistent(paths: Sequence[Path], scenarios: Sequence, own_region: bool) -> None:
    first, names = scenarios[0], set()
    for path, scenario in zip(paths, scenarios):
        if scenario.name in names:
            raise InputError(str(path), "name", scenario.name, "a name no other compared scenario has")
        names.add(scenario.name)
        if own_region and scenario.region != first.region:
            raise InputError(str(path), "region", scenario.region,
                             f"the region of the first scenario ({first.region}), or pass --region R / --regions all")
        for key in ("time", "solver"):
            if getattr(scenario, key) != getattr(first, key):
                raise InputError(str(path), key, getattr(scenario, key).model_dump(),
                                 f"the {key} settings of the first scenario ({paths[0]}): one batch shares them")


def load_runs(paths: Sequence[Path], region: str | None = None, regions: str | None = None,
              budget: float | None = None, method: str | None = None, dt: float | None = None,
              overrides: Mapping[str, float] | None = None) -> list[RunSpec]:
    """Load, validate and (where asked) scale every scenario for every region, in run order.

    ``budget`` (``--budget``) scales every scenario but the first; a scenario's own
    ``budget:`` key scales that scenario; ``overrides`` (``--set``) apply to every scenario.
    Raises InputError for any bad input.
    """
    _check_budget(budget)
    if not paths:
        raise InputError("compare", "SCENARIO", None, "at least one scenario file")
    selected = select_regions(region, regions)
    specs: list[RunSpec] = []
    for region_name in selected or [None]:
        scenarios = _load_all(paths, region_name, method, dt, overrides)
        _check_consistent(paths, scenarios, own_region=selected is None)
        jobs, positions = [], []
        for index, (path, scenario) in enumerate(zip(paths, scenarios)):
            amount = budget if (budget is not None and index > 0) else scenario.budget
            if amount is not None:
                jobs.append(BudgetJob(scenario, float(amount), "--budget" if budget is not None else str(path)))
                positions.append(index)
        scalings = dict(zip(positions, fit_budgets(jobs)))
        for index, (path, scenario) in enumerate(zip(paths, scenarios)):
            scaling = scalings.get(index)
            label = f"{scenario.name}@{scaling.budget:g}bn" if scaling else scenario.name
            specs.append(RunSpec(scenario, label, scenario.region, str(path), scaling))
    return specs


def run_specs(specs: Sequence[RunSpec], engine: str = "native") -> Results:
    """Integrate every run as one batch; run names are ``region/label``.

    ``engine="pysd"`` runs them on the Vensim twin in PySD, one after another (:mod:`restrans.sim.engine.engines`).
    """
    batch = batch_with_schedules([spec.scenario for spec in specs], [spec.schedules for spec in specs],
                                 [f"{spec.region}/{spec.label}" for spec in specs])
    if engine != "native":
        from restrans.sim.engine import engines

        return engines.simulate_batch(batch, engine)
    return simulate_batch(batch)


def _baseline_index(specs: Sequence[RunSpec]) -> list[int]:
    """Index of the first run of each run's region (its baseline)."""
    first: dict[str, int] = {}
    for index, spec in enumerate(specs):
        first.setdefault(spec.region, index)
    return [first[spec.region] for spec in specs]


DIFFERENCE_TOLERANCE: float = 1e-9
"""A difference from the baseline smaller than this fraction of the larger of the two values is 0.

Runs that differ only by rounding (a lever scaled by a root-found factor)
would otherwise show differences like +1.11e-14."""


def indicator_comparison(results: Results, specs: Sequence[RunSpec]) -> pd.DataFrame:
    """Indicators at the milestone years with differences from the region's first scenario.

    A difference below :data:`DIFFERENCE_TOLERANCE` of the values compared is written as 0.
    """
    table = results.indicator_table()
    years = [column for column in table.columns if column.isdigit()]
    baseline = _baseline_index(specs)
    n_indicators = len(table) // len(specs)
    frame = table.drop(columns="run")
    frame.insert(0, "scenario", np.repeat([spec.label for spec in specs], n_indicators))
    frame.insert(0, "region", np.repeat([spec.region for spec in specs], n_indicators))
    values = table[years].to_numpy().reshape(len(specs), n_indicators, len(years))
    differences = values - values[baseline]
    scale = np.maximum(np.abs(values), np.abs(values[baseline]))
    differences = np.where(np.abs(differences) <= DIFFERENCE_TOLERANCE * scale, 0.0, differences)
    for position, year in enumerate(years):
        frame[f"difference_{year}"] = differences[:, :, position].reshape(-1)
    return frame.reset_index(drop=True)


def trapezoid(values: np.ndarray, times: np.ndarray) -> float:
    """Integral of ``values`` over ``times`` by the trapezoidal rule (unit of values x yr)."""
    return float(np.sum((values[1:] + values[:-1]) * np.diff(times)) / 2.0)


def _ratio(numerator: float, denominator: float, minimum: float) -> float:
    """numerator / denominator for an extra cost and a gain of at least ``minimum``, else NaN."""
    return numerator / denominator if numerator > 0 and denominator >= minimum else float("nan")


def cost_effectiveness(results: Results, specs: Sequence[RunSpec]) -> pd.DataFrame:
    """Costs (central vs local) and cost-effectiveness of every run against its region's first scenario.

    Extra cost is the cumulative policy cost at the end of the run minus the
    baseline's (bn CNY). Job-years gained integrate (mining + successor +
    service employment) minus the baseline's over the run (thousand person-years,
    trapezoidal rule). Ratios are given only where the run costs more and gains at
    least :data:`MINIMUM_GAIN` (NaN otherwise). Units: thousand CNY per job-year,
    million CNY per km2 restored, bn CNY per percentage point of successor share.
    """
    variables, times = results.variables, results.times
    employment = sum(variables[name] for name in EMPLOYMENT)
    end = len(times) - 1
    rows = []
    for run, base in enumerate(_baseline_index(specs)):
        central = variables["cumulative_central_cost"][end]
        local = variables["cumulative_local_cost"][end]
        extra = (central[run] + local[run]) - (central[base] + local[base])
        planned = variables["cumulative_planned_cost"][end]
        job_years = trapezoid(employment[:, run] - employment[:, base], times)
        land = variables["cumulative_land_restored"][end]
        restored = float(land[run] - land[base])
        points = 100.0 * float(variables["successor_share"][end, run] - variables["successor_share"][end, base])
        rows.append({
            "region": specs[run].region, "scenario": specs[run].label,
            "cost_bn_cny": central[run] + local[run], "central_cost_bn_cny": central[run],
            "local_cost_bn_cny": local[run], "extra_cost_bn_cny": extra,
            "extra_planned_cost_bn_cny": planned[run] - planned[base],
            "extra_central_bn_cny": central[run] - central[base], "extra_local_bn_cny": local[run] - local[base],
            "job_years_gained_thousand": job_years, "land_restored_gained_km2": restored,
            "successor_share_gained_points": points,
            "cost_per_job_year_thousand_cny": _ratio(extra * 1e3, job_years, MINIMUM_GAIN["job_years"]),
            "cost_per_km2_restored_million_cny": _ratio(extra * 1e3, restored, MINIMUM_GAIN["land"]),
            "cost_per_share_point_bn_cny": _ratio(extra, points, MINIMUM_GAIN["share_points"]),
        })
    return pd.DataFrame(rows)


def region_matrix(ranking: pd.DataFrame, effectiveness: pd.DataFrame, levers: pd.DataFrame) -> pd.DataFrame:
    """Region x mix: 2035 targets met, rank, extra cost, cost per job-year, and levers cut (see :func:`cut_levers`)."""
    columns = ["region", "scenario", "extra_cost_bn_cny", "cost_per_job_year_thousand_cny"]
    matrix = ranking.merge(effectiveness[columns], on=["region", "scenario"], how="left")
    cuts = cut_levers(levers)
    counts = cuts.groupby(["region", "scenario"]).size() if not cuts.empty else {}
    matrix["levers_cut"] = [int(counts.get((region, scenario), 0)) if len(counts) else 0
                            for region, scenario in zip(matrix["region"], matrix["scenario"])]
    return matrix


@dataclass
class Comparison:
    """Everything the report and the output files need.

    Attributes
    ----------
    specs : list of RunSpec
        Runs in batch order (regions outer, scenarios inner).
    results : Results
    indicators, effectiveness, levers, scorecard, ranking, matrix : DataFrame
        See :func:`indicator_comparison`, :func:`cost_effectiveness`, :func:`lever_changes`,
        :func:`restrans.sim.compare.scorecard.scorecard_frame`, :func:`restrans.sim.compare.scorecard.ranking_frame`, :func:`region_matrix`.
    targets : TargetSet or None
    targets_reason : str
        Which targets file was used and why (given, beside the scenario, beside a file it extends, the default).
    overrides : dict of str to float
        ``--set`` values applied to every scenario.
    wall_time : float
        Seconds spent loading, scaling and simulating.
    """

    specs: list[RunSpec]
    results: Results
    indicators: pd.DataFrame
    effectiveness: pd.DataFrame
    levers: pd.DataFrame
    scorecard: pd.DataFrame
    ranking: pd.DataFrame
    matrix: pd.DataFrame
    targets: TargetSet | None
    wall_time: float = 0.0
    notes: list[str] = field(default_factory=list)
    targets_reason: str = ""
    overrides: dict[str, float] = field(default_factory=dict)

    @property
    def regions(self) -> list[str]:
        return list(dict.fromkeys(spec.region for spec in self.specs))

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(spec.label for spec in self.specs))

    @property
    def baseline(self) -> str:
        return self.specs[0].label


def build_comparison(specs: Sequence[RunSpec], results: Results, targets: TargetSet | None,
                     wall_time: float = 0.0) -> Comparison:
    """Tables of a simulated comparison."""
    labels = [(spec.region, spec.label) for spec in specs]
    scorecard = scorecard_frame(results, labels, targets.targets if targets else ())
    ranking = ranking_frame(scorecard)
    effectiveness = cost_effectiveness(results, specs)
    levers = lever_changes(specs, _baseline_index(specs))
    return Comparison(specs=list(specs), results=results, indicators=indicator_comparison(results, specs),
                      effectiveness=effectiveness, levers=levers, scorecard=scorecard, ranking=ranking,
                      matrix=region_matrix(ranking, effectiveness, levers), targets=targets, wall_time=wall_time,
                      notes=fiscal_notes(results, specs) + cut_notes(levers))


def fiscal_notes(results: Results, specs: Sequence[RunSpec]) -> list[str]:
    """Notes where the local borrowing limit cut a run's planned spending (bn CNY over the run)."""
    cut, share = results.variables["cumulative_spending_cut"][-1], results.variables["funded_share"]
    notes = []
    for run, spec in enumerate(specs):
        if cut[run] > 1e-6:
            notes.append(f"In {spec.region}, '{spec.label}': the local borrowing limit cut {cut[run]:.1f} bn CNY of "
                         f"planned local spending by {results.times[-1]:g} (local programmes funded at "
                         f"{100.0 * share[-1, run]:.0f} % in {results.times[-1]:g}); the mix is judged with the cut.")
    return notes


def closest_mix(comparison: Comparison, region: str) -> pd.Series | None:
    """The best-ranked scenario other than the baseline in ``region`` (None without targets or mixes)."""
    block = comparison.ranking[(comparison.ranking["region"] == region)
                               & (comparison.ranking["scenario"] != comparison.baseline)]
    if block.empty or comparison.targets is None:
        return None
    return block.sort_values("rank").iloc[0]


def run_comparison(paths: Sequence[Path], region: str | None = None, regions: str | None = None,
                   budget: float | None = None, targets: Path | None = None, method: str | None = None,
                   dt: float | None = None, engine: str = "native",
                   overrides: Mapping[str, float] | None = None) -> Comparison:
    """Validate every input, scale to budgets, run one batch, and build the comparison.

    Parameters
    ----------
    paths : sequence of Path
        Scenario files; the first is the baseline.
    region, regions : str, optional
        ``--region R`` or ``--regions all|R1,R2`` (default: the scenarios' own region).
    budget : float, optional
        Extra cost (bn CNY) every scenario but the first is scaled to.
    targets : Path, optional
        Targets file (default: :func:`restrans.sim.compare.targets.find_targets` of the first scenario; no
        scorecard without one). ``Comparison.targets_reason`` says which file was used and why.
    method, dt : optional
        Solver overrides.
    engine : str
        ``native`` or ``pysd`` (the Vensim twin in PySD, Euler only; budgets are still fitted natively).
    overrides : mapping of str to float, optional
        ``--set`` values applied to every scenario (see :func:`restrans.sim.scenario.scenario.load_scenario`).

    Raises
    ------
    InputError
        Any bad input, before anything is simulated in full or written.
    """
    started = time.perf_counter()
    specs = load_runs(paths, region, regions, budget, method, dt, overrides)
    if targets is not None:
        target_file, reason = targets, "given with --targets"
    else:
        target_file, reason = find_targets(paths[0], specs[0].scenario.source_files)
    target_set = load_targets(target_file) if target_file is not None else None
    if engine != "native":
        from restrans.sim.engine.engines import check_engine

        for spec in specs:
            check_engine(engine, spec.scenario.solver.method, "--method" if method else spec.path)
    results = run_specs(specs, engine)
    comparison = build_comparison(specs, results, target_set, time.perf_counter() - started)
    comparison.targets_reason = reason
    comparison.overrides = dict(overrides or {})
    return comparison
