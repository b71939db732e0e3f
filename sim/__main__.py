"""``python -m sim`` runs the restrans command."""
from sim.cli import main

main()
