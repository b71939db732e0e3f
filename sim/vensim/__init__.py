"""Stage 8, Vensim: the twin writer (.mdl and .cin exports) and foreign Vensim/XMILE models and their sweeps.

May import: :mod:`restrans.model` and the stages scenario, engine, compare, report, ensembles, history.
"""
