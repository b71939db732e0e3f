"""Stage 6, history: observed series of real cities, fit statistics and the validation report.

- :mod:`~restrans.sim.history.observations` reads a history data file (the columns of the shipped
  ``series.csv``) and knows the documented statistical breaks;
- :mod:`~restrans.sim.history.statistics` computes Sterman's (1984) summary statistics of a historical fit;
- :mod:`~restrans.sim.history.validation_report` writes one city's ``validation.html`` and the combined
  index of every city.

May import: :mod:`restrans.model` and the stages scenario, engine, compare, report, ensembles.
"""
