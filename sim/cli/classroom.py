"""``restrans app``: the classroom simulator, served on this machine (the CLI is the only place that prints)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import typer
from rich.console import Console

from restrans.sim.scenario.errors import InputError

console = Console()
error_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str, code: int) -> None:
    error_console.print(f"restrans: error: {message}", markup=False)
    raise typer.Exit(code)


def classroom(
    port: int = typer.Option(8050, "--port", help="Port to listen on."),
    language: str = typer.Option("en", "--lang", help="Language of the page: en or zh (the page can switch)."),
    scenarios: Path = typer.Option(Path("scenarios"), "--scenarios",
                                   help="Folder of scenario files, targets.yaml and lessons/."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)."),
    check: bool = typer.Option(False, "--check", help="Validate the scenarios folder and lessons, then exit."),
) -> None:
    """Start the interactive classroom simulator and its guided lessons at http://HOST:PORT/."""
    if importlib.util.find_spec("shiny") is None:
        _fail("restrans app needs the app extra: pip install 'restrans[app]'", 2)
    from restrans.sim.app.application import check_port, create_app, serve

    try:
        application = create_app(scenarios, language)
        if check:
            from restrans.sim.app.catalog import Catalog

            lessons = Catalog(scenarios).lessons
            console.print(f"{scenarios}: {len(lessons)} lesson(s) valid: {', '.join(lessons) or '(none)'}")
            return
        check_port(host, port)
    except InputError as error:
        _fail(str(error), 2)
    console.print(f"restrans app: open http://{host}:{port}/ (Ctrl+C to stop)")
    serve(application, host, port)


def register(app: typer.Typer) -> None:
    """Add ``restrans app`` to the ``restrans`` command."""
    app.command(name="app")(classroom)
