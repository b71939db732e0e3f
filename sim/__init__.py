"""restrans.sim — everything around the equations, in stages along the data flow.

Each stage is a subpackage and imports only :mod:`restrans.model` and the
stages before it (a test checks it, function-level imports included):

1. :mod:`~restrans.sim.scenario` — scenario files to a validated scenario;
2. :mod:`~restrans.sim.engine` — solving a batch of runs, results, output files;
3. :mod:`~restrans.sim.compare` — analysis of one batch: targets, scorecard, budgets;
4. :mod:`~restrans.sim.report` — figures and the comparison report;
5. :mod:`~restrans.sim.ensembles` — sweeps, uncertainty and sensitivity over many runs;
6. :mod:`~restrans.sim.history` — observed series of real cities, fit statistics, the validation report;
7. :mod:`~restrans.sim.app` — the classroom simulator and its lessons;
8. :mod:`~restrans.sim.vensim` — the Vensim twin writer and foreign Vensim/XMILE models;
9. :mod:`~restrans.sim.cli` — the ``restrans`` command.
"""
