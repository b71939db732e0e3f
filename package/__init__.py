"""restrans — system dynamics of China's resource-based regions in transition.

One import name for the whole project. The repository keeps its folders
(``model/``, ``sim/``); the installed distribution maps them under this
package (``pyproject.toml``, setuptools ``package-dir``):

- :mod:`restrans.model` (``model/``): the stock-flow equations, pure numpy,
  and the code generated from them (numba kernel, Vensim twin);
- :mod:`restrans.sim` (``sim/``): everything around the equations, in
  stages along the data flow (scenario → engine → compare → report →
  ensembles → vensim → cli).

``python -m restrans`` runs the command line.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__: str = version("restrans")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0+unknown"
