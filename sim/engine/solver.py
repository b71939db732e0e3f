"""Numerical integration of the stock equations over a batch of runs.

The only module that imports ``scipy.integrate``.  The state has shape
``(n_stocks, n_runs)``: the batch is the trailing axis and no method loops
over runs in Python.

Methods
-------
``"euler"``
    Fixed-step Euler, as Vensim: ``y[k+1] = y[k] + dt * rhs(t[k], y[k])``
    with ``t[k] = start + k * dt``.  Lever switches on the grid are seen from
    the step that starts at the switch.
``"rk4"``
    Classic fixed-step Runge-Kutta of order 4 on the same grid.
``"RK45"``, ``"DOP853"``, ``"LSODA"``, ``"BDF"``, ``"Radau"``
    ``scipy.integrate.solve_ivp`` on the flattened batch, restarted at every
    breakpoint so that no step straddles a policy switch.  For BDF and Radau
    the block-diagonal Jacobian sparsity of the batch is passed to scipy; for
    LSODA the state is flattened run by run so its Jacobian is banded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from restrans.sim.engine.solver_errors import SolverError

__all__ = ["SolverError", "solve", "METHODS", "FIXED_STEP_METHODS", "ADAPTIVE_METHODS"]

FIXED_STEP_METHODS = ("euler", "rk4")
ADAPTIVE_METHODS = ("RK45", "DOP853", "LSODA", "BDF", "Radau")
METHODS = FIXED_STEP_METHODS + ADAPTIVE_METHODS

#: Relative tolerance for "is an integer number of steps" and "equals start/end".
GRID_TOLERANCE = 1e-9

RightHandSide = Callable[[float, np.ndarray], np.ndarray]


def solve(
    rhs: RightHandSide,
    initial_state: np.ndarray,
    start: float,
    end: float,
    output_times: np.ndarray,
    method: str = "euler",
    dt: float = 0.0625,
    breakpoints: Iterable[float] = (),
    rtol: float = 1e-6,
    atol: float = 1e-6,
    max_step: float | None = None,
) -> np.ndarray:
    """Integrate ``dy/dt = rhs(t, y)`` from ``start`` to ``end`` for a batch of runs.

    Parameters
    ----------
    rhs : callable
        ``rhs(t, y) -> dy/dt``, ``t`` [year], ``y`` (n_stocks, n_runs) [stock
        units] -> same shape [stock units / year].  It must not modify or keep
        ``y``: the fixed-step methods update the state array in place.
    initial_state : numpy.ndarray
        Stocks at ``start``, shape (n_stocks, n_runs) [stock units]; not modified.
    start, end : float
        Simulated period [year], ``end > start``.
    output_times : numpy.ndarray
        Strictly increasing 1-D times [year] to record, from ``start`` to ``end``.
    method : str
        One of :data:`METHODS` (see the module docstring).
    dt : float
        Step [year] of "euler" and "rk4"; ``(end - start) / dt`` and every
        ``(output_time - start) / dt`` must be integers (within 1e-9 relative).
    breakpoints : iterable of float
        Times [year] where ``rhs`` switches; the scipy methods restart there.
    rtol, atol, max_step : float
        Error tolerances and largest step [year] (default: none) of the scipy methods.

    Returns
    -------
    numpy.ndarray
        Float64 array of shape (n_output_times, n_stocks, n_runs).

    Raises
    ------
    ValueError
        Unknown method, inconsistent times, or a ``dt`` that does not divide them.
    SolverError
        The solver failed or the state became non-finite.
    """
    if method not in METHODS:
        raise ValueError(f"unknown solver method {method!r}; allowed: {', '.join(METHODS)}")
    state = _check_initial_state(initial_state)
    times = _check_output_times(output_times, start, end)
    if method in FIXED_STEP_METHODS:
        record_steps = _grid_steps(times, dt)
        return _solve_fixed_step(rhs, state, times, float(dt), record_steps, method)
    options = {} if max_step is None else {"max_step": max_step}
    cuts = _interior_breakpoints(breakpoints, times[0], times[-1])
    return _solve_adaptive(rhs, state, times, cuts, method, rtol=rtol, atol=atol, **options)


def _check_initial_state(initial_state: np.ndarray) -> np.ndarray:
    """A finite float64 copy of the initial state, which must be (n_stocks, n_runs)."""
    state = np.array(initial_state, dtype=np.float64, order="C", copy=True)
    if state.ndim != 2:
        raise ValueError(f"initial_state must have shape (n_stocks, n_runs), got shape {state.shape}")
    if not np.isfinite(state).all():
        raise ValueError("initial_state contains non-finite values")
    return state


def _check_output_times(output_times: np.ndarray, start: float, end: float) -> np.ndarray:
    """Validated output times [year] with the first and last snapped to ``start`` and ``end``."""
    start, end = float(start), float(end)
    if not (np.isfinite(start) and np.isfinite(end) and end > start):
        raise ValueError(f"end ({end}) must be a finite time later than start ({start})")
    times = np.array(output_times, dtype=np.float64, copy=True)
    if times.ndim != 1 or times.size < 2:
        raise ValueError(f"output_times must be a 1-D array including start and end, got shape {times.shape}")
    scale = GRID_TOLERANCE * max(1.0, abs(start), abs(end))
    if abs(times[0] - start) > scale or abs(times[-1] - end) > scale:
        raise ValueError(
            f"output_times must start at start={start} and end at end={end}, "
            f"got {float(times[0])!r} … {float(times[-1])!r}"
        )
    times[0], times[-1] = start, end
    if not (np.isfinite(times).all() and (np.diff(times) > 0).all()):
        raise ValueError("output_times must be finite and strictly increasing")
    return times


def _grid_steps(times: np.ndarray, dt: float) -> np.ndarray:
    """Step index of every output time on the grid ``start + k * dt``.

    Raises ValueError naming the offending value when the period or an output
    time is not a whole number of steps (within 1e-9 relative).
    """
    dt = float(dt)
    if not (np.isfinite(dt) and dt > 0.0):
        raise ValueError(f"dt must be a positive finite step in years, got {dt!r}")
    start, end = float(times[0]), float(times[-1])
    total = (end - start) / dt
    if abs(total - round(total)) > GRID_TOLERANCE * max(1.0, abs(total)):
        raise ValueError(f"(end - start) / dt = ({end!r} - {start!r}) / {dt!r} = {total!r} is not an integer")
    quotients = (times - start) / dt
    steps = np.rint(quotients)
    off_grid = np.abs(quotients - steps) > GRID_TOLERANCE * np.maximum(1.0, np.abs(quotients))
    if off_grid.any():
        index = int(np.flatnonzero(off_grid)[0])
        raise ValueError(
            f"output time {float(times[index])!r} is not on the dt grid: "
            f"(t - start) / dt = {float(quotients[index])!r} is not an integer (start={start!r}, dt={dt!r})"
        )
    steps = steps.astype(np.int64)
    if (np.diff(steps) <= 0).any():
        raise ValueError(f"two output times fall on the same step of dt={dt!r}")
    return steps


def _solve_fixed_step(
    rhs: RightHandSide,
    state: np.ndarray,
    times: np.ndarray,
    dt: float,
    record_steps: np.ndarray,
    method: str,
) -> np.ndarray:
    """Run Euler or RK4 on the grid, recording at ``record_steps``; checks finiteness per record."""
    advance = _euler_advance if method == "euler" else _rk4_advance
    start = float(times[0])
    buffers = tuple(np.empty_like(state) for _ in range(3))
    results = np.empty((times.size,) + state.shape)
    results[0] = state
    step = 0
    for index in range(1, times.size):
        target = int(record_steps[index])
        advance(rhs, state, start, dt, step, target, buffers)
        if not np.isfinite(state).all():
            raise SolverError(
                f"{method} failed at t={start + target * dt}: state became non-finite "
                f"(after t={start + step * dt})"
            )
        results[index] = state
        step = target
    return results


def _derivative(rhs: RightHandSide, time: float, state: np.ndarray) -> np.ndarray:
    """Call ``rhs`` and check that it returned the shape of the state."""
    derivative = rhs(time, state)
    if np.shape(derivative) != state.shape:
        raise ValueError(f"rhs returned shape {np.shape(derivative)} at t={time}, expected {state.shape}")
    return derivative


def _euler_advance(
    rhs: RightHandSide,
    state: np.ndarray,
    start: float,
    dt: float,
    first_step: int,
    last_step: int,
    buffers: tuple[np.ndarray, ...],
) -> None:
    """Euler steps ``first_step`` … ``last_step - 1``, updating ``state`` in place."""
    increment = buffers[0]
    for step in range(first_step, last_step):
        np.multiply(_derivative(rhs, start + step * dt, state), dt, out=increment)
        state += increment


def _rk4_advance(
    rhs: RightHandSide,
    state: np.ndarray,
    start: float,
    dt: float,
    first_step: int,
    last_step: int,
    buffers: tuple[np.ndarray, ...],
) -> None:
    """Classic RK4 steps ``first_step`` … ``last_step - 1``, updating ``state`` in place.

    Each stage derivative is consumed before the next ``rhs`` call, so an
    ``rhs`` that reuses its output buffer is safe.
    """
    stage, total, scaled = buffers
    half_dt, sixth_dt = 0.5 * dt, dt / 6.0
    for step in range(first_step, last_step):
        time, middle, after = start + step * dt, start + (step + 0.5) * dt, start + (step + 1) * dt
        slope = _derivative(rhs, time, state)
        np.copyto(total, slope)
        np.multiply(slope, half_dt, out=stage)
        stage += state
        for stage_time, stage_scale in ((middle, half_dt), (middle, dt)):
            slope = _derivative(rhs, stage_time, stage)
            np.multiply(slope, 2.0, out=scaled)
            total += scaled
            np.multiply(slope, stage_scale, out=stage)
            stage += state
        total += _derivative(rhs, after, stage)
        np.multiply(total, sixth_dt, out=scaled)
        state += scaled


def _interior_breakpoints(breakpoints: Iterable[float], start: float, end: float) -> np.ndarray:
    """Sorted unique finite breakpoints [year] strictly inside ``(start, end)``."""
    cuts = np.unique(np.asarray(list(breakpoints), dtype=np.float64).reshape(-1))
    if not np.isfinite(cuts).all():
        raise ValueError("breakpoints must be finite times")
    return cuts[(cuts > start) & (cuts < end)]


class _FlatSystem:
    """The batch as one flat ODE system for ``solve_ivp``.

    Stock-major flattening (``y.reshape(-1)``) by default.  LSODA flattens run
    by run instead so that the Jacobian is banded (bandwidth n_stocks - 1);
    BDF and Radau get the block-diagonal sparsity of independent runs.  The
    wrapper also records the latest time it was called at [year] and the first
    time it saw a non-finite derivative, to name them in a :class:`SolverError`.
    """

    def __init__(self, rhs: RightHandSide, shape: tuple[int, int], method: str) -> None:
        self.rhs, self.shape, self.method = rhs, shape, method
        self.run_major = method == "LSODA"
        self.latest_time = float("nan")
        self.first_non_finite_time: float | None = None

    def flatten(self, state: np.ndarray) -> np.ndarray:
        return (state.T if self.run_major else state).reshape(-1).copy()

    def unflatten(self, flat: np.ndarray) -> np.ndarray:
        """(n_stocks, n_runs) state from one flat vector or (n_flat, n_times) columns."""
        columns = flat.shape[1:]
        if self.run_major:
            by_run = flat.reshape((self.shape[1], self.shape[0]) + columns)
            return np.ascontiguousarray(np.swapaxes(by_run, 0, 1))
        return flat.reshape(self.shape + columns)

    def __call__(self, time: float, flat: np.ndarray) -> np.ndarray:
        self.latest_time = float(time)
        derivative = _derivative(self.rhs, time, self.unflatten(flat))
        flat_derivative = self.flatten(np.asarray(derivative, dtype=np.float64))
        if self.first_non_finite_time is None and not np.isfinite(flat_derivative).all():
            self.first_non_finite_time = float(time)
        return flat_derivative

    def options(self) -> dict:
        """Jacobian structure options for ``solve_ivp`` (none for explicit methods)."""
        n_stocks, n_runs = self.shape
        if self.run_major:
            return {"lband": n_stocks - 1, "uband": n_stocks - 1}
        if self.method in ("BDF", "Radau") and n_runs > 1:
            coupling = np.ones((n_stocks, n_stocks), dtype=np.int8)
            import scipy.sparse  # imported where used: a fixed-step run never needs scipy

            return {"jac_sparsity": scipy.sparse.kron(coupling, scipy.sparse.identity(n_runs), format="csr")}
        return {}


def _solve_adaptive(
    rhs: RightHandSide,
    state: np.ndarray,
    times: np.ndarray,
    cuts: np.ndarray,
    method: str,
    **solver_options: float,
) -> np.ndarray:
    """Integrate with ``solve_ivp`` piece by piece between the breakpoints ``cuts``."""
    system = _FlatSystem(rhs, state.shape, method)
    solver_options = {**solver_options, **system.options()}
    boundaries = np.concatenate([times[:1], cuts, times[-1:]])
    results = np.empty((times.size,) + state.shape)
    results[0] = state
    flat = system.flatten(state)
    for piece_start, piece_end in zip(boundaries[:-1].tolist(), boundaries[1:].tolist()):
        inside = np.flatnonzero((times > piece_start) & (times < piece_end))
        t_eval = np.append(times[inside], piece_end)
        columns = _solve_piece(system, flat, piece_start, piece_end, t_eval, solver_options)
        results[inside] = np.moveaxis(system.unflatten(columns[:, :-1]), -1, 0)
        flat = columns[:, -1].copy()
        results[times == piece_end] = system.unflatten(flat)
    return results


def _solve_piece(
    system: _FlatSystem,
    flat: np.ndarray,
    piece_start: float,
    piece_end: float,
    t_eval: np.ndarray,
    solver_options: dict,
) -> np.ndarray:
    """One ``solve_ivp`` call on ``[piece_start, piece_end]``; the states at ``t_eval`` as columns."""
    from scipy.integrate import solve_ivp  # imported where used: a fixed-step run never needs scipy

    method = system.method
    if not np.isfinite(system(piece_start, flat)).all():
        # scipy's explicit Runge-Kutta methods never return on a non-finite initial slope.
        raise SolverError(f"{method} failed at t={piece_start}: right-hand side is non-finite")
    system.first_non_finite_time = None  # only this piece's trial points count below
    try:
        result = solve_ivp(
            system, (piece_start, piece_end), flat, method=method, t_eval=t_eval,
            dense_output=False, **solver_options,
        )
    except (ValueError, ArithmeticError, RuntimeError) as error:  # e.g. LU of a NaN Jacobian
        if system.first_non_finite_time is None:
            raise
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SolverError(f"{method} failed at t={system.first_non_finite_time}: {message}") from error
    if not result.success:
        raise SolverError(f"{method} failed at t={system.latest_time}: {result.message}")
    finite = np.isfinite(result.y).all(axis=0)
    if not finite.all():
        time = system.first_non_finite_time
        if time is None:
            time = float(result.t[np.flatnonzero(~finite)[0]])
        raise SolverError(f"{method} failed at t={time}: state became non-finite")
    return result.y
