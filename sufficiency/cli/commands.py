"""What each command does: read the arguments, call the service, write the result.

Every rule (which files are accepted, the default year, the CSV bytes) lives in
:mod:`sufficiency.service`, shared with the app; this module only turns arguments into
calls and results into files or text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from sufficiency import service
from sufficiency.cli.writing import check_outputs, write

CHILD_LEVEL_WARNING = (
    "warning: the child-level file holds one row per placement. It is personal data about children: "
    "keep it within your council's systems and do not share it. Disclosure control: {rule}."
)


def user_files(args: argparse.Namespace) -> service.UserFiles:
    """The files given on the command line, read and size-checked."""
    def one(path):
        return service.UserFile.from_path(path) if path is not None else None

    return service.UserFiles(
        providers=tuple(service.UserFile.from_path(p) for p in getattr(args, "providers", []) or []),
        demand=one(getattr(args, "demand", None)), net_gain=one(getattr(args, "net_gain", None)),
        boundaries=one(getattr(args, "boundaries", None)), year=getattr(args, "year", None),
        layer=getattr(args, "layer", None))


def dataset(args: argparse.Namespace, *, geometry: bool = False) -> service.Dataset:
    """The dataset for the command; what was read from the user's files goes to stderr."""
    files = user_files(args)
    ds = service.open_dataset(files, geometry=geometry or files.boundaries is not None)
    if files.given() and args.command != "reconcile":
        print(ds.reconciliation.to_string(index=False), file=sys.stderr)
    for notice in ds.notices:
        print(f"note: {notice}", file=sys.stderr)
    return ds


def _year(args: argparse.Namespace, ds: service.Dataset) -> int:
    """The year to work on: --year, else the year of the user's provider file (said on stderr), else the default."""
    year, note = service.year_for_files(ds, args.year)
    if note:
        print(f"note: {note}", file=sys.stderr)
    return year


def _report(args: argparse.Namespace, table: pd.DataFrame) -> None:
    if getattr(args, "report", None):
        write(table.to_csv(index=False, lineterminator="\n").encode(), args.report)


def run_reconcile(args: argparse.Namespace) -> int:
    ds = dataset(args)
    _report(args, ds.reconciliation)
    print(ds.reconciliation.to_string(index=False))
    return 0


def run_export(args: argparse.Namespace) -> int:
    ds = dataset(args)
    _report(args, ds.reconciliation)
    view = service.year_view(ds, _year(args, ds), args.categories, distances=False)
    if args.layout == "ees":
        data = service.shortfall_ees_csv(ds, view, args.region, args.disclosure)
    else:
        data = service.shortfall_csv(view, args.region, args.disclosure)
    write(data, args.out)
    if args.out:
        rows = data.count(b"\n") - 1
        print(f"wrote {args.out} ({rows} authorities, {view.year})", file=sys.stderr)
    return 0


def run_summary(args: argparse.Namespace) -> int:
    ds = dataset(args)
    _report(args, ds.reconciliation)
    view = service.year_view(ds, _year(args, ds), args.categories, distances=False)
    region = service.check_region(args.region)
    table = service.regional_summary(ds, view)
    if region:
        table = table[table["region"].isin([region, "England"])]
    # written as the app writes it (sufficiency.model.formats): 1,234 · 12.3% · −5; headings in words
    shown = service.formats.format_table(table, [c for c in SUMMARY_COLUMNS if c in table.columns], short=True)
    print(f"Regional concentration of children's homes places, 31 March {view.year}")
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(shown.to_string(index=False))
    return 0


#: what ``summary`` prints, in this order (the CSV exports keep every column and its machine name)
SUMMARY_COLUMNS = ["region", "homes", "places", "children_in_homes", "placed_outside", "placed_outside_pct",
                   "homes_share", "places_share", "children_share", "location_quotient", "private_share", "rank_places",
                   "authorities_without_demand"]


def run_scenario(args: argparse.Namespace) -> int:
    changes = service.parse_changes(args.open, args.close)
    ds = dataset(args)
    view = service.year_view(ds, args.year, args.categories, distances=False)
    result = service.run_scenario(ds, view, changes)
    print(result.note, file=sys.stderr)
    write(service.scenario_csv(result), args.out)
    return 0


def run_placements(args: argparse.Namespace) -> int:
    ds = dataset(args)
    roads = service.road_graph(service.UserFile.from_path(args.roads)) if args.roads else None
    report = service.placements_report(ds, service.UserFile.from_path(args.file), roads=roads, as_at=args.as_at)
    print(report.summary.to_string(index=False), file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    if len(report.set_aside):
        print("rows set aside (row numbers as in your file):", file=sys.stderr)
        print(report.set_aside.to_string(index=False), file=sys.stderr)
    _report(args, report.set_aside)
    write(service.csv(report.by_authority, args.disclosure), args.out)
    if args.flows:
        write(service.flows_csv(report, args.disclosure), args.flows)
    if args.child_level:
        print(CHILD_LEVEL_WARNING.format(rule=service.RULES[args.disclosure]), file=sys.stderr)
        write(service.csv(report.child_level, args.disclosure), args.child_level)
    return 0


def run_neighbours(args: argparse.Namespace) -> int:
    ds = service.embedded(geometry=False)
    codes = [service.find_authority(ds, a) for a in args.authority] or None
    write(service.neighbours_csv(ds, codes, args.vintage), args.out)
    return 0


def run_matrix(args: argparse.Namespace) -> int:
    ds = dataset(args)
    write(service.csv(service.distance_matrix(ds)), args.out)
    return 0


PROFILE_FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}


def _profile_paths(args: argparse.Namespace, profiles: list) -> list[tuple[object, str, Path]]:
    """(profile, format, path) for every file to write, by the rule of ``profile --help``."""
    if args.out_dir is not None:
        if args.out:
            _refuse([service.Problem("give --out or --out-dir, not both", column="--out-dir")])
        formats = list(dict.fromkeys(args.format)) or ["html", "pdf"]
        return [(p, f, args.out_dir / service.profile_file_name(p.name, p.code, p.year, f))
                for p in profiles for f in formats]
    problems = []
    if args.format:
        problems.append(service.Problem("--format goes with --out-dir; with --out the file ending says the format",
                                        column="--format"))
    if not args.out:
        problems.append(service.Problem("give --out FILE.html or --out FILE.pdf (or --out-dir DIR)", column="--out"))
    for out in args.out:
        if out.suffix.lower() not in PROFILE_FORMATS:
            problems.append(service.Problem(f"--out {out}: the file must end .html or .pdf", column="--out",
                                            value=str(out)))
        if len(profiles) > 1 and "{name}" not in str(out) and "{code}" not in str(out):
            problems.append(service.Problem(f"--out {out}: with several authorities put {{name}} or {{code}} in the "
                                            "file name (e.g. profiles/{name}-2024.pdf), or use --out-dir",
                                            column="--out", value=str(out)))
    if problems:
        _refuse(problems)
    return [(p, PROFILE_FORMATS[out.suffix.lower()],
             Path(str(out).replace("{name}", service.profile_slug(p.name)).replace("{code}", p.code)))
            for p in profiles for out in args.out]


def _refuse(problems: list) -> None:
    raise service.InputError(problems=problems)


def run_profile(args: argparse.Namespace) -> int:
    changes = service.parse_changes(args.open, args.close) if args.open or args.close else None
    ds = dataset(args, geometry=True)
    year = _year(args, ds)
    codes, problems = [], []
    for given in args.authority:
        try:
            codes.append(service.find_authority(ds, given, year))
        except service.InputError as exc:
            problems += exc.problems
    if problems:
        _refuse(problems)
    placements = service.placements_report(ds, service.UserFile.from_path(args.placements)) \
        if args.placements else None
    profiles = [service.authority_profile(ds, code, year, categories=args.categories, disclosure=args.disclosure,
                                          placements=placements, changes=changes) for code in dict.fromkeys(codes)]
    targets = _profile_paths(args, profiles)
    check_outputs(argparse.Namespace(out=[path for _, _, path in targets], providers=args.providers,
                                     demand=args.demand, net_gain=args.net_gain, boundaries=args.boundaries,
                                     placements=args.placements))
    for profile, fmt, path in targets:
        write(service.profile_html(profile) if fmt == "html" else service.profile_pdf(profile), path)
        print(f"wrote {path} ({profile.name}, {profile.code}, 31 March {profile.year})", file=sys.stderr)
    return 0


COMMANDS = {"profile": run_profile, "reconcile": run_reconcile, "export": run_export, "summary": run_summary,
            "scenario": run_scenario,
            "placements": run_placements, "matrix": run_matrix, "neighbours": run_neighbours}
