"""Full trajectories of a sweep as netCDF (xarray, h5netcdf): dims ``run`` x ``time``, one variable per name.

Each chunk is written to its own file; the final ``trajectories.nc`` is
assembled from them lazily (dask-backed xarray), so a million runs never have
to fit in memory, and stored in HDF5 chunks of whole runs.

The same sweep gives the same bytes (:func:`_write_in_order`): HDF5 places
chunks in the order they are written, so the variables are written one after
the other by dask's synchronous scheduler; dask's threads had written them in
whatever order they finished, moving chunk addresses and object-header
checksums between identical sweeps. No HDF5 object records a modification
time (h5py's default ``track_times=False``; no attribute holds a date).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from restrans.sim.engine.outputs import default_file_mode
from restrans.sim.engine.results import variable_units


def _xarray():
    try:
        import xarray
    except ImportError:  # pragma: no cover - the ensembles extra is missing
        raise RuntimeError("--trajectories needs xarray and h5netcdf: pip install 'restrans[ensembles]'") from None
    return xarray


def _dataset(runs: np.ndarray, times: np.ndarray, values: dict[str, np.ndarray]):
    xarray = _xarray()
    units = variable_units()
    variables = {name: (("run", "time"), array, {"units": units.get(name, "")}) for name, array in values.items()}
    return xarray.Dataset(variables, coords={"run": ("run", np.asarray(runs, dtype=np.int64)),
                                             "time": ("time", np.asarray(times, dtype=float), {"units": "yr"})})


def _atomic_netcdf(dataset, destination: Path, encoding: dict | None = None) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent)
    os.close(handle)
    try:
        _write_in_order(dataset, temporary, encoding or {})
        os.chmod(temporary, default_file_mode())  # mkstemp creates 0600; outputs are ordinary files
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_in_order(dataset, path: str, encoding: dict) -> None:
    """Write ``dataset`` to ``path`` (h5netcdf) so that the same data always gives the same bytes.

    The coordinates go first, then each data variable in the dataset's order, one at a time, by dask's
    synchronous scheduler: HDF5 allocates chunks in the order they are written, and dask's threads (or its
    graph order, which depends on the chunk files' paths) would otherwise change that order between runs.
    """
    import dask

    xarray = _xarray()
    names = list(dataset.data_vars)
    with dask.config.set(scheduler="synchronous"):
        dataset.drop_vars(names).to_netcdf(path, engine="h5netcdf")
        for name in names:
            single = xarray.Dataset({name: dataset[name].variable})
            single.to_netcdf(path, mode="a", engine="h5netcdf", encoding={name: encoding[name]} if name in encoding
                             else None)


def write_chunk(path: Path, runs: np.ndarray, times: np.ndarray, values: dict[str, np.ndarray]) -> None:
    """Write one chunk's trajectories (name -> (n_runs, n_times)) atomically to ``path``."""
    _atomic_netcdf(_dataset(runs, times, values), path)


def chunk_dataset_bytes(runs, times, values) -> bytes:
    """One chunk's trajectories as the bytes of a netCDF (HDF5) file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chunk.nc"
        write_chunk(path, runs, times, values)
        return path.read_bytes()


def concatenate_chunks(paths: list[Path], destination: Path, runs_per_chunk: int) -> None:
    """Concatenate chunk files along ``run`` into ``destination`` without loading them all (atomic)."""
    xarray = _xarray()
    combined = xarray.open_mfdataset([str(path) for path in paths], combine="nested", concat_dim="run",
                                     engine="h5netcdf", chunks={"run": runs_per_chunk}, data_vars="all",
                                     coords="minimal", compat="override", join="override")
    try:
        n_runs, n_times = combined.sizes["run"], combined.sizes["time"]
        chunk_shape = (max(1, min(runs_per_chunk, n_runs, 4096)), n_times)
        encoding = {name: {"chunksizes": chunk_shape} for name in combined.data_vars}
        _atomic_netcdf(combined, destination, encoding)
    finally:
        combined.close()
