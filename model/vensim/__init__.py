"""The Vensim twin of the model: its equations as Vensim text (data only) and the generated ``restrans.mdl``.

:mod:`restrans.model.vensim.equations` holds the hand-maintained equation template that
mirrors :mod:`restrans.model.system`; ``sim/vensim_twin.py`` writes ``restrans.mdl`` from
it and from the declarations (parameters, stocks, levers, lookups). Nothing
here reads or writes files.
"""
