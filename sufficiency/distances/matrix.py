"""The authority-to-authority distance matrix (straight line, between representative points)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.distance import distance_band, distance_matrix, km_to_miles


def authority_distances(points: pd.DataFrame) -> pd.DataFrame:
    """The full authority-to-authority distance matrix, long form, straight line.

    Parameters
    ----------
    points : [code, easting, northing] representative points (BNG metres), e.g.
        ``Dataset.points`` or :func:`sufficiency.model.units.year_points`

    Returns
    -------
    DataFrame [from_code, to_code, distance_km, distance_miles, band, distance_method],
    one row per ordered pair (n² rows, the diagonal at 0 km).
    """
    km = distance_matrix(points, points)
    codes = points["code"].to_numpy()
    n = len(codes)
    miles = km_to_miles(km.ravel())
    return pd.DataFrame({
        "from_code": np.repeat(codes, n), "to_code": np.tile(codes, n),
        "distance_km": km.ravel().round(3), "distance_miles": np.round(miles, 3),
        "band": distance_band(pd.Series(miles)).to_numpy(), "distance_method": "straight line",
    })
