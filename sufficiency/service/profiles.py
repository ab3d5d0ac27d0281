"""An authority's sufficiency profile (HTML or PDF), the same for the app's button and ``profile``.

:func:`authority_profile` gathers the report's figures from the same tables as the rest
of the service — the shortfall export after the disclosure rule, DfE's benchmarks and
neighbours, every year's measures for the trends, the year's shapes for the map, a
scenario and a placements list when given — into a :class:`~sufficiency.report.profile.Profile`;
:func:`profile_html` and :func:`profile_pdf` write it.

What every authority of one dataset, year and categories shares (the year's view, all
years' measures, the export table, the map's projected shapes) is kept for the last few
such combinations, keyed by the dataset's content key (``Dataset.key``), so the second
and later profiles of a session or of one command cost a fraction of the first. Every
year's measures of the *embedded* data (the trends; a few seconds to compute) are also
kept in the user cache folder (``SUFFICIENCY_CACHE_DIR``, as the postcode index), keyed
by the data's key and a hash of the model's code, so the next command reads them in
milliseconds; figures from a user's own files are never written to disk.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sufficiency.dataset import Dataset
from sufficiency.errors import UnknownAuthorityError
from sufficiency.export import RULES, apply_disclosure
from sufficiency.model import benchmarks as bench
from sufficiency.model.measures import CATEGORIES, snapshot_note
from sufficiency.registry import lineage
from sufficiency.report import profile as build
from sufficiency.report import sections
from sufficiency.report import sentences as say
from sufficiency.service.benchmarks import dfe_neighbours, year_benchmark_rows
from sufficiency.service.datasets import UserFile
from sufficiency.service.outputs import PlacementsReport, check_changes, placements_report, run_scenario
from sufficiency.service.views import (
    YearView,
    all_years,
    check_year,
    parse_categories,
    regional_summary,
    shortfall_table,
    year_shapes,
    year_view,
)

_KEEP = 3
_CONTEXTS: OrderedDict[str, _Year] = OrderedDict()
_TRENDS: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_LOCK = threading.RLock()
_COLUMNS = [c for c, *_ in build.HEADLINE] + [c for c, *_ in build.DISTANCES]


@dataclass
class _Year:
    """What every profile of one dataset, year and categories shares (see the module docstring)."""

    view: YearView
    trends: pd.DataFrame
    export: pd.DataFrame
    regional: pd.DataFrame
    dfe_rows: pd.DataFrame
    map_base: object
    disclosed: dict = field(default_factory=dict)  # rule -> _Disclosed


@dataclass(frozen=True)
class _Disclosed:
    """A year's tables after one small-number rule."""

    table: pd.DataFrame  # the shortfall export
    numeric: pd.DataFrame  # the year's measures, suppressed figures missing (for the neighbours' average)
    trends: pd.DataFrame  # every unit over every year
    derived: pd.DataFrame  # the counts the report derives, per unit


def _year(ds: Dataset, year: int | None, categories) -> _Year:
    with _LOCK:  # the app's sessions share these caches: one builder at a time
        return _year_locked(ds, year, categories)


def _year_locked(ds: Dataset, year: int | None, categories) -> _Year:
    key = f"{ds.key}|{check_year(ds, year)}|{','.join(parse_categories(categories))}"
    if key in _CONTEXTS:
        _CONTEXTS.move_to_end(key)
        return _CONTEXTS[key]
    view = year_view(ds, year, categories)
    # every year's measures do not depend on the year asked for: kept apart from the year's tables
    trend_key = (ds.key, view.categories)
    if trend_key not in _TRENDS:
        _TRENDS[trend_key] = _all_years(ds, view.categories, view.base)
        while len(_TRENDS) > 2:
            _TRENDS.popitem(last=False)
    trends = _TRENDS[trend_key]
    rows = year_benchmark_rows(ds, view)
    base = None
    if ds.boundaries is not None:
        from sufficiency.report.static_map import map_base

        shapes, _ = year_shapes(ds, view)
        base = map_base(shapes, dict(zip(view.measures["code"], view.measures["region"], strict=True)), ds.regions)
    context = _Year(view, trends, shortfall_table(view), regional_summary(ds, view), rows, base)
    _CONTEXTS[key] = context
    while len(_CONTEXTS) > _KEEP:
        _CONTEXTS.popitem(last=False)
    return context


@lru_cache(maxsize=1)
def _model_hash() -> str:
    """A hash of the code that computes the measures (a change of method invalidates the trend cache)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*(root / "model").glob("*.py"), root / "registry.py", root / "dataset.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _all_years(ds: Dataset, categories: tuple[str, ...], like: pd.DataFrame) -> pd.DataFrame:
    """:func:`all_years`, read from the user cache for the embedded data when it is there (module docstring).

    ``like`` is one year's measures (``YearView.base``): the cached table takes its dtypes.
    """
    if ds.key.startswith("user:"):
        return all_years(ds, categories)
    from geo.postcodes import cache_dir

    name = f"trends-{ds.key}-{_model_hash()}-{hashlib.sha256(','.join(categories).encode()).hexdigest()[:8]}.parquet"
    path = cache_dir() / name
    try:
        table = pd.read_parquet(path)
        # parquet gives some text columns back in another dtype: the same dtypes as a year's measures
        return table.astype({c: t for c, t in like.dtypes.items() if c in table.columns})
    except (OSError, ValueError, ImportError):
        pass
    table = all_years(ds, categories)
    try:  # written aside and renamed, so a reader never sees half a file
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(f".{os.getpid()}.part")
        table.to_parquet(part)
        part.replace(path)
    except (OSError, ValueError, ImportError):
        pass
    return table


def _disclosed(ds: Dataset, context: _Year, disclosure: str) -> _Disclosed:
    """The year's tables after ``disclosure`` (made once per rule)."""
    with _LOCK:
        return _disclosed_locked(ds, context, disclosure)


def _disclosed_locked(ds: Dataset, context: _Year, disclosure: str) -> _Disclosed:
    if disclosure not in context.disclosed:
        table = apply_disclosure(context.export, disclosure)
        measures = apply_disclosure(context.view.measures, disclosure)
        hidden = measures["children_in_homes"].astype(object).eq("c")
        for col in [c for c, *_ in build.DISTANCES if c in measures]:
            measures[col] = measures[col].mask(hidden)
            if col in build.DISTANCE_DERIVED and disclosure in ("round5", "round10"):
                measures[col] = pd.NA
        for col in measures.columns:
            if measures[col].dtype == object and measures[col].eq("c").any():
                measures[col] = pd.to_numeric(measures[col].mask(measures[col].eq("c")), errors="coerce")
        trends = build.trend_table(context.trends, ds.supply, ds.demand_totals, context.view.categories, disclosure)
        context.disclosed[disclosure] = _Disclosed(table, measures[["code", "name", "region", *[
            c for c in _COLUMNS if c in measures]]], trends, build.derived_counts(table, disclosure))
    return context.disclosed[disclosure]


def _unit(view: YearView, ds: Dataset, code: str) -> str:
    """The unit drawn in the view's year that counts ``code`` (itself, or a combined unit it belongs to)."""
    m = view.measures
    if code in set(m["code"]):
        return code
    holder = m[m["members"].fillna("").str.split(";").map(lambda s: code in s)]
    if len(holder):
        return str(holder["code"].iloc[0])
    names = dict(zip(ds.authorities["code"], ds.authorities["name"], strict=True))
    before = [c for c in lineage(ds.authorities, code) if c != code and c in set(m["code"])]
    hint = f"; in {view.year} its area was {names.get(before[0], before[0])} ({before[0]})" if before else ""
    raise UnknownAuthorityError(f"{names.get(code, code)} ({code}) was not a children's services authority in "
                                f"{view.year}{hint}", column="--authority", value=code)


def profile_slug(name: str) -> str:
    """An authority's name for a file name: ASCII lower-case letters, digits and dashes ("stockport")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "authority"


def profile_file_name(name: str, code: str, year: int, ext: str) -> str:
    """A safe file name for a profile: ``stockport-E08000007-2024.pdf``."""
    return f"{profile_slug(name)}-{code}-{year}.{ext.lstrip('.')}"


def profile_command(code: str, year: int, categories: Iterable[str], disclosure: str, files: dict, *,
                    placements: str | None = None, changes: list[tuple[str, int]] | None = None,
                    out: str = "profile.pdf", layer: str | None = None) -> str:
    """The command that writes the same profile (every argument shell-quoted)."""
    from sufficiency.service.datasets import file_arguments

    parts = ["python", "-m", "sufficiency", "profile", "--authority", code, "--year", str(year)]
    if tuple(categories) != ("childrens_home",):
        parts += ["--categories", ",".join(categories)]
    parts += file_arguments(files, layer)
    if disclosure != "suppress":
        parts += ["--disclosure", disclosure]
    if placements:
        parts += ["--placements", placements]
    for c, d in changes or []:
        parts += ["--open" if d > 0 else "--close", f"{c}:{abs(d)}"]
    return shlex.join([*parts, "--out", out])


def _latest_gap(trends: pd.DataFrame, year: int) -> tuple | None:
    rows = trends[(trends["year"] <= year)]
    rows = rows[rows["local_bed_gap"].map(lambda v: build.raw(v) not in (None, "c"))]
    if rows.empty:
        return None
    r = rows.iloc[-1]
    return int(r["year"]), float(r["local_bed_gap"]), None, None


def authority_profile(ds: Dataset, code: str, year: int | None = None, *, categories=None,
                      disclosure: str = "suppress", placements: UserFile | PlacementsReport | None = None,
                      changes: list[tuple[str, int]] | None = None) -> build.Profile:
    """One authority's sufficiency profile for ``year`` (the default year when None).

    Parameters
    ----------
    ds : the dataset (embedded, or with the user's files)
    code : ONS code of an authority of the year, or of a council counted in a combined unit that year
    categories : provision counted (default: children's homes)
    disclosure : small-number rule, a key of ``RULES`` (default: suppress, as for a printed report)
    placements : a placements list (file, or a report already made) for the distances section
    changes : a scenario, (code, +open / -close places) pairs

    Raises
    ------
    UnknownAuthorityError, BadValueError (year, categories, rule, changes)
    """
    if disclosure not in RULES:
        apply_disclosure(pd.DataFrame(), disclosure)  # raises the rule's own error
    context = _year(ds, year, categories)
    view = context.view
    code = _unit(view, ds, code)
    tables = _disclosed(ds, context, disclosure)
    row = {k: build.raw(v) if not isinstance(v, str) or v == "c" else v
           for k, v in tables.table[tables.table["code"] == code].iloc[0].to_dict().items()}
    measures_row = view.measures[view.measures["code"] == code].iloc[0].to_dict()
    name, region = str(measures_row["name"]), str(measures_row["region"])
    names = dict(zip(ds.authorities["code"], ds.authorities["name"], strict=True)) | view.names
    neighbours = dfe_neighbours(ds, code)
    as_at = snapshot_note(ds.supply_years, view.year) or f"31 March {view.year}"
    as_at = as_at.removeprefix("Ofsted's figures are at ").split(",")[0]
    bench_rows = _benchmarks(ds, context, tables.numeric, neighbours, code, region)
    headline = [replace(c, reading=say.headline_reading(c, name, region, view.year, row, as_at))
                for c in build.headline(row, bench_rows)]
    trends = tables.trends[tables.trends["code"].isin(lineage(ds.authorities, code))]
    trends = trends.sort_values("year", kind="stable").reset_index(drop=True)
    ex = build.exchange(row, tables.derived[tables.derived["code"] == code].iloc[0].to_dict())
    scenario = None
    if changes:
        changes = check_changes(changes)
        result = run_scenario(ds, view, changes)
        scenario = sections.scenario_section(result.report, result.note, changes, code, view.measures, names,
                                             disclosure)
    members = [names.get(c, c) for c in str(measures_row.get("members") or code).split(";")]
    vintage = str(neighbours["vintage"].iloc[0]) if len(neighbours) else ""
    return build.Profile(
        code=code, name=name, region=region, year=view.year, categories=tuple(CATEGORIES[c] for c in view.categories),
        disclosure=disclosure, disclosure_rule=RULES[disclosure], row=row,
        answer=say.answer(name, view.year, headline, row, _latest_gap(trends, view.year), as_at),
        comparison=say.comparison(name, headline, len(neighbours)), headline=headline,
        neighbours=build.neighbour_rows(neighbours, tables.table), neighbours_vintage=vintage,
        map=_map(context, tables.table, neighbours, code, name, region), trends=trends,
        trend_notes=build.trend_notes(trends), exchange=replace(ex, reading=say.exchange_reading(ex, name)),
        distances=[replace(c, reading=say.distance_reading(c, name))
                   for c in build.distance_rows(measures_row, row, bench_rows, disclosure)],
        placements=_placements(ds, placements, code, names, disclosure), scenario=scenario,
        notes=sections.data_notes(name=name, year=view.year, disclosure_rule=RULES[disclosure],
                                  categories=[CATEGORIES[c] for c in view.categories], supply_as_at=as_at,
                                  trends=trends, members=members, neighbours_vintage=vintage, row=row,
                                  sources=dict(ds.sources)),
        sources=[(k.capitalize(), str(v)) for k, v in ds.sources.items()],
        command=_command(ds, code, name, view, disclosure, placements, changes), members=members)


def _benchmarks(ds: Dataset, context: _Year, numeric: pd.DataFrame, neighbours: pd.DataFrame, code: str,
                region: str) -> pd.DataFrame:
    """``service.benchmarks`` on the year's tables after the rule (neighbours' averages leave out what it hides)."""
    region_codes = dict(zip(ds.authorities["region"], ds.authorities["region_code"], strict=False))
    return bench.benchmarks(numeric, context.regional, context.dfe_rows, neighbours, code,
                            [c for c in _COLUMNS if c in numeric.columns], region_codes.get(region, ""))


def _map(context: _Year, table: pd.DataFrame, neighbours: pd.DataFrame, code: str, name: str, region: str):
    """(England panel, region panel), or None without shapes."""
    if context.map_base is None:
        return None
    from sufficiency.report.static_map import map_drawings

    gaps = dict(zip(table["code"], table["local_bed_gap"].map(build.raw), strict=True))
    ranks = dict(zip(neighbours["neighbour_code"], neighbours["rank"].astype(int), strict=True))
    return map_drawings(context.map_base, gaps, code, name, ranks, region)


def _command(ds: Dataset, code: str, name: str, view: YearView, disclosure: str, placements, changes) -> str:
    placements_name = placements.name if isinstance(placements, UserFile) else \
        placements.file if isinstance(placements, PlacementsReport) else None
    return profile_command(code, view.year, view.categories, disclosure, ds.files, placements=placements_name,
                           changes=changes, out=profile_file_name(name, code, view.year, "pdf"),
                           layer=ds.boundary_layer)


def _placements(ds: Dataset, placements, code: str, names: dict, disclosure: str):
    if placements is None:
        return None
    report = placements if isinstance(placements, PlacementsReport) else placements_report(ds, placements)
    return sections.placements_section(report.file, report.method, report.by_authority, report.flows, code, names,
                                       disclosure)


def profile_html(profile: build.Profile) -> bytes:
    """The profile as one self-contained HTML page (UTF-8 bytes)."""
    from sufficiency.report.html import render

    return render(profile).encode("utf-8")


def profile_pdf(profile: build.Profile) -> bytes:
    """The profile as a PDF (A4, contents, page headings and numbers)."""
    from sufficiency.report.pdf import render

    return render(profile)
