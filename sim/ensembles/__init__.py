"""Stage 5, ensembles: sweep files and designs, chunked runs and executors, outcomes, trajectories,
uncertainty and sensitivity.

May import: :mod:`restrans.model` and the stages scenario, engine, compare, report.
"""
