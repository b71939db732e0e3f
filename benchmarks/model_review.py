"""Re-run the measurements of the model review (issue 9) and print them as one table.

Each line is one measurement of the review: the policy, the region preset, the
2035 value (or the figure the review quotes) before and after the policy. Run
it before and after a change to the model's structure to compare:

    .venv/bin/python benchmarks/model_review.py

Variables the model does not have (before or after a restructuring) print as
"n/a". Nothing here asserts: the signed expectations live in
``tests/test_policy_signs.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCK_NAMES
from restrans.sim.engine.engines import simulate
from restrans.sim.scenario.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
PRESETS = ("coal_growing", "coal_mature", "coal_declining", "coal_regenerating", "forest_declining")
COAL_PRESETS = PRESETS[:4]


def run(scenario="baseline", region="coal_declining", overrides=None, end=None):
    """Results of one scenario file of ``scenarios/`` with ``--set`` overrides."""
    loaded = load_scenario(SCENARIOS / f"{scenario}.yaml", region=region, overrides=overrides or {})
    if end is not None:
        loaded = loaded.model_copy(update={"time": loaded.time.model_copy(update={"end": float(end)})})
    return simulate([loaded])


def value(results, name, year=2035.0):
    """Value of variable ``name`` in ``year`` (first run), or NaN when the model lacks it."""
    series = results.variables.get(name)
    return float("nan") if series is None else float(series[results.time_index(year), 0])


def first_met(results, name, threshold, at_most):
    """First year the indicator meets the threshold, or None."""
    series = results.variables.get(name)
    if series is None:
        return None
    met = series[:, 0] <= threshold if at_most else series[:, 0] >= threshold
    return float(results.times[np.argmax(met)]) if met.any() else None


def line(label, before, after, unit=""):
    print(f"{label:<72} {before:>10.4g} -> {after:>10.4g} {unit}")


def lever_effects():
    for lever, low, high in (("transfer_payment", 0.3, 20.0), ("public_service_investment", 0.5, 10.0)):
        low_run, high_run = run(overrides={lever: low}), run(overrides={lever: high})
        line(f"coal_declining {lever} {low} -> {high}: 2035 unemployment",
             value(low_run, "unemployment_rate"), value(high_run, "unemployment_rate"))
        line(f"coal_declining {lever} {low} -> {high}: 2035 income per head",
             value(low_run, "income_per_capita"), value(high_run, "income_per_capita"), "thousand CNY")
    rises = [region for region in PRESETS
             if value(run(region=region, overrides={"transfer_payment": 20.0}), "unemployment_rate")
             > value(run(region=region), "unemployment_rate")]
    print(f"transfer_payment 20: 2035 unemployment rises in {len(rises)} of 5 presets: {', '.join(rises)}")
    for mix in ("green_restoration", "no_support"):
        for region in COAL_PRESETS:
            line(f"{region} baseline -> {mix}: 2035 unemployment",
                 value(run(region=region), "unemployment_rate"), value(run(mix, region), "unemployment_rate"))


def long_horizon():
    for region in PRESETS:
        results = run(region=region, end=2060)
        print(f"{region:<18} 2060 unemployment {value(results, 'unemployment_rate', 2060):.4f}, "
              f"miners {value(results, 'mining_employment', 2060):8.2f} thousand, "
              f"population change {value(results, 'population_change', 2060):+.3f}")


def mining_economics():
    mature = run(region="coal_mature", overrides={"initial.mining_employment": 0.0})
    print(f"coal_mature with zero miners: 2025.25 extraction {value(mature, 'extraction', 2025.25):.3g} Mt/yr")
    cheap = run(region="coal_mature", overrides={"resource_price_index": 0.1})
    print(f"coal_mature price x 0.1: margin {value(cheap, 'mining_margin', 2026):.3g}, "
          f"extraction 2026 {value(cheap, 'extraction', 2026):.3g}, 2030 {value(cheap, 'extraction', 2030):.3g} Mt/yr")
    line("coal_regenerating price x 2: 2035 unemployment",
         value(run(region="coal_regenerating"), "unemployment_rate"),
         value(run(region="coal_regenerating", overrides={"resource_price_index": 2.0}), "unemployment_rate"))
    line("coal_mature logging_ban 1: 2030 extraction",
         value(run(region="coal_mature"), "extraction", 2030),
         value(run(region="coal_mature", overrides={"logging_ban": 1.0}), "extraction", 2030), "Mt/yr")


def budget_and_indicators():
    plan = run("integrated_plan")
    print(f"coal_declining integrated_plan 2026: local policy cost {value(plan, 'local_policy_cost', 2026):.3g}, "
          f"public spending {value(plan, 'public_spending', 2026):.3g}, funded share {value(plan, 'funded_share', 2026):.3g}, own revenue {value(plan, 'own_revenue', 2026):.3g}"
          f", debt 2035 {value(plan, 'local_debt', 2035):.3g} bn CNY")
    growing = run(region="coal_growing")
    share = growing.variables["laid_off_reemployed_share"][:, 0]
    print(f"coal_growing laid_off_reemployed_share max {share.max():.3f}")
    declining = run()
    for name, threshold, at_most in (("laid_off_reemployed_share", 0.6, False), ("population_change", -0.08, False),
                                     ("gdp_growth", 0.04, False)):
        print(f"coal_declining first year {name} {'<=' if at_most else '>='} {threshold}: "
              f"{first_met(declining, name, threshold, at_most)}")
    print(f"coal_declining fiscal_self_sufficiency 2025 {value(declining, 'fiscal_self_sufficiency', 2025):.3f}; "
          f"with transfers 0: "
          f"{value(run(overrides={'transfer_payment': 0.0}), 'fiscal_self_sufficiency', 2025):.3f}")


def random_parameter_envelope(n_runs=400, seed=20261201):
    """Shares of runs (parameters uniform in their validity bounds, then in their plausible ranges around the
    preset's values, recalibrated per run) that fail, end above 20 % unemployment or lose half the population by
    2035 (coal_declining, run one by one)."""
    from restrans.sim.engine.calibration import calibrated_batch
    from restrans.sim.engine.simulate import build_batch, simulate_batch
    from restrans.sim.engine.solver import SolverError

    scenario = load_scenario(SCENARIOS / "baseline.yaml", region="coal_declining")
    batch = build_batch([scenario])
    plausible = [p.plausible_range_at(float(value)) for p, value in zip(PARAMETERS, batch.parameters[:, 0])]
    for label, low, high in (("validity bounds", [p.lower for p in PARAMETERS], [p.upper for p in PARAMETERS]),
                             ("plausible ranges", [low for low, _ in plausible], [high for _, high in plausible])):
        rng = np.random.default_rng(seed)
        draws = rng.uniform(np.array(low)[:, None], np.array(high)[:, None], (len(PARAMETERS), n_runs))
        sampled = np.array([p.sampled for p in PARAMETERS])
        draws[~sampled] = batch.parameters[~sampled]
        if label == "plausible ranges":  # as uncertainty sampling does: each run recalibrated to its 2025 state
            state = np.repeat(batch.initial_state, n_runs, axis=1)
            draws = calibrated_batch(state, draws, np.repeat(batch.schedules.evaluate(2025.0), n_runs, axis=1))
        failed = high_unemployment = emptied = 0
        for run in range(n_runs):
            one = type(batch)(**{**batch.__dict__, "parameters": draws[:, run:run + 1]})
            try:
                with np.errstate(all="ignore"):
                    results = simulate_batch(one)
            except SolverError:
                failed += 1
                continue
            index = results.time_index(2035)
            high_unemployment += results.variables["unemployment_rate"][index, 0] > 0.2
            emptied += results.variables["population_change"][index, 0] < -0.5
        print(f"{label}: {n_runs} runs, {failed / n_runs:.0%} fail, {high_unemployment / n_runs:.0%} above 20 % "
              f"unemployment in 2035, {emptied / n_runs:.0%} lose half the population")


def main() -> int:
    for section in (lever_effects, long_horizon, mining_economics, budget_and_indicators, random_parameter_envelope):
        print(f"--- {section.__name__}")
        section()
    return 0


if __name__ == "__main__":
    sys.exit(main())
