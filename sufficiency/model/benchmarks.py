"""DfE's own benchmarks beside the model: DfE series per authority, England, region, DfE neighbours.

``dfe_indicators`` (``data/dfe_indicators.csv``, built by ``scripts/build_dfe_series.py``
from DfE's LAIT and Explore Education Statistics files; see data/README.md): one row per
authority, region or England per year, each measure with ``<col>_marker`` (DfE's marker
where it published no figure) and ``<col>_source`` (LAIT, EES 2025 ...).

:func:`with_dfe` adds to a year's measures (:mod:`sufficiency.model.measures`):

=========================================  =====================================================
placed_over_20_miles_outside_pct           % of all children looked after at 31 March placed more
                                           than 20 miles from home and outside the authority (LAIT
                                           ``LACDistance``)
children_looked_after                      children looked after at 31 March (``LACnum`` / EES)
cla_rate_per_10k                           per 10,000 children under 18 (``LAC`` / EES)
missing_from_care_pct                      % of children looked after in the year who went missing
away_from_placement_pct                    % away from placement without authorisation
new_placements_outside_over_20_miles_pct   % of the year's new placements outside the authority and
                                           over 20 miles from home (EES)
dfe_note                                   why a DfE figure is missing (its marker's meaning), "" if none
dfe_source                                 where the figures came from, e.g. "LAIT; EES 2025"
=========================================  =====================================================

A unit drawn from several councils (Dorset county with Bournemouth and Poole before
2020) has no DfE percentage (percentages do not add); its looked-after count is the sum
when every member has one.

``dfe_neighbours`` (``data/dfe_neighbours.csv``): DfE's statistical neighbours, ten per
authority with DfE's closeness band, vintages "May 2025" (the current groups, used by
default for every year: they cover every current authority) and "April 2021" (used for
an authority the 2025 groups do not have, e.g. Cumbria before its 2023 split).
"""

from __future__ import annotations

import pandas as pd

from sufficiency.readers.markers import marker_meaning

DFE_MEASURES = ["placed_over_20_miles_outside_pct", "children_looked_after", "cla_rate_per_10k",
                "missing_from_care_pct", "away_from_placement_pct", "new_placements_outside_over_20_miles_pct"]
DFE_COUNTS = ["children_looked_after"]
DFE_COLUMNS = [*DFE_MEASURES, "dfe_note", "dfe_source"]
DEFAULT_VINTAGE = "May 2025"
FALLBACK_VINTAGE = "April 2021"
NEIGHBOUR_COLUMNS = ["code", "name", "rank", "neighbour_code", "neighbour_name", "closeness", "vintage"]
_SHORT = {"placed_over_20_miles_outside_pct": "placed over 20 miles and outside",
          "children_looked_after": "children looked after", "cla_rate_per_10k": "rate per 10,000",
          "missing_from_care_pct": "missing from care", "away_from_placement_pct": "away from placement",
          "new_placements_outside_over_20_miles_pct": "new placements outside and over 20 miles"}


def dfe_year(indicators: pd.DataFrame, year: int, level: str = "Local authority") -> pd.DataFrame:
    """DfE's figures for one year at one level: [code, <measures>, dfe_note, dfe_source]."""
    rows = indicators[(indicators["year"] == year) & (indicators["level"] == level)].reset_index(drop=True)
    out = pd.DataFrame({"code": rows["code"].astype("string")})
    notes, sources = [], []
    for col in DFE_MEASURES:
        out[col] = pd.to_numeric(rows[col], errors="coerce").astype("Float64")
        marker = rows[f"{col}_marker"].fillna("").astype(str)
        meaning = {m: f"{_SHORT[col]}: {marker_meaning(m)}" for m in marker.unique() if m}
        notes.append(marker.map(meaning))
        sources.append(rows[f"{col}_source"].replace("", pd.NA))
    out["dfe_note"] = _join_per_row(notes, rows.index)
    out["dfe_source"] = _join_per_row(sources, rows.index)
    return out


def _join_per_row(parts: list[pd.Series], index: pd.Index) -> pd.Series:
    """The distinct non-empty texts of each row across ``parts``, in order, joined with "; "."""
    long = pd.concat(parts, axis=1, keys=range(len(parts))).stack().dropna() if len(index) else pd.Series()
    long = long[long.astype(str) != ""].astype(str)
    frame = long.rename("text").reset_index().drop_duplicates(["level_0", "text"])
    joined = frame.groupby("level_0")["text"].agg("; ".join) if len(frame) else pd.Series(dtype="string")
    return joined.reindex(index).fillna("").astype("string")


def with_dfe(measures: pd.DataFrame, indicators: pd.DataFrame | None) -> pd.DataFrame:
    """``measures`` with the DfE columns of the module docstring (missing when not published)."""
    out = measures.copy()
    year = int(out["year"].iloc[0]) if len(out) else 0
    if indicators is None or not len(indicators):
        for col in DFE_MEASURES:
            out[col] = pd.array([pd.NA] * len(out), dtype="Float64")
        out["dfe_note"] = "DfE benchmark figures are not in the data loaded"
        out["dfe_source"] = ""
        return out
    dfe = dfe_year(indicators, year).set_index("code")
    members = out["members"].fillna(out["code"]).astype(str).str.split(";")
    single = members.str.len() == 1
    for col in DFE_MEASURES:
        by_code = out["code"].map(dfe[col]).astype("Float64")
        if col in DFE_COUNTS:
            parts = members.explode().map(dfe[col]).astype("Float64")
            summed = parts.groupby(level=0).sum(min_count=1).mask(parts.isna().groupby(level=0).any())
            out[col] = by_code.where(single, summed.astype("Float64"))
        else:
            out[col] = by_code.where(single)
    note = out["code"].map(dfe["dfe_note"]).astype("string").fillna(f"no DfE figures for {year}")
    out["dfe_note"] = note.where(single, "DfE publishes no percentage for a combined unit").fillna("")
    out["dfe_source"] = out["code"].map(dfe["dfe_source"]).astype("string").fillna("")
    return out


def dfe_benchmark_rows(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """England and region rows of DfE's figures for a year: [code, level, <measures>, dfe_note, dfe_source]."""
    parts = [dfe_year(indicators, year, level).assign(level=level) for level in ("National", "Regional")]
    return pd.concat(parts, ignore_index=True)


def dfe_neighbours(neighbours: pd.DataFrame, code: str, authorities: pd.DataFrame,
                   vintage: str | None = None) -> pd.DataFrame:
    """DfE's ten statistical neighbours of one authority, nearest first (NEIGHBOUR_COLUMNS).

    ``vintage`` None: May 2025, or April 2021 for an authority the 2025 groups lack.
    Empty when DfE gives the authority no group.
    """
    chosen = [vintage] if vintage else [DEFAULT_VINTAGE, FALLBACK_VINTAGE]
    names = dict(zip(authorities["code"], authorities["name"], strict=True))
    for v in chosen:
        rows = neighbours[(neighbours["vintage"] == v) & (neighbours["code"] == code)]
        if len(rows):
            out = rows.sort_values("rank").assign(name=names.get(code, code),
                                                  neighbour_name=rows["neighbour_code"].map(names))
            return out[NEIGHBOUR_COLUMNS].reset_index(drop=True)
    return pd.DataFrame(columns=NEIGHBOUR_COLUMNS)


def neighbours_table(neighbours: pd.DataFrame, authorities: pd.DataFrame, codes: list[str] | None = None,
                     vintage: str = DEFAULT_VINTAGE) -> pd.DataFrame:
    """Every authority's DfE neighbours in one table: [code, name, rank, neighbour_code, neighbour_name, closeness]."""
    rows = neighbours[neighbours["vintage"] == vintage]
    if codes is not None:
        rows = rows[rows["code"].isin(codes)]
    names = dict(zip(authorities["code"], authorities["name"], strict=True))
    out = rows.assign(name=rows["code"].map(names), neighbour_name=rows["neighbour_code"].map(names))
    out = out.sort_values(["code", "rank"], kind="stable")
    return out[["code", "name", "rank", "neighbour_code", "neighbour_name", "closeness"]].reset_index(drop=True)


def benchmarks(measures: pd.DataFrame, regional: pd.DataFrame, dfe_rows: pd.DataFrame, neighbours: pd.DataFrame,
               code: str, columns: list[str], region_code: str) -> pd.DataFrame:
    """One authority against England, its region and its DfE neighbours' average.

    Parameters
    ----------
    measures : a year's measures with the DfE columns (:func:`with_dfe`)
    regional : :func:`sufficiency.model.regional.regional_concentration` for the year
    dfe_rows : :func:`dfe_benchmark_rows` for the year
    neighbours : :func:`dfe_neighbours` of ``code``
    code : the authority
    columns : measures to compare (model measures and DfE measures)
    region_code : ONS code (E12...) of the authority's region (DfE's regional rows)

    Returns
    -------
    DataFrame [benchmark, name, <columns>..., authorities]: rows "authority", "England",
    "region", "DfE neighbours' average"; ``authorities`` is how many authorities the
    average covers for each row ("" for the authority, England and region).
    """
    row = measures[measures["code"] == code]
    if row.empty:
        return pd.DataFrame(columns=["benchmark", "name", *columns, "authorities"])
    region = str(row["region"].iloc[0])
    own = row[columns].astype("Float64").iloc[0]
    eng = _benchmark_values(regional[regional["region"] == "England"], dfe_rows[dfe_rows["level"] == "National"],
                            columns)
    reg = _benchmark_values(regional[regional["region"] == region], dfe_rows[dfe_rows["code"] == region_code],
                            columns)
    near = measures[measures["code"].isin(neighbours["neighbour_code"])]
    near_values = near[columns].astype("Float64")
    avg = near_values.mean(skipna=True)
    counts = near_values.notna().sum()
    out = pd.DataFrame([own, eng, reg, avg], columns=columns)
    out.insert(0, "name", [str(row["name"].iloc[0]), "England", region, "DfE statistical neighbours' average"])
    out.insert(0, "benchmark", ["authority", "England", "region", "DfE neighbours' average"])
    out["authorities"] = ["", "", "", ", ".join(f"{c}: {int(counts[c])} of {len(neighbours)}" for c in columns)]
    return out.reset_index(drop=True)


def _benchmark_values(regional_row: pd.DataFrame, dfe_row: pd.DataFrame, columns: list[str]) -> pd.Series:
    values = {}
    for c in columns:
        if c in dfe_row.columns and len(dfe_row):
            values[c] = dfe_row[c].astype("Float64").iloc[0]
        elif c in regional_row.columns and len(regional_row):
            values[c] = regional_row[c].astype("Float64").iloc[0]
        elif c == "places_per_child" and len(regional_row):
            r = regional_row.iloc[0]
            known = pd.notna(r["children_in_homes"]) and pd.notna(r["places"]) and r["children_in_homes"]
            values[c] = round(float(r["places"]) / float(r["children_in_homes"]), 3) if known else pd.NA
        elif c == "local_bed_gap" and len(regional_row):
            r = regional_row.iloc[0]
            values[c] = r["children_in_homes"] - r["places"]
        else:
            values[c] = pd.NA
    return pd.Series(values, dtype="Float64")
