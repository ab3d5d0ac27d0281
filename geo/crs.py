"""Coordinate reference systems: bring boundary layers to BNG for measuring, WGS84 for display.

Every check raises :class:`sufficiency.errors.CRSError` with a sentence a user can act on:

- features with coordinates that are not numbers (NaN, infinity), by feature number;
- a layer with no CRS (unless the caller says what to assume);
- a layer declared in degrees whose numbers are outside -180..180 / -90..90 (metres
  in a GeoJSON with no ``crs`` member, which readers take as WGS84);
- longitude/latitude given in the wrong order (y in -8..2 and x in 49..56 degrees),
  unless ``fix_swapped=True``;
- a layer whose bounds, once in EPSG:27700, do not overlap England's.

:func:`outside_england` checks each shape on its own (a wrong ``.prj`` or flipped
longitudes can leave the total bounds overlapping England while shapes are elsewhere);
:func:`geo.boundaries.check_locations` uses it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from geo import BNG, WGS84
from sufficiency.errors import CRSError, Problem

# England's extent in EPSG:27700 metres, with a margin (Isles of Scilly to Berwick)
ENGLAND_BNG_BOUNDS = (60_000.0, 0.0, 680_000.0, 680_000.0)


def _looks_swapped(gdf: gpd.GeoDataFrame) -> bool:
    """True when degrees look like (lat, lon) rather than (lon, lat) for Great Britain."""
    if gdf.empty:
        return False
    minx, miny, maxx, maxy = gdf.total_bounds
    return 49 <= minx and maxx <= 61 and -9 <= miny and maxy <= 2.5


def _swap_xy(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out.geometry = shapely.transform(gdf.geometry.values, lambda xy: xy[:, ::-1])
    return out


def _check_degrees(gdf: gpd.GeoDataFrame, source: str | None) -> None:
    """Refuse a layer declared in degrees whose numbers cannot be degrees (metres, say)."""
    present = gdf.geometry.values[~(shapely.is_missing(gdf.geometry.values) | shapely.is_empty(gdf.geometry.values))]
    if len(present) == 0:
        return
    minx, miny, maxx, maxy = shapely.total_bounds(present)
    if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
        raise CRSError(
            f"the file says its coordinates are longitude/latitude degrees, but they reach {maxx:,.0f}, "
            f"{maxy:,.0f}: they look like metres (British National Grid?); save the file with its real "
            "coordinate reference system",
            file=source,
        )


def _check_finite(gdf: gpd.GeoDataFrame, source: str | None) -> None:
    """Refuse features with coordinates that are not numbers (NaN, infinity): listed by feature number."""
    coords, index = shapely.get_coordinates(np.asarray(gdf.geometry.values), return_index=True)
    bad = np.unique(index[~np.isfinite(coords).all(axis=1)])
    if len(bad):
        raise CRSError(problems=[Problem("coordinates that are not numbers (NaN or infinity): the shape cannot be "
                                         "placed or drawn", file=source, row=int(i) + 1, column="geometry")
                                 for i in bad])


def _check_england(gdf: gpd.GeoDataFrame, source: str | None) -> None:
    if gdf.empty or (shapely.is_missing(gdf.geometry.values) | shapely.is_empty(gdf.geometry.values)).all():
        return  # nothing to place: the caller reports the missing geometries
    minx, miny, maxx, maxy = gdf.total_bounds
    ex0, ey0, ex1, ey1 = ENGLAND_BNG_BOUNDS
    if not np.isfinite([minx, miny, maxx, maxy]).all() or maxx < ex0 or minx > ex1 or maxy < ey0 or miny > ey1:
        raise CRSError(
            "the boundaries do not fall on England once converted to British National Grid "
            f"(bounds {minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f} m): "
            "check that the file's coordinate reference system is declared correctly",
            file=source,
        )


def outside_england(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Per shape: True where its bounds are not finite numbers or reach outside England's extent.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame in EPSG:27700 (metres)

    Returns
    -------
    numpy bool array, one per row (empty or missing geometries count as outside).
    """
    bounds = shapely.bounds(np.asarray(gdf.geometry.values))
    ex0, ey0, ex1, ey1 = ENGLAND_BNG_BOUNDS
    with np.errstate(invalid="ignore"):
        inside = ((bounds[:, 0] >= ex0) & (bounds[:, 1] >= ey0) & (bounds[:, 2] <= ex1) & (bounds[:, 3] <= ey1))
    return ~(np.isfinite(bounds).all(axis=1) & inside)


def to_bng(
    gdf: gpd.GeoDataFrame,
    source: str | None = None,
    *,
    assume: str | None = None,
    fix_swapped: bool = False,
) -> gpd.GeoDataFrame:
    """Return the layer in British National Grid (EPSG:27700, metres), after checks.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Any layer; its ``crs`` may be missing.
    source : str, optional
        File name, used in error messages.
    assume : str, optional
        CRS to use when the layer declares none (e.g. ``"EPSG:27700"``).
    fix_swapped : bool
        Swap x and y when degrees look like latitude/longitude in the wrong order.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in EPSG:27700.

    Raises
    ------
    CRSError
        Missing CRS, swapped coordinates, or bounds that do not cover England.
    """
    _check_finite(gdf, source)
    if gdf.crs is None:
        if assume is None:
            raise CRSError(
                "the boundary file does not say which coordinate reference system it uses; "
                "save it with one (British National Grid EPSG:27700 or WGS84 EPSG:4326)",
                file=source,
            )
        gdf = gdf.set_crs(assume)
    crs = CRS.from_user_input(gdf.crs)
    if crs.is_geographic:
        _check_degrees(gdf, source)
    if crs.is_geographic and _looks_swapped(gdf):
        if not fix_swapped:
            raise CRSError(
                "the coordinates look like latitude/longitude in the wrong order "
                "(x between 49 and 61, y between -9 and 2.5): swap them to longitude, latitude",
                file=source,
            )
        gdf = _swap_xy(gdf)
    out = gdf if crs.equals(CRS.from_user_input(BNG)) else gdf.to_crs(BNG)
    if out is gdf:
        out = gdf.copy()
    _check_england(out, source)
    return out


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the layer in WGS84 longitude/latitude degrees (EPSG:4326), for display.

    Raises
    ------
    CRSError
        When the layer has no CRS.
    """
    if gdf.crs is None:
        raise CRSError("the layer has no coordinate reference system, so it cannot be shown on a map")
    return gdf.to_crs(WGS84)
