"""What the ``restrans`` command prints and how it ends: consoles, one-line errors, exit codes, progress bars.

Every way a command can end badly becomes one line on stderr, ``restrans: error: ...``, and an exit code:

* 2 — bad use: an :class:`~restrans.sim.scenario.errors.InputError` (a file, a key, a value) or a usage error
  that click would print as a boxed usage text (a missing argument, ``--chunk 0``, ``--budget five``, an unknown
  option or command, ``describe paramz``);
* 1 — a fault outside the user's input: a solver failure, outputs that cannot be written, a foreign model
  run that stops or goes non-finite.

Error text is printed literally (no rich markup, no emoji codes: ``:x:`` in a path stays ``:x:``). Tables go
to stdout; when stdout is not a terminal they are laid out at their natural width, so piped output does not
depend on the terminal's width. Progress bars go to stderr, only when stderr is a terminal, and start with the
first progress report (after the inputs are validated), so they never mix into piped output.
"""
from __future__ import annotations

import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Optional, Sequence

import typer
from rich.console import Console

PIPED_WIDTH = 10_000
"""Console width (characters) when stdout is not a terminal: wide enough that no table column is cut."""


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def make_console() -> Console:
    """The stdout console: the terminal's width on a terminal, :data:`PIPED_WIDTH` when piped."""
    return Console(highlight=False, emoji=False, width=None if _is_terminal(sys.stdout) else PIPED_WIDTH)


console = make_console()
error_console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)


def fail(message: str, code: int) -> None:
    """Print ``restrans: error: MESSAGE`` on stderr as one literal line and exit with ``code``."""
    error_console.print(f"restrans: error: {' '.join(str(message).split())}", markup=False, emoji=False)
    raise typer.Exit(code)


def notice(line: str) -> None:
    """Print ``restrans: notice: LINE`` on stderr (a fallback taken, a chunk recomputed)."""
    error_console.print(f"restrans: notice: {' '.join(str(line).split())}", markup=False, emoji=False)


@contextmanager
def one_line_errors(model_file: Optional[Path] = None):
    """Bad input: one line, exit code 2; a fault (solver, model run, writing outputs): one line, exit code 1."""
    from restrans.sim.engine.output_folder import OutputFault
    from restrans.sim.engine.pysd_errors import ModelRunError
    from restrans.sim.engine.solver_errors import SolverError
    from restrans.sim.scenario.errors import InputError

    try:
        yield
    except InputError as error:
        fail(str(error), 2)
    except (SolverError, OutputFault) as error:
        fail(str(error), 1)
    except ModelRunError as error:
        where = "" if error.model_file else f"{model_file if model_file is not None else 'the Vensim twin'}: "
        fail(f"{where}{error}; nothing was written", 1)


def check_language(language: str) -> None:
    """``--lang``: a bad language is an InputError (one line, exit code 2 under :func:`one_line_errors`);
    Chinese without the declared CJK font one line and exit code 1, before anything runs."""
    from restrans.sim.report.translations import LANGUAGES, check_language as check

    check(language)
    if language != LANGUAGES[0]:  # English figures never need the CJK font: matplotlib stays unimported
        from restrans.sim.report.fonts import FontMissing, font_settings

        try:
            font_settings(language)
        except FontMissing as error:
            fail(f"{error}; nothing was written", 1)


def _raw_value(arguments: Sequence[str], parameter) -> Optional[str]:
    """The text the user gave for ``parameter`` (an option's value or an argument), if it can be found."""
    options = [name for name in getattr(parameter, "opts", ()) if name.startswith("-")]
    for index, token in enumerate(arguments):
        for option in options:
            if token == option and index + 1 < len(arguments):
                return arguments[index + 1]
            if token.startswith(option + "="):
                return token[len(option) + 1:]
    return None


def _click_exceptions():
    """The module of the click exceptions typer raises (typer >= 0.20 vendors click as ``typer._click``)."""
    import importlib

    return importlib.import_module(typer.BadParameter.__module__)


def usage_error_line(error, arguments: Sequence[str]) -> str:
    """One line for a click usage error: the command, the option or argument, the value given, what is allowed."""
    from restrans.sim.scenario.errors import InputError, did_you_mean

    context = getattr(error, "ctx", None)
    where = context.command_path if context is not None else "restrans"
    help_hint = f" (see '{where} --help')"
    parameter = getattr(error, "param", None)
    if isinstance(error, typer.BadParameter) and parameter is not None and str(error.message).strip():
        options = [name for name in getattr(parameter, "opts", ()) if name.startswith("-")]
        hint = options[0] if options else str(parameter.name).upper()
        allowed = " ".join(str(error.message).split()).removeprefix("Value error, ")
        choices = getattr(getattr(parameter, "type", None), "choices", None)
        listed = re.match(r"^'(.*)' is not one of (.*?)\.?$", allowed)
        if listed:
            choices = choices or re.findall(r"'([^']*)'", listed.group(2))
            allowed = "one of: " + ", ".join(str(choice) for choice in choices)
        raw = _raw_value(arguments, parameter)
        if raw is None and listed:
            raw = listed.group(1)
        suggestion = did_you_mean(raw, [str(choice) for choice in choices]) if choices and raw else None
        text = InputError(where, hint, raw if raw is not None else "(as given)", allowed, suggestion)
        return str(text) + help_hint
    return f"{where}: {' '.join(error.format_message().split())}{help_hint}"


def run_command(app: typer.Typer, arguments: Optional[Sequence[str]] = None) -> int:
    """Run the click command behind ``app`` and return its exit code; usage errors become one line, exit 2."""
    from typer.main import get_command

    click = _click_exceptions()
    command = get_command(app)
    arguments = list(sys.argv[1:] if arguments is None else arguments)
    try:
        code = command.main(args=arguments, prog_name="restrans", standalone_mode=False)
    except click.NoArgsIsHelpError as error:
        console.print(error.ctx.get_help(), markup=False, highlight=False)
        return 2
    except click.UsageError as error:
        error_console.print(f"restrans: error: {usage_error_line(error, arguments)}", markup=False, emoji=False)
        return 2
    except click.ClickException as error:
        error_console.print(f"restrans: error: {' '.join(error.format_message().split())}", markup=False,
                            emoji=False)
        return error.exit_code
    except typer.Abort:
        error_console.print("restrans: error: aborted", markup=False, emoji=False)
        return 1
    return code if isinstance(code, int) else 0


@contextmanager
def progress_bar(label: str):
    """A rich progress bar on stderr (runs done / total, runs/s, ETA); yields ``update(done, total)``.

    Nothing is drawn before the first ``update`` (the inputs are validated by then), and nothing at all when
    stderr is not a terminal (piped or redirected output stays clean).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    from restrans.sim.cli.progress_columns import RunsPerSecondColumn

    state: dict = {"progress": None, "task": None}

    def update(done: int, total: int) -> None:
        if not _is_terminal(sys.stderr):
            return
        if state["progress"] is None:
            columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
                       RunsPerSecondColumn(), TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn())
            state["progress"] = Progress(*columns, console=Console(stderr=True), transient=False)
            state["progress"].start()
            state["task"] = state["progress"].add_task(label, total=total, started=time.perf_counter(),
                                                       first_done=done)
        state["progress"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if state["progress"] is not None:
            state["progress"].stop()
