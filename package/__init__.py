"""restrans — system dynamics of China's resource-based regions in transition.

One import name for the whole project. The repository keeps its folders
(``model/``, ``sim/``); the installed distribution maps them under this
package (``pyproject.toml``, setuptools ``package-dir``):

- :mod:`restrans.model` (``model/``): the stock-flow equations, pure numpy,
  and the code generated from them (numba kernel, Vensim twin);
- :mod:`restrans.sim` (``sim/``): everything around the equations, in
  stages along the data flow (scenario → engine → compare → report →
  ensembles → vensim → cli).

``python -m restrans`` runs the command line. The Python API (:mod:`restrans.api`) is importable from here:
:func:`load_scenario`, :func:`run`, :func:`compare`, :func:`sweep`; it is imported on first use, so
``import restrans`` stays light.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__: str = version("restrans")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0+unknown"


API: tuple[str, ...] = ("load_scenario", "run", "compare", "sweep")
"""Names of :mod:`restrans.api` available as ``restrans.NAME``."""
__all__ = ["__version__", *API]


def __getattr__(name: str):
    """``restrans.run`` and the other API functions, imported from :mod:`restrans.api` when first used."""
    if name in API:
        from restrans import api

        return getattr(api, name)
    raise AttributeError(f"module 'restrans' has no attribute {name!r}")
