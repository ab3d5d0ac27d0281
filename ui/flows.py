"""Flow lines between authorities for a commissioner's placements list (folium).

Only aggregated flows are drawn: one line per origin authority -> destination
authority, between their representative points (never a child's or a home's
location), with an arrowhead at the placement's end. Flows below the small-number
threshold are not drawn at all: the map says how many were left off. Line width grows
with the number of placements; the legend says so.

Input ``flows`` frame: :func:`sufficiency.distances.placements.flows` with points, columns
origin_code, destination_code, placements, median_distance_km, distance_method,
suppressed, from_easting, from_northing, to_easting, to_northing (BNG metres).
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sufficiency import service
from ui import map_controls
from ui.leaflet_offline import offline_map
from ui.map_elements import GeoJsonLayer, Tooltip

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"
FLOW_CLASS = "flow-line"
ARROW_CLASS = "flow-arrow"
ARROW_M = 9000.0  # arrowhead length, metres (British National Grid)
FLOW_COLOUR = "#b2182b"
SELF_COLOUR = "#2166ac"


def flow_lines(flows: pd.DataFrame) -> gpd.GeoDataFrame:
    """Drawable flows (not suppressed, both ends known) as lines in EPSG:4326."""
    ends = ["from_easting", "from_northing", "to_easting", "to_northing"]
    keep = flows[~flows["suppressed"].astype(bool)].dropna(subset=ends)
    xy = keep[ends].to_numpy(dtype="float64")
    coords = np.stack([xy[:, 0:2], xy[:, 2:4]], axis=1)
    lines = shapely.linestrings(coords) if len(keep) else np.array([], dtype=object)
    return gpd.GeoDataFrame(keep.reset_index(drop=True), geometry=lines, crs=BNG).to_crs(WGS84)


def arrowheads(lines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A triangle at the placement's end of each line between two authorities (EPSG:4326).

    Drawn in British National Grid metres, so every arrowhead has the same shape.
    """
    between = lines[lines["origin_code"] != lines["destination_code"]]
    if not len(between):
        return gpd.GeoDataFrame(between.iloc[:0], geometry=[], crs=WGS84)
    xy = between[["from_easting", "from_northing", "to_easting", "to_northing"]].to_numpy(dtype="float64")
    start, tip = xy[:, 0:2], xy[:, 2:4]
    length = np.maximum(np.hypot(*(tip - start).T), 1.0)[:, None]
    along = (tip - start) / length
    across = np.stack([-along[:, 1], along[:, 0]], axis=1)
    size = np.minimum(ARROW_M, length * 0.4)
    base = tip - along * size
    triangles = np.stack([tip, base + across * size * 0.45, base - across * size * 0.45, tip], axis=1)
    return gpd.GeoDataFrame(between[["origin_code", "destination_code"]].reset_index(drop=True),
                            geometry=shapely.polygons(triangles), crs=BNG).to_crs(WGS84)


def legend_body(top: int, hidden: int, threshold: int) -> str:
    """Legend of the flow map: direction, width, circles, and what was left off."""
    rows = [
        '<div class="legend-title">Where children are placed</div>',
        f'<div><span class="outline" style="border-top: 3px solid {FLOW_COLOUR}"></span>'
        "from the child's home authority to the placement's (arrow at the placement's end)</div>",
        f"<div>Line width: number of placements (thickest: {top})</div>",
        f'<div><span class="swatch" style="background:{SELF_COLOUR};border-radius:50%"></span>'
        "placed inside the child's own authority (circle size: number)</div>",
    ]
    if hidden:
        rows.append(f'<div class="note">{hidden} flow(s) with fewer than {threshold} placements not drawn</div>')
    return "".join(rows)


def flow_map(flows: pd.DataFrame, names: dict[str, str], boundaries: gpd.GeoDataFrame | None = None,
             threshold: int = 1) -> folium.Map:
    """A map of flow lines, with authority outlines underneath when given.

    Parameters
    ----------
    flows : flows frame (module docstring)
    names : code -> authority name, for tooltips (escaped)
    boundaries : authority outlines, EPSG:4326 (optional)
    threshold : the smallest number of placements a drawn flow may have
    """
    fmap = offline_map(location=[52.8, -1.6], zoom_start=6, control_scale=True, scrollWheelZoom=False,
                       zoomSnap=0.25)
    if boundaries is not None:
        GeoJsonLayer(boundaries[["code", "geometry"]].to_json(), name="Authorities",
                       style_function=lambda _: {"color": "#777", "weight": 0.5, "fillOpacity": 0.05}).add_to(fmap)
    lines = flow_lines(flows)
    top = float(lines["placements"].max()) if len(lines) else 1.0
    for row in lines.itertuples():  # at most one line per pair of authorities (≤ 153² and in practice tens)
        same = row.origin_code == row.destination_code
        label = (f"{html.escape(names.get(row.origin_code, row.origin_code))} → "
                 f"{html.escape(names.get(row.destination_code, row.destination_code))}: "
                 f"{service.format_value('placements', row.placements)} placement(s), median "
                 f"{service.format_value('median_distance_km', row.median_distance_km, with_unit=True)} "
                 f"({html.escape(row.distance_method)})")
        if same:
            folium.CircleMarker(location=[row.geometry.coords[0][1], row.geometry.coords[0][0]],
                                radius=4 + 10 * row.placements / top, color=SELF_COLOUR, fill=True,
                                tooltip=Tooltip(label + " — inside the authority"), class_name=FLOW_CLASS).add_to(fmap)
            continue
        folium.PolyLine(locations=[(lat, lon) for lon, lat in row.geometry.coords],
                        weight=1.5 + 8 * row.placements / top, color=FLOW_COLOUR, opacity=0.7,
                        tooltip=Tooltip(label), class_name=FLOW_CLASS).add_to(fmap)
    heads = arrowheads(lines)
    if len(heads):
        GeoJsonLayer(heads.to_json(), name="Direction", interactive=False,
                       style_function=lambda _: {"color": FLOW_COLOUR, "weight": 1, "fillColor": FLOW_COLOUR,
                                                 "fillOpacity": 0.9, "className": ARROW_CLASS}).add_to(fmap)
    hidden = int(flows["suppressed"].astype(bool).sum())
    map_controls.Legend(legend_body(int(top), hidden, threshold), fmap).add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(map_controls.CSS), name="sufficiency_css")
    if len(lines):
        west, south, east, north = lines.total_bounds
        fmap.fit_bounds([[south - 0.3, west - 0.4], [north + 0.3, east + 0.4]], padding_bottom_right=(180, 0))
    return fmap
