"""The Shiny application object of ``restrans app`` and the local server that runs it.

:func:`create_app` reads the scenarios folder once (scenario files, targets, lessons: a bad file is an
:class:`~restrans.sim.scenario.errors.InputError` before anything starts) and returns the ASGI app; the
page is built per request in the language and with the settings of its URL, so a shared link restores
the page. :func:`serve` runs it with uvicorn on 127.0.0.1 unless told otherwise.
"""
from __future__ import annotations

import socket
from pathlib import Path

from restrans.sim.app.catalog import Catalog
from restrans.sim.app.settings import parse_query
from restrans.sim.report.translations import check_language
from restrans.sim.scenario.errors import InputError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050


def create_app(scenarios_directory: Path = Path("scenarios"), language: str = "en", backend: str = "auto"):
    """The app over ``scenarios_directory``, in ``language`` unless a URL says otherwise.

    Raises
    ------
    InputError
        Unknown language, or a missing or invalid scenarios folder, targets file or lesson file.
    """
    from shiny import App

    from restrans.sim.app.page import page
    from restrans.sim.app.server import server_function

    check_language(language)
    catalog = Catalog(Path(scenarios_directory), backend)
    catalog.summary(catalog.default_settings(language), "current")  # compiles (or loads) the kernel once

    def page_for(request):
        default = catalog.default_settings(language)
        settings, _ignored = parse_query(request.url.query, catalog.choices(), default)
        try:
            levers = catalog.summary(settings, "current").levers
        except InputError:
            settings, levers = default, catalog.summary(default, "current").levers
        return page(catalog, settings, levers)

    return App(page_for, server_function(catalog, language))


def check_port(host: str, port: int) -> None:
    """Raise :class:`InputError` unless ``port`` on ``host`` can be bound now."""
    if not 0 < port < 65536:
        raise InputError("--port", "port", port, "a port number from 1 to 65535")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise InputError("--port", "port", port, f"a free port on {host} ({error.strerror}); "
                             "choose another with --port") from None


def serve(app, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, log_level: str = "warning") -> None:
    """Run ``app`` with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level=log_level)
