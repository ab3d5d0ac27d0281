"""``python -m sufficiency`` runs the command line (see :mod:`sufficiency.cli`)."""

from sufficiency.cli import main

main()
