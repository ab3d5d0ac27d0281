"""Distance-based measures per authority: sufficiency radius, accessibility, optimal allocation.

:func:`access_measures` adds to a year's measures (straight-line distances between
authorities' representative points, BNG metres; see :mod:`sufficiency.distances.radius`,
:mod:`sufficiency.distances.catchment` and :mod:`sufficiency.distances.allocation`):

=============================  ================================================================
sufficiency_radius_km          smallest radius around the authority's point holding as many
                               registered places as it has children in homes
radius_note                    why the radius is missing, if it is
access_index                   two-step floating catchment (20 miles): places per child
                               within reach, counting other authorities' competing demand
optimal_share_within_20_miles  best achievable share of its children placed within 20 miles
                               if every English child in a home were placed to minimise total
                               distance (0-1)
optimal_mean_distance_km       their mean distance in that allocation
share_inside_la                DfE: share actually placed inside the authority (0-1), the
                               nearest published comparison (DfE publishes no 20-mile band
                               for children's homes by authority)
distance_method                "straight line" (every figure here)
=============================  ================================================================

The allocation needs every child in England, but DfE suppresses some authorities'
figures. For the allocation only, each region's suppressed remainder (its published
regional total minus the authorities shown) is shared equally among its suppressed
authorities (``demand_estimated`` True in :func:`allocation_inputs`); and registered
places are scaled by England's occupancy (children in homes ÷ places) so that the
places offered equal the children needing one — places are not all vacant. Both are
stated in the app beside the figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency.distances.allocation import optimal_allocation
from sufficiency.distances.catchment import two_step_fca
from sufficiency.distances.radius import sufficiency_radius
from sufficiency.model.units import year_points

ACCESS_COLUMNS = ["code", "sufficiency_radius_km", "radius_note", "access_index", "optimal_share_within_20_miles",
                  "optimal_mean_distance_km", "share_inside_la", "distance_method"]


def allocation_inputs(measures: pd.DataFrame, points: pd.DataFrame, regional: pd.DataFrame) -> pd.DataFrame:
    """Authorities with points, demand (suppressed shares estimated) and places offered.

    Returns DataFrame [code, name, region, easting, northing, places, children_in_homes,
    demand_estimated, places_offered].
    """
    frame = measures[["code", "name", "region", "places", "children_in_homes"]].merge(
        year_points(points, measures), on="code", how="inner")
    frame["children_in_homes"] = frame["children_in_homes"].astype("Float64")
    frame["places"] = frame["places"].astype("Float64").fillna(0)
    missing = frame["children_in_homes"].isna()
    frame["demand_estimated"] = missing
    reg = regional[regional["region"] != "England"].set_index("region")["children_in_homes"].astype("Float64")
    if reg.notna().any() and missing.any():
        known = frame.loc[~missing].groupby("region")["children_in_homes"].sum()
        remainder = (reg - known.reindex(reg.index).fillna(0)).clip(lower=0)
        n_missing = frame.loc[missing].groupby("region").size()
        share = (remainder / n_missing.reindex(reg.index)).round(0)
        frame.loc[missing, "children_in_homes"] = frame.loc[missing, "region"].map(share).astype("Float64")
    total_children = frame["children_in_homes"].sum()
    total_places = frame["places"].sum()
    occupancy = float(total_children / total_places) if total_places > 0 and pd.notna(total_children) else 1.0
    frame["places_offered"] = np.floor(frame["places"].astype(float) * min(occupancy, 1.0) + 0.5)
    return frame


def access_measures(measures: pd.DataFrame, points: pd.DataFrame, regional: pd.DataFrame) -> pd.DataFrame:
    """Distance-based measures for the year of ``measures`` (module docstring columns)."""
    # every measure here reaches across authorities: one authority without a places figure (a provider
    # file covering part of England) would count as 0 places and change everyone's figure
    if measures["places"].isna().any() or measures["children_in_homes"].isna().all():
        out = pd.DataFrame({"code": measures["code"]})
        for col in ACCESS_COLUMNS[1:]:
            out[col] = np.nan
        out["radius_note"] = ("needs both places and children in homes for the year" if measures["places"].isna().all()
                              or measures["children_in_homes"].isna().all() else
                              "needs every authority's places for the year (some have none: not in your file)")
        out["distance_method"] = "straight line"
        return out[ACCESS_COLUMNS]
    own = measures[["code", "places", "children_in_homes"]].merge(year_points(points, measures), on="code")
    own["places"] = own["places"].astype("Float64").fillna(0).astype(float)
    own["children_in_homes"] = own["children_in_homes"].astype("Float64").astype(float)
    radius = sufficiency_radius(own)
    access = two_step_fca(own)
    inputs = allocation_inputs(measures, points, regional)
    alloc_in = inputs.assign(places=inputs["places_offered"], children_in_homes=inputs["children_in_homes"].astype(float))
    _, summary = optimal_allocation(alloc_in[["code", "easting", "northing", "places", "children_in_homes"]])
    summary = summary.set_index("code")
    est = inputs.set_index("code")["demand_estimated"]
    out = radius.merge(access, on="code")
    out["optimal_share_within_20_miles"] = out["code"].map(summary["share_within_20_miles"]).where(
        ~out["code"].map(est).fillna(True).astype(bool))
    out["optimal_mean_distance_km"] = out["code"].map(summary["mean_distance_km"]).where(
        ~out["code"].map(est).fillna(True).astype(bool))
    pct = measures.set_index("code")["placed_outside_pct"].astype("Float64")
    out["share_inside_la"] = out["code"].map((100 - pct) / 100).astype("Float64")
    out["distance_method"] = "straight line"
    return out[ACCESS_COLUMNS]


def with_access(measures: pd.DataFrame, points: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """``measures`` with :func:`access_measures` joined on by code."""
    from sufficiency.model.regional import regional_concentration

    regional = regional_concentration(measures, totals)
    return measures.merge(access_measures(measures, points, regional), on="code", how="left")
