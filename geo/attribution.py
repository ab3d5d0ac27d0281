"""Attribute points to the polygon (authority) that holds them.

:func:`attribute_points` takes eastings and northings (British National Grid,
EPSG:27700, metres) and a GeoDataFrame of polygons in the same CRS and returns,
for each point, the code of its polygon, using one vectorised shapely 2
``STRtree.query`` call (the tree prepares each polygon once).

Edges
-----
``predicate="intersects"`` (default) counts a point lying exactly on a boundary
as inside every polygon whose edge it touches; such a point is given to the
polygon that comes first in ``polygons`` (lowest row position), so the result
never depends on the order the tree returns. ``predicate="within"`` follows
shapely's definition: a point on a boundary is *not* within the polygon, so
points exactly on an edge (between two authorities or on the coast line) are
left unattributed. Points in no polygon (offshore, outside England, NaN
coordinates) are returned as missing (``None``) and counted by
:func:`attribute_points_report`.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from geo import BNG
from geo.errors import CRSError, InputError

PREDICATES = ("intersects", "within")


@dataclass(frozen=True)
class AttributionReport:
    """How many points were attributed, and how many were not."""

    points: int
    attributed: int
    outside: int  # in no polygon, or NaN coordinates
    on_edge: int  # matched more than one polygon (intersects only)


def _check(polygons: gpd.GeoDataFrame, code_column: str, predicate: str) -> None:
    if predicate not in PREDICATES:
        raise ValueError(f"predicate must be one of {PREDICATES}, not {predicate!r}")
    if code_column not in polygons.columns:
        raise InputError(f"the polygons have no '{code_column}' column to attribute points to",
                         column=code_column)
    if polygons.crs is None:
        raise CRSError("the polygons have no coordinate reference system; expected British National Grid (EPSG:27700)")
    if pyproj.CRS(polygons.crs) != pyproj.CRS(BNG):
        raise CRSError(f"the polygons are in {polygons.crs.to_string()}, not British National Grid (EPSG:27700); "
                       "reproject them with to_crs('EPSG:27700') first")


def _match(x: np.ndarray, y: np.ndarray, polygons: gpd.GeoDataFrame,
           predicate: str) -> tuple[np.ndarray, int]:
    """Row position of the polygon holding each point (-1 for none), and the edge count."""
    pts = shapely.points(np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))
    tree = shapely.STRtree(np.asarray(polygons.geometry.array))
    point_idx, poly_idx = tree.query(pts, predicate=predicate)
    position = np.full(len(pts), -1, dtype=np.int64)
    if len(point_idx) == 0:
        return position, 0
    order = np.lexsort((poly_idx, point_idx)) if np.any(np.diff(point_idx) < 0) else None
    if order is not None:
        point_idx, poly_idx = point_idx[order], poly_idx[order]
    starts = np.flatnonzero(np.r_[True, point_idx[1:] != point_idx[:-1]])
    # The lowest polygon position among a point's matches: deterministic edge rule.
    position[point_idx[starts]] = np.minimum.reduceat(poly_idx, starts)
    counts = np.diff(np.r_[starts, len(point_idx)])
    return position, int(np.count_nonzero(counts > 1))


def attribute_points(x: np.ndarray, y: np.ndarray, polygons: gpd.GeoDataFrame,
                     code_column: str = "code", predicate: str = "intersects") -> np.ndarray:
    """Code of the polygon holding each point.

    Parameters
    ----------
    x, y : array-like of float
        Eastings and northings, British National Grid (EPSG:27700) metres.
    polygons : geopandas.GeoDataFrame
        Polygons in EPSG:27700 with a code column.
    code_column : str
        Column of ``polygons`` to return.
    predicate : {"intersects", "within"}
        Edge rule; see the module docstring.

    Returns
    -------
    numpy.ndarray of object, one code per point; ``None`` for a point in no polygon.
    """
    _check(polygons, code_column, predicate)
    position, _ = _match(x, y, polygons, predicate)
    codes = np.append(polygons[code_column].to_numpy(dtype=object), None)
    return codes[position]  # position -1 picks the trailing None


def attribute_points_report(x: np.ndarray, y: np.ndarray, polygons: gpd.GeoDataFrame,
                            code_column: str = "code",
                            predicate: str = "intersects") -> tuple[np.ndarray, AttributionReport]:
    """:func:`attribute_points` plus counts of attributed, outside and on-edge points."""
    _check(polygons, code_column, predicate)
    position, on_edge = _match(x, y, polygons, predicate)
    codes = np.append(polygons[code_column].to_numpy(dtype=object), None)
    attributed = int(np.count_nonzero(position >= 0))
    report = AttributionReport(points=len(position), attributed=attributed,
                               outside=len(position) - attributed, on_edge=on_edge)
    return codes[position], report
