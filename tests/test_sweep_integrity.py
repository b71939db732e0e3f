"""Sweeps that cannot silently go wrong (issue 13): a locked folder, resume tied to its inputs, verified chunks,
temporary files cleaned, SIGINT/SIGTERM as one line and a resumable state.

Every comparison with an uninterrupted sweep is exact (bit for bit: tolerance zero), since the same chunks are
computed by the same code; the sweeps are the 240-run ``small_lhs`` (numpy backend) so the file runs in seconds.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from restrans.sim.cli.commands import app
from restrans.sim.ensembles.sweep import SweepOptions, run_sweep
from restrans.sim.ensembles.sweep_folder import LOCK_FILE, SweepFolder, SweepFolderBusy, chunk_path, record_path
from restrans.sim.ensembles.sweep_spec import load_sweep
from restrans.sim.scenario.errors import InputError
from tests.conftest import DATA, ROOT, SCENARIOS
from tests.test_faults import mount  # noqa: F401 - the tmpfs fixture (skipped where mounting is not allowed)

SMALL = DATA / "sweeps" / "small_lhs.yaml"
N_RUNS = 240  # small_lhs: design n
CHUNKING_RELATIVE = 1e-12  # the same runs in batches of another size: numpy's vector loops may differ by an ulp
DEADLINE_SECONDS = 120  # waiting for a subprocess sweep to reach a point (it takes about 5 s in all)


def _options(out: Path, **changes) -> SweepOptions:
    return SweepOptions(**{"out": out, "chunk": 60, "backend": "numpy", **changes})


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The reference: small_lhs in one go, chunks of 60 (4 chunks), with trajectories."""
    directory = run_sweep(load_sweep(SMALL), _options(tmp_path_factory.mktemp("whole"), trajectories=True))
    return directory


def _same_results(directory: Path, reference: Path, trajectories: bool = True) -> None:
    """Bit-identical Parquet files and identical trajectory values (tolerance zero)."""
    for name in ("experiments.parquet", "outcomes.parquet"):
        assert (directory / name).read_bytes() == (reference / name).read_bytes(), name
    if trajectories:
        import xarray

        with xarray.open_dataset(directory / "trajectories.nc") as got, \
                xarray.open_dataset(reference / "trajectories.nc") as expected:
            xarray.testing.assert_identical(got.load(), expected.load())


def _environment() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _command(out: Path, chunk: int, *, interruptible: bool = False) -> list[str]:
    """``restrans sweep small_lhs`` as a subprocess (with SIGINT as KeyboardInterrupt even if it is inherited
    as ignored, for the SIGINT test)."""
    prefix = [sys.executable, "-m", "sim"] if not interruptible else [
        sys.executable, "-c", "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv[0] = 'restrans'; from restrans.sim.cli.commands import main; main()"]
    return [*prefix, "sweep", str(SMALL), "--out", str(out), "--chunk", str(chunk), "--backend", "numpy"]


def _wait_for(condition, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert process.poll() is None, "the sweep ended before the test could act"
        assert time.monotonic() < deadline, "timed out waiting for the sweep"
        time.sleep(0.01)


def _chunks_written(directory: Path) -> int:
    return len(list((directory / "chunks").glob("outcomes-*.parquet"))) if (directory / "chunks").is_dir() else 0


# --- 1. one sweep per folder ---------------------------------------------------------------------------


def test_a_second_concurrent_sweep_is_refused_and_the_first_is_correct(tmp_path, uninterrupted):
    directory = tmp_path / "small_lhs"
    first = subprocess.Popen(_command(tmp_path, 4), cwd=ROOT, env=_environment(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _chunks_written(directory) >= 1, first)  # running, and past its start
        second = subprocess.run(_command(tmp_path, 8), cwd=ROOT, env=_environment(), capture_output=True,
                                text=True, timeout=DEADLINE_SECONDS)
        assert first.poll() is None, "the first sweep finished before the second started: no concurrency tested"
    finally:
        _, first_errors = first.communicate(timeout=DEADLINE_SECONDS)
    assert second.returncode == 1, second.stderr
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in second.stderr
    assert str(directory) in lines[0] and f"PID {first.pid}" in lines[0] and socket.gethostname() in lines[0]
    assert first.returncode == 0, first_errors
    outcomes = pd.read_parquet(directory / "outcomes.parquet")
    assert len(outcomes) == N_RUNS and outcomes.run.is_unique and list(outcomes.run) == list(range(N_RUNS))
    expected = pd.read_parquet(uninterrupted / "outcomes.parquet")  # chunks of 60, not 4: the same numbers
    pd.testing.assert_frame_equal(outcomes, expected, check_exact=False, rtol=CHUNKING_RELATIVE, atol=0.0)
    assert not (directory / LOCK_FILE).exists()  # released


def test_the_lock_is_held_for_the_whole_sweep_and_names_its_holder(tmp_path):
    spec = dataclasses.replace(load_sweep(SMALL), n=8)
    directory = tmp_path / spec.name
    state = {"fingerprint": "x", "chunk": 4, "inputs": {}}
    with SweepFolder(directory, state):
        holder = json.loads((directory / LOCK_FILE).read_text(encoding="utf-8"))
        assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname() and holder["started"]
        with pytest.raises(SweepFolderBusy, match=f"PID {os.getpid()} on {socket.gethostname()}"):
            run_sweep(spec, _options(tmp_path, chunk=4))
    assert not (directory / LOCK_FILE).exists()


def test_a_sweep_stopped_by_an_exception_leaves_no_temporary_file_and_says_nothing_of_them(tmp_path):
    """A signal can land inside an atomic write after its temporary file exists: the folder removes such files
    when the sweep stops on an exception (quietly: the command's one line says what happened), not on success."""
    notices = []
    state = {"fingerprint": "x", "chunk": 4, "inputs": {}}
    directory = tmp_path / "stopped"
    with pytest.raises(KeyboardInterrupt):
        with SweepFolder(directory, state, notify=notices.append):
            (directory / "chunks").mkdir(exist_ok=True)
            (directory / "chunks" / ".outcomes-000002.parquet.json.abc.tmp").write_text("partial")
            raise KeyboardInterrupt
    assert not list(directory.rglob("*.tmp")) and notices == []
    assert not (directory / LOCK_FILE).exists()


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path, uninterrupted):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its PID is no longer running
    directory = tmp_path / "small_lhs"
    shutil.copytree(uninterrupted, directory)
    (directory / LOCK_FILE).write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(),
                                                   "started": "2026-01-01T00:00:00+0000"}), encoding="utf-8")
    notices: list[str] = []
    run_sweep(load_sweep(SMALL), _options(tmp_path, trajectories=True), notify=notices.append)
    assert any(f"PID {dead.pid}" in line and "no longer running" in line for line in notices), notices
    _same_results(directory, uninterrupted)


# --- 2. resume tied to everything the numbers depend on ---------------------------------------------------


def test_resume_after_a_threshold_edit_is_refused_naming_the_targets_file(tmp_path):
    targets = tmp_path / "targets.yaml"
    shutil.copy(SCENARIOS / "targets.yaml", targets)
    spec = dataclasses.replace(load_sweep(SMALL), n=8)
    directory = run_sweep(spec, _options(tmp_path / "out", chunk=4, targets=targets))
    chunk_path(directory, 1, "outcomes").unlink()  # as if killed before the last chunk
    text = targets.read_text(encoding="utf-8")
    assert "threshold: 0.055" in text
    targets.write_text(text.replace("threshold: 0.055", "threshold: 0.06", 1), encoding="utf-8")
    with pytest.raises(InputError, match="targets file") as caught:
        run_sweep(spec, _options(tmp_path / "out", chunk=4, targets=targets))
    message = str(caught.value)
    assert "\n" not in message and str(targets) in message and "another --out or delete the folder" in message
    result = CliRunner().invoke(app, ["sweep", str(SMALL), "--out", str(tmp_path / "cli"), "--chunk", "120",
                                      "--backend", "numpy", "--targets", str(targets)])
    assert result.exit_code == 0, result.output
    targets.write_text(text, encoding="utf-8")  # the threshold back: a different file from the one used there
    refused = CliRunner().invoke(app, ["sweep", str(SMALL), "--out", str(tmp_path / "cli"), "--chunk", "120",
                                       "--backend", "numpy", "--targets", str(targets)])
    assert refused.exit_code == 2 and "targets file" in refused.output and "Traceback" not in refused.output


def test_resume_after_a_base_scenario_edit_is_refused_naming_it(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    shutil.copy(SCENARIOS / "retraining_programme.yaml", folder / "retraining_programme.yaml")
    shutil.copy(SCENARIOS / "baseline.yaml", folder / "baseline.yaml")
    sweep_file = folder / "sweep.yaml"
    sweep_file.write_text(SMALL.read_text(encoding="utf-8").replace("../../../scenarios/", "").replace(
        "n: 240", "n: 8"), encoding="utf-8")
    run_sweep(load_sweep(sweep_file), _options(tmp_path / "out", chunk=4))
    parent = folder / "baseline.yaml"
    parent.write_text(parent.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    with pytest.raises(InputError, match="base scenario extends") as caught:
        run_sweep(load_sweep(sweep_file), _options(tmp_path / "out", chunk=4))
    assert str(parent.resolve()) in str(caught.value)


# --- 4. verified chunks -------------------------------------------------------------------------------------


def _flip_a_byte(directory: Path) -> None:
    path = chunk_path(directory, 1, "outcomes")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _swap_files(directory: Path) -> None:
    first, second = chunk_path(directory, 1, "outcomes"), chunk_path(directory, 2, "outcomes")
    first_bytes = first.read_bytes()
    first.write_bytes(second.read_bytes())
    second.write_bytes(first_bytes)


def _swap_files_and_records(directory: Path) -> None:
    _swap_files(directory)
    first, second = (record_path(chunk_path(directory, index, "outcomes")) for index in (1, 2))
    first_text = first.read_text(encoding="utf-8")
    first.write_text(second.read_text(encoding="utf-8"), encoding="utf-8")
    second.write_text(first_text, encoding="utf-8")


def _truncate(directory: Path) -> None:
    path = chunk_path(directory, 1, "outcomes")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_a_trajectory_byte(directory: Path) -> None:
    path = chunk_path(directory, 1, "trajectories")
    data = bytearray(path.read_bytes())
    data[-100] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_flip_a_byte, _swap_files, _swap_files_and_records, _truncate,
                                    _flip_a_trajectory_byte])
def test_a_damaged_chunk_is_detected_and_computed_again(damage, tmp_path, uninterrupted):
    directory = tmp_path / "small_lhs"
    shutil.copytree(uninterrupted, directory)
    (directory / "outcomes.parquet").unlink()  # as if killed before assembly
    damage(directory)
    notices: list[str] = []
    run_sweep(load_sweep(SMALL), _options(tmp_path, trajectories=True), notify=notices.append)
    _same_results(directory, uninterrupted)
    assert notices and all("\n" not in line for line in notices)
    assert any("chunk 1 (runs 60-119)" in line and "computing the chunk again" in line for line in notices), notices


def test_a_chunk_damaged_during_the_sweep_is_caught_before_assembly(tmp_path, uninterrupted):
    notices: list[str] = []
    directory = tmp_path / "small_lhs"

    damaged: list[int] = []

    def damage_the_first_chunk(done: int, total: int) -> None:
        if done == 3 * 60 and not damaged:  # chunk 0 was written (and checked) long ago; assembly comes next
            _flip_a_byte_of(chunk_path(directory, 0, "outcomes"))
            damaged.append(done)

    run_sweep(load_sweep(SMALL), _options(tmp_path, trajectories=True), damage_the_first_chunk, notices.append)
    _same_results(directory, uninterrupted)
    assert damaged and any("chunk 0 (runs 0-59)" in line for line in notices), notices


def _flip_a_byte_of(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


# --- 15. temporary files and signals --------------------------------------------------------------------------


def test_temporary_files_left_by_a_kill_are_removed_on_the_next_start(tmp_path, uninterrupted):
    directory = tmp_path / "small_lhs"
    shutil.copytree(uninterrupted, directory)
    (directory / "outcomes.parquet").unlink()
    leftovers = [directory / ".outcomes.parquet.4242.tmp", directory / ".trajectories.nc.k3j2.tmp",
                 directory / "chunks" / ".outcomes-000002.parquet.x8y9.tmp"]
    for path in leftovers:
        path.write_bytes(b"half-written")
    notices: list[str] = []
    run_sweep(load_sweep(SMALL), _options(tmp_path, trajectories=True), notify=notices.append)
    _same_results(directory, uninterrupted)
    assert not any(path.exists() for path in leftovers)
    assert not list(directory.rglob("*.tmp"))
    assert any("removed 3 temporary file(s)" in line for line in notices), notices


@pytest.mark.parametrize("number, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_gives_one_line_and_the_sweep_resumes_to_the_same_bytes(number, code, tmp_path):
    directory = tmp_path / "small_lhs"
    chunk = 4  # 60 chunks of about 0.07 s: seconds of margin for the signal to land before the last one, under load
    process = subprocess.Popen(_command(tmp_path, chunk, interruptible=True), cwd=ROOT, env=_environment(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: _chunks_written(directory) >= 3, process)
    process.send_signal(number)
    _, errors = process.communicate(timeout=DEADLINE_SECONDS)
    assert process.returncode == code, errors
    lines = errors.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in errors, errors
    assert signal.Signals(number).name in lines[0] and "run the same command again to resume" in lines[0]
    assert str(directory) in lines[0]
    assert 3 <= _chunks_written(directory) < N_RUNS // chunk, "the signal came after the last chunk"
    assert not (directory / "outcomes.parquet").exists() and not list(directory.rglob("*.tmp"))
    assert not (directory / LOCK_FILE).exists()
    notices: list[str] = []
    run_sweep(load_sweep(SMALL), _options(tmp_path, chunk=chunk), notify=notices.append)  # the same command, resumed
    assert notices == [], notices  # nothing to clean or recompute
    whole = run_sweep(load_sweep(SMALL), _options(tmp_path / "whole", chunk=chunk))
    _same_results(directory, whole, trajectories=False)


# --- foreign-model sweeps share the folder -------------------------------------------------------------------


def test_a_foreign_sweep_is_locked_and_its_chunks_verified(tmp_path, pysd_cache):
    from restrans.sim.vensim.foreign import ForeignModel
    from restrans.sim.vensim.foreign_sweep import load_foreign_sweep, run_foreign_sweep

    sweep = load_foreign_sweep(DATA / "foreign" / "town_sweep.yaml", ForeignModel(DATA / "foreign" /
                                                                                  "mining_town.mdl"))
    reference = run_foreign_sweep(sweep, tmp_path / "whole")
    directory = tmp_path / "resumed" / sweep.name
    shutil.copytree(reference, directory)
    (directory / "outcomes.parquet").unlink()
    _truncate(directory)
    notices: list[str] = []
    run_foreign_sweep(sweep, tmp_path / "resumed", notify=notices.append)
    assert any("chunk 1 (runs 3-3)" in line for line in notices), notices
    assert (directory / "outcomes.parquet").read_bytes() == (reference / "outcomes.parquet").read_bytes()
    holder = SweepFolder(directory, json.loads((directory / "sweep_state.json").read_text(encoding="utf-8")))
    with holder:
        with pytest.raises(SweepFolderBusy, match=f"PID {os.getpid()}"):
            run_foreign_sweep(sweep, tmp_path / "resumed")


# --- a disk that fills up mid-sweep -----------------------------------------------------------------------------

TMPFS_SIZE = "700k"
"""A tmpfs this small fills after about 11 of the 24 chunks of small_lhs at --chunk 10 (1.9 MB when finished)."""


def test_a_disk_that_fills_mid_sweep_gives_one_line_and_a_resumable_folder(mount, tmp_path):
    point = mount(f"size={TMPFS_SIZE}")
    result = subprocess.run(_command(point, 10), cwd=ROOT, env=_environment(), capture_output=True, text=True,
                            timeout=DEADLINE_SECONDS)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "No space left on device (ENOSPC)" in lines[0] and "run the same command again to resume" in lines[0]
    directory = point / "small_lhs"
    assert 1 <= _chunks_written(directory) < N_RUNS // 10, "the disk did not fill mid-sweep: adjust TMPFS_SIZE"
    assert not (directory / LOCK_FILE).exists() and not (directory / "outcomes.parquet").exists()
    resumed = tmp_path / "resumed"
    shutil.copytree(directory, resumed / "small_lhs")  # the same folder on a disk with room
    run_sweep(load_sweep(SMALL), _options(resumed, chunk=10))
    whole = run_sweep(load_sweep(SMALL), _options(tmp_path / "whole", chunk=10))
    _same_results(resumed / "small_lhs", whole, trajectories=False)
