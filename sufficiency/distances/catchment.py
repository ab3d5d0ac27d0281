"""Two-step floating catchment (2SFCA): places within reach per child, allowing for competition.

Takes the authorities frame of :mod:`sufficiency.distances.radius` (code, easting,
northing in BNG EPSG:27700 metres, places, children_in_homes), checked by
:mod:`sufficiency.distances.validate`. Distances are straight lines between the
authorities' representative points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.distance import BAND_KM, distance_matrix
from sufficiency.distances.validate import check_authorities, floats


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
    check_authorities(authorities)
    if not catchment_km > 0:
        raise ValueError("catchment_km must be a positive number of kilometres")
    places = np.nan_to_num(floats(authorities["places"]), nan=0.0)
    demand = floats(authorities["children_in_homes"])
    inside = distance_matrix(authorities, authorities) <= catchment_km  # symmetric
    competing = inside.astype("float64") @ np.nan_to_num(demand, nan=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(competing > 0, places / competing, 0.0)
    access = inside.astype("float64") @ ratio
    access = np.where(np.isfinite(demand), access, np.nan)
    return pd.DataFrame({"code": authorities["code"].to_numpy(), "access_index": access})
