"""restrans.sim — everything around the equations: scenarios, schedules, solvers, results, outputs, CLI."""
