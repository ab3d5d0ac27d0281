"""DfE's benchmarks for the app and the CLI: statistical neighbours, England/region/neighbour comparisons,
the DfE open-data layout of the export, and finding an authority by name or code."""

from __future__ import annotations

import pandas as pd

from sufficiency.dataset import Dataset
from sufficiency.errors import UnknownAuthorityError
from sufficiency.export import export_csv
from sufficiency.model import benchmarks as bench
from sufficiency.model import ees_layout
from sufficiency.registry import match_names, reference_table
from sufficiency.service.views import YearView, check_region, regional_summary, shortfall_table

#: What the detail panel and the profile compare with England, the region and the DfE neighbours.
BENCHMARK_MEASURES = ["places_per_child", "local_bed_gap", "placed_outside_pct", "placed_over_20_miles_outside_pct",
                      "new_placements_outside_over_20_miles_pct", "missing_from_care_pct", "cla_rate_per_10k"]
VINTAGES = (bench.DEFAULT_VINTAGE, bench.FALLBACK_VINTAGE)


def find_authority(ds: Dataset, text: str, year: int | None = None) -> str:
    """The ONS code of an authority given by code ("E08000007") or name ("Stockport"), as at ``year``.

    Raises
    ------
    UnknownAuthorityError
        No authority has that code or name (that year), naming what was given.
    """
    given = str(text).strip()
    codes = set(ds.authorities["code"])
    if given.upper() in codes:
        return given.upper()
    # as at the year (a name two councils held resolves to the one of that year); today's when no year
    code = match_names(pd.Series([given]), year if year is not None else 9999, ds.authorities, any_year=True).iloc[0]
    if pd.isna(code):
        raise UnknownAuthorityError(f"no English children's services authority is called or coded {given!r}",
                                    column="--authority", value=given)
    return str(code)


def dfe_neighbours(ds: Dataset, code: str, vintage: str | None = None) -> pd.DataFrame:
    """DfE's ten statistical neighbours of an authority with closeness bands (May 2025 by default)."""
    if ds.dfe_neighbours is None:
        return pd.DataFrame(columns=bench.NEIGHBOUR_COLUMNS)
    return bench.dfe_neighbours(ds.dfe_neighbours, code, ds.authorities, vintage)


def neighbours_table(ds: Dataset, codes: list[str] | None = None, vintage: str = bench.DEFAULT_VINTAGE
                     ) -> pd.DataFrame:
    """Every (or the given) authority's DfE neighbours: code, name, rank, neighbour_code, neighbour_name, closeness."""
    if vintage not in VINTAGES:
        from sufficiency.errors import BadValueError

        raise BadValueError(f"unknown vintage {vintage!r}; choose {' or '.join(VINTAGES)}", column="--vintage")
    return bench.neighbours_table(ds.dfe_neighbours, ds.authorities, codes, vintage)


def neighbours_csv(ds: Dataset, codes: list[str] | None = None, vintage: str = bench.DEFAULT_VINTAGE) -> bytes:
    """:func:`neighbours_table` as CSV (no child counts, so no disclosure column)."""
    return neighbours_table(ds, codes, vintage).to_csv(index=False, lineterminator="\n").encode("utf-8")


def year_benchmark_rows(ds: Dataset, view: YearView) -> pd.DataFrame:
    """DfE's England and region rows for the view's year (:func:`sufficiency.model.benchmarks.dfe_benchmark_rows`;
    empty [code, level] when no DfE figures are loaded)."""
    return bench.dfe_benchmark_rows(ds.dfe_indicators, view.year) if ds.dfe_indicators is not None \
        else pd.DataFrame(columns=["code", "level"])


def benchmarks(ds: Dataset, view: YearView, code: str, columns: list[str] | None = None, *,
               regional: pd.DataFrame | None = None, dfe_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The authority against England, its region and its DfE neighbours' average (rows), for ``columns``.

    ``regional`` (:func:`regional_summary`) and ``dfe_rows`` (:func:`year_benchmark_rows`) are the
    same for every authority of the view: a caller showing many authorities passes them in once
    worked out (the app keeps them per view); by default they are worked out here.
    """
    columns = columns or BENCHMARK_MEASURES
    rows = year_benchmark_rows(ds, view) if dfe_rows is None else dfe_rows
    regional = regional_summary(ds, view) if regional is None else regional
    region_codes = dict(zip(ds.authorities["region"], ds.authorities["region_code"], strict=False))
    region = view.measures.loc[view.measures["code"] == code, "region"]
    region_code = region_codes.get(str(region.iloc[0]), "") if len(region) else ""
    return bench.benchmarks(view.measures, regional, rows, dfe_neighbours(ds, code), code,
                            [c for c in columns if c in view.measures.columns], region_code)


def shortfall_ees_csv(ds: Dataset, view: YearView, region: str | None = None, disclosure: str = "none") -> bytes:
    """The shortfall table in DfE's open-data layout, England and region rows included."""
    region = check_region(region)
    rows = bench.dfe_benchmark_rows(ds.dfe_indicators, view.year) if ds.dfe_indicators is not None \
        else pd.DataFrame(columns=["code", "level", *bench.DFE_MEASURES])
    markers = ds.demand[ds.demand["year"] == view.year].set_index("code")["placed_outside_marker"]
    table = ees_layout.ees_table(shortfall_table(view, region), regional_summary(ds, view), rows, ds.authorities,
                                 reference_table("la_numbers"), markers, region)
    return export_csv(table, disclosure, finish=ees_layout.mark_missing)
