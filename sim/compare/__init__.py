"""Stage 3, analysis of one batch: targets and scorecard, equal-budget scaling, lever changes, comparisons.

May import: :mod:`restrans.model`, :mod:`restrans.sim.scenario`, :mod:`restrans.sim.engine`.
"""
