"""The Python API of restrans, for notebooks and scripts (the conventions of PySD and EMA Workbench).

::

    import restrans

    scenario = restrans.load_scenario("scenarios/baseline.yaml", region="coal_growing",
                                      set={"retraining_capacity": 8})
    results = restrans.run(scenario)                      # or restrans.run("scenarios/baseline.yaml")
    frame = results.to_pandas()                           # (run, time) x variables, units in frame.attrs
    dataset = results.to_xarray()                         # run x time, with units
    comparison = restrans.compare(["scenarios/baseline.yaml", "scenarios/livelihood_first.yaml"])
    folder = restrans.sweep("scenarios/sweeps/retraining_lhs.yaml", out="outputs")

Errors are the command line's: :class:`~restrans.sim.scenario.errors.InputError` for bad input (one-line
message naming the file, key, value and what is allowed), :class:`~restrans.sim.engine.solver_errors.SolverError`
for a failed integration. Nothing here prints; only :func:`sweep` writes files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence


def load_scenario(path: str | Path, region: str | None = None, set: Mapping[str, float] | None = None):  # noqa: A002
    """A validated scenario from a file, as ``restrans run PATH --region REGION --set NAME=VALUE ...``.

    Parameters
    ----------
    path : str or Path
        Scenario YAML file (``extends`` resolved).
    region : str, optional
        Region preset replacing the file's (``restrans describe regions``).
    set : mapping of str to float, optional
        Overrides: a parameter, a lever (a constant schedule), ``initial.STOCK`` or ``LEVER.KIND.FIELD``
        (a number field of the lever's schedule in the file, e.g. ``retraining_capacity.ramp.to``).

    Returns
    -------
    restrans.sim.scenario.scenario.Scenario
    """
    from restrans.sim.scenario.scenario import load_scenario as load

    return load(path, region=region, overrides={str(name): float(value) for name, value in (set or {}).items()})


def run(scenario, region: str | None = None, set: Mapping[str, float] | None = None,  # noqa: A002
        method: str | None = None, dt: float | None = None, engine: str = "native"):
    """Simulate one scenario (a :class:`Scenario` or a path) and return its :class:`Results`.

    Parameters
    ----------
    scenario : Scenario or str or Path
        A scenario from :func:`load_scenario`, or a file (then ``region`` and ``set`` apply as there).
    method, dt : optional
        Solver method (``euler``, ``rk4``, ``RK45``, ... any letter case) and fixed step (yr).
    engine : str
        ``native`` or ``pysd`` (the Vensim twin, Euler only).

    Returns
    -------
    restrans.sim.engine.results.Results
        Trajectories with :meth:`~restrans.sim.engine.results.Results.to_pandas` and ``to_xarray``.
    """
    from restrans.sim.engine.engines import simulate

    if isinstance(scenario, (str, Path)):
        scenario = load_scenario(scenario, region=region, set=set)
    elif region is not None or set:
        raise TypeError("region and set apply to a scenario file; pass them to load_scenario")
    if method is not None or dt is not None:
        scenario = scenario.with_solver(method=method, dt=dt)
    if scenario.budget is not None:
        from restrans.sim.compare.budget import simulate_to_budget

        return simulate_to_budget(scenario, scenario.source_files[0] if scenario.source_files else scenario.name)[0]
    return simulate([scenario], engine=engine)


def compare(paths: Sequence[str | Path], region: str | None = None, regions: str | None = None,
            budget: float | None = None, targets: str | Path | None = None,
            set: Mapping[str, float] | None = None, method: str | None = None,  # noqa: A002
            dt: float | None = None):
    """Run scenario files (x regions) as one batch and compare them with the first, as ``restrans compare``.

    Returns
    -------
    restrans.sim.compare.comparison.Comparison
        Tables as pandas frames: ``indicators``, ``effectiveness`` (costs), ``scorecard``, ``ranking``,
        ``matrix``, ``levers``; ``results`` (all runs); ``targets_reason`` (which targets file, and why).
        Nothing is written; :func:`restrans.sim.report.compare_outputs.write_comparison` writes the report.
    """
    from restrans.sim.compare.comparison import run_comparison

    overrides = {str(name): float(value) for name, value in (set or {}).items()}
    return run_comparison([Path(path) for path in paths], region, regions, budget,
                          Path(targets) if targets is not None else None, method, dt, "native", overrides)


def sweep(path: str | Path, out: str | Path = "outputs", chunk: int | None = None, workers: int = 0,
          trajectories: bool = False) -> Path:
    """Run (or resume) a sweep file as ``restrans sweep``; returns the folder of its Parquet files.

    Read the results with ``pandas.read_parquet(folder / "experiments.parquet")`` and ``outcomes.parquet``
    (one row per run, joined on ``run``), as EMA Workbench's experiments and outcomes. Needs the ``ensembles``
    extra.
    """
    from restrans.sim.ensembles.sweep import SweepOptions, default_targets_path, run_sweep
    from restrans.sim.ensembles.sweep_spec import load_sweep

    spec = load_sweep(Path(path))
    options = SweepOptions(out=Path(out), chunk=chunk, workers=workers, trajectories=trajectories,
                           targets=default_targets_path(str(path)))
    return run_sweep(spec, options)
