"""Sweeps: outcomes equal single runs, failed runs are kept, kill-and-resume, executors give the same numbers."""
from __future__ import annotations

import dataclasses
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from restrans.model.indicators import INDICATORS
from restrans.sim.cli.commands import app
from restrans.sim.scenario.scenario_fields import LeverSchedule
from restrans.sim.engine.simulate import simulate
from restrans.sim.ensembles.sweep import SweepOptions, run_sweep
from restrans.sim.ensembles.sweep_runs import ChunkTask, RunPlan, resolve_backend, run_chunk
from restrans.sim.ensembles.sweep_spec import design_values, load_sweep
from tests.conftest import DATA, ROOT, SCENARIOS

SMALL = DATA / "sweeps" / "small_lhs.yaml"
RELATIVE = 1e-12  # sweep (compiled or numpy backend, chunked) vs a single run (numpy): same formulas


def _scenario_of(spec, values):
    """The base scenario with one run's factor values, as a user would write it."""
    base = spec.base
    parameters, initial, levers = dict(base.parameters), dict(base.initial), dict(base.levers)
    fields: dict[str, dict] = {}
    for factor, value in zip(spec.factors, values):
        target = factor.target
        if target.kind == "parameter":
            parameters[target.name] = float(value)
        elif target.kind == "initial":
            initial[target.name] = float(value)
        elif target.kind == "lever":
            levers[target.name] = LeverSchedule.model_validate(float(value))
        else:
            fields.setdefault(target.name, base.levers[target.name].model_dump(by_alias=True))
            fields[target.name][target.schedule_kind][target.schedule_field] = float(value)
    levers.update({name: LeverSchedule.model_validate(data) for name, data in fields.items()})
    return base.model_copy(update={"parameters": parameters, "initial": initial, "levers": levers})


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory):
    spec = load_sweep(SMALL)
    directory = run_sweep(spec, SweepOptions(out=tmp_path_factory.mktemp("sweep"), trajectories=True))
    return spec, directory


@pytest.mark.parametrize("backend", ["auto", "numpy"])
def test_sweep_outcomes_equal_single_runs_of_the_same_inputs(backend, tmp_path):
    spec = dataclasses.replace(load_sweep(SMALL), n=6)
    directory = run_sweep(spec, SweepOptions(out=tmp_path, chunk=4, backend=backend))
    outcomes = pd.read_parquet(directory / "outcomes.parquet")
    experiments = pd.read_parquet(directory / "experiments.parquet")
    assert list(outcomes.run) == list(experiments.run) == list(range(6)) and (outcomes.status == "ok").all()
    for run in range(6):
        values = experiments.loc[run, [factor.key for factor in spec.factors]].to_numpy(dtype=float)
        single = simulate([_scenario_of(spec, values)])
        table = single.indicator_table().set_index("indicator")
        for name in INDICATORS:
            for year in ("2025", "2030", "2035"):
                expected, actual = table.loc[name, year], outcomes.loc[run, f"{name}_{year}"]
                assert abs(actual - expected) <= RELATIVE * max(abs(expected), 1e-9), (name, year, run)
        yearly = np.abs(single.times - np.round(single.times)) < 1e-9
        unemployment = single.variables["unemployment_rate"][yearly, 0]
        assert abs(outcomes.loc[run, "peak_unemployment_rate"] - unemployment.max()) <= RELATIVE * unemployment.max()
        assert outcomes.loc[run, "peak_unemployment_rate_year"] == np.round(single.times[yearly])[unemployment.argmax()]


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
def test_a_failing_run_is_recorded_with_its_reason_and_the_others_complete(backend):
    if backend == "compiled" and resolve_backend("auto", "euler") != "compiled":
        pytest.skip("numba not installed")
    spec = load_sweep(SMALL)
    values = design_values(spec)[:5].copy()
    column = [factor.key for factor in spec.factors].index("resource_price_growth")
    values[2, column] = np.nan  # forced NaN: run 2's price (and everything downstream) is not a number
    plan = RunPlan(spec.base, spec.factors, backend)
    result = run_chunk(ChunkTask(plan, 0, 100, values))
    assert list(result.runs) == [100, 101, 102, 103, 104]
    assert result.failure_reasons[2] and "non-finite" in result.failure_reasons[2]
    assert [bool(reason) for reason in result.failure_reasons] == [False, False, True, False, False]
    assert np.isnan(result.outcomes["gdp_2035"][2])
    assert np.isfinite(np.delete(result.outcomes["gdp_2035"], 2)).all()


def test_an_invalid_schedule_fails_only_its_run(tmp_path):
    spec = dataclasses.replace(load_sweep(SMALL), n=4)
    values = design_values(spec)
    start = [factor.key for factor in spec.factors].index("retraining_capacity.ramp.start")
    values[1, start] = 2033.0  # after the ramp's end (2032)
    result = run_chunk(ChunkTask(RunPlan(spec.base, spec.factors, resolve_backend("auto", "euler")), 0, 0, values))
    assert "invalid schedule of lever 'retraining_capacity'" in result.failure_reasons[1]
    assert [bool(reason) for reason in result.failure_reasons] == [False, True, False, False]


def test_sweep_writes_parquet_netcdf_and_manifest(small_sweep):
    import xarray

    spec, directory = small_sweep
    outcomes = pd.read_parquet(directory / "outcomes.parquet")
    assert len(outcomes) == spec.n_runs == 240 and {"status", "failure_reason", "unemployment_rate_2035"} <= set(
        outcomes.columns)
    with xarray.open_dataset(directory / "trajectories.nc") as trajectories:
        assert dict(trajectories.sizes) == {"run": 240, "time": 41}
        np.testing.assert_array_equal(trajectories.run.values, np.arange(240))
        final = trajectories.unemployment_rate.sel(time=2035.0).values
    np.testing.assert_allclose(final, outcomes.unemployment_rate_2035, rtol=1e-12)  # same numbers, two paths
    manifest = (directory / "manifest.json").read_text(encoding="utf-8")
    assert '"seed": 7' in manifest and '"design": "lhs"' in manifest


def _sweep_command(out, *extra):
    return [sys.executable, "-m", "sim", "sweep", str(SMALL), "--out", str(out), "--chunk", "10", "--backend",
            "numpy", *extra]


def _kill_moments(seed: int, count: int) -> list[tuple[int, float]]:
    """``count`` (chunks written before the kill, extra delay in s) drawn from ``seed``: the kill lands at a
    random point of the sweep, between chunks or while one is being written."""
    draws = random.Random(seed)
    return [(draws.randint(1, 16), round(draws.uniform(0.0, 0.2), 3)) for _ in range(count)]


KILL_MOMENTS = _kill_moments(2026, 4)


@pytest.fixture(scope="module")
def uninterrupted_chunks_of_ten(tmp_path_factory):
    return run_sweep(load_sweep(SMALL), SweepOptions(out=tmp_path_factory.mktemp("whole"), chunk=10,
                                                     backend="numpy"))


@pytest.mark.parametrize("chunks_before, delay", KILL_MOMENTS)
def test_a_killed_sweep_resumes_to_the_same_bytes(chunks_before, delay, tmp_path, uninterrupted_chunks_of_ten):
    """SIGKILL at a random moment (seeded), resume: the same bytes as an uninterrupted sweep (tolerance zero)."""
    interrupted = tmp_path / "killed"
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(_sweep_command(interrupted), cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    chunks = interrupted / "small_lhs" / "chunks"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(chunks.glob("outcomes-*.parquet"))) < chunks_before:
        time.sleep(0.02)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = len(list(chunks.glob("outcomes-*.parquet")))
    assert chunks_before <= finished < 24, f"kill came after {finished} of 24 chunks"  # killed part-way
    assert not (interrupted / "small_lhs" / "outcomes.parquet").exists()
    resumed = subprocess.run(_sweep_command(interrupted), cwd=ROOT, env=environment, capture_output=True, text=True,
                             timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    for name in ("experiments.parquet", "outcomes.parquet"):
        assert (interrupted / "small_lhs" / name).read_bytes() == \
            (uninterrupted_chunks_of_ten / name).read_bytes()


def test_resuming_with_other_options_is_refused(tmp_path):
    spec = dataclasses.replace(load_sweep(SMALL), n=8)
    run_sweep(spec, SweepOptions(out=tmp_path, chunk=4))
    from restrans.sim.scenario.errors import InputError

    with pytest.raises(InputError, match="chunk"):
        run_sweep(spec, SweepOptions(out=tmp_path, chunk=3))


def test_dask_local_cluster_and_local_processes_give_the_same_results(small_sweep, tmp_path):
    distributed = pytest.importorskip("distributed")
    spec, directory = small_sweep
    expected = pd.read_parquet(directory / "outcomes.parquet")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        on_dask = run_sweep(spec, SweepOptions(out=tmp_path / "dask", scheduler=cluster.scheduler_address))
    pd.testing.assert_frame_equal(pd.read_parquet(on_dask / "outcomes.parquet"), expected, check_exact=True)
    on_processes = run_sweep(spec, SweepOptions(out=tmp_path / "processes", workers=2))
    pd.testing.assert_frame_equal(pd.read_parquet(on_processes / "outcomes.parquet"), expected, check_exact=True)


@pytest.mark.parametrize("precision", ["exact", "fast"])
def test_each_precision_gives_the_same_outcomes_in_process_on_two_workers_and_on_dask(precision, tmp_path):
    """Outcomes-only (accumulated in the kernel), chunks of 25 of 60 runs: identical bits on every executor."""
    import json

    distributed = pytest.importorskip("distributed")
    spec = dataclasses.replace(load_sweep(SMALL), n=60)
    options = SweepOptions(out=tmp_path / "in_process", chunk=25, precision=precision)
    in_process = run_sweep(spec, options)
    expected = pd.read_parquet(in_process / "outcomes.parquet")
    manifest = json.loads((in_process / "manifest.json").read_text(encoding="utf-8"))["sweep"]
    assert manifest["precision"] == (precision if manifest["backend"] == "compiled" else "exact")
    on_processes = run_sweep(spec, dataclasses.replace(options, out=tmp_path / "processes", workers=2))
    pd.testing.assert_frame_equal(pd.read_parquet(on_processes / "outcomes.parquet"), expected, check_exact=True)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run_sweep(spec, dataclasses.replace(options, out=tmp_path / "dask",
                                                      scheduler=cluster.scheduler_address))
    pd.testing.assert_frame_equal(pd.read_parquet(on_dask / "outcomes.parquet"), expected, check_exact=True)


def test_fast_and_exact_outcomes_agree_to_1e_11(tmp_path):
    spec = dataclasses.replace(load_sweep(SMALL), n=40)
    frames = [pd.read_parquet(run_sweep(spec, SweepOptions(out=tmp_path / precision, precision=precision))
                              / "outcomes.parquet") for precision in ("exact", "fast")]
    numbers = [column for column in frames[0].columns if column not in ("run", "status", "failure_reason")]
    pd.testing.assert_frame_equal(frames[1][numbers], frames[0][numbers], rtol=1e-11, atol=1e-12)
    pd.testing.assert_frame_equal(frames[1][["run", "status"]], frames[0][["run", "status"]], check_exact=True)


def _on_a_terminal(arguments: list[str]) -> tuple[int, str, str]:
    """Run ``python -m restrans ARGUMENTS`` with stderr on a pseudo-terminal: (exit code, stdout, terminal text)."""
    import pty
    import threading

    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO once the child has closed its side
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    completed = subprocess.run([sys.executable, "-m", "restrans", *arguments], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=slave, text=True, timeout=300, check=False)
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return completed.returncode, completed.stdout, b"".join(chunks).decode("utf-8", "replace")


def test_cli_sweep_progress_on_a_terminal_only_and_bad_input_exits_2(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["sweep", str(SMALL), "--out", str(tmp_path), "--chunk", "120"])
    assert result.exit_code == 0, result.output
    assert "240 runs" in result.output and "240/240" not in result.output  # piped: no bar in the output
    code, stdout, terminal = _on_a_terminal(["sweep", str(SMALL), "--out", str(tmp_path / "tty"), "--chunk", "120"])
    assert code == 0, terminal
    assert "240/240" in terminal and "runs/s" in terminal and "240/240" not in stdout
    bad = runner.invoke(app, ["sweep", str(SCENARIOS / "baseline.yaml"), "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 2 and "unknown key" in bad.output and not (tmp_path / "bad").exists()


@pytest.mark.parametrize("command", ["sweep", "sensitivity", "uncertainty"])
def test_cli_precision_is_checked_in_one_line_before_anything_runs(command, tmp_path):
    arguments = {"sweep": [str(SMALL)], "sensitivity": [str(SMALL), "--method", "sobol"],
                 "uncertainty": [str(SCENARIOS / "uncertainty" / "baseline_uncertain.yaml"), "--n", "4", "--seed", "1"]}
    result = CliRunner().invoke(app, [command, *arguments[command], "--out", str(tmp_path), "--precision", "exakt"])
    assert result.exit_code == 2, result.output
    assert "--precision" in result.output and "did you mean 'exact'" in result.output
    assert not any(tmp_path.iterdir())


def test_cli_sweep_records_the_precision_it_ran_with(tmp_path):
    import json

    small = dataclasses.replace(load_sweep(SMALL), n=8)
    sweep_file = tmp_path / "eight.yaml"
    sweep_file.write_text(SMALL.read_text(encoding="utf-8").replace("n: 240", "n: 8").replace(
        "base: ../../../scenarios/", f"base: {SCENARIOS}/"), encoding="utf-8")
    assert load_sweep(sweep_file).n_runs == small.n_runs == 8
    for precision in ("exact", "fast"):
        result = CliRunner().invoke(app, ["sweep", str(sweep_file), "--out", str(tmp_path / precision),
                                          "--precision", precision])
        assert result.exit_code == 0, result.output
        manifest = json.loads((tmp_path / precision / "small_lhs" / "manifest.json").read_text(encoding="utf-8"))
        expected = precision if manifest["sweep"]["backend"] == "compiled" else "exact"
        assert manifest["sweep"]["precision"] == expected and f"({expected})" in result.output


def test_cli_sweep_without_the_ensembles_extra_says_so_in_one_line(monkeypatch, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "SALib" else real(name, *a))
    result = CliRunner().invoke(app, ["sweep", str(SMALL), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "pip install 'restrans[ensembles]'" in result.output and "SALib" in result.output
    assert not any(tmp_path.iterdir())
