"""Output folders that are replaced whole or not at all, and one-line faults when writing fails.

A command that writes a folder (``run``, ``compare``, ``uncertainty``) writes
every file into a staging folder beside the target,
``.<name>.partial-<pid>-<random>``, and only when all of them are written
swaps it in by renaming: the previous folder is renamed to
``.<name>.retired-<pid>-<random>``, the staging folder to ``<name>``, and the
retired folder is removed. If anything fails (disk full, a read-only folder, a
file where the folder should be) the staging folder is removed, the previous
result stays as it was, and an :class:`OutputFault` says in one line what
happened. A run killed half-way leaves its staging (or retired) folder behind;
the next write of the same folder removes it, or renames a retired folder back
when the swap was cut between its two renames, once the process that made it
is gone.
"""
from __future__ import annotations

import errno
import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

PARTIAL = ".partial-"
"""Marks a staging folder: ``.<name>.partial-<pid>-<random>``."""

RETIRED = ".retired-"
"""Marks a previous result being replaced: ``.<name>.retired-<pid>-<random>``."""

_HINTS: dict[int, str] = {
    errno.ENOSPC: "free some disk space",
    errno.EDQUOT: "free some space within your quota",
    errno.EACCES: "make the folder writable or choose another --out",
    errno.EPERM: "make the folder writable or choose another --out",
    errno.EROFS: "the file system is read-only: choose another --out",
    errno.ENOTDIR: "a file stands where a folder is needed: remove it or choose another --out",
    errno.EEXIST: "a file stands where a folder is needed: remove it or choose another --out",
    errno.EISDIR: "a folder stands where the file should be: remove it or choose another --out",
}


class OutputFault(Exception):
    """Outputs could not be written; ``str(error)`` is one line saying where, why and what to do."""


def fault_text(error: OSError, target: Path) -> str:
    """One line for an :class:`OSError` raised while writing ``target`` (a folder or a file)."""
    code = error.errno if isinstance(error.errno, int) else 0
    reason = error.strerror or " ".join(str(error).split()) or type(error).__name__
    name = errno.errorcode.get(code, "")
    hint = _HINTS.get(code, "check the output path")
    return (f"cannot write {target}: {reason}{f' ({name})' if name else ''}; nothing there was changed — "
            f"{hint}, then run the same command again")


def _folder_mode() -> int:
    """Permissions of a new folder under the process umask (0o777 minus the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def checked_folder(directory: Path) -> Path:
    """The folder outputs for ``directory`` go to, checked before anything runs.

    A symbolic link to an existing folder gives that folder (the link stays).

    Raises
    ------
    OutputFault
        ``directory`` (or a folder above it) is a file, or a symbolic link to nothing.
    """
    directory = Path(directory)
    if directory.is_symlink():
        if not directory.exists():
            raise OutputFault(f"cannot write {directory}: it is a symbolic link to {os.readlink(directory)}, "
                              "which does not exist; nothing was written — remove the link or create its "
                              "target, then run the same command again")
        directory = directory.resolve()
    if directory.exists() and not directory.is_dir():
        raise OutputFault(fault_text(OSError(errno.EEXIST, "it is a file, not a folder"), directory))
    ancestor = directory.parent
    while not ancestor.exists() and not ancestor.is_symlink() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputFault(fault_text(OSError(errno.ENOTDIR, f"{ancestor} is not a folder"), directory))
    return directory


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a leftover of this process is from an earlier write that failed to clean up
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


def remove_leftovers(target: Path) -> None:
    """Remove staging folders of ``target`` left by processes that are gone; restore a retired folder whose
    swap was cut short (the target is missing), else remove it."""
    if not target.parent.is_dir():
        return
    for entry in sorted(target.parent.iterdir()):
        for marker in (PARTIAL, RETIRED):
            prefix = f".{target.name}{marker}"
            if not entry.name.startswith(prefix):
                continue
            pid_text = entry.name[len(prefix):].split("-", 1)[0]
            if pid_text.isdigit() and _process_alive(int(pid_text)):
                continue
            if marker == RETIRED and not target.exists() and not target.is_symlink():
                os.rename(entry, target)
            else:
                shutil.rmtree(entry, ignore_errors=True)


def _carry_over(target: Path, staging: Path, keep: tuple[str, ...]) -> None:
    for name in keep:
        if (target / name).is_file() and not (staging / name).exists():
            shutil.copy2(target / name, staging / name)


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in the place of ``target`` (renames within one folder); the old ``target`` is removed."""
    if not target.exists():
        os.rename(staging, target)
        return
    retired = target.parent / f".{target.name}{RETIRED}{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(target, retired)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(retired, target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


@contextmanager
def staged_folder(directory: Path, keep: tuple[str, ...] = ()) -> Iterator[Path]:
    """Yield an empty staging folder; when the block ends without error it replaces ``directory`` whole.

    Parameters
    ----------
    directory : Path
        The output folder (created with its parents if missing).
    keep : tuple of str
        Names of files of the previous folder to copy into the new one unless it writes them itself (the
        ``.mdl`` a ``restrans export`` put into a run's folder).

    Raises
    ------
    OutputFault
        Writing failed (disk full, read-only folder, a file in the way): the previous folder is unchanged and
        the staging folder removed.
    """
    target = checked_folder(directory)
    staging = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{PARTIAL}{os.getpid()}-", dir=target.parent))
        os.chmod(staging, _folder_mode())  # mkdtemp makes 0700; an output folder is an ordinary folder
        yield staging
        _carry_over(target, staging, keep)
        _swap(staging, target)
    except OSError as error:
        raise OutputFault(fault_text(error, Path(directory))) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def write_file(path: Path, data: bytes) -> None:
    """Write one output file atomically (:func:`restrans.sim.engine.outputs.atomic_write_bytes`).

    Raises
    ------
    OutputFault
        The path is a folder or a dangling symbolic link, a folder above it is a file, or writing failed;
        the previous file (if any) is unchanged.
    """
    from restrans.sim.engine.outputs import atomic_write_bytes

    path = Path(path)
    if path.is_symlink() and not path.exists():
        raise OutputFault(f"cannot write {path}: it is a symbolic link to {os.readlink(path)}, which does not "
                          "exist; nothing was written — remove the link, then run the same command again")
    if path.is_dir():
        raise OutputFault(fault_text(OSError(errno.EISDIR, "it is a folder, not a file"), path))
    checked_folder(path.parent)
    try:
        atomic_write_bytes(path, data)
    except OSError as error:
        raise OutputFault(fault_text(error, path)) from None
