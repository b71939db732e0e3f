"""Write a run's outputs to a folder, atomically (temporary file, then rename).

outputs/<name>/: timeseries.csv (wide, one row per output time, one column per
stock, auxiliary and indicator; several runs stacked with a ``run`` column),
variables.csv (unit and doc of every column), indicators.csv (milestone
years), manifest.json, and figures.

Each file is written to a temporary file and renamed; a whole folder is
written into a staging folder and swapped in when complete
(:func:`restrans.sim.engine.output_folder.staged_folder`).
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

import pandas as pd

from restrans.sim.engine.output_folder import staged_folder
from restrans.sim.engine.results import Results, variable_table


def default_file_mode() -> int:
    """Permissions of a new file under the process umask (0o666 minus the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = default_file_mode()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A signal can still land between the temporary file's creation and the
    cleanup below; a sweep removes such leftovers when it stops (it holds the
    folder's lock).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, _FILE_MODE)  # mkstemp creates 0600; outputs are ordinary files
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write text (UTF-8) atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def timeseries_frame(results: Results, labels: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """All runs stacked: columns ``run`` (or ``region`` and ``scenario`` when ``labels`` gives them per run),
    ``time`` and one per variable."""
    frames = []
    for run, run_name in enumerate(results.run_names):
        frame = results.frame(run)
        if labels is None:
            frame.insert(0, "run", run_name)
        else:
            frame.insert(0, "scenario", labels[run][1])
            frame.insert(0, "region", labels[run][0])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def git_commit(directory: Path) -> str:
    """Commit hash of the checkout holding ``directory``, or 'unknown'."""
    try:
        completed = subprocess.run(["git", "rev-parse", "HEAD"], cwd=directory, capture_output=True, text=True,
                                   timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return completed.stdout.strip() or "unknown"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def package_version() -> str:
    """Installed version of restrans."""
    try:
        return metadata.version("restrans")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_manifest(scenario_records: list[dict], solver: dict, wall_time: float, files: list[str],
                   extra: dict | None = None) -> dict:
    """Provenance of an output folder (JSON-serialisable)."""
    manifest = {
        "restrans_version": package_version(),
        "git_commit": git_commit(Path(__file__).parent),
        "python": platform.python_version(),
        "scenarios": scenario_records,
        "solver": solver,
        "seed": None,
        "wall_time_seconds": round(wall_time, 4),
        "files": files,
    }
    manifest.update(extra or {})
    return manifest


def write_run_outputs(directory: Path, results: Results, manifest: dict, figures: dict[str, bytes],
                      keep: tuple[str, ...] = ()) -> list[Path]:
    """Write every output file of a run into ``directory``, replacing it whole; returns the paths written.

    ``keep`` names files of the previous folder to carry over (see
    :func:`restrans.sim.engine.output_folder.staged_folder`, which raises ``OutputFault`` when writing fails).
    """
    directory = Path(directory)
    tables = {
        "timeseries.csv": timeseries_frame(results),
        "variables.csv": variable_table(),
        "indicators.csv": results.indicator_table(),
    }
    contents = {name: table.to_csv(index=False, float_format="%.10g").encode("utf-8") for name, table in tables.items()}
    contents.update(figures)
    contents["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return write_folder(directory, contents, keep)


def write_folder(directory: Path, contents: dict[str, bytes], keep: tuple[str, ...] = ()) -> list[Path]:
    """Write ``contents`` (relative path -> bytes, in order) as the whole of ``directory``; returns the paths.

    Raises
    ------
    restrans.sim.engine.output_folder.OutputFault
        Writing failed; ``directory`` is as it was before.
    """
    directory = Path(directory)
    with staged_folder(directory, keep) as staging:
        for name, data in contents.items():
            atomic_write_bytes(staging / name, data)
    return [directory / name for name in contents]
