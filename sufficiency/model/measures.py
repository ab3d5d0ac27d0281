"""The sufficiency model: local places against local need, per authority and year.

:func:`authority_measures` returns one row per authority as drawn that year
(see :func:`sufficiency.model.units.display_units`):

======================  =================================================================
year                    int, as at 31 March
code                    ONS code (for a combined unit, the county's code)
name, region            authority name, English region
homes                   Int64, active homes of the chosen categories in the authority
places                  Float64, their registered places (<NA> where Ofsted published none)
places_private          Float64, places in privately run homes (also _local_authority,
                        _voluntary, _health_authority)
private_share           Float64 0-1, private places / places
homes_no_places         Int64, homes whose places are not published
children_in_homes       Float64, the authority's looked-after children in children's homes
                        (derived from DfE number and rounded %, see :mod:`sufficiency.model.demand`)
children_in_homes_low   Float64, lower bound from the % rounding
children_in_homes_high  Float64, upper bound
placed_outside          Float64, of them, placed outside the authority
placed_outside_pct      Float64, % placed outside (as published for single authorities)
net_gain                Float64, children of other LAs placed here minus ours placed out
local_bed_gap           Float64, children_in_homes - places (positive = shortfall)
local_bed_gap_low/high  Float64, the gap's bounds from the demand bounds
places_per_child        Float64, places / children_in_homes
demand_note             str, why demand is missing ("" when present)
supply_note             str, caveats on supply ("" when none)
members                 str, ";"-joined codes of the councils counted in the row
geometry_codes          str, ";"-joined codes of today's areas that draw the row
======================  =================================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency.dataset import Dataset
from sufficiency.model.benchmarks import DFE_COLUMNS, with_dfe
from sufficiency.model.demand import children_in_homes
from sufficiency.model.units import display_units
from sufficiency.readers.markers import marker_meaning

CATEGORIES = {
    "childrens_home": "Children's homes",
    "secure_childrens_home": "Secure children's homes",
    "residential_special_school": "Residential special schools registered as children's homes",
}
CATEGORIES_DEFAULT: tuple[str, ...] = ("childrens_home",)
SECTORS = {
    "Private": "places_private",
    "Local authority": "places_local_authority",
    "Voluntary": "places_voluntary",
    "Health authority": "places_health_authority",
}

MEASURES: dict[str, dict] = {
    "local_bed_gap": {"label": "Local bed gap (children in homes − local places)", "unit": "places", "diverging": True},
    "places_per_child": {"label": "Local places per child in a home", "unit": "places per child", "diverging": False},
    "placed_outside_pct": {"label": "Children in homes placed outside the authority", "unit": "%", "diverging": False},
    "net_gain": {"label": "Net gain (children placed in from other LAs − placed out)", "unit": "children", "diverging": True,
                 "positive_is_good": True},
    "homes": {"label": "Children's homes", "unit": "homes", "diverging": False},
    "places": {"label": "Registered places", "unit": "places", "diverging": False},
    "children_in_homes": {"label": "Looked-after children in children's homes", "unit": "children", "diverging": False},
    "sufficiency_radius_km": {"label": "Sufficiency radius (straight line)", "unit": "km", "diverging": False,
                              "distance_method": "straight line"},
    "access_index": {"label": "Places within 20 miles per child, allowing for competition (2SFCA, straight line)",
                     "unit": "places per child", "diverging": False, "distance_method": "straight line"},
    "optimal_share_within_20_miles": {"label": "Best achievable share within 20 miles (optimal allocation, straight line)",
                                      "unit": "share", "diverging": False, "distance_method": "straight line"},
    "placed_over_20_miles_outside_pct": {"label": "Looked-after children placed over 20 miles away and outside the "
                                                  "authority (DfE)", "unit": "%", "diverging": False, "source": "DfE"},
    "new_placements_outside_over_20_miles_pct": {"label": "New placements outside the authority and over 20 miles "
                                                          "(DfE)", "unit": "%", "diverging": False, "source": "DfE"},
    "children_looked_after": {"label": "Children looked after (DfE)", "unit": "children", "diverging": False,
                              "source": "DfE"},
    "cla_rate_per_10k": {"label": "Children looked after per 10,000 children (DfE)", "unit": "per 10,000",
                         "diverging": False, "source": "DfE"},
    "missing_from_care_pct": {"label": "Looked-after children who went missing in the year (DfE)", "unit": "%",
                              "diverging": False, "source": "DfE"},
    "away_from_placement_pct": {"label": "Looked-after children away from placement without authorisation (DfE)",
                                "unit": "%", "diverging": False, "source": "DfE"},
}
COUNT_COLUMNS = ["homes", "homes_no_places", "places", *SECTORS.values(), "placed_outside",
                 "children_in_homes", "children_in_homes_low", "children_in_homes_high", "net_gain"]


def supply_by_code(supply: pd.DataFrame, year: int, categories=CATEGORIES_DEFAULT,
                   include_short_breaks: bool = True) -> pd.DataFrame:
    """Homes and places per authority code for one year and the chosen categories.

    Returns DataFrame [code, homes, homes_no_places, places, places_private, ...].
    ``places`` is <NA> where none of the authority's homes published places.
    """
    rows = supply[(supply["year"] == year) & supply["category"].isin(list(categories))]
    if not include_short_breaks:
        rows = rows[rows["short_break_only"] != "yes"]
    wide = rows.pivot_table(index="code", columns="sector", values="places", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(SECTORS), fill_value=0).rename(columns=SECTORS)
    tot = rows.groupby("code").agg(homes=("homes", "sum"), homes_no_places=("homes_no_places", "sum"),
                                   places=("places", "sum"))
    out = tot.join(wide).reset_index()
    none_published = (out["homes_no_places"] == out["homes"]) & (out["homes"] > 0)
    for col in ["places", *SECTORS.values()]:
        out[col] = out[col].astype("Float64").mask(none_published)
    out["homes"] = out["homes"].astype("Int64")
    out["homes_no_places"] = out["homes_no_places"].astype("Int64")
    return out


def demand_by_code(demand: pd.DataFrame, year: int) -> pd.DataFrame:
    """DfE demand for one year per code, with the derived children in homes and a note."""
    rows = demand[demand["year"] == year].reset_index(drop=True)
    derived = children_in_homes(rows["placed_outside"], rows["placed_outside_pct"])
    out = pd.concat([rows, derived], axis=1)
    marker = out["placed_outside_marker"].fillna("").astype(str)
    pct_marker = out["placed_outside_pct_marker"].fillna("").astype(str)
    note = np.where(marker != "", [marker_meaning(m) if m else "" for m in marker], "")
    note = np.where((note == "") & (pct_marker != ""), [marker_meaning(m) if m else "" for m in pct_marker], note)
    zero = (out["placed_outside_pct"] == 0).fillna(False).to_numpy(dtype=bool)
    note = np.where((note == "") & zero, "none placed outside, so DfE's figures do not give the total", note)
    out["demand_note"] = pd.array(note, dtype="string")
    for col in ("placed_outside", "placed_outside_pct", "net_gain"):
        out[col] = out[col].astype("Float64")
    return out.drop(columns=["year"])


def authority_measures(ds: Dataset, year: int, categories=CATEGORIES_DEFAULT,
                       include_short_breaks: bool = True) -> pd.DataFrame:
    """Every measure for every authority as drawn in ``year`` (module docstring)."""
    sup = supply_by_code(ds.supply, year, categories, include_short_breaks)
    dem = demand_by_code(ds.demand, year)
    present = set(sup["code"]) | set(dem["code"])
    units = display_units(ds.authorities, year, present)
    frame = units.merge(sup, on="code", how="left").merge(dem, on="code", how="left")
    frame["homes"] = frame["homes"].fillna(0)
    frame["homes_no_places"] = frame["homes_no_places"].fillna(0)
    has_supply_year = bool((ds.supply["year"] == year).any())
    places_published = has_supply_year and bool(sup["places"].notna().any())
    if places_published:
        for col in ["places", *SECTORS.values()]:
            frame[col] = frame[col].fillna(0)
    out = _combine_units(frame)
    out = out.merge(ds.authorities[["code", "region"]], on="code", how="left")
    out.insert(0, "year", year)
    _derive(out)
    demand_years = set(ds.demand["year"].unique())
    if year not in demand_years:
        out["demand_note"] = (f"DfE has not published children in children's homes by authority for {year}"
                              if year > max(demand_years, default=year) else
                              f"DfE figures for {year} are not in the data loaded")
    out["supply_note"] = _supply_note(out, has_supply_year, places_published, year, ds.supply_years)
    out = with_dfe(out, ds.dfe_indicators)
    return out[MEASURE_COLUMNS].sort_values("code", ignore_index=True)


MEASURE_COLUMNS = [
    "year", "code", "name", "region", "homes", "places", *SECTORS.values(), "private_share", "homes_no_places",
    "children_in_homes", "children_in_homes_low", "children_in_homes_high", "placed_outside",
    "placed_outside_pct", "net_gain", "local_bed_gap", "local_bed_gap_low", "local_bed_gap_high",
    "places_per_child", "demand_note", "supply_note", "members", "geometry_codes", *DFE_COLUMNS,
]


def _combine_units(frame: pd.DataFrame) -> pd.DataFrame:
    """Sum counts over the councils drawn as one unit (missing if any member is missing)."""
    frame = frame.sort_values(["unit_code", "code"], kind="stable")
    frame["demand_note"] = frame["demand_note"].fillna("no DfE row for this authority").astype("string")
    for col in COUNT_COLUMNS:
        frame[col] = frame[col].astype("Float64")
    grouped = frame.groupby("unit_code", sort=True)
    sums = grouped[COUNT_COLUMNS].sum(min_count=1)
    incomplete = frame[COUNT_COLUMNS].isna().groupby(frame["unit_code"], sort=True).any()
    sums = sums.mask(incomplete)
    single = grouped.size() == 1
    pct = grouped["placed_outside_pct"].first().where(single)
    noted = frame.loc[frame["demand_note"] != "", ["unit_code", "demand_note"]].drop_duplicates()
    notes = noted.sort_values(["unit_code", "demand_note"]).groupby("unit_code")["demand_note"].agg("; ".join)
    out = sums.assign(
        placed_outside_pct=pct,
        demand_note=notes.reindex(sums.index).fillna(""),
        name=grouped["unit_name"].first(),
        members=grouped["code"].agg(";".join),
        geometry_codes=grouped["geometry_codes"].first(),
    )
    return out.rename_axis("code").reset_index()


def _derive(out: pd.DataFrame) -> None:
    """Gap, ratios and shares from the counts (in place)."""
    recompute = out["placed_outside_pct"].isna() & out["children_in_homes"].notna() & (out["children_in_homes"] > 0)
    out.loc[recompute, "placed_outside_pct"] = (
        out.loc[recompute, "placed_outside"] * 100 / out.loc[recompute, "children_in_homes"]
    ).round(0)
    out["local_bed_gap"] = out["children_in_homes"] - out["places"]
    out["local_bed_gap_low"] = out["children_in_homes_low"] - out["places"]
    out["local_bed_gap_high"] = out["children_in_homes_high"] - out["places"]
    child = out["children_in_homes"].where(out["children_in_homes"] > 0)
    out["places_per_child"] = (out["places"] / child).round(3)
    places = out["places"].where(out["places"] > 0)
    out["private_share"] = (out["places_private"] / places).round(4)
    out["homes"] = out["homes"].astype("Int64")
    out["homes_no_places"] = out["homes_no_places"].astype("Int64")
    out["demand_note"] = out["demand_note"].fillna("").astype("string")


def _supply_note(out: pd.DataFrame, has_year: bool, published: bool, year: int,
                 supply_years: pd.DataFrame | None) -> pd.Series:
    if not has_year:
        return pd.Series(f"Ofsted figures for {year} are not in the data loaded", index=out.index, dtype="string")
    if not published:
        return pd.Series(f"Ofsted did not publish places in {year}", index=out.index, dtype="string")
    partial = out["homes_no_places"].fillna(0) > 0
    note = pd.Series(snapshot_note(supply_years, year), index=out.index, dtype="string")
    without = out.loc[partial, "homes_no_places"].astype(str) + " home(s) without published places"
    note[partial] = (note[partial] + "; " + without).str.lstrip("; ")
    return note


def snapshot_note(supply_years: pd.DataFrame | None, year: int) -> str:
    """"" for a 31 March snapshot; else what date Ofsted's figures are at (2014: 30 September)."""
    if supply_years is None or year not in set(supply_years["year"]):
        return ""
    as_at = str(supply_years.loc[supply_years["year"] == year, "as_at"].iloc[0])
    return "" if as_at.startswith("31 March") else f"Ofsted's figures are at {as_at}, not 31 March {year}"


def years_available(ds: Dataset) -> list[int]:
    """Years with supply or demand figures, oldest first."""
    return sorted(set(ds.supply["year"].astype(int)) | set(ds.demand["year"].astype(int)))


def measures_all_years(ds: Dataset, categories=CATEGORIES_DEFAULT, include_short_breaks: bool = True) -> pd.DataFrame:
    """:func:`authority_measures` for every year available, stacked."""
    frames = [authority_measures(ds, y, categories, include_short_breaks) for y in years_available(ds)]
    return pd.concat(frames, ignore_index=True)


def with_places(measures: pd.DataFrame, places: dict[str, float]) -> pd.DataFrame:
    """``measures`` with some authorities' places replaced and every derived measure recomputed.

    ``places`` maps code -> new number of places (a scenario). Sector columns are
    left as they were; the private share is recomputed against the new total.
    """
    out = measures.copy()
    new = out["code"].map(places)
    changed = new.notna()
    out.loc[changed, "places"] = new[changed].astype(float)
    _derive(out)
    return out


def default_year(ds: Dataset) -> int:
    """The latest year with both Ofsted places and DfE children's figures (else the latest year)."""
    both = set(ds.demand["year"].astype(int)) & set(ds.supply["year"].astype(int))
    return max(both) if both else max(years_available(ds))


def year_notice(measures: pd.DataFrame, measure: str) -> str | None:
    """Why a measure has no figure at all for the year of ``measures`` (None when some do).

    E.g. "DfE figures for 2025 are not in the data loaded", "Ofsted did not publish places in 2015".
    """
    if measure not in measures or measures[measure].notna().any():
        return None
    for column in ("demand_note", "supply_note", "radius_note"):
        if column in measures:
            notes = set(measures[column].dropna().astype(str)) - {""}
            if len(notes) == 1:
                return notes.pop()
    return "No authority has a figure for this measure in this year"
