"""Sufficiency radius and two-step floating catchment accessibility, per authority.

Both take a plain frame of authorities:

==================  =====================================================
code                str, ONS authority code
easting, northing   float, representative point, BNG (EPSG:27700) metres
places              float, registered places (NaN counted as 0 places)
children_in_homes   float, children needing a place (NaN = demand unknown)
==================  =====================================================

:func:`sufficiency_radius` answers "how far from this authority's point must we
reach before there are as many places as it has children in homes?", counting
every place whose authority point lies within the radius, ignoring that other
authorities compete for them. :func:`two_step_fca` counts that competition.

Distances are straight lines between representative points, so an authority's
own places are at distance 0; a radius of 0 means its own places suffice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.distance import BAND_KM, distance_matrix

REQUIRED = ("code", "easting", "northing", "places", "children_in_homes")


def _check(authorities: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED if c not in authorities.columns]
    if missing:
        raise ValueError(f"authorities need columns {', '.join(missing)}")
    if authorities["code"].duplicated().any():
        dup = authorities.loc[authorities["code"].duplicated(), "code"].tolist()
        raise ValueError(f"authority codes must be unique; repeated: {dup[:5]}")
    xy = authorities[["easting", "northing"]].to_numpy(dtype="float64")
    if not np.isfinite(xy).all():
        bad = authorities.loc[~np.isfinite(xy).all(axis=1), "code"].tolist()
        raise ValueError(f"authorities without a representative point: {bad[:5]}")


def _floats(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def sufficiency_radius(authorities: pd.DataFrame) -> pd.DataFrame:
    """Smallest radius around each authority's point holding enough places.

    Parameters
    ----------
    authorities : pandas.DataFrame
        Columns in the module docstring.

    Returns
    -------
    pandas.DataFrame
        ``code``; ``sufficiency_radius_km`` (float, km: the smallest r such that
        the places of all authorities whose point is within r km sum to at least
        children_in_homes; NaN when demand is unknown; inf when all England's
        places are not enough); ``radius_note`` (str, "" or why there is no
        finite radius).
    """
    _check(authorities)
    places = np.nan_to_num(_floats(authorities["places"]), nan=0.0)
    demand = _floats(authorities["children_in_homes"])
    dist = distance_matrix(authorities, authorities)  # km, (n, n)
    order = np.argsort(dist, axis=1, kind="stable")
    sorted_dist = np.take_along_axis(dist, order, axis=1)
    cumulative = np.cumsum(places[order], axis=1)
    # First position where the running total reaches the demand.
    reached = cumulative >= demand[:, None]
    first = np.argmax(reached, axis=1)
    ever = reached.any(axis=1)
    radius = np.where(ever, sorted_dist[np.arange(len(first)), first], np.inf)
    known = np.isfinite(demand)
    radius = np.where(known, radius, np.nan)
    note = np.where(~known, "children in homes not known",
                    np.where(np.isinf(radius), "all places in the data are fewer than its children in homes", ""))
    return pd.DataFrame({"code": authorities["code"].to_numpy(), "sufficiency_radius_km": radius,
                         "radius_note": pd.Series(note, dtype="string")})


def two_step_fca(authorities: pd.DataFrame, catchment_km: float = BAND_KM) -> pd.DataFrame:
    """Two-step floating catchment area (2SFCA) access to places, per authority.

    Step 1: for each authority j as a supplier, R_j = places_j / (sum of
    children_in_homes of every authority whose point is within ``catchment_km``
    of j's point, j included). Step 2: for each authority i, the access index is
    the sum of R_j over every supplier j within ``catchment_km`` of i.

    Parameters
    ----------
    authorities : pandas.DataFrame
        Columns in the module docstring. Unknown demand counts as 0 children in
        the step-1 denominators (so places near it look less contested).
    catchment_km : float
        Catchment radius in km; default 20 miles (32.18688 km). A point exactly
        on the radius is inside.

    Returns
    -------
    pandas.DataFrame
        ``code``; ``access_index`` (float, places per child in homes reachable
        within the catchment after sharing each supplier's places among all the
        demand around it; 1.0 means as many places as children, shared fairly).
        NaN for an authority whose own children_in_homes is unknown.
    """
    _check(authorities)
    if not catchment_km > 0:
        raise ValueError("catchment_km must be a positive number of kilometres")
    places = np.nan_to_num(_floats(authorities["places"]), nan=0.0)
    demand = _floats(authorities["children_in_homes"])
    inside = distance_matrix(authorities, authorities) <= catchment_km  # symmetric
    competing = inside.astype("float64") @ np.nan_to_num(demand, nan=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(competing > 0, places / competing, 0.0)
    access = inside.astype("float64") @ ratio
    access = np.where(np.isfinite(demand), access, np.nan)
    return pd.DataFrame({"code": authorities["code"].to_numpy(), "access_index": access})
