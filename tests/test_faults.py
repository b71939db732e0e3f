"""Faults and refused inputs end in one line, the right exit code and no half-written outputs (issue 13).

Exit code 1 is a fault (disk full, read-only folder, a file or a dangling link where an output goes, a run of a
foreign model that stops or goes non-finite), exit code 2 bad input (a model that cannot be translated or is too
large, a budget too small to hit, a distribution with no probability between its bounds). Every fault leaves the
previous outputs as they were (compared byte for byte) and no staging folder behind. Tolerances: none — exit
codes, lines and bytes are compared exactly; the only numbers compared are times printed with ``%g``.
"""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from restrans.sim.cli.commands import app
from restrans.sim.engine import outputs
from tests.conftest import DATA, ROOT, SCENARIOS

runner = CliRunner()
BASELINE = SCENARIOS / "baseline.yaml"
MIX = SCENARIOS / "livelihood_first.yaml"
TOWN = DATA / "foreign" / "mining_town.mdl"
TOWN_SCENARIO = DATA / "foreign" / "bigger_mines.yaml"


def invoke(*arguments):
    """In-process CLI; an exception escaping the command fails the test (that would be a traceback)."""
    return runner.invoke(app, [str(argument) for argument in arguments], catch_exceptions=False)


def command_line(*arguments, cache: Path | None = None):
    """The installed command in a subprocess: real exit code and stderr."""
    environment = dict(os.environ)
    if cache is not None:
        environment["RESTRANS_CACHE_DIR"] = str(cache)
    return subprocess.run([sys.executable, "-m", "restrans", *[str(argument) for argument in arguments]],
                          capture_output=True, text=True, cwd=ROOT, env=environment, timeout=600, check=False)


def assert_one_line(code: int, exit_code: int, stderr: str, output: str, *fragments: str) -> str:
    """Exit code ``code``, exactly one line on stderr (``restrans: error: ...``) holding every fragment."""
    assert exit_code == code, output
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("restrans: error: ") and "Traceback" not in output + stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def check(result, code: int, *fragments: str) -> str:
    return assert_one_line(code, result.exit_code, result.stderr, result.output, *fragments)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included) by relative path, with its bytes."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if ".partial-" in path.name or ".retired-" in path.name)


def disk_full_after(monkeypatch, calls: int) -> None:
    """Make the atomic writer raise ENOSPC from its ``calls + 1``-th call on (a disk that fills mid-write)."""
    real, count = outputs.atomic_write_bytes, {"n": 0}

    def writer(path, data):
        count["n"] += 1
        if count["n"] > calls:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(outputs, "atomic_write_bytes", writer)
    monkeypatch.setattr("restrans.sim.report.compare_outputs.atomic_write_bytes", writer, raising=False)


# --- compare: a folder replaced whole or not at all (item 5) -------------------------------------------


@pytest.fixture(scope="module")
def two_region_compare(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    result = invoke("compare", BASELINE, MIX, "--regions", "coal_declining,coal_growing", "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_compare_with_disk_full_mid_write_keeps_the_old_folder(two_region_compare, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(two_region_compare, out)
    before = snapshot(out / "compare")
    assert "matrix.csv" in before
    disk_full_after(monkeypatch, 3)  # three files written into the staging folder, then the disk is full
    line = check(invoke("compare", BASELINE, MIX, "--region", "coal_declining", "--out", out), 1,
                 "No space left on device (ENOSPC)", str(out / "compare"), "run the same command again")
    assert "nothing there was changed" in line
    assert snapshot(out / "compare") == before
    assert leftovers(out) == []


def test_a_new_compare_leaves_no_file_of_the_old_one(two_region_compare, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(two_region_compare, out)
    (out / ".compare.partial-999999999-dead").mkdir()  # left by a killed compare (no such process)
    (out / ".compare.partial-999999999-dead" / "report.html").write_text("half")
    result = invoke("compare", BASELINE, MIX, "--region", "coal_declining", "--out", out)
    assert result.exit_code == 0, result.output
    names = set(snapshot(out / "compare"))
    assert "matrix.csv" not in names and "figures/matrix.png" not in names
    assert not any("coal_growing" in name for name in names), names
    assert "figures/trajectories_coal_declining.png" in names
    assert leftovers(out) == []
    assert oct((out / "compare").stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- run and export: faults of the output path (item 14) -------------------------------------------------


@pytest.fixture(scope="module")
def old_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    assert invoke("run", BASELINE, "--out", out).exit_code == 0
    return out


def test_run_with_disk_full_keeps_the_old_folder(old_run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(old_run, out)
    before = snapshot(out)
    disk_full_after(monkeypatch, 2)
    check(invoke("run", BASELINE, "--set", "rd_intensity=0.03", "--out", out), 1, "(ENOSPC)")
    assert snapshot(out) == before


def test_run_keeps_an_exported_model_but_no_other_old_file(old_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(old_run, out)
    (out / "baseline" / "baseline.mdl").write_text("exported")
    (out / "baseline" / "stale.csv").write_text("old")
    assert invoke("run", BASELINE, "--out", out).exit_code == 0
    names = {path.name for path in (out / "baseline").iterdir()}
    assert "baseline.mdl" in names and "stale.csv" not in names


@pytest.mark.parametrize("command", ["run", "compare"])
def test_output_folder_that_is_a_file(tmp_path, command):
    name = "baseline" if command == "run" else "compare"
    (tmp_path / name).write_text("not a folder")
    arguments = [BASELINE] if command == "run" else [BASELINE, MIX]
    check(invoke(command, *arguments, "--out", tmp_path), 1, str(tmp_path / name), "not a folder")
    assert snapshot(tmp_path) == {name: b"not a folder"}


@pytest.mark.parametrize("command", ["run", "compare"])
def test_out_that_is_a_file(tmp_path, command):
    (tmp_path / "out").write_text("x")
    arguments = [BASELINE] if command == "run" else [BASELINE, MIX]
    check(invoke(command, *arguments, "--out", tmp_path / "out"), 1, "not a folder")
    assert snapshot(tmp_path) == {"out": b"x"}


@pytest.mark.parametrize("command", ["run", "compare"])
def test_dangling_symlink_as_output_folder(tmp_path, command):
    name = "baseline" if command == "run" else "compare"
    (tmp_path / name).symlink_to(tmp_path / "gone")
    arguments = [BASELINE] if command == "run" else [BASELINE, MIX]
    check(invoke(command, *arguments, "--out", tmp_path), 1, "symbolic link", "does not exist")
    assert [path.name for path in tmp_path.iterdir()] == [name] and not (tmp_path / "gone").exists()


def test_symlink_to_a_folder_is_written_through(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "baseline").symlink_to(tmp_path / "real")
    assert invoke("run", BASELINE, "--out", tmp_path).exit_code == 0
    assert (tmp_path / "baseline").is_symlink() and (tmp_path / "real" / "timeseries.csv").is_file()


def test_export_faults(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    check(invoke("export", BASELINE, "--out", tmp_path / "file" / "a.mdl"), 1, "not a folder")
    (tmp_path / "link.mdl").symlink_to(tmp_path / "gone.mdl")
    check(invoke("export", BASELINE, "--out", tmp_path / "link.mdl"), 1, "symbolic link")
    (tmp_path / "folder.mdl").mkdir()
    check(invoke("export", BASELINE, "--out", tmp_path / "folder.mdl"), 1, "not a file")
    (tmp_path / "old.mdl").write_text("old")
    disk_full_after(monkeypatch, 0)
    check(invoke("export", BASELINE, "--out", tmp_path / "old.mdl"), 1, "(ENOSPC)")
    assert snapshot(tmp_path) == {"file": b"x", "old.mdl": b"old"}


# --- real file systems: a small tmpfs and a read-only one (skipped where mounting is not allowed) -----------


@pytest.fixture
def mount(tmp_path):
    """``mount(options)`` mounts a tmpfs under tmp_path; skipped unless this process may mount (root with
    CAP_SYS_ADMIN, e.g. a privileged container)."""
    mounted = []

    def make(options: str) -> Path:
        point = tmp_path / f"mount-{uuid.uuid4().hex[:8]}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True,
                              check=False) if shutil.which("mount") else None
        if done is None or done.returncode != 0:
            pytest.skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN); the monkeypatched ENOSPC "
                        "and the other fault tests still run")
        mounted.append(point)
        return point

    yield make
    for point in mounted:
        subprocess.run(["umount", str(point)], capture_output=True, check=False)


def test_disk_full_on_a_small_tmpfs(mount):
    point = mount("size=64k")
    (point / "baseline").mkdir()
    (point / "baseline" / "timeseries.csv").write_text("old result")
    check(invoke("run", BASELINE, "--out", point), 1, "No space left on device (ENOSPC)")
    assert snapshot(point) == {"baseline/timeseries.csv": b"old result"}


def test_read_only_output_folder(mount, tmp_path):
    point = mount("ro,size=64k")
    check(invoke("run", BASELINE, "--out", point), 1, "Read-only file system (EROFS)")
    check(invoke("compare", BASELINE, MIX, "--out", point), 1, "(EROFS)")
    check(invoke("export", BASELINE, "--out", point / "x.mdl"), 1, "(EROFS)")
    assert list(point.iterdir()) == []


# --- refused inputs (item 14) ------------------------------------------------------------------------------


@pytest.mark.parametrize("budget", ["1e-8", "1e-9", "1e-7", "0"])
def test_tiny_budget_is_refused_as_input(tmp_path, budget):
    result = invoke("compare", BASELINE, MIX, "--budget", budget, "--out", tmp_path)
    check(result, 2, "--budget: budget:", ">= 0.001")
    assert list(tmp_path.iterdir()) == []


NO_MASS = """name: no_mass
extends: {baseline}
uncertainty:
  resource_price_growth: {{normal: {{mean: 0.0, sd: 0.001, lower: 0.05, upper: 0.1}}}}
"""


def test_truncated_normal_without_probability_inside_its_bounds(tmp_path):
    scenario = tmp_path / "no_mass.yaml"
    scenario.write_text(NO_MASS.format(baseline=BASELINE))
    fragments = ("uncertainty.resource_price_growth.normal", "probability between its bounds [0.05, 0.1]")
    check(invoke("validate", scenario), 2, *fragments)
    pytest.importorskip("SALib")
    check(invoke("uncertainty", scenario, "--n", "4", "--seed", "1", "--out", tmp_path / "out"), 2, *fragments)
    assert not (tmp_path / "out").exists()


# --- foreign models (items 6 and 11) ----------------------------------------------------------------------


def town_variant(tmp_path: Path, old: str, new: str, name: str) -> Path:
    text = TOWN.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_non_finite_state_of_a_foreign_run_is_a_fault(tmp_path, pysd_cache):
    model = town_variant(tmp_path, "productivity = 5\n", "productivity = 5 + (EXP(Time*Time*Time) - "
                         "EXP(Time*Time*Time))\n", "overflow.mdl")
    (tmp_path / "out" / "bigger_mines").mkdir(parents=True)
    (tmp_path / "out" / "bigger_mines" / "timeseries.csv").write_text("old")
    done = command_line("run", TOWN_SCENARIO, "--model", model, "--out", tmp_path / "out", cache=pysd_cache)
    line = assert_one_line(1, done.returncode, done.stderr, done.stdout, "overflow.mdl: variable 'Workers' at t=",
                           "non-finite", "nothing was written")
    assert float(line.split("at t=")[1].split(":")[0]) > 0  # e^(t^3) overflows near t = 9, not at the start
    assert snapshot(tmp_path / "out") == {"bigger_mines/timeseries.csv": b"old"}


def test_division_by_zero_in_a_foreign_model_is_a_run_fault(tmp_path, pysd_cache):
    model = town_variant(tmp_path, "minimum depletion time = 5\n", "minimum depletion time = 0/0\n", "zero.mdl")
    done = command_line("run", TOWN_SCENARIO, "--model", model, "--out", tmp_path / "out", cache=pysd_cache)
    assert_one_line(1, done.returncode, done.stderr, done.stdout, "zero.mdl: variable 'minimum depletion time' "
                    "at t=0: division by zero")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name, old, new, fragments", [
    ("syntax.mdl", "wage = 60\n", "wage = (60 +\n", ("syntax.mdl: variable 'wage':", "cannot parse")),
    ("undefined.mdl", "mine capacity = 50\n", "mine capacity = 50 * not_defined_anywhere\n",
     ("undefined.mdl: variable 'mine capacity':", "'not_defined_anywhere' is used but not defined")),
])
def test_model_pysd_cannot_translate_names_the_file_and_variable(tmp_path, pysd_cache, name, old, new, fragments):
    model = town_variant(tmp_path, old, new, name)
    line = check(invoke("run", TOWN_SCENARIO, "--model", model, "--out", tmp_path / "out"), 2, *fragments)
    assert "(None)" not in line and not line.endswith("list index out of range)")
    assert not (tmp_path / "out").exists()


def test_broken_xmile_is_one_line_not_none(tmp_path, pysd_cache):
    model = tmp_path / "broken.xmile"
    model.write_text("<xmile><model></model>", encoding="utf-8")
    line = check(invoke("run", TOWN_SCENARIO, "--model", model, "--out", tmp_path / "out"), 2, "broken.xmile")
    assert "(None)" not in line


def test_huge_model_file_is_refused_before_pysd_reads_it(tmp_path, pysd_cache):
    from restrans.sim.engine.pysd_errors import MAXIMUM_MODEL_BYTES

    model = tmp_path / "huge.mdl"
    with open(model, "wb") as stream:
        stream.write(TOWN.read_bytes())
        stream.truncate(MAXIMUM_MODEL_BYTES + 1)  # sparse: no 20 MiB written to disk
    started = time.perf_counter()
    check(invoke("run", TOWN_SCENARIO, "--model", model, "--out", tmp_path / "out"), 2, "huge.mdl: (file):",
          "at most 20 MiB")
    assert time.perf_counter() - started < 5.0  # refused from the size alone (PySD would take minutes)
    assert not (tmp_path / "out").exists()


# --- trajectories.nc: the same sweep gives the same bytes (item 16) -----------------------------------------


def test_trajectories_file_is_bit_identical_between_identical_sweeps(tmp_path):
    pytest.importorskip("h5netcdf")
    import dataclasses

    from restrans.sim.ensembles.sweep import SweepOptions, run_sweep
    from restrans.sim.ensembles.sweep_spec import load_sweep

    spec = dataclasses.replace(load_sweep(DATA / "sweeps" / "small_lhs.yaml"), n=5)
    first = run_sweep(spec, SweepOptions(out=tmp_path / "a", chunk=2, trajectories=True))
    time.sleep(1.1)  # HDF5 object times have a resolution of one second
    second = run_sweep(spec, SweepOptions(out=tmp_path / "b", chunk=2, trajectories=True))
    assert (first / "trajectories.nc").read_bytes() == (second / "trajectories.nc").read_bytes()


SWEEP = """name: town_sweep
base: {base}
design: {{method: lhs, n: 2, seed: 1}}
factors:
  mine capacity: {{range: [10, 20]}}
"""


def test_division_by_zero_in_an_initial_value_is_a_fault_for_run_and_sweep(tmp_path, pysd_cache):
    model = town_variant(tmp_path, "INTEG(-extraction, initial reserves)", "INTEG(-extraction, initial reserves / 0)",
                         "initial_zero.mdl")
    fragments = ("initial_zero.mdl: variable 'reserves' while setting the initial values: division by zero",)
    done = command_line("run", TOWN_SCENARIO, "--model", model, "--out", tmp_path / "out", cache=pysd_cache)
    assert_one_line(1, done.returncode, done.stderr, done.stdout, *fragments)
    pytest.importorskip("dask")
    sweep = tmp_path / "town_sweep.yaml"
    sweep.write_text(SWEEP.format(base=TOWN_SCENARIO), encoding="utf-8")
    done = command_line("sweep", sweep, "--model", model, "--out", tmp_path / "out", cache=pysd_cache)
    assert_one_line(1, done.returncode, done.stderr, done.stdout, *fragments)
    assert not (tmp_path / "out").exists()


def test_uncertainty_with_disk_full_is_one_line_and_exit_1(tmp_path, monkeypatch):
    """The uncertainty folder is staged like the others; a full disk ends in one line, not a traceback."""
    from tests.test_uncertainty import SCENARIO_FILES

    disk_full_after(monkeypatch, 1)
    check(invoke("uncertainty", *SCENARIO_FILES, "--n", "20", "--seed", "3", "--out", tmp_path, "--name", "mc"), 1,
          "No space left on device (ENOSPC)")
    assert not (tmp_path / "mc").exists() and leftovers(tmp_path) == []
