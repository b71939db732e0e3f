"""``python -m restrans`` runs the restrans command."""
from restrans.sim.cli import main

main()
