"""Command line: ``python -m sufficiency export|summary|reconcile``.

Examples::

    python -m sufficiency export --year 2024 --region "North West" --out shortfall.csv
    python -m sufficiency export --year 2024 --providers my_ofsted.csv --disclosure suppress
    python -m sufficiency summary --year 2024
    python -m sufficiency reconcile

Bad input ends with exit code 2 and one plain sentence per problem on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from geo.errors import FileTooLargeError, SufficiencyError
from sufficiency.cli_distance import add_parsers, run_matrix, run_placements, run_scenario
from sufficiency.data import Dataset, load_embedded, load_user_files
from sufficiency.export import RULES, export_csv
from sufficiency.model import CATEGORIES, CATEGORIES_DEFAULT, authority_measures, years_available
from sufficiency.regional import regional_concentration
from sufficiency.shortfall import shortfall_table

#: Largest input file the CLI reads, in bytes (the app's limit is in .streamlit/config.toml).
MAX_INPUT_BYTES = 200 * 1024 * 1024


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m sufficiency", description="Children's homes sufficiency, England.")
    sub = p.add_subparsers(dest="command", required=True)
    for name, help_text in (("export", "write the shortfall table as CSV"),
                            ("summary", "print the regional concentration table"),
                            ("reconcile", "print rows read, used and set aside per input file")):
        c = sub.add_parser(name, help=help_text)
        c.add_argument("--year", type=int, help="year as at 31 March (default: latest with demand figures)")
        c.add_argument("--region", help='one English region, e.g. "North West" (default: all)')
        c.add_argument("--categories", default=",".join(CATEGORIES_DEFAULT),
                       help=f"comma-separated provision categories: {', '.join(CATEGORIES)}")
        c.add_argument("--providers", type=Path, help="your own Ofsted provider-level file")
        c.add_argument("--demand", type=Path, help="your own DfE placed-outside table")
        c.add_argument("--net-gain", type=Path, help="your own DfE net-gain table (with --demand)")
        c.add_argument("--boundaries", type=Path, help="your own boundary file (GeoJSON, GPKG, SHP, zip)")
        c.add_argument("--report", type=Path, help="write the reconciliation (rows read / used / set aside) as CSV")
        if name == "export":
            c.add_argument("--out", type=Path, help="output CSV (default: standard output)")
            c.add_argument("--disclosure", choices=list(RULES), default="none",
                           help="small-number control: none, suppress (1-5), round5, round10")
    add_parsers(sub)
    return p


def _check_size(path: Path | None) -> None:
    if path is None:
        return
    if not path.exists():
        from geo.errors import InputError

        raise InputError("file not found", file=str(path))
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise FileTooLargeError(
            f"file is {size:,} bytes; the limit is {MAX_INPUT_BYTES // 2**20} MiB ({MAX_INPUT_BYTES:,} bytes)",
            file=str(path),
        )


def _dataset(args: argparse.Namespace) -> tuple[Dataset, pd.DataFrame]:
    own = [getattr(args, k, None) for k in ("providers", "demand", "net_gain", "boundaries", "file", "roads")]
    for path in own:
        _check_size(path)
    ds = load_embedded(geometry=getattr(args, "boundaries", None) is not None)
    if not any(getattr(args, k, None) for k in ("providers", "demand", "boundaries")):
        return ds, ds.reconciliation
    new, recon = load_user_files(ds, providers=args.providers, demand=args.demand, net_gain=args.net_gain,
                                 boundaries=args.boundaries)
    if args.command != "reconcile":  # say what was used from the user's files, on stderr
        print(recon.to_string(index=False), file=sys.stderr)
        used = recon[recon["what"] == "rows used"]
        for rec in used[used["rows"] == 0].itertuples():
            print(f"warning: nothing in '{rec.file}' could be used; see the reasons above", file=sys.stderr)
    return new, recon


def _year(args: argparse.Namespace, ds: Dataset) -> int:
    if args.year is not None:
        if args.year not in years_available(ds):
            from geo.errors import BadValueError

            raise BadValueError(f"no data for {args.year}; years available: "
                                f"{', '.join(map(str, years_available(ds)))}")
        return args.year
    return int(ds.demand["year"].max())


def _categories(text: str) -> tuple[str, ...]:
    cats = tuple(c.strip() for c in text.split(",") if c.strip())
    bad = [c for c in cats if c not in CATEGORIES]
    if bad or not cats:
        from geo.errors import BadValueError

        raise BadValueError(f"unknown category {', '.join(bad) or '(none)'}; choose from {', '.join(CATEGORIES)}",
                            )
    return cats


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        ds, recon = _dataset(args)
        if getattr(args, "report", None):
            args.report.write_bytes(recon.to_csv(index=False, lineterminator="\n").encode())
        if args.command == "reconcile":
            print(recon.to_string(index=False))
            return 0
        if args.command == "placements":
            return run_placements(args, ds)
        if args.command == "matrix":
            return run_matrix(args, ds)
        year = _year(args, ds)
        if args.command == "scenario":
            return run_scenario(args, ds, year, CATEGORIES_DEFAULT)
        measures = authority_measures(ds, year, _categories(args.categories))
        if args.command == "summary":
            table = regional_concentration(measures, ds.demand_totals)
            if args.region:
                table = table[table["region"].isin([args.region, "England"])]
            with pd.option_context("display.width", 200, "display.max_columns", 30):
                print(table.to_string(index=False))
            return 0
        data = export_csv(shortfall_table(measures, args.region), args.disclosure)
        if args.out:
            args.out.write_bytes(data)
            rows = data.count(b"\n") - 1
            print(f"wrote {args.out} ({rows} authorities, {year})", file=sys.stderr)
        else:
            sys.stdout.buffer.write(data)
        return 0
    except SufficiencyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError, KeyError) as exc:  # unforeseen: still one sentence, never a traceback
        print(f"error: the tool could not finish ({type(exc).__name__}: {exc}). "
              "Please report this with the command you ran.", file=sys.stderr)
        return 3


def main() -> None:
    """Entry point for the ``sufficiency`` console script."""
    try:
        code = run()
    except BrokenPipeError:  # output piped into `head`: not an error
        code = 0
    raise SystemExit(code)
