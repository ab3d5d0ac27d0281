"""Straight-line distances on the British National Grid, and distance bands.

All coordinates are British National Grid (EPSG:27700) eastings and northings in
metres, where Euclidean distance is the distance on the map to well under 0.1%
across England. One statute mile is exactly 1.609344 km.

:func:`straight_line_distances` returns one row per origin/destination pair:

===============  ========================================================
distance_km      float, kilometres (NaN when either end is unknown)
distance_miles   float, statute miles
band             "within 20 miles" (<= 20 miles) | "over 20 miles" | <NA>
distance_method  "straight line" (road distances, from :mod:`geo.roads`, say "road")
===============  ========================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KM_PER_MILE = 1.609344  # exact, by the 1959 international yard
BAND_MILES = 20.0
BAND_KM = BAND_MILES * KM_PER_MILE  # 32.18688 km
WITHIN = "within 20 miles"
OVER = "over 20 miles"
STRAIGHT_LINE = "straight line"
ROAD = "road"


def km_to_miles(km: np.ndarray | pd.Series | float) -> np.ndarray | pd.Series | float:
    """Kilometres to statute miles (divide by exactly 1.609344)."""
    return km / KM_PER_MILE


def miles_to_km(miles: np.ndarray | pd.Series | float) -> np.ndarray | pd.Series | float:
    """Statute miles to kilometres (multiply by exactly 1.609344)."""
    return miles * KM_PER_MILE


def distance_m(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray) -> np.ndarray:
    """Element-wise Euclidean distance between BNG points, in metres.

    Parameters
    ----------
    x1, y1, x2, y2 : array-like of float
        Eastings and northings in EPSG:27700 metres; broadcast against each other.

    Returns
    -------
    numpy.ndarray of float, metres (NaN where any coordinate is NaN).
    """
    dx = np.asarray(x2, dtype="float64") - np.asarray(x1, dtype="float64")
    dy = np.asarray(y2, dtype="float64") - np.asarray(y1, dtype="float64")
    return np.hypot(dx, dy)


def _xy(points: np.ndarray | pd.DataFrame) -> np.ndarray:
    """An (n, 2) float array from an array or a frame with easting/northing columns."""
    if isinstance(points, pd.DataFrame):
        missing = {"easting", "northing"} - set(points.columns)
        if missing:
            raise ValueError(f"points need columns easting and northing (missing {sorted(missing)})")
        return points[["easting", "northing"]].to_numpy(dtype="float64")
    arr = np.asarray(points, dtype="float64")
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError("points must be an (n, 2) array of BNG easting, northing in metres")
    return arr


def distance_matrix(points_a: np.ndarray | pd.DataFrame, points_b: np.ndarray | pd.DataFrame) -> np.ndarray:
    """Straight-line distance in km from every point of ``points_a`` to every point of ``points_b``.

    Parameters
    ----------
    points_a, points_b : (n, 2) / (m, 2) array, or DataFrame with easting, northing
        BNG (EPSG:27700) metres.

    Returns
    -------
    numpy.ndarray, shape (n, m), kilometres.
    """
    a = _xy(points_a)
    b = _xy(points_b)
    dx = a[:, 0:1] - b[None, :, 0]
    dy = a[:, 1:2] - b[None, :, 1]
    return np.hypot(dx, dy) / 1000.0


def distance_band(miles: np.ndarray | pd.Series) -> pd.Series:
    """DfE's band: "within 20 miles" when distance <= 20 miles, else "over 20 miles".

    Missing distances give <NA>.
    """
    m = pd.Series(np.asarray(miles, dtype="float64"))
    out = pd.Series(pd.NA, index=m.index, dtype="string")
    out[m.le(BAND_MILES)] = WITHIN
    out[m.gt(BAND_MILES)] = OVER
    return out


def distance_table(distance_km: np.ndarray, method: str) -> pd.DataFrame:
    """Tidy distance columns (km, miles, band, method) from distances in km."""
    km = np.asarray(distance_km, dtype="float64")
    miles = km / KM_PER_MILE
    return pd.DataFrame(
        {
            "distance_km": km,
            "distance_miles": miles,
            "band": distance_band(miles),
            "distance_method": pd.Series([method] * len(km), dtype="string"),
        }
    )


def straight_line_distances(origins: np.ndarray | pd.DataFrame, destinations: np.ndarray | pd.DataFrame) -> pd.DataFrame:
    """Pairwise straight-line distance from ``origins[i]`` to ``destinations[i]``.

    Parameters
    ----------
    origins, destinations : (n, 2) array, or DataFrame with easting, northing
        BNG (EPSG:27700) metres, same length.

    Returns
    -------
    pandas.DataFrame with the columns in the module docstring, index 0..n-1.
    """
    a = _xy(origins)
    b = _xy(destinations)
    if len(a) != len(b):
        raise ValueError(f"origins ({len(a)}) and destinations ({len(b)}) differ in length")
    km = distance_m(a[:, 0], a[:, 1], b[:, 0], b[:, 1]) / 1000.0
    return distance_table(km, STRAIGHT_LINE)
