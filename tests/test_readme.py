"""The README's runnable examples run as written (issue 12): every fenced block marked ``<!-- runnable -->``.

A block is marked by a line ``<!-- runnable -->`` right before its opening fence (```` ```bash ```` or
```` ```python ````). Each ``bash`` line (comments after ``#`` kept: bash ignores them) runs in a scratch folder
that holds links to this checkout's ``scenarios/`` and ``tests/`` and to the virtual environment running the
tests as ``.venv``, plus an empty ``outputs/``; it must exit with code 0 and print no traceback. A ``python``
block runs as one script there. Tolerances: none (exit codes and text).
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

MARKER = "<!-- runnable -->"
BLOCK = re.compile(r"^" + re.escape(MARKER) + r"\n```(bash|python)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def runnable_blocks(text: str) -> list[tuple[str, str]]:
    """(language, code) of every block marked runnable, in README order."""
    return [(match.group(1), match.group(2)) for match in BLOCK.finditer(text)]


BLOCKS = runnable_blocks((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_marker_finds_blocks_and_only_marked_ones():
    sample = f"```bash\nfalse\n```\n{MARKER}\n```bash\ntrue\n```\n{MARKER}\n```python\nprint(1)\n```\n"
    assert runnable_blocks(sample) == [("bash", "true\n"), ("python", "print(1)\n")]
    languages = [language for language, _ in BLOCKS]
    assert languages.count("bash") >= 2 and languages.count("python") >= 1, languages


@pytest.fixture
def scratch(tmp_path):
    for name in ("scenarios", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parent.parent)
    (tmp_path / "outputs").mkdir()
    return tmp_path


def commands(code: str) -> list[str]:
    return [line for line in code.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=[f"block{i}-{lang}" for i, (lang, _) in enumerate(BLOCKS)])
def test_readme_block_runs_as_written(scratch, index):
    language, code = BLOCKS[index]
    if language == "python":
        (scratch / "example.py").write_text(code, encoding="utf-8")
        runs = [[sys.executable, "example.py"]]
    else:
        runs = [["bash", "-c", line] for line in commands(code)]
    for arguments in runs:
        completed = subprocess.run(arguments, cwd=scratch, capture_output=True, text=True, timeout=600, check=False)
        assert completed.returncode == 0, f"{arguments[-1]}: {completed.stderr}"
        assert "Traceback" not in completed.stderr, completed.stderr
