"""Stage 7, the classroom: the interactive simulator (``restrans app``, Shiny) and its guided lessons.

May import: :mod:`restrans.model` and the stages scenario, engine, compare, report, ensembles, history.
Lessons are data (``scenarios/lessons/*.yaml``, validated by :mod:`restrans.sim.app.lessons`); every
string a person reads comes from the string table of :mod:`restrans.sim.report.translations`.
"""
