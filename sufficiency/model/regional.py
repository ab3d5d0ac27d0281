"""Regional concentration: where the places are against where the children come from.

:func:`regional_concentration` returns one row per English region and an "England" row:

=====================  ==============================================================
region                 region name, or "England"
homes, places          Ofsted homes and registered places in the region
places_private         places in privately run homes
private_share          private places / places (0-1)
placed_outside         DfE: the region's children in homes placed outside their own
                       authority (published, rounded to the nearest 10)
placed_outside_pct     DfE: as % of the region's children in homes (published)
children_in_homes      derived: placed_outside / pct * 100 (complete: DfE's regional
                       rows include the authorities it suppresses individually)
children_in_homes_low  bounds from the rounding (number ± 5, % ± 0.5)
children_in_homes_high
homes_share            region's homes / England's homes (0-1)
places_share           region's places / England's places (0-1)
children_share         region's children in homes / the sum over regions (0-1)
location_quotient      places_share / children_share: above 1 the region holds more
                       than its share of places; below 1, fewer
rank_places            1 = most places
authorities_without_demand  authorities in the region with no usable demand figure
                       (suppressed by DfE, or not published for the year)
=====================  ==============================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency.registry import REGIONS


def regional_concentration(measures: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Regional shares and location quotients for the year of ``measures``.

    Parameters
    ----------
    measures : :func:`sufficiency.model.measures.authority_measures` for one year
    totals : DfE published national/regional rows (``Dataset.demand_totals``)
    """
    year = int(measures["year"].iloc[0])
    sup = measures.groupby("region").agg(
        homes=("homes", _complete_sum),
        places=("places", _complete_sum),
        places_private=("places_private", _complete_sum),
        authorities_without_demand=("children_in_homes", lambda s: int(s.isna().sum())),
    )
    sup = sup.reindex(REGIONS)
    dfe = totals[(totals["year"] == year) & (totals["level"] == "Regional") & totals["name"].isin(REGIONS)]
    dfe = dfe.set_index("name")[["placed_outside", "placed_outside_pct"]].reindex(REGIONS)
    out = sup.join(dfe).rename_axis("region").reset_index()
    out = pd.concat([out, _england_row(out, totals, year)], ignore_index=True)
    for col in ("places", "places_private", "placed_outside", "placed_outside_pct"):
        out[col] = out[col].astype("Float64")
    out["homes"] = out["homes"].astype("Int64")
    _children(out)
    regions = out["region"] != "England"
    for col, share in (("homes", "homes_share"), ("places", "places_share"), ("children_in_homes", "children_share")):
        values = out[col].astype("Float64")
        total = values[regions].sum(min_count=1)
        ok = pd.notna(total) and total > 0
        out[share] = (values / total).round(4) if ok else pd.array([pd.NA] * len(out), dtype="Float64")
        out.loc[~regions, share] = 1.0 if ok else pd.NA
    out["location_quotient"] = (out["places_share"] / out["children_share"]).round(2)
    out["private_share"] = (out["places_private"] / out["places"].where(out["places"] > 0)).round(4)
    rank = out.loc[regions, "places"].astype("Float64").rank(ascending=False, method="min")
    out["rank_places"] = rank.astype("Int64").reindex(out.index)
    out.insert(0, "year", year)
    return out


def _complete_sum(values: pd.Series) -> float:
    """The sum, or missing when any value is missing (a provider file covering part of a region)."""
    return values.sum() if values.notna().all() and len(values) else np.nan


def _england_row(regions: pd.DataFrame, totals: pd.DataFrame, year: int) -> pd.DataFrame:
    nat = totals[(totals["year"] == year) & (totals["level"] == "National")]
    row = {
        "region": "England",
        "homes": _complete_sum(regions["homes"]),
        "places": _complete_sum(regions["places"]),
        "places_private": _complete_sum(regions["places_private"]),
        "authorities_without_demand": regions["authorities_without_demand"].sum(),
        "placed_outside": nat["placed_outside"].iloc[0] if len(nat) else np.nan,
        "placed_outside_pct": nat["placed_outside_pct"].iloc[0] if len(nat) else np.nan,
    }
    return pd.DataFrame([row])


def _children(out: pd.DataFrame) -> None:
    """Children in homes from the rounded published number and % (in place)."""
    n = out["placed_outside"].astype("Float64")
    p = out["placed_outside_pct"].astype("Float64")
    p = p.where(p > 0)
    out["children_in_homes"] = (n * 100 / p).round(0)
    out["children_in_homes_low"] = np.floor((n - 5).clip(lower=0) * 100 / (p + 0.5))
    out["children_in_homes_high"] = np.ceil((n + 5) * 100 / (p - 0.5).where(p > 0.5))


def top_regions_by_places(concentration: pd.DataFrame, n: int = 3) -> list[str]:
    """The ``n`` regions with most places, most first."""
    regions = concentration[concentration["region"] != "England"]
    return regions.sort_values("places", ascending=False)["region"].head(n).tolist()
