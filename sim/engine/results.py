"""Stacked results of a batch of runs: stocks and re-evaluated auxiliaries over time.

Axes are fixed: ``(time, run)`` for every variable, ``(time, stock, run)`` for
the raw state. Auxiliaries are recomputed from the saved stocks after
integration (never recorded inside the right-hand side).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from restrans.model.indicators import INDICATORS, compute_indicators
from restrans.model.stocks import STOCKS
from restrans.model.system import auxiliaries
from restrans.model.variables import AUXILIARIES

MILESTONE_YEARS: tuple[float, ...] = (2025.0, 2030.0, 2035.0)


def variable_units() -> dict[str, str]:
    """Unit of every stock, auxiliary and indicator, by name."""
    units = {stock.name: stock.unit for stock in STOCKS}
    units.update({name: unit for name, (unit, _doc) in AUXILIARIES.items()})
    units.update({name: unit for name, (unit, _group, _doc) in INDICATORS.items()})
    return units


def variable_table() -> pd.DataFrame:
    """One row per output variable: name, kind (stock, auxiliary, indicator), unit, doc."""
    rows = [(s.name, "stock", s.unit, s.doc) for s in STOCKS]
    rows += [(name, "auxiliary", unit, doc) for name, (unit, doc) in AUXILIARIES.items()]
    rows += [(name, "indicator", unit, doc) for name, (unit, _group, doc) in INDICATORS.items()]
    return pd.DataFrame(rows, columns=["name", "kind", "unit", "doc"])


@dataclass
class Results:
    """Trajectories of a batch.

    Attributes
    ----------
    times : ndarray, shape (n_times,)
        Output times (yr).
    state : ndarray, shape (n_times, n_stocks, n_runs)
        Stocks in model units.
    parameters : ndarray, shape (n_parameters, n_runs)
    levers : ndarray, shape (n_times, n_levers, n_runs)
        Lever values at the output times.
    run_names : list of str
        One label per run.
    variables : dict of str to ndarray (n_times, n_runs)
        Stocks, auxiliaries and indicators by name.
    """

    times: np.ndarray
    state: np.ndarray
    parameters: np.ndarray
    levers: np.ndarray
    run_names: list[str]
    variables: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def from_state(cls, times, state, parameters, levers, run_names):
        """Build results and re-evaluate every auxiliary and indicator from the stocks."""
        n_times, n_stocks, n_runs = state.shape
        flat_state = state.transpose(1, 0, 2).reshape(n_stocks, n_times * n_runs)
        flat_parameters = np.tile(parameters, (1, n_times))
        flat_levers = levers.transpose(1, 0, 2).reshape(levers.shape[1], n_times * n_runs)
        flat_auxiliaries = auxiliaries(flat_state, flat_parameters, flat_levers)
        variables = {stock.name: state[:, index, :] for index, stock in enumerate(STOCKS)}
        variables.update({name: value.reshape(n_times, n_runs) for name, value in flat_auxiliaries.items()})
        variables.update(compute_indicators(times, variables))
        return cls(times, state, parameters, levers, list(run_names), variables)

    @property
    def n_runs(self) -> int:
        return self.state.shape[2]

    def time_index(self, year: float) -> int:
        """Index of the output time closest to ``year`` (must be within 1e-6 yr)."""
        index = int(np.argmin(np.abs(self.times - year)))
        if abs(self.times[index] - year) > 1e-6:
            raise ValueError(f"year {year} is not an output time")
        return index

    def frame(self, run: int = 0) -> pd.DataFrame:
        """Wide table of one run: a ``time`` column and one column per variable."""
        data = {"time": self.times}
        data.update({name: values[:, run] for name, values in self.variables.items()})
        return pd.DataFrame(data)

    def indicator_table(self, years=MILESTONE_YEARS) -> pd.DataFrame:
        """Long table: run, indicator, group, unit, then one column per milestone year inside the run."""
        years = [year for year in years if self.times[0] - 1e-6 <= year <= self.times[-1] + 1e-6]
        indices = [self.time_index(year) for year in years]
        rows = []
        for run, run_name in enumerate(self.run_names):
            for name, (unit, group, _doc) in INDICATORS.items():
                values = self.variables[name][indices, run]
                rows.append([run_name, name, group, unit, *values])
        return pd.DataFrame(rows, columns=["run", "indicator", "group", "unit", *[str(int(y)) for y in years]])

    def to_pandas(self) -> pd.DataFrame:
        """Every variable of every run as one table: a (run, time) MultiIndex and one column per variable.

        Run names are :attr:`run_names`; time in years; units are in :func:`variable_units` (and in
        ``DataFrame.attrs["units"]``). A wide table as PySD's ``run()`` returns, with the run as an index level.
        """
        index = pd.MultiIndex.from_product([self.run_names, self.times], names=["run", "time"])
        data = {name: values.T.reshape(-1) for name, values in self.variables.items()}
        frame = pd.DataFrame(data, index=index)
        units = variable_units()
        frame.attrs["units"] = {name: units.get(name, "") for name in frame.columns}
        return frame

    def to_xarray(self):
        """Every variable as an :class:`xarray.Dataset` with dimensions (run, time); each has ``units`` and ``kind``.

        Needs xarray (the ``ensembles`` extra).
        """
        import xarray

        kinds = variable_table().set_index("name")
        coordinates = {"run": list(self.run_names), "time": self.times}
        variables = {}
        for name, values in self.variables.items():
            attributes = {"units": kinds.loc[name, "unit"], "kind": kinds.loc[name, "kind"],
                          "doc": kinds.loc[name, "doc"]} if name in kinds.index else {}
            variables[name] = xarray.DataArray(values.T, dims=("run", "time"), coords=coordinates, attrs=attributes)
        return xarray.Dataset(variables, attrs={"time_units": "year"})
