"""restrans.model — the stock-flow equations of a resource-based region, pure numpy.

Nothing in this package reads files other than its own declared data, prints,
or imports :mod:`restrans.sim`; the one file it writes is the generated numba
kernel in the kernel cache (:mod:`restrans.model.compiled`). Arrays carry a
trailing run axis: a state vector has shape ``(n_stocks, n_runs)``. The
equations are written once, in the sector modules and :mod:`restrans.model.system`;
:mod:`restrans.model.graph` traces them into the forms other targets need.
"""
