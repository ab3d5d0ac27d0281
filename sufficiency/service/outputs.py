"""What the app offers to download and the command line writes: one function each.

Every CSV goes through :func:`sufficiency.export.export_csv` (disclosure control and
spreadsheet-safe text), so the app's download and the CLI's file are the same bytes
for the same choices.
"""

from __future__ import annotations

import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sufficiency.dataset import Dataset
from sufficiency.errors import BadValueError, Problem
from sufficiency.export import export_csv
from sufficiency.service.datasets import UserFile
from sufficiency.service.views import YearView, shortfall_table

#: Largest number of places one scenario line may open or close (no authority has 1,000).
MAX_SCENARIO_PLACES = 10_000
_CHANGE = re.compile(r"\s*([A-Za-z]\d{8})\s*:\s*(\d{1,6})\s*", re.ASCII)


def shortfall_csv(view: YearView, region: str | None = None, disclosure: str = "none") -> bytes:
    """The shortfall table of the view (one region or England) as CSV bytes."""
    return export_csv(shortfall_table(view, region), disclosure)


def parse_change(text: str, sign: int) -> tuple[str, int]:
    """``"E08000003:12"`` -> ("E08000003", 12 * sign); whole places in ASCII digits only.

    Raises
    ------
    BadValueError
        Anything else: a sign inside the number ("CODE:-5"), exponents ("1e12"),
        separators ("1_000", "1,000"), other scripts' digits, or more than
        :data:`MAX_SCENARIO_PLACES` places.
    """
    verb = "--open" if sign > 0 else "--close"
    m = _CHANGE.fullmatch(text)
    if not m:
        raise BadValueError(f"{verb} '{text}' should be CODE:NUMBER with a whole number of places written with "
                            "the digits 0-9, e.g. E08000003:12 (use --open to add places and --close to remove "
                            "them; no sign inside the number)", column=verb, value=text)
    n = int(m.group(2))
    if n == 0 or n > MAX_SCENARIO_PLACES:
        raise BadValueError(f"{verb} '{text}': the number of places must be between 1 and {MAX_SCENARIO_PLACES:,}",
                            column=verb, value=text)
    return m.group(1).upper(), sign * n


def parse_changes(opens: list[str], closes: list[str]) -> list[tuple[str, int]]:
    """Scenario changes from ``--open CODE:N`` and ``--close CODE:N`` texts (every problem listed)."""
    out, problems = [], []
    for text, sign in [(t, 1) for t in opens] + [(t, -1) for t in closes]:
        try:
            out.append(parse_change(text, sign))
        except BadValueError as exc:
            problems += exc.problems
    if problems:
        raise BadValueError(problems=problems)
    if not out:
        raise BadValueError("give at least one --open CODE:N or --close CODE:N")
    return out


def check_changes(changes: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Changes given as (code, whole number of places, + open / - close), as the app's form gives them."""
    problems = [Problem(f"the number of places must be a whole number between -{MAX_SCENARIO_PLACES:,} and "
                        f"{MAX_SCENARIO_PLACES:,}, not 0", column="places", value=str(d))
                for _, d in changes if int(d) != d or d == 0 or abs(d) > MAX_SCENARIO_PLACES]
    if problems:
        raise BadValueError(problems=problems)
    return [(str(c), int(d)) for c, d in changes]


@dataclass(frozen=True)
class ScenarioResult:
    """Before/after of a scenario: ``report`` (authorities that change), ``after`` (the year's
    measures after it) and a plain ``note`` on what the allocation could place."""

    report: pd.DataFrame
    after: pd.DataFrame
    note: str


_BASES: dict[str, object] = {}  # YearView.key -> the solved base problem (content-keyed memo, bounded)
_BASES_LOCK = threading.Lock()  # the app's sessions run in threads


def _scenario_base(ds: Dataset, view: YearView):
    from sufficiency.distances.scenarios import scenario_base

    with _BASES_LOCK:
        if view.key not in _BASES:
            if len(_BASES) >= 16:
                _BASES.pop(next(iter(_BASES)))
            _BASES[view.key] = scenario_base(view.base, ds.points, ds.demand_totals)
        return _BASES[view.key]


def run_scenario(ds: Dataset, view: YearView, changes: list[tuple[str, int]]) -> ScenarioResult:
    """Open (+) or close (-) places in some authorities and report every authority that changes.

    The year's base problem is solved once per view (keyed by its content key) and reused."""
    from sufficiency.distances.scenarios import run_scenario as scenario

    checked = check_changes(changes)
    report, after, note = scenario(view.base, ds.points, ds.demand_totals, checked, _scenario_base(ds, view))
    return ScenarioResult(report, after, note)


def scenario_csv(result: ScenarioResult) -> bytes:
    """The scenario's before/after table as CSV."""
    return export_csv(result.report)


@dataclass(frozen=True)
class PlacementsReport:
    """A placements list measured: what was read, per-authority figures, flows, child-level rows."""

    file: str
    summary: pd.DataFrame  # [file, what, rows]
    set_aside: pd.DataFrame  # [file, row, column, reason, value]
    by_authority: pd.DataFrame
    flows: pd.DataFrame
    child_level: pd.DataFrame
    method: str


def road_graph(file: UserFile):
    """A road graph from a user's file (osmnx reads paths, so it goes through a temporary folder)."""
    from geo.roads import load_road_graph

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(file.name).name
        path.write_bytes(file.data)
        return load_road_graph(path)


def placements_report(ds: Dataset, file: UserFile, *, roads=None, flow_threshold: int = 1,
                      directory: pd.DataFrame | None = None) -> PlacementsReport:
    """Read, locate and measure a placements list (kept in memory only; nothing is written).

    Parameters
    ----------
    ds : the dataset (its authority points and Ofsted URN list locate the ends)
    file : the placements file
    roads : a road graph from :func:`road_graph` for road distances (straight lines when None)
    flow_threshold : flows with fewer placements are flagged ``suppressed`` (not drawn)
    directory : a small postcode directory for tests (the ONS directory when None)
    """
    from sufficiency.distances import placements as measure
    from sufficiency.readers.placements import read_placements
    from sufficiency.readers.reconcile import combine_rows

    rows, recon = read_placements(file.data, name=file.name)
    providers = ds.providers[["urn", "code"]] if ds.providers is not None else None
    located = measure.locate_placements(rows, recon, providers=providers, authority_codes=set(ds.points["code"]),
                                        directory=directory)
    dist = measure.placement_distances(located, ds.points, road_graph=roads)
    names = dict(zip(ds.authorities["code"], ds.authorities["name"], strict=True))
    by_la = measure.placements_by_authority(dist)
    by_la.insert(1, "name", by_la["code"].map(names).fillna(""))
    method = " and ".join(sorted(set(dist["distance_method"].dropna()))) or "straight line"
    return PlacementsReport(recon.file, recon.summary(), combine_rows([recon]), by_la,
                            measure.flows(dist, ds.points, min_count=flow_threshold), dist, method)


FLOW_COLUMNS = ["origin_code", "destination_code", "placements", "median_distance_km", "distance_method",
                "suppressed"]


def flows_csv(report: PlacementsReport, disclosure: str = "suppress") -> bytes:
    """Placements between authorities as CSV (counts only: no points, no child-level rows)."""
    return export_csv(report.flows[FLOW_COLUMNS], disclosure)


def distance_matrix(ds: Dataset) -> pd.DataFrame:
    """Straight-line distances between every pair of today's authorities' points (long form)."""
    from sufficiency.distances.matrix import authority_distances

    return authority_distances(ds.points)
