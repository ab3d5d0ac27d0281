"""A hex map of England's authorities: one equal-size hexagon per authority.

Pure functions: the layout table (``data/hex_layout.csv``, built by
``scripts/build_hex_layout.py``) in, GeoDataFrames out, ready for
:func:`ui.map.choropleth_map` (boundaries [code, name, geometry] and regions
[region, geometry], EPSG:4326).

The grid
--------
Pointy-top hexagons in **axial** coordinates ``(q, r)``: ``r`` is the row, counted
northwards (row 0 is the southernmost); ``q`` runs eastwards along a row. In units of
the centre-to-centre spacing, a cell's centre is at ``x = q + r / 2`` (east) and
``y = r * sqrt(3) / 2`` (north). The six neighbours of ``(q, r)`` are the cells
``(q, r) + d`` for ``d`` in :data:`AXIAL_NEIGHBOURS`. (To get the "odd-r" offset
column of HexJSON-style layouts: ``col = q + (r - (r & 1)) // 2``.)

Why EPSG:3857
-------------
Leaflet draws in Web Mercator (EPSG:3857). Hexagons built there, in metres, and then
converted to EPSG:4326 come back as exact regular hexagons on screen; hexagons built
in degrees would be stretched north-south by 1/cos(latitude) (about 1.65 at 53° N).
The layout is scaled and centred over England's rough extent
(:data:`ENGLAND_EXTENT_4326`), so the hex map opens at about the same place and zoom
as the geographic map.

Output frames
-------------
===============  ===========================================================
function         columns
===============  ===========================================================
hex_shapes       code, name, geometry (regular hexagon, EPSG:4326)
hex_regions      region, geometry (dissolved hexagons, EPSG:4326)
hex_labels       code, name, label (3 letters), geometry (hex centre, EPSG:4326)
===============  ===========================================================

:func:`fitted_hex_pixels` says how big the hexagons come out on screen when
Leaflet fits the map to them (as :func:`ui.map.choropleth_map` does).
"""

from __future__ import annotations

import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sufficiency.service import MissingColumnError, Problem

WEB_MERCATOR = "EPSG:3857"
WGS84 = "EPSG:4326"
SQRT3 = float(np.sqrt(3.0))
# axial offsets of the six neighbours of a pointy-top cell (east, west, NE, SW, SE, NW)
AXIAL_NEIGHBOURS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1))
# England's rough extent (west, south, east, north), degrees: Land's End to Berwick,
# Isles of Scilly to Lowestoft. Only used to place and scale the hexagons.
ENGLAND_EXTENT_4326 = (-6.42, 49.86, 1.77, 55.81)
EARTH_RADIUS_M = 6378137.0  # of Leaflet's spherical Mercator (EPSG:3857)
# padding (x, y) in pixels that ui.map.choropleth_map gives fitBounds: (0, 60) top
# left plus (140, 0) bottom right, summed as Leaflet does
MAP_PADDING_PX = (140, 60)
# vertices of a pointy-top hexagon in lattice units (x in sqrt(3)/2 * R, y in R / 2,
# R the circumradius), counter-clockwise from the east-north-east corner. Integer
# lattice coordinates make the corners shared by two hexagons bit-identical, so
# dissolved regions have no slivers.
_CORNERS = np.array([(1, 1), (0, 2), (-1, 1), (-1, -1), (0, -2), (1, -1)])


def axial_to_xy(q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centres of axial cells in units of the centre-to-centre spacing (x east, y north).

    Parameters
    ----------
    q, r : array of int
        Axial coordinates (pointy-top, ``r`` northwards).

    Returns
    -------
    (x, y) : tuple of numpy.ndarray of float
        Two cells are neighbours exactly when their centres are 1 apart.
    """
    q = np.asarray(q, dtype=float)
    r = np.asarray(r, dtype=float)
    return q + r / 2.0, r * SQRT3 / 2.0


def hex_adjacent(q1, r1, q2, r2) -> np.ndarray:
    """True where axial cell ``(q1, r1)`` is one of the six neighbours of ``(q2, r2)``."""
    dq = np.asarray(q2) - np.asarray(q1)
    dr = np.asarray(r2) - np.asarray(r1)
    ds = -dq - dr
    return np.maximum.reduce([np.abs(dq), np.abs(dr), np.abs(ds)]) == 1


def _check_layout(layout: pd.DataFrame) -> None:
    problems = [Problem(f"the hex layout has no column {c!r}", column=c)
                for c in ("code", "q", "r") if c not in layout.columns]
    if problems:
        raise MissingColumnError(problems=problems)


def _frame(layout: pd.DataFrame, extent: tuple[float, float, float, float]) -> tuple[float, float, float]:
    """Lattice-to-EPSG:3857 transform: (half-width unit, x offset, y offset) in metres.

    The layout's bounding box (hexagon outlines included) is scaled to fit inside the
    extent's Web Mercator box and centred on it.
    """
    ll = gpd.GeoSeries(shapely.points([extent[:2], extent[2:]]), crs=WGS84).to_crs(WEB_MERCATOR)
    (x0, y0), (x1, y1) = shapely.get_coordinates(ll.values)
    i = 2 * layout["q"].to_numpy() + layout["r"].to_numpy()  # centre x in sqrt(3)/2 R units
    j = 3 * layout["r"].to_numpy()  # centre y in R/2 units
    # in units of R: width = sqrt(3)/2 * (i span + 2), height = 1/2 * (j span + 4)
    width_r = SQRT3 / 2 * (np.ptp(i) + 2)
    height_r = 0.5 * (np.ptp(j) + 4)
    radius = min((x1 - x0) / width_r, (y1 - y0) / height_r)
    ux, uy = SQRT3 / 2 * radius, radius / 2
    ox = (x0 + x1) / 2 - ux * (i.min() + i.max()) / 2
    oy = (y0 + y1) / 2 - uy * (j.min() + j.max()) / 2
    return radius, ox, oy


def hex_cells_3857(layout: pd.DataFrame,
                   extent: tuple[float, float, float, float] = ENGLAND_EXTENT_4326) -> np.ndarray:
    """Regular hexagons of the layout's cells, EPSG:3857 metres.

    Parameters
    ----------
    layout : DataFrame
        code, q, r (axial, pointy-top, r northwards).
    extent : tuple of float
        (west, south, east, north) in degrees over which the hexagons are placed.

    Returns
    -------
    numpy.ndarray of shapely.Polygon
        One hexagon per layout row, in row order.
    """
    _check_layout(layout)
    radius, ox, oy = _frame(layout, extent)
    i = (2 * layout["q"].to_numpy() + layout["r"].to_numpy())[:, None] + _CORNERS[:, 0]
    j = (3 * layout["r"].to_numpy())[:, None] + _CORNERS[:, 1]
    ring = np.stack([ox + i * (SQRT3 / 2 * radius), oy + j * (radius / 2)], axis=-1)
    ring = np.concatenate([ring, ring[:, :1]], axis=1)  # closed rings
    return shapely.polygons(ring)


def hex_shapes(layout: pd.DataFrame, names: pd.DataFrame | None = None, *,
               extent: tuple[float, float, float, float] = ENGLAND_EXTENT_4326) -> gpd.GeoDataFrame:
    """One regular hexagon per authority, for the existing choropleth map.

    Parameters
    ----------
    layout : DataFrame
        code, q, r (``data/hex_layout.csv``).
    names : DataFrame, optional
        code, name (e.g. ``data/authorities.csv``); without it the name is the code.
    extent : tuple of float
        (west, south, east, north), degrees: where to place the hexagons.

    Returns
    -------
    GeoDataFrame
        code, name, geometry: EPSG:4326, hexagons regular in Web Mercator.
    """
    cells = gpd.GeoSeries(hex_cells_3857(layout, extent), crs=WEB_MERCATOR).to_crs(WGS84)
    out = pd.DataFrame({"code": layout["code"].astype(str).to_numpy()})
    if names is not None:
        lookup = names.drop_duplicates("code").set_index("code")["name"]
        out["name"] = out["code"].map(lookup).fillna(out["code"])
    else:
        out["name"] = out["code"]
    return gpd.GeoDataFrame(out, geometry=cells.values, crs=WGS84)


def hex_regions(layout: pd.DataFrame, authorities: pd.DataFrame, *,
                extent: tuple[float, float, float, float] = ENGLAND_EXTENT_4326) -> gpd.GeoDataFrame:
    """Region outlines: each region's hexagons dissolved into one shape.

    Parameters
    ----------
    layout : DataFrame
        code, q, r.
    authorities : DataFrame
        code, region (e.g. ``data/authorities.csv``).
    extent : tuple of float
        As for :func:`hex_shapes`.

    Returns
    -------
    GeoDataFrame
        region, geometry (Polygon where the region's hexagons are connected,
        MultiPolygon otherwise), EPSG:4326, sorted by region name.
    """
    if "region" not in authorities.columns:
        raise MissingColumnError(problems=[Problem("the authorities table has no column 'region'",
                                                   column="region")])
    cells = hex_cells_3857(layout, extent)
    region = layout["code"].astype(str).map(authorities.drop_duplicates("code").set_index("code")["region"])
    frame = gpd.GeoDataFrame({"region": region.fillna("Unknown").to_numpy()}, geometry=cells,
                             crs=WEB_MERCATOR)
    dissolved = frame.dissolve("region", sort=True).reset_index()[["region", "geometry"]]
    return dissolved.to_crs(WGS84)


def short_labels(names: pd.Series) -> pd.Series:
    """Three-letter labels from authority names, unique within the series.

    The initials of a name of three or more significant words (``"North East
    Lincolnshire"`` -> ``NEL``), otherwise its first three letters (``"City of
    London"`` -> ``LON``); where names clash, the first letter followed by the first
    pair of later letters, consonants first, that is still free (``Barnet`` -> ``BRN``).
    """
    skip = {"city", "of", "the", "and", "upon", "county", "borough"}
    words = [[w for w in re.findall(r"[A-Za-z]+", str(n)) if w.lower() not in skip] or [str(n)]
             for n in names]
    first = [("".join(x[0] for x in w[:3]) if len(w) >= 3 else "".join(w)[:3]).upper().ljust(3, "X")
             for w in words]
    taken: dict[str, int] = {}
    for lab in first:
        taken[lab] = taken.get(lab, 0) + 1
    out, used = [], set()
    for w, lab in zip(words, first, strict=True):
        if taken[lab] == 1 and lab not in used:
            out.append(lab)
            used.add(lab)
            continue
        letters = "".join(w).upper()
        head, rest = letters[0], letters[1:]
        consonants = [c for c in rest if c not in "AEIOU"] + list(rest)
        choice = next((head + a + b for ai, a in enumerate(consonants)
                       for b in consonants[ai + 1:] if head + a + b not in used), lab)
        out.append(choice)
        used.add(choice)
    return pd.Series(out, index=names.index, dtype=object)


def hex_labels(layout: pd.DataFrame, names: pd.DataFrame | None = None, *,
               extent: tuple[float, float, float, float] = ENGLAND_EXTENT_4326) -> gpd.GeoDataFrame:
    """Hexagon centres with a short label per authority.

    Parameters
    ----------
    layout : DataFrame
        code, q, r.
    names : DataFrame, optional
        code, name; without it the label is made from the code.
    extent : tuple of float
        As for :func:`hex_shapes`.

    Returns
    -------
    GeoDataFrame
        code, name, label (3 capital letters, unique), geometry (Point, EPSG:4326).
    """
    shapes = hex_shapes(layout, names, extent=extent)
    centres = shapes.to_crs(WEB_MERCATOR).geometry.centroid.to_crs(WGS84)
    labels = short_labels(shapes["name"])
    return gpd.GeoDataFrame({"code": shapes["code"], "name": shapes["name"], "label": labels},
                            geometry=centres.values, crs=WGS84)


def fitted_hex_pixels(layout: pd.DataFrame, width_px: int, height_px: int,
                      padding_px: tuple[int, int] = MAP_PADDING_PX, *,
                      extent: tuple[float, float, float, float] = ENGLAND_EXTENT_4326) -> dict[str, float]:
    """Size of one hexagon on screen when Leaflet fits a map of the layout.

    Follows Leaflet 1.9's ``getBoundsZoom``: the largest whole zoom (``zoomSnap``
    1) at which the hexagons' bounding box fits the map less the padding.

    Parameters
    ----------
    layout : DataFrame
        code, q, r.
    width_px, height_px : int
        The map's size in CSS pixels (the app's map is about 840 x 640).
    padding_px : tuple of int
        Total horizontal and vertical padding passed to ``fitBounds``.
    extent : tuple of float
        As for :func:`hex_shapes`.

    Returns
    -------
    dict
        ``zoom``; ``radius_px`` (centre to corner); ``width_px`` and ``height_px`` of
        one hexagon's bounding box; ``area_px2``, its area in square pixels.
    """
    cells = hex_cells_3857(layout, extent)
    x0, y0, x1, y1 = shapely.total_bounds(cells)
    world = 2 * np.pi * EARTH_RADIUS_M  # metres across the 256-pixel tile at zoom 0
    scale = min((width_px - padding_px[0]) / (x1 - x0), (height_px - padding_px[1]) / (y1 - y0))
    zoom = math.floor(round(math.log2(scale * world / 256), 2))  # within 1 % of a level counts
    px_per_m = 256 * 2**zoom / world
    radius_m, _, _ = _frame(layout, extent)
    radius = radius_m * px_per_m
    return {"zoom": zoom, "radius_px": radius, "width_px": SQRT3 * radius, "height_px": 2 * radius,
            "area_px2": 3 * SQRT3 / 2 * radius**2}
