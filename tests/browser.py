"""Helpers of the browser tests and the latency benchmark: the app server and Debian's Chromium.

Playwright drives ``/usr/bin/chromium`` (Debian's package, installed by ``.ci/install-system-packages``);
``playwright install`` is never run. A missing browser fails the tests, it does not skip them.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "outputs" / "test-artifacts"
START_TIMEOUT_SECONDS = 120.0
"""Time allowed for the app to answer its first request (the compiled kernel may be built first)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def app_server(language: str = "en", scenarios: Path = ROOT / "scenarios"):
    """Run ``restrans app`` on a free port of 127.0.0.1; yields its address; stops it (by its PID) after."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / f"app-server-{port}.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "restrans", "app", "--port", str(port), "--lang", language,
                                "--scenarios", str(scenarios)], cwd=ROOT, stdout=log, stderr=log,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    address = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"restrans app exited with code {process.returncode} before answering")
            try:
                with urllib.request.urlopen(address, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"restrans app did not answer at {address} within {START_TIMEOUT_SECONDS} s")
                time.sleep(0.3)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextlib.contextmanager
def chromium():
    """A headless Debian Chromium driven by Playwright (fails when the browser is missing)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), (f"{CHROMIUM} is missing: run .ci/install-system-packages "
                               "(apt-get install chromium); the browser tests need it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGUMENTS)
        try:
            yield browser
        finally:
            browser.close()


def outside_localhost(urls: list[str]) -> list[str]:
    """The requested addresses that leave this machine (anything but 127.0.0.1, ``data:`` and ``blob:``)."""
    from urllib.parse import urlsplit

    return [url for url in urls if urlsplit(url).scheme not in ("data", "blob")
            and urlsplit(url).hostname != "127.0.0.1"]


def wait_for_render(page, renders_before: int, timeout_ms: int = 20000) -> None:
    """Wait until the charts were drawn again after ``renders_before`` and Shiny is idle."""
    page.wait_for_function(f"() => window.restransRenders > {renders_before} && "
                           "!document.documentElement.classList.contains('shiny-busy')", timeout=timeout_ms)


def renders(page) -> int:
    return int(page.evaluate("() => window.restransRenders"))


def move_slider(page, lever: str, value: float) -> None:
    """Set a lever's slider as a person would (an ``input`` event) and wait for the redrawn charts."""
    before = renders(page)
    page.locator(f"#lever-{lever}").fill(repr(float(value)))
    wait_for_render(page, before)


def plotted(page, variable: str, kind: str = "current") -> list[list[float]]:
    """The values of every line of ``kind`` in the chart of ``variable`` (one list per line)."""
    texts = page.eval_on_selector_all(f'svg.chart[data-variable="{variable}"] polyline[data-kind="{kind}"]',
                                      "lines => lines.map(line => line.dataset.values)")
    return [[float(item) for item in text.split(",")] for text in texts]
