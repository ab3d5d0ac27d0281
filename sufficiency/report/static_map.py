"""The report's map: England and the authority's region, coloured by the local bed gap (no tiles, no network).

:func:`map_base` projects a year's shapes (EPSG:4326) to British National Grid
(EPSG:27700, metres), simplifies them for print (to about half a point at the panel's
scale: 1.2 km on the England panel, less on a region's) and keeps them with each unit's
region; it is built once
per dataset and year and shared by every authority's profile. :func:`map_drawings`
draws two :class:`~sufficiency.report.drawing.Drawing` panels from it:

- England: every authority coloured by its gap class, the region outlined, the DfE
  statistical neighbours outlined and numbered by DfE's rank, the authority outlined
  in black;
- the region, zoomed, with the authority outlined and named.

Colours are ColorBrewer RdBu (colour-blind safe): red = fewer local places than
children (a shortfall), blue = more places than children; grey = no gap (DfE
suppressed or did not publish the children's figure, or the small-number rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sufficiency.report.drawing import Drawing, Rect, Shape, Text
from sufficiency.report.numbers import number

if TYPE_CHECKING:
    import geopandas as gpd

#: (lowest gap in the class, label, colour), shortfall first; gap = children in homes - places.
GAP_CLASSES = (
    (30, "30 or more fewer places than children", "#b2182b"),
    (10, "10 to 29 fewer places than children", "#ef8a62"),
    (-9, "within 9 of as many places as children", "#f2f2f2"),
    (-29, "10 to 29 more places than children", "#67a9cf"),
    (-10**9, "30 or more more places than children", "#2166ac"),
)
NO_GAP = ("no gap: children's figure not published or suppressed", "#bdbdbd")
ENGLAND_TOLERANCE_M = 1200.0
TOLERANCE_PT = 0.45  # simplification on a region's panel, in points at its scale
PANEL_W, PANEL_H = 252.0, 300.0


def gap_class(value: object) -> int | None:
    """Index in :data:`GAP_CLASSES` of a gap (None when missing or suppressed)."""
    v = number(value)
    if v is None:
        return None
    return next(i for i, (low, _, _) in enumerate(GAP_CLASSES) if v >= low)


@dataclass
class MapBase:
    """A year's shapes in BNG metres, simplified, with each unit's region (built by :func:`map_base`)."""

    england: dict  # code -> shapely geometry (simplified for the England panel)
    detailed: dict  # code -> shapely geometry (projected, not simplified; region panels simplify it)
    points: dict  # code -> (easting, northing) inside the shape, for labels
    region_of: dict  # code -> region name
    regions: dict  # region name -> shapely geometry (England panel)
    bounds: tuple[float, float, float, float]
    _paths: dict = field(default_factory=dict)  # (panel, code) -> SVG path data, filled lazily


def map_base(shapes: gpd.GeoDataFrame, region_of: dict[str, str], regions: gpd.GeoDataFrame | None) -> MapBase:
    """Project and simplify a year's shapes ([code, name, geometry], any CRS) for the report's map."""
    import shapely

    bng = shapes.to_crs(27700)
    geoms = dict(zip(bng["code"], bng.geometry.make_valid(), strict=True))
    england = {c: shapely.simplify(g, ENGLAND_TOLERANCE_M, preserve_topology=True) for c, g in geoms.items()}
    detailed = geoms
    points = {c: tuple(shapely.point_on_surface(g).coords[0]) for c, g in geoms.items()}
    region_shapes = {}
    if regions is not None and len(regions):
        reg = regions.to_crs(27700)
        region_shapes = {str(n): shapely.simplify(g, ENGLAND_TOLERANCE_M, preserve_topology=True)
                         for n, g in zip(reg["region_name"], reg.geometry, strict=True)}
    minx, miny, maxx, maxy = bng.total_bounds
    return MapBase(england, detailed, points, dict(region_of), region_shapes, (minx, miny, maxx, maxy))


def _fit(bounds: tuple[float, float, float, float], w: float, h: float, pad: float = 6.0):
    minx, miny, maxx, maxy = bounds
    s = min((w - 2 * pad) / max(maxx - minx, 1), (h - 2 * pad) / max(maxy - miny, 1))
    ox = pad + ((w - 2 * pad) - (maxx - minx) * s) / 2
    oy = pad + ((h - 2 * pad) - (maxy - miny) * s) / 2
    return lambda x, y: (ox + (x - minx) * s, oy + (maxy - y) * s)


def _path(geom, fit) -> str:
    """SVG path data (M/L/Z) of a polygon or multipolygon, through ``fit`` (metres -> points)."""
    import shapely

    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(shapely.get_coordinates(ring))
            if len(xy) < 4:
                continue
            x, y = fit(xy[:, 0], xy[:, 1])
            pts = " L".join(f"{a:.1f} {b:.1f}" for a, b in zip(x, y, strict=True))
            parts.append(f"M{pts}Z")
    return "".join(parts)


def _cached(base: MapBase, key: tuple, make) -> str:
    if key not in base._paths:
        base._paths[key] = make()
    return base._paths[key]


def _region_bounds(base: MapBase, region: str, code: str) -> tuple[float, float, float, float]:
    members = [g for c, g in base.detailed.items() if base.region_of.get(c) == region] or [base.detailed[code]]
    import shapely

    minx, miny, maxx, maxy = shapely.total_bounds(members)
    # square-ish to the panel, with a margin
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w = max((maxx - minx) / 2, (maxy - miny) / 2 * PANEL_W / PANEL_H) * 1.06
    half_h = half_w * PANEL_H / PANEL_W
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def map_drawings(base: MapBase, gaps: dict[str, object], code: str, name: str, neighbours: dict[str, int],
                 region: str) -> tuple[Drawing, Drawing]:
    """(England panel, region panel) for one authority; ``gaps`` code -> gap (number, "c" or missing)."""
    import shapely

    def fill(c: str) -> str:
        k = gap_class(gaps.get(c))
        return NO_GAP[1] if k is None else GAP_CLASSES[k][2]

    eng = Drawing(PANEL_W, PANEL_H, f"Map of England: {name}, its region and its DfE statistical neighbours, "
                                    "coloured by the local bed gap")
    fit = _fit(base.bounds, PANEL_W, PANEL_H)
    for c, g in base.england.items():
        eng.add(Shape(_cached(base, ("england", c), lambda g=g: _path(g, fit)), fill(c), "#8c8c8c", 0.25))
    if region in base.regions:
        eng.add(Shape(_cached(base, ("england-region", region), lambda: _path(base.regions[region], fit)),
                      "none", "#222", 1.1))
    for c, rank in sorted(neighbours.items(), key=lambda kv: kv[1]):
        if c in base.england:
            eng.add(Shape(_cached(base, ("england", c), lambda: ""), "none", "#000", 0.9, "2 1.2"))
            x, y = fit(*base.points[c])
            eng.add(Text(float(x), float(y) + 3, str(rank), 8, "middle", bold=True, halo=True))
    if code in base.england:
        eng.add(Shape(_cached(base, ("england", code), lambda: ""), "none", "#000", 1.8))

    bounds = _region_bounds(base, region, code) if code in base.detailed else base.bounds
    rfit = _fit(bounds, PANEL_W, PANEL_H, pad=0)
    tolerance = TOLERANCE_PT * (bounds[2] - bounds[0]) / PANEL_W  # metres per point on this panel
    zoom = Drawing(PANEL_W, PANEL_H, f"Map of the {region} region with {name} outlined")
    box = shapely.box(*bounds)
    for c, g in base.detailed.items():
        if not g.intersects(box):
            continue
        key = ("region", region, c)
        d = _cached(base, key, lambda g=g: _path(shapely.simplify(shapely.clip_by_rect(g, *bounds), tolerance,
                                                                  preserve_topology=True), rfit))
        inside = base.region_of.get(c) == region
        zoom.add(Shape(d, fill(c) if inside else "#ffffff", "#8c8c8c" if inside else "#cfcfcf", 0.4))
    if code in base.detailed:
        zoom.add(Shape(_cached(base, ("region", region, code), lambda: ""), "none", "#000", 2.0))
        x, y = rfit(*base.points[code])
        zoom.add(Text(float(x), float(y) - 10, name, 9, "middle", bold=True, halo=True))  # above: its colour shows
    zoom.add(Rect(0.5, 0.5, PANEL_W - 1, PANEL_H - 1, "none", "#999", 0.6))
    return eng, zoom


def legend_rows() -> list[tuple[str, str]]:
    """(label, colour) of every colour on the map, shortfall first."""
    return [(label, colour) for _, label, colour in GAP_CLASSES] + [NO_GAP]
