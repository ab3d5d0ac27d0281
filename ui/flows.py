"""Flow lines between authorities for a commissioner's placements list (folium).

Only aggregated flows are drawn: one line per origin authority -> destination
authority, between their representative points (never a child's or a home's
location). Flows below the small-number threshold are not drawn at all: the map
says how many were left off. Line width grows with the number of placements.

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

from ui.leaflet_offline import offline_map

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"
FLOW_CLASS = "flow-line"
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
    fmap = offline_map(location=[52.8, -1.6], zoom_start=6, control_scale=True, scrollWheelZoom=False)
    if boundaries is not None:
        folium.GeoJson(boundaries[["code", "geometry"]].to_json(), name="Authorities",
                       style_function=lambda _: {"color": "#777", "weight": 0.5, "fillOpacity": 0.05}).add_to(fmap)
    lines = flow_lines(flows)
    top = float(lines["placements"].max()) if len(lines) else 1.0
    for row in lines.itertuples():  # at most one line per pair of authorities (≤ 153² and in practice tens)
        same = row.origin_code == row.destination_code
        label = (f"{html.escape(names.get(row.origin_code, row.origin_code))} → "
                 f"{html.escape(names.get(row.destination_code, row.destination_code))}: "
                 f"{int(row.placements)} placement(s), median {row.median_distance_km:.1f} km "
                 f"({html.escape(row.distance_method)})")
        if same:
            folium.CircleMarker(location=[row.geometry.coords[0][1], row.geometry.coords[0][0]],
                                radius=4 + 10 * row.placements / top, color=SELF_COLOUR, fill=True,
                                tooltip=label + " — inside the authority", class_name=FLOW_CLASS).add_to(fmap)
            continue
        folium.PolyLine(locations=[(lat, lon) for lon, lat in row.geometry.coords],
                        weight=1.5 + 8 * row.placements / top, color=FLOW_COLOUR, opacity=0.7,
                        tooltip=label, class_name=FLOW_CLASS).add_to(fmap)
    hidden = int(flows["suppressed"].astype(bool).sum())
    if hidden:
        note = (f"<div style='position:absolute;top:8px;left:56px;z-index:999;background:#fff;padding:4px;'>"
                f"{hidden} flow(s) with fewer than {threshold} placements not drawn</div>")
        fmap.get_root().html.add_child(folium.Element(note))
    return fmap
