"""Update latency of the classroom app, measured in the browser: from a slider move to the redrawn charts.

Starts ``restrans app`` on a free port of 127.0.0.1, opens it in Debian's headless Chromium (Playwright),
moves sliders 20 times (alternating levers and values, each move waiting for its redraw) and prints the
median and the 95th percentile of the times the page itself recorded: ``performance.now()`` at the
slider's ``input`` event to the animation frame after the new charts arrived (``window.restransLatency``,
written by ``sim/app/static/app.js``). That covers the websocket round trip, the run (compiled engine
when numba is installed), the scorecard, the SVG charts and the browser's DOM update::

    python benchmarks/bench_app_latency.py            # about 20 s
    python benchmarks/bench_app_latency.py --moves 50 --lang zh

A benchmark, not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import app_server, chromium, move_slider  # noqa: E402

MOVES: tuple[tuple[str, float], ...] = (
    ("retraining_capacity", 8.0), ("successor_support", 3.0), ("rd_intensity", 0.025), ("restoration_spending", 1.5),
    ("retraining_capacity", 2.0), ("public_service_investment", 2.5), ("social_security_coverage", 0.8),
    ("transfer_payment", 1.0), ("successor_support", 0.5), ("opening_up", 0.4),
)


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (linear interpolation between order statistics)."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def measure(moves: int, language: str) -> list[float]:
    """Latencies (ms) of ``moves`` slider moves, as the page recorded them."""
    with app_server(language) as address, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(address)
        page.wait_for_function("() => window.restransRenders > 0", timeout=60000)
        move_slider(page, "retraining_capacity", 3.0)  # warm-up, not counted
        page.evaluate("() => { window.restransLatency = []; }")
        for index in range(moves):
            lever, value = MOVES[index % len(MOVES)]
            move_slider(page, lever, value * (1.0 + 0.1 * (index // len(MOVES))))
        return [float(item) for item in page.evaluate("() => window.restransLatency")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--lang", default="en")
    arguments = parser.parse_args()
    latencies = measure(arguments.moves, arguments.lang)
    print(f"restrans app update latency in the browser over {len(latencies)} slider moves "
          f"(slider input -> redrawn charts):")
    print(f"  median {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
          f"min {min(latencies):.1f} ms, max {max(latencies):.1f} ms")


if __name__ == "__main__":
    main()
