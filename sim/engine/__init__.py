"""Stage 2, solving: solvers, batches, the compiled and PySD engines, results, calibration and output files.

May import: :mod:`restrans.model` and :mod:`restrans.sim.scenario`.
"""
