"""``python -m restrans.sim`` runs the restrans command."""
from restrans.sim.cli.commands import main

main()
