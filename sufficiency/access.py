"""Distance-based measures per authority: sufficiency radius, accessibility, optimal allocation.

:func:`access_measures` adds to a year's measures (straight-line distances between
authorities' representative points, BNG metres; see :mod:`sufficiency.radius` and
:mod:`sufficiency.allocation`):

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

from sufficiency.allocation import optimal_allocation
from sufficiency.geography import year_points
from sufficiency.radius import sufficiency_radius, two_step_fca

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
    if measures["places"].isna().all() or measures["children_in_homes"].isna().all():
        out = pd.DataFrame({"code": measures["code"]})
        for col in ACCESS_COLUMNS[1:]:
            out[col] = np.nan
        out["radius_note"] = "needs both places and children in homes for the year"
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
    from sufficiency.regional import regional_concentration

    regional = regional_concentration(measures, totals)
    return measures.merge(access_measures(measures, points, regional), on="code", how="left")


def run_scenario(measures: pd.DataFrame, points: pd.DataFrame, totals: pd.DataFrame,
                 changes: list[tuple[str, float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Open/close places and report what changes.

    Returns
    -------
    (report, measures_after): the before/after table of
    :func:`sufficiency.scenarios.scenario_report` for the authorities that change, with
    the local bed gap from published demand only (missing where DfE suppressed it; the
    allocation alone uses the regional estimate, flagged in ``demand_estimated``), and
    the year's measures after the change (places, gap and distance measures).
    """
    from sufficiency.model import with_places
    from sufficiency.regional import regional_concentration
    from sufficiency.scenarios import apply_scenario, scenario_report

    regional = regional_concentration(measures, totals)
    before = allocation_inputs(measures, points, regional)
    before = before.assign(children_in_homes=before["children_in_homes"].astype(float))
    after = apply_scenario(before, changes)
    report = scenario_report(before, after)
    published = measures.set_index("code")["children_in_homes"].astype("Float64")
    for side in ("before", "after"):
        report[f"local_bed_gap_{side}"] = (report["code"].map(published) - report[f"places_{side}"]).astype("Float64")
    report["demand_estimated"] = report["code"].map(before.set_index("code")["demand_estimated"]).astype(bool)
    report.insert(2, "distance_method", "straight line")
    new_places = dict(zip(after["code"], after["places"], strict=True))
    changed = {c for c, _ in changes}
    measures_after = with_places(measures, {c: p for c, p in new_places.items() if c in changed})
    return report, with_access(measures_after, points, totals)


def authority_distances(points: pd.DataFrame) -> pd.DataFrame:
    """The full authority-to-authority distance matrix, long form, straight line.

    Parameters
    ----------
    points : [code, easting, northing] representative points (BNG metres), e.g.
        ``Dataset.points`` or :func:`sufficiency.geography.year_points`

    Returns
    -------
    DataFrame [from_code, to_code, distance_km, distance_miles, band, distance_method],
    one row per ordered pair (n² rows, the diagonal at 0 km).
    """
    from geo.distance import distance_band, distance_matrix, km_to_miles

    km = distance_matrix(points, points)
    codes = points["code"].to_numpy()
    n = len(codes)
    miles = km_to_miles(km.ravel())
    return pd.DataFrame({
        "from_code": np.repeat(codes, n), "to_code": np.tile(codes, n),
        "distance_km": km.ravel().round(3), "distance_miles": np.round(miles, 3),
        "band": distance_band(pd.Series(miles)).to_numpy(), "distance_method": "straight line",
    })
