"""Input safety of sweeps, foreign models and output names (issue 13, items 3, 10, 12 and 13).

3. A lever and a field of its schedule varied together are refused at load time.
10. Grid sizes are exact Python integers: 64 factors of 2 levels are 2**64 runs, refused, not 0.
12. A comment or unit that would close a string in PySD's generated Python (and run the text after it)
    refuses the model before PySD translates it.
13. Every name that becomes a folder under ``--out`` follows one rule (sim/scenario/names.py).

Bad input must give exit code 2, one line on stderr naming the file, the key and the value, and write nothing.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from restrans.sim.cli.commands import app
from restrans.sim.engine.model_text import check_model_text
from restrans.sim.ensembles.sweep_spec import MAXIMUM_RUNS, grid_size, load_sweep
from restrans.sim.ensembles.uncertainty import run_uncertainty
from restrans.sim.scenario.errors import InputError
from restrans.sim.scenario.names import MAXIMUM_OUTPUT_NAME_LENGTH, check_output_name
from tests.conftest import DATA, ROOT, SCENARIOS

FOREIGN = DATA / "foreign"
UNCERTAIN = DATA / "sweeps" / "uncertain_a.yaml"
RETRAINING = SCENARIOS / "retraining_programme.yaml"  # gives retraining_capacity a ramp
runner = CliRunner()


def invoke(*arguments):
    return runner.invoke(app, [str(argument) for argument in arguments], catch_exceptions=False)


def one_error_line(result, code: int = 2) -> str:
    """The single ``restrans: error:`` line of a failed command (asserts there is exactly one)."""
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("restrans: error: "), result.output
    return lines[0]


def write_sweep(folder: Path, factors: str, design: str = "{method: lhs, n: 4, seed: 1}", name: str = "guarded",
                base: Path = RETRAINING) -> Path:
    path = folder / "sweep.yaml"
    path.write_text(f"name: {name}\nbase: {base}\ndesign: {design}\nfactors:\n{factors}", encoding="utf-8")
    return path


# --- 3. a lever and a field of its schedule ------------------------------------------------------------------


@pytest.mark.parametrize("order", ["lever first", "field first"])
def test_a_lever_and_a_field_of_its_schedule_are_refused_together(tmp_path, order):
    lever = "  retraining_capacity: {range: [2.0, 12.0]}\n"
    field = "  retraining_capacity.ramp.to: {range: [2.0, 15.0]}\n"
    sweep = write_sweep(tmp_path, lever + field if order == "lever first" else field + lever)
    out = tmp_path / "out"
    line = one_error_line(invoke("sweep", sweep, "--out", out))
    assert line.startswith(f"restrans: error: {sweep}: factors.retraining_capacity.ramp.to: "
                           "'retraining_capacity.ramp.to' — not together with factor 'retraining_capacity'"), line
    assert "would have no effect" in line and "ramp" in line
    assert not out.exists()


def test_fields_of_one_schedule_and_other_levers_may_still_vary_together(tmp_path):
    spec = load_sweep(write_sweep(tmp_path, "  retraining_capacity.ramp.to: {range: [2.0, 15.0]}\n"
                                            "  retraining_capacity.ramp.start: {range: [2026, 2030]}\n"
                                            "  transfer_payment: {range: [0.1, 0.5]}\n"))
    assert [factor.key for factor in spec.factors] == ["retraining_capacity.ramp.to", "retraining_capacity.ramp.start",
                                                       "transfer_payment"]


# --- 10. grid sizes -----------------------------------------------------------------------------------------


def limited_memory() -> None:
    """Run a child with 6 GB of address space: old code building a 2**64-run grid fails instead of swapping."""
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))


def run_command(*arguments) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *map(str, arguments)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, preexec_fn=limited_memory, check=False,
                          env={**os.environ, "COLUMNS": "300"})


def sixty_four_factors() -> str:
    from restrans.model.parameters import PARAMETERS

    return "".join(f"  {parameter.name}: {{values: [{parameter.default!r}, {parameter.default!r}]}}\n"
                   for parameter in PARAMETERS[:64])


def test_grid_size_is_an_exact_python_integer(tmp_path):
    spec_path = write_sweep(tmp_path, sixty_four_factors(), "{method: lhs, n: 4, seed: 1}")
    factors = load_sweep(spec_path).factors  # an lhs design loads; its factors make a 2**64 grid
    assert grid_size(factors, 2) == 2 ** 64 and type(grid_size(factors, 2)) is int


def test_a_grid_of_two_to_the_64_runs_is_refused_in_one_line(tmp_path):
    sweep = write_sweep(tmp_path, sixty_four_factors(), "{method: grid, n: 2, seed: 1}")
    out = tmp_path / "out"
    completed = run_command("sweep", sweep, "--out", out)
    assert completed.returncode == 2, completed.stderr[-2000:]
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr[-2000:]
    assert lines[0].startswith(f"restrans: error: {sweep}: design.n: 2 — a grid of at most {MAXIMUM_RUNS:,} runs "
                               f"(this one has {2 ** 64:,}"), lines[0]
    assert not out.exists()


def test_a_grid_just_above_the_maximum_is_refused_and_one_at_it_loads(tmp_path):
    (tmp_path / "above").mkdir()
    (tmp_path / "at").mkdir()
    factors = "  resource_price_growth: {range: [-0.02, 0.02], levels: 1000}\n" \
              "  mining_productivity_growth: {range: [0.0, 0.08], levels: 1000}\n"
    with pytest.raises(InputError) as caught:
        load_sweep(write_sweep(tmp_path / "above", factors + "  birth_rate: {range: [0.004, 0.009], levels: 101}\n",
                               "{method: grid, n: 2, seed: 1}"))
    assert "this one has 101,000,000" in str(caught.value)
    spec = load_sweep(write_sweep(tmp_path / "at", factors + "  birth_rate: {range: [0.004, 0.009], levels: 100}\n",
                                  "{method: grid, n: 2, seed: 1}"))
    assert spec.n_runs == MAXIMUM_RUNS


def sixty_four_constant_model(folder: Path) -> Path:
    """A Vensim model with one stock fed by 64 constants c0 ... c63, and a scenario for it."""
    entries = ["{UTF-8}", "Total = INTEG(" + " + ".join(f"c{index}" for index in range(64)) + ", 0)\n\t~\tthing\n"
               "\t~\tThe sum of the constants.\n\t|"]
    entries += [f"c{index} = 1\n\t~\tthing/Year [0,10]\n\t~\tConstant {index}.\n\t|" for index in range(64)]
    entries += [f"{name} = {value}\n\t~\tYear\n\t~\t{name}.\n\t|" for name, value in
                (("FINAL TIME", 2), ("INITIAL TIME", 0), ("SAVEPER", 1), ("TIME STEP", 1))]
    model = folder / "sixty_four.mdl"
    model.write_text("\n\n".join(entries) + "\n\n\\\\\\---/// Sketch information\n", encoding="utf-8")
    (folder / "sixty_four_base.yaml").write_text("name: sixty_four_base\n", encoding="utf-8")
    return model


def test_a_foreign_grid_of_two_to_the_64_runs_is_refused_in_one_line(tmp_path, pysd_cache):
    model = sixty_four_constant_model(tmp_path)
    factors = "".join(f"  c{index}: {{values: [1, 2]}}\n" for index in range(64))
    sweep = write_sweep(tmp_path, factors, "{method: grid, n: 2, seed: 1}", base=Path("sixty_four_base.yaml"))
    out = tmp_path / "out"
    completed = run_command("sweep", sweep, "--model", model, "--out", out)
    assert completed.returncode == 2, completed.stderr[-2000:]
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{sweep}: design.n: 2 — a grid of at most {MAXIMUM_RUNS:,} runs" in lines[0], lines
    assert f"(this one has {2 ** 64:,}" in lines[0]
    assert not out.exists()


# --- 12. comments and units that would run as code in PySD's Python ------------------------------------------


def payload(marker: Path) -> str:
    """A comment that, pasted into a docstring, closes it and writes ``marker`` whenever ``extraction`` is computed."""
    return f'Ore mined."""; __import__("pathlib").Path("{marker}").write_text("ran"); """'


EXTRACTION_COMMENT = "Ore mined per year: the capacity, or less when reserves run low."


def malicious_mdl(folder: Path, marker: Path, old: str = EXTRACTION_COMMENT, new: str | None = None) -> Path:
    path = folder / "evil_town.mdl"
    text = (FOREIGN / "mining_town.mdl").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, payload(marker) if new is None else new), encoding="utf-8")
    return path


def malicious_xmile(folder: Path, marker: Path) -> Path:
    path = folder / "evil_town.xmile"
    text = (FOREIGN / "mining_town.xmile").read_text(encoding="utf-8")
    escaped = payload(marker).replace('"""', "&quot;&quot;&quot;")  # XML entities: PySD reads them as quotes
    assert EXTRACTION_COMMENT in text
    path.write_text(text.replace(EXTRACTION_COMMENT, escaped), encoding="utf-8")
    return path


MALICIOUS = {"mdl": malicious_mdl, "xmile": malicious_xmile}


@pytest.mark.parametrize("kind", MALICIOUS)
def test_the_malicious_models_do_run_code_in_plain_pysd(tmp_path, kind):
    """The control: without restrans' check, PySD runs the comment (so the tests below test something)."""
    marker = tmp_path / "ran.txt"
    model = MALICIOUS[kind](tmp_path, marker)
    reader = "read_vensim" if kind == "mdl" else "read_xmile"
    script = (f"import pysd, warnings\nwarnings.simplefilter('ignore')\n"
              f"pysd.{reader}({str(model)!r}).run(progress=False)")
    subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=tmp_path, timeout=300, check=True)
    assert marker.read_text() == "ran"


@pytest.mark.parametrize("kind", MALICIOUS)
def test_run_refuses_a_model_whose_comment_would_run_as_code(tmp_path, kind, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("RESTRANS_CACHE_DIR", str(cache))
    marker = tmp_path / "ran.txt"
    model = MALICIOUS[kind](tmp_path, marker)
    out = tmp_path / "out"
    line = one_error_line(invoke("run", FOREIGN / "bigger_mines.yaml", "--model", model, "--out", out))
    assert line.startswith(f"restrans: error: {model}: extraction.comment: 'Ore mined.\"\"\"; "), line
    assert "without \"\"\", ''' or a backslash" in line
    assert not marker.exists() and not out.exists()
    assert not cache.exists() or not any(cache.iterdir())  # not translated either


def test_sweep_refuses_a_model_whose_comment_would_run_as_code(tmp_path, monkeypatch):
    monkeypatch.setenv("RESTRANS_CACHE_DIR", str(tmp_path / "cache"))
    marker = tmp_path / "ran.txt"
    model = malicious_mdl(tmp_path, marker)
    out = tmp_path / "out"
    line = one_error_line(invoke("sweep", FOREIGN / "town_sweep.yaml", "--model", model, "--out", out))
    assert line.startswith(f"restrans: error: {model}: extraction.comment: "), line
    assert not marker.exists() and not out.exists()


@pytest.mark.parametrize("bad, where", [
    ("Ore mined.''' and more", "extraction.comment"),
    ("Ore mined.\\\" sneaky", "extraction.comment"),
])
def test_other_triple_quotes_and_backslashes_in_comments_are_refused(tmp_path, bad, where):
    model = malicious_mdl(tmp_path, tmp_path / "unused", new=bad)
    with pytest.raises(InputError) as caught:
        check_model_text(model)
    assert str(caught.value).startswith(f"{model}: {where}: ")


def test_a_backslash_in_units_is_refused(tmp_path):
    model = malicious_mdl(tmp_path, tmp_path / "unused", old="Mt/Year [0,500]", new="Mt\\/Year [0,500]")
    with pytest.raises(InputError) as caught:
        check_model_text(model)
    assert str(caught.value).startswith(f"{model}: mine capacity.units: 'Mt\\\\/Year [0,500]'")


def test_vensim_line_continuations_and_plain_quotes_are_allowed(tmp_path, pysd_cache):
    from restrans.sim.vensim.foreign import ForeignModel, load_foreign_scenario, run_foreign, run_settings

    comment = 'Ore "mined" per year: the capacity, \\\n\t\tor less (a line wrapped by Vensim) when reserves run low.'
    model = malicious_mdl(tmp_path, tmp_path / "unused", new=comment)
    check_model_text(model)
    town = ForeignModel(model)
    frame = run_foreign(town, run_settings(load_foreign_scenario(FOREIGN / "bigger_mines.yaml", town), town))
    assert frame["mine capacity"].eq(100.0).all()


def test_the_shipped_models_and_the_twin_pass_the_check():
    for model in (FOREIGN / "mining_town.mdl", FOREIGN / "mining_town.xmile", ROOT / "model/vensim/restrans.mdl"):
        check_model_text(model)


# --- 13. names that become folders ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../x", "..", ".", "a/b", "a\\b", "", " x", ".hidden", "x" * 121, "/tmp/abs"])
def test_the_output_name_rule_refuses_names_that_leave_the_folder(name):
    with pytest.raises(InputError) as caught:
        check_output_name(name, "--name", "--name")
    message = str(caught.value)  # a long value is shown cut to 120 characters
    assert "\n" not in message and message.startswith(f"--name: --name: {name!r}"[:60]) and " — a name of" in message


@pytest.mark.parametrize("name", ["baseline", "mix-2.v3", "A_1", "x" * MAXIMUM_OUTPUT_NAME_LENGTH])
def test_the_output_name_rule_accepts_plain_names(name):
    assert check_output_name(name, "--name", "--name") == name


@pytest.mark.parametrize("kind", ["relative", "absolute"])
def test_uncertainty_refuses_a_name_outside_out(tmp_path, kind):
    out = tmp_path / "out"
    name = "../escaped" if kind == "relative" else str(tmp_path / "escaped")
    line = one_error_line(invoke("uncertainty", UNCERTAIN, "--n", 4, "--seed", 1, "--out", out, "--name", name))
    assert line.startswith(f"restrans: error: --name: --name: {name!r} — a folder name of letters, digits"), line
    assert list(tmp_path.iterdir()) == []


def test_run_uncertainty_refuses_a_name_outside_out_before_running(tmp_path):
    with pytest.raises(InputError, match="--name: --name: '../escaped'"):
        run_uncertainty([UNCERTAIN], 4, 1, tmp_path / "out", "../escaped", None)
    assert list(tmp_path.iterdir()) == []


def test_compare_refuses_an_absolute_or_too_long_name(tmp_path):
    for name in (str(tmp_path / "escaped"), "x" * (MAXIMUM_OUTPUT_NAME_LENGTH + 1)):
        line = one_error_line(invoke("compare", SCENARIOS / "baseline.yaml", "--out", tmp_path / "out", "--name", name))
        assert line.startswith(f"restrans: error: --name: --name: {name!r}"[:80]), line
        assert " — a folder name of letters, digits" in line, line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["sweep", "sensitivity"])
def test_sweep_and_sensitivity_refuse_a_sweep_name_outside_out(tmp_path, command):
    sweep = write_sweep(tmp_path, "  transfer_payment: {range: [0.1, 0.5]}\n", name="../escaped")
    extra = ["--method", "morris"] if command == "sensitivity" else []
    line = one_error_line(invoke(command, sweep, *extra, "--out", tmp_path / "out"))
    assert line.startswith(f"restrans: error: {sweep}: name: '../escaped' — a name of letters, digits"), line
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sweep.yaml"]


def test_run_refuses_a_scenario_name_outside_out(tmp_path):
    scenario = tmp_path / "escaping.yaml"
    scenario.write_text(f"name: {tmp_path / 'escaped'}\nextends: {SCENARIOS / 'baseline.yaml'}\n", encoding="utf-8")
    line = one_error_line(invoke("run", scenario, "--out", tmp_path / "out"))
    assert line.startswith(f"restrans: error: {scenario}: name: '{tmp_path / 'escaped'}' — a name of letters"), line
    assert sorted(path.name for path in tmp_path.iterdir()) == ["escaping.yaml"]


def test_one_rule_names_every_output_folder():
    """No other module of sim/ keeps its own copy of the name pattern (foreign_sweep.py: pending its owner)."""
    copies = {str(path.relative_to(ROOT)) for path in (ROOT / "sim").rglob("*.py")
              if "[A-Za-z0-9][A-Za-z0-9_.-]" in path.read_text(encoding="utf-8")}
    assert "sim/scenario/names.py" in copies
    assert copies <= {"sim/scenario/names.py", "sim/vensim/foreign_sweep.py"}, copies
