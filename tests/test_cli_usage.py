"""Every bad use of the command ends in one line on stderr and exit code 2; a fault in exit code 1 (issue 12).

The command runs in a subprocess (``python -m restrans``), so the real exit code, the real stderr and the absence
of click's boxed usage text are checked. Tolerances: none (exit codes and text are compared exactly); the YAML
limits are checked by their one-line answer (no RecursionError, no MemoryError after minutes); how fast they
answer is not timed here (about 0.3 s, ``restrans validate`` of the same files).
"""
from __future__ import annotations

import pytest

from tests.conftest import SCENARIOS
from tests.test_faults import assert_one_line, command_line

BASELINE = SCENARIOS / "baseline.yaml"
SWEEP = SCENARIOS / "sweeps" / "retraining_lhs.yaml"

USAGE_ERRORS = [
    (["sweep", SWEEP, "--chunk", "0"], ["restrans sweep: --chunk: '0'", "greater than or equal to 1"]),
    (["sweep", SWEEP, "--workers", "-1"], ["--workers: '-1'"]),
    (["compare", BASELINE, "--budget", "five"], ["--budget: 'five'", "number"]),
    (["describe", "paramz"], ["'paramz'", "one of: params, stocks, levers, regions", "did you mean 'params'?"]),
    (["sensitivity", SWEEP, "--method", "fast"], ["--method: 'fast'", "one of: sobol, morris"]),
    (["run"], ["restrans run: Missing argument", "see 'restrans run --help'"]),
    (["run", BASELINE, "--nosuch"], ["No such option: --nosuch"]),
    (["nosuch"], ["No such command 'nosuch'"]),
    (["run", BASELINE, "--method", "rk46"], ["'rk46'", "did you mean 'rk4'?"]),
    (["run", BASELINE, "--dt", "0.00001"], ["at most 200,000 steps"]),
]


@pytest.mark.parametrize("arguments, fragments", USAGE_ERRORS, ids=[" ".join(map(str, a[0][:1] + a[0][2:]))
                                                                    for a in USAGE_ERRORS])
def test_bad_use_is_one_line_and_exit_2(tmp_path, arguments, fragments):
    completed = command_line(*arguments, "--out", tmp_path) if arguments[0] in ("run",) and len(arguments) > 1 \
        else command_line(*arguments)
    line = assert_one_line(2, completed.returncode, completed.stderr, completed.stdout, *fragments)
    assert "╭" not in completed.stderr + completed.stdout and "Usage:" not in line
    assert list(tmp_path.iterdir()) == []


def test_error_text_is_printed_literally_not_as_markup(tmp_path):
    completed = command_line("run", tmp_path / ":x: [bold]no[/bold].yaml")
    line = assert_one_line(2, completed.returncode, completed.stderr, completed.stdout)
    assert ":x: [bold]no[/bold].yaml" in line and "❌" not in line


def test_method_names_are_case_insensitive(tmp_path):
    completed = command_line("run", BASELINE, "--method", "rk45", "--no-plot", "--out", tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert '"method": "RK45"' in next(tmp_path.rglob("manifest.json")).read_text(encoding="utf-8")


def nested(depth: int) -> str:
    return "name: deep\ndescription: " + "[" * depth + "]" * depth + "\n"


def alias_bomb(levels: int) -> str:
    lines = ["name: bomb", 'x0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "\n".join([*lines, f"description: *a{levels}"]) + "\n"


@pytest.mark.parametrize("text, fragment", [(nested(20_000), "nested at most 40 deep"),
                                            (alias_bomb(8), "once its aliases are expanded")],
                         ids=["20000-deep", "alias-bomb"])
def test_yaml_nesting_and_alias_limits_answer_in_one_line(tmp_path, text, fragment):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    completed = command_line("validate", path)
    assert_one_line(2, completed.returncode, completed.stderr, completed.stdout, str(path), fragment)


def test_shallow_yaml_with_a_few_aliases_is_still_read(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("name: ok\nextends: " + str(BASELINE) + "\nlevers:\n  rd_intensity: &r 0.02\n"
                    "  transfer_payment: *r\n", encoding="utf-8")
    completed = command_line("validate", path)
    assert completed.returncode == 0, completed.stderr
