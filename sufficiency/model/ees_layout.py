"""The shortfall table in DfE's open-data tidy layout (Explore Education Statistics).

``export --layout ees`` writes the columns analysts' pipelines already read from DfE's
own files, with England and region rows as DfE publishes them:

time_period, time_identifier ("Reporting year": figures at 31 March), geographic_level
(National | Regional | Local authority), country_code, country_name, region_code,
region_name, new_la_code, old_la_code (DfE's 3-digit number), la_name, then the measures:
homes, places, children_in_homes (and _low, _high), placed_outside, placed_outside_pct,
net_gain, local_bed_gap (and _low, _high), places_per_child, private_share and DfE's own
series (:mod:`sufficiency.model.benchmarks`).

As in DfE's files a missing figure is a marker, never blank: ``c`` where DfE suppressed
the authority's children's figures (and every figure derived from them), ``z`` where a
figure does not apply (Ofsted published no places that year), ``x`` where it is not
available. England and region rows are DfE's published totals (rounded to the nearest
10) and the sums of Ofsted's homes and places.
"""

from __future__ import annotations

import pandas as pd

from sufficiency.model.benchmarks import DFE_MEASURES

ID_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
              "region_name", "new_la_code", "old_la_code", "la_name"]
EES_MEASURES = ["homes", "places", "children_in_homes", "children_in_homes_low", "children_in_homes_high",
                "placed_outside", "placed_outside_pct", "net_gain", "local_bed_gap", "local_bed_gap_low",
                "local_bed_gap_high", "places_per_child", "private_share", *DFE_MEASURES]
CHILD_DERIVED = ["children_in_homes", "children_in_homes_low", "children_in_homes_high", "placed_outside",
                 "placed_outside_pct", "net_gain", "local_bed_gap", "local_bed_gap_low", "local_bed_gap_high",
                 "places_per_child"]
SUPPLY = ["homes", "places", "private_share"]


def mark_missing(table: pd.DataFrame) -> pd.DataFrame:
    """Missing figures as DfE's markers c / z / x (module docstring), after disclosure control.

    Reads and drops the helper columns ``_suppressed`` and ``_no_places`` of :func:`ees_table`.
    """
    suppressed, no_places = table["_suppressed"].astype(bool), table["_no_places"].astype(bool)
    table = table.drop(columns=["_suppressed", "_no_places"])
    out = table.astype(object)
    for col in EES_MEASURES:
        missing = table[col].isna()
        marker = pd.Series("x", index=table.index, dtype=object)
        if col in CHILD_DERIVED:
            marker = marker.mask(suppressed, "c")
        if col in SUPPLY or col.startswith(("local_bed_gap", "places_per")):
            marker = marker.mask(no_places & ~(suppressed & (col in CHILD_DERIVED)), "z")
        out[col] = table[col].astype(object).where(~missing, marker)
    return out


def ees_table(shortfall: pd.DataFrame, regional: pd.DataFrame, dfe_rows: pd.DataFrame, authorities: pd.DataFrame,
              la_numbers: pd.DataFrame, demand_markers: pd.Series, region: str | None = None) -> pd.DataFrame:
    """The EES layout of a year's shortfall table (module docstring).

    Parameters
    ----------
    shortfall : :func:`sufficiency.model.shortfall.shortfall_table` of the year (all England or one region)
    regional : :func:`sufficiency.model.regional.regional_concentration` of the year
    dfe_rows : :func:`sufficiency.model.benchmarks.dfe_benchmark_rows` of the year
    authorities : the registry's authorities frame (region codes)
    la_numbers : ``data/reference/la_numbers.csv`` [la_number, code, ...]
    demand_markers : code -> DfE marker of the authority's placed-outside figure ("c", "z", "")
    region : the region the table is for (None: England, every region)

    Returns
    -------
    The layout with numbers (missing as <NA>) and two helper columns for
    :func:`mark_missing`, to run after disclosure control.
    """
    year = int(shortfall["year"].iloc[0]) if len(shortfall) else int(regional["year"].iloc[0])
    number = dict(zip(la_numbers["code"], la_numbers["la_number"].astype(str), strict=True))
    region_code = dict(zip(authorities["region"], authorities["region_code"], strict=False))
    la = shortfall.assign(geographic_level="Local authority", region_code=shortfall["region"].map(region_code),
                          region_name=shortfall["region"], new_la_code=shortfall["code"],
                          old_la_code=shortfall["code"].map(number).fillna(""), la_name=shortfall["name"])
    dfe = dfe_rows.set_index("code")
    regions = regional[regional["region"] != "England"].copy()
    if region:
        regions = regions[regions["region"] == region]
    regions["code"] = regions["region"].map(region_code)
    regions = regions.assign(geographic_level="Regional", region_code=regions["code"], region_name=regions["region"],
                             new_la_code="", old_la_code="", la_name="")
    nation = regional[regional["region"] == "England"].assign(
        code="E92000001", geographic_level="National", region_code="", region_name="", new_la_code="", old_la_code="",
        la_name="")
    totals = pd.concat([nation, regions], ignore_index=True)
    totals["local_bed_gap"] = totals["children_in_homes"] - totals["places"]
    totals["local_bed_gap_low"] = totals["children_in_homes_low"] - totals["places"]
    totals["local_bed_gap_high"] = totals["children_in_homes_high"] - totals["places"]
    children = totals["children_in_homes"].astype("Float64")
    totals["places_per_child"] = (totals["places"] / children.where(children > 0)).round(3)
    for col in DFE_MEASURES:
        totals[col] = totals["code"].map(dfe[col]).astype("Float64")
    totals["net_gain"] = pd.array([pd.NA] * len(totals), dtype="Float64")  # DfE's regional net gains do not sum
    table = pd.concat([totals, la], ignore_index=True)
    for col in EES_MEASURES:
        table[col] = pd.to_numeric(table[col], errors="coerce").astype("Float64")
    suppressed = table["new_la_code"].map(demand_markers).fillna("").eq("c")
    no_places = pd.Series(table["supply_note"].fillna("").str.contains("did not publish places"), index=table.index) \
        if "supply_note" in table else pd.Series(False, index=table.index)
    table["time_period"] = year
    table["time_identifier"] = "Reporting year"
    table["country_code"] = "E92000001"
    table["country_name"] = "England"
    table["_suppressed"] = suppressed
    table["_no_places"] = no_places
    return table[[*ID_COLUMNS, *EES_MEASURES, "_suppressed", "_no_places"]]
