"""restrans.model — the stock-flow equations of a resource-based region, pure numpy.

Nothing in this package reads files other than its own declared data, prints,
or imports :mod:`sim`. Arrays carry a trailing run axis: a state vector has
shape ``(n_stocks, n_runs)``.
"""
