"""Attribute points to the polygon (authority) that holds them.

:func:`attribute_points` takes eastings and northings (British National Grid,
EPSG:27700, metres) and a GeoDataFrame of polygons in the same CRS and returns,
for each point, the code of its polygon, using vectorised shapely 2
``STRtree.query`` calls (the tree prepares each polygon once). For many batches of
points against the same polygons, build an :class:`AreaIndex` once and call its
:meth:`AreaIndex.attribute` with shapely points.

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
from sufficiency.errors import CRSError, InputError

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


def _first_match(point_idx: np.ndarray, poly_idx: np.ndarray, n: int) -> tuple[np.ndarray, int]:
    """Lowest polygon position per point (-1 for none), and how many points matched several."""
    position = np.full(n, -1, dtype=np.int64)
    if len(point_idx) == 0:
        return position, 0
    if np.any(np.diff(point_idx) < 0):
        order = np.lexsort((poly_idx, point_idx))
        point_idx, poly_idx = point_idx[order], poly_idx[order]
    starts = np.flatnonzero(np.r_[True, point_idx[1:] != point_idx[:-1]])
    position[point_idx[starts]] = np.minimum.reduceat(poly_idx, starts)
    counts = np.diff(np.r_[starts, len(point_idx)])
    return position, int(np.count_nonzero(counts > 1))


@dataclass(frozen=True)
class AreaIndex:
    """A spatial index over polygons, built once and reused for any number of points.

    Matching runs in two passes: ``within`` for every point (shapely's fastest
    predicate), then, for ``predicate="intersects"``, an ``intersects`` pass over the
    points still unmatched only (those on an edge, or outside every polygon). On a
    coverage without overlaps this gives exactly the one-pass ``intersects`` answer
    with the lowest-position rule, at close to the cost of one ``within`` query.
    """

    tree: shapely.STRtree
    codes: np.ndarray  # polygon codes, with a trailing None for "no polygon"

    @classmethod
    def from_polygons(cls, polygons: gpd.GeoDataFrame, code_column: str = "code") -> AreaIndex:
        """Index ``polygons`` (EPSG:27700) by ``code_column``."""
        _check(polygons, code_column, "within")
        tree = shapely.STRtree(np.asarray(polygons.geometry.array))
        return cls(tree=tree, codes=np.append(polygons[code_column].to_numpy(dtype=object), None))

    def positions(self, points: np.ndarray, predicate: str = "intersects") -> tuple[np.ndarray, int]:
        """Polygon row position per point geometry (-1 for none) and the on-edge count."""
        if predicate not in PREDICATES:
            raise ValueError(f"predicate must be one of {PREDICATES}, not {predicate!r}")
        point_idx, poly_idx = self.tree.query(points, predicate="within")
        position, several = _first_match(point_idx, poly_idx, len(points))
        if predicate == "within":
            return position, several
        left = np.flatnonzero(position < 0)
        if len(left) == 0:
            return position, several
        p2, g2 = self.tree.query(points[left], predicate="intersects")
        pos2, edge = _first_match(p2, g2, len(left))
        position[left] = pos2
        return position, several + edge

    def attribute(self, points: np.ndarray, predicate: str = "intersects") -> np.ndarray:
        """Code per point geometry (shapely points in EPSG:27700); ``None`` where in no polygon."""
        position, _ = self.positions(points, predicate)
        return self.codes[position]  # -1 picks the trailing None


def _match(x: np.ndarray, y: np.ndarray, polygons: gpd.GeoDataFrame, code_column: str,
           predicate: str) -> tuple[np.ndarray, int]:
    """Code of the polygon holding each point (None for none), and the on-edge count."""
    _check(polygons, code_column, predicate)
    index = AreaIndex.from_polygons(polygons, code_column)
    pts = shapely.points(np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))
    position, on_edge = index.positions(pts, predicate)
    return index.codes[position], on_edge  # position -1 picks the trailing None


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
    return _match(x, y, polygons, code_column, predicate)[0]


def attribute_points_report(x: np.ndarray, y: np.ndarray, polygons: gpd.GeoDataFrame,
                            code_column: str = "code",
                            predicate: str = "intersects") -> tuple[np.ndarray, AttributionReport]:
    """:func:`attribute_points` plus counts of attributed, outside and on-edge points."""
    codes, on_edge = _match(x, y, polygons, code_column, predicate)
    attributed = int(np.count_nonzero(codes != None))  # noqa: E711 - elementwise on an object array
    report = AttributionReport(points=len(codes), attributed=attributed,
                               outside=len(codes) - attributed, on_edge=on_edge)
    return codes, report
