"""Command line for distances: ``placements`` and ``scenario`` (see :mod:`sufficiency.cli`).

Examples::

    python -m sufficiency placements my_placements.csv --out by_authority.csv
    python -m sufficiency placements my_placements.csv --roads county.graphml
    python -m sufficiency placements my_placements.csv --child-level rows.csv   # with a warning
    python -m sufficiency scenario --year 2024 --open E08000003:12 --close E06000001:4
    python -m sufficiency matrix --out distances.csv

Every distance written says how it was measured (``distance_method``: straight line or road).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.errors import BadValueError
from sufficiency.data import Dataset
from sufficiency.export import RULES, export_csv

CHILD_LEVEL_WARNING = (
    "warning: the child-level file holds one row per placement. It is personal data about children: "
    "keep it within your council's systems and do not share it. Disclosure control: {rule}."
)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``placements`` and ``scenario`` sub-commands."""
    p = sub.add_parser("placements", help="distances for your own placements list")
    p.add_argument("file", type=Path, help="CSV or XLSX: origin, destination[, placement type, start, end]")
    p.add_argument("--roads", type=Path, help="road graph (.graphml or OSM XML) for road distances")
    p.add_argument("--out", type=Path, help="per-authority summary CSV (default: standard output)")
    p.add_argument("--flows", type=Path, help="authority-to-authority flow counts CSV")
    p.add_argument("--child-level", type=Path, help="one row per placement (personal data: see the warning)")
    p.add_argument("--disclosure", choices=list(RULES), default="suppress",
                   help="small-number control for the files written (default: suppress)")
    m = sub.add_parser("matrix", help="authority-to-authority straight-line distances (long CSV)")
    m.add_argument("--out", type=Path, help="output CSV (default: standard output)")
    s = sub.add_parser("scenario", help="open or close places and see what changes")
    s.add_argument("--year", type=int, default=None)
    s.add_argument("--open", action="append", default=[], metavar="CODE:N", help="open N places in CODE")
    s.add_argument("--close", action="append", default=[], metavar="CODE:N", help="close N places in CODE")
    s.add_argument("--out", type=Path, help="before/after CSV (default: standard output)")


def _changes(opens: list[str], closes: list[str]) -> list[tuple[str, float]]:
    out = []
    for text, sign in [(t, 1) for t in opens] + [(t, -1) for t in closes]:
        code, _, n = text.partition(":")
        try:
            out.append((code.strip().upper(), sign * float(n)))
        except ValueError:
            raise BadValueError(f"'{text}' should be CODE:NUMBER, e.g. E08000003:12") from None
    if not out:
        raise BadValueError("give at least one --open CODE:N or --close CODE:N")
    return out


def _write(data: bytes, path: Path | None) -> None:
    if path:
        path.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


def run_placements(args: argparse.Namespace, ds: Dataset) -> int:
    """Read a placements file and write per-authority distance figures."""
    from sufficiency.placements import flows, placement_distances, placements_by_authority, read_placements

    graph = None
    if args.roads:
        from geo.roads import load_road_graph

        graph = load_road_graph(args.roads)
    providers = ds.providers[["urn", "code"]] if ds.providers is not None else None
    rows, recon = read_placements(args.file, providers=providers, authority_codes=set(ds.points["code"]))
    print(recon.summary().to_string(index=False), file=sys.stderr)
    dist = placement_distances(rows, ds.points, road_graph=graph)
    _write(export_csv(placements_by_authority(dist), args.disclosure), args.out)
    if args.flows:
        args.flows.write_bytes(export_csv(flows(dist).rename(columns={"placements": "children"}), args.disclosure))
    if args.child_level:
        print(CHILD_LEVEL_WARNING.format(rule=RULES[args.disclosure]), file=sys.stderr)
        args.child_level.write_bytes(export_csv(dist, args.disclosure))
    return 0


def run_matrix(args: argparse.Namespace, ds: Dataset) -> int:
    """Write the distance matrix between today's authorities' representative points."""
    from sufficiency.access import authority_distances

    table = authority_distances(ds.points)
    data = table.to_csv(index=False, lineterminator="\n").encode()
    _write(data, args.out)
    return 0


def run_scenario(args: argparse.Namespace, ds: Dataset, year: int, categories: tuple[str, ...]) -> int:
    """Apply opened/closed places and write the before/after table of authorities that change."""
    from sufficiency.access import run_scenario as scenario
    from sufficiency.model import authority_measures

    measures = authority_measures(ds, year, categories)
    report, _ = scenario(measures, ds.points, ds.demand_totals, _changes(args.open, args.close))
    _write(export_csv(report), args.out)
    return 0
