"""restrans.model.graph — the equations of :mod:`restrans.model.system` as one operation graph, and its emitters.

- :mod:`~restrans.model.graph.tracing`: symbolic values that record numpy code
  into nodes, and refuse what the graph cannot represent (file:line);
- :mod:`~restrans.model.graph.nodes`: the graph (data only);
- :mod:`~restrans.model.graph.model_graph`: the traced model, every variable named
  from the declarations;
- one emitter per target: :mod:`~restrans.model.graph.emit_numba` (the compiled
  engine's kernel) and :mod:`~restrans.model.graph.emit_vensim` (the twin's equations);
- :mod:`~restrans.model.graph.kernel_runtime`: the hand-written scalar lookup the kernel calls.

May import: numpy and the rest of :mod:`restrans.model`; never :mod:`restrans.sim`.
"""
