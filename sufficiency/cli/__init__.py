"""Command line: ``python -m sufficiency export|summary|reconcile|scenario|placements|matrix|neighbours|profile``.

Examples::

    python -m sufficiency export --year 2024 --region "North West" --out shortfall.csv
    python -m sufficiency export --year 2024 --providers my_ofsted.csv --disclosure suppress
    python -m sufficiency summary --year 2024
    python -m sufficiency reconcile
    python -m sufficiency scenario --year 2024 --open E08000032:20 --close E06000001:4
    python -m sufficiency placements my_placements.csv --out by_authority.csv --flows flows.csv
    python -m sufficiency matrix --out distances.csv
    python -m sufficiency profile --authority Stockport --year 2024 --out stockport.pdf --out stockport.html

A thin front end over :mod:`sufficiency.service` (the app calls the same functions).
Bad input ends with exit code 2 and one plain sentence per problem on stderr, never a
traceback; outputs are checked first, so an input file is never overwritten.
"""

from __future__ import annotations

import csv
import sys

from sufficiency.cli.commands import COMMANDS
from sufficiency.cli.parser import parser
from sufficiency.cli.writing import check_outputs
from sufficiency.service import SufficiencyError


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 done, 2 bad input, 3 an unforeseen problem)."""
    args = parser().parse_args(argv)
    try:
        check_outputs(args)
        return COMMANDS[args.command](args)
    except SufficiencyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except csv.Error as exc:  # e.g. a field larger than the csv module's limit
        print(f"error: the file could not be read as a table ({exc})", file=sys.stderr)
        return 2
    except (OSError, ValueError, KeyError) as exc:  # unforeseen: still one sentence, never a traceback
        print(f"error: the tool could not finish ({type(exc).__name__}: {exc}). "
              "Please report this with the command you ran.", file=sys.stderr)
        return 3


def main() -> None:
    """Entry point for the ``sufficiency`` console script and ``python -m sufficiency``."""
    try:
        code = run()
    except BrokenPipeError:  # output piped into `head`: not an error
        code = 0
    raise SystemExit(code)
