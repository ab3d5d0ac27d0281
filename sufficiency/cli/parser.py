"""The command line's arguments: ``python -m sufficiency <command> ...``."""

from __future__ import annotations

import argparse
from pathlib import Path

from sufficiency.service import CATEGORIES, CATEGORIES_DEFAULT, RULES, VINTAGES

DATA_COMMANDS = (("export", "write the shortfall table as CSV"),
                 ("summary", "print the regional concentration table"),
                 ("reconcile", "print rows read, used and set aside per input file"))


def _data_options(c: argparse.ArgumentParser) -> None:
    c.add_argument("--year", type=int, help="year as at 31 March (default: latest with both Ofsted and DfE figures)")
    c.add_argument("--region", help='one English region, e.g. "North West" (default: all)')
    c.add_argument("--categories", default=",".join(CATEGORIES_DEFAULT),
                   help=f"comma-separated provision categories: {', '.join(CATEGORIES)}")
    c.add_argument("--providers", type=Path, action="append", default=[],
                   help="your own Ofsted provider-level file (repeat for a year published in parts)")
    c.add_argument("--demand", type=Path, help="your own DfE placed-outside table")
    c.add_argument("--net-gain", type=Path, help="your own DfE net-gain table (with --demand)")
    c.add_argument("--boundaries", type=Path, help="your own boundary file (GeoJSON, GPKG, SHP, zip)")
    c.add_argument("--report", type=Path, help="write the reconciliation (rows read / used / set aside) as CSV")


def parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    p = argparse.ArgumentParser(prog="python -m sufficiency", description="Children's homes sufficiency, England.")
    sub = p.add_subparsers(dest="command", required=True)
    for name, help_text in DATA_COMMANDS:
        c = sub.add_parser(name, help=help_text)
        _data_options(c)
        if name == "export":
            c.add_argument("--out", type=Path, help="output CSV (default: standard output)")
            c.add_argument("--disclosure", choices=list(RULES), default="none",
                           help="small-number control: none, suppress (1-5), round5, round10")
            c.add_argument("--layout", choices=["default", "ees"], default="default",
                           help="ees: DfE's open-data tidy layout with England and region rows")
    pl = sub.add_parser("placements", help="distances for your own placements list")
    pl.add_argument("file", type=Path, help="CSV or XLSX: origin, destination[, placement type, start, end]")
    pl.add_argument("--roads", type=Path, help="road graph (.graphml or OSM XML) for road distances")
    pl.add_argument("--out", type=Path, help="per-authority summary CSV (default: standard output)")
    pl.add_argument("--flows", type=Path, help="authority-to-authority flow counts CSV")
    pl.add_argument("--child-level", type=Path, help="one row per placement (personal data: see the warning)")
    pl.add_argument("--report", type=Path, help="write every set-aside row (row, column, reason) as CSV")
    pl.add_argument("--disclosure", choices=list(RULES), default="suppress",
                    help="small-number control for the files written (default: suppress)")
    n = sub.add_parser("neighbours", help="DfE's statistical neighbours of every (or the given) authority")
    n.add_argument("--authority", action="append", default=[], metavar="NAME_OR_CODE",
                   help="an authority by name or ONS code (repeat for several; default: all 153)")
    n.add_argument("--vintage", choices=list(VINTAGES), default=VINTAGES[0], help="DfE's groups (default: May 2025)")
    n.add_argument("--out", type=Path, help="output CSV (default: standard output)")
    m = sub.add_parser("matrix", help="authority-to-authority straight-line distances (long CSV)")
    m.add_argument("--out", type=Path, help="output CSV (default: standard output)")
    s = sub.add_parser("scenario", help="open or close places and see what changes")
    s.add_argument("--year", type=int, default=None)
    s.add_argument("--categories", default=",".join(CATEGORIES_DEFAULT),
                   help=f"comma-separated provision categories: {', '.join(CATEGORIES)}")
    s.add_argument("--open", action="append", default=[], metavar="CODE:N", help="open N places in CODE")
    s.add_argument("--close", action="append", default=[], metavar="CODE:N", help="close N places in CODE")
    s.add_argument("--out", type=Path, help="before/after CSV (default: standard output)")
    _profile_parser(sub)
    return p


def _profile_parser(sub) -> None:
    pr = sub.add_parser("profile", help="an authority's sufficiency profile as HTML or PDF, ready to hand over",
                        description="One authority's printable sufficiency profile. The format follows the file "
                                    "ending (.html or .pdf); repeat --out for both. Several --authority: put {name} "
                                    "or {code} in --out (e.g. profiles/{name}-2024.pdf), or give --out-dir.")
    pr.add_argument("--authority", action="append", required=True, metavar="NAME_OR_CODE",
                    help='an authority by name or ONS code, as at --year (repeat for several), e.g. "Stockport"')
    pr.add_argument("--year", type=int, help="year as at 31 March (default: latest with both Ofsted and DfE figures)")
    pr.add_argument("--out", type=Path, action="append", default=[],
                    help="output file ending .html or .pdf (repeat for both formats); with several authorities "
                         "it must contain {name} or {code}")
    pr.add_argument("--out-dir", type=Path, help="folder to write <name>-<code>-<year>.<format> files into")
    pr.add_argument("--format", action="append", choices=["html", "pdf"], default=[],
                    help="with --out-dir: the formats to write (repeat; default: html and pdf)")
    pr.add_argument("--disclosure", choices=list(RULES), default="suppress",
                    help="small-number control for every child count in the report (default: suppress)")
    pr.add_argument("--categories", default=",".join(CATEGORIES_DEFAULT),
                    help=f"comma-separated provision categories: {', '.join(CATEGORIES)}")
    pr.add_argument("--providers", type=Path, action="append", default=[], help="your own Ofsted provider-level file")
    pr.add_argument("--demand", type=Path, help="your own DfE placed-outside table")
    pr.add_argument("--net-gain", type=Path, help="your own DfE net-gain table (with --demand)")
    pr.add_argument("--boundaries", type=Path, help="your own boundary file (GeoJSON, GPKG, SHP, zip)")
    pr.add_argument("--placements", type=Path, help="your placements list: adds distance bands and destinations")
    pr.add_argument("--open", action="append", default=[], metavar="CODE:N", help="scenario: open N places in CODE")
    pr.add_argument("--close", action="append", default=[], metavar="CODE:N", help="scenario: close N places in CODE")
