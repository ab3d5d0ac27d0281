"""Sufficiency radius per authority: how far to reach for as many places as children.

Takes a plain frame of authorities (checked by :mod:`sufficiency.distances.validate`):

==================  =====================================================
code                str, ONS authority code
easting, northing   float, representative point, BNG (EPSG:27700) metres
places              float, registered places (NaN counted as 0 places)
children_in_homes   float, children needing a place (NaN = demand unknown)
==================  =====================================================

:func:`sufficiency_radius` answers "how far from this authority's point must we
reach before there are as many places as it has children in homes?", counting
every place whose authority point lies within the radius, ignoring that other
authorities compete for them; :func:`sufficiency.distances.catchment.two_step_fca`
counts that competition.

Distances are straight lines between representative points, so an authority's
own places are at distance 0; a radius of 0 means its own places suffice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.distance import distance_matrix
from sufficiency.distances.validate import check_authorities, floats


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
    check_authorities(authorities)
    places = np.nan_to_num(floats(authorities["places"]), nan=0.0)
    demand = floats(authorities["children_in_homes"])
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
