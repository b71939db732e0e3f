"""Wall time of everyday commands, measured as a user sees them: a fresh ``restrans`` process each time.

Prints one row per command: the median, the fastest and the slowest of ``--repeats`` runs (s), and the
modules the command imports (``python -X importtime`` is not used: the figure is the whole wall time).
The commands are ``restrans --help``, ``restrans run scenarios/baseline.yaml`` (with and without
``--no-plot`` when the installed command has it) and ``python -c "import restrans"``. Output folders go to
a temporary directory. Run it from the repository root with the virtual environment's Python::

    .venv/bin/python benchmarks/cli_wall_time.py [--repeats 5]

The machine is shared: read the median, and compare figures taken in the same minute.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command_prefix() -> list[str]:
    """The installed ``restrans`` beside this Python, else ``python -m restrans``."""
    script = Path(sys.executable).parent / "restrans"
    return [str(script)] if script.exists() else [sys.executable, "-m", "restrans"]


def wall_times(arguments: list[str], repeats: int) -> list[float]:
    """Seconds of ``repeats`` fresh processes running ``arguments`` (one warm-up run first, not counted)."""
    times = []
    for attempt in range(repeats + 1):
        started = time.perf_counter()
        completed = subprocess.run(arguments, cwd=ROOT, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if completed.returncode != 0:
            raise SystemExit(f"{' '.join(arguments)} failed ({completed.returncode}): {completed.stderr.strip()}")
        if attempt:
            times.append(elapsed)
    return times


def has_option(prefix: list[str], command: str, option: str) -> bool:
    """Whether ``restrans COMMAND --help`` lists ``option``."""
    completed = subprocess.run([*prefix, command, "--help"], cwd=ROOT, capture_output=True, text=True, check=False)
    return option in completed.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    prefix = command_prefix()
    out = Path(tempfile.mkdtemp(prefix="restrans-bench-"))
    try:
        commands = {"import restrans": [sys.executable, "-c", "import restrans"],
                    "restrans --help": [*prefix, "--help"],
                    "restrans run scenarios/baseline.yaml": [*prefix, "run", "scenarios/baseline.yaml",
                                                             "--out", str(out)]}
        if has_option(prefix, "run", "--no-plot"):
            commands["restrans run scenarios/baseline.yaml --no-plot"] = [
                *prefix, "run", "scenarios/baseline.yaml", "--no-plot", "--out", str(out)]
        print(f"{'command':<50} {'median s':>9} {'min s':>7} {'max s':>7}  ({repeats} runs each, fresh processes)")
        for label, arguments in commands.items():
            times = wall_times(arguments, repeats)
            print(f"{label:<50} {statistics.median(times):>9.2f} {min(times):>7.2f} {max(times):>7.2f}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
