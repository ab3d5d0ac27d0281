"""ui.map and ui.leaflet_offline on three hand-made square authorities."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from ui import classes as uclasses
from ui import leaflet_offline, map_controls, map_tooltips
from ui import map as umap

EVIL = "<img src=x onerror=alert(1)>"
GAP = {"label": "Local bed gap", "unit": "places", "diverging": True}


@pytest.fixture
def squares():
    codes = ["E06000001", "E06000002", "E06000003"]
    boundaries = gpd.GeoDataFrame(
        {"code": codes, "name": ["Alpha", EVIL, "Gamma & Co"]},
        geometry=[box(-2, 52, -1.5, 52.5), box(-1.5, 52, -1, 52.5), box(-1, 52, -0.5, 52.5)], crs="EPSG:4326")
    measures = pd.DataFrame({
        "code": codes, "name": ["Alpha", EVIL, "Gamma & Co"], "region": ["North West", "North West", EVIL],
        "homes": [2, 3, 0], "places": [10.0, 20.0, 0.0],
        "children_in_homes": [15.0, np.nan, 4.0], "children_in_homes_low": [14.0, np.nan, 4.0],
        "children_in_homes_high": [16.0, np.nan, 4.0], "local_bed_gap": [5.0, np.nan, -6.0],
        "demand_note": ["", "suppressed by DfE (c)", ""],
    })
    regions = gpd.GeoDataFrame({"region": ["North West", EVIL]},
                               geometry=[box(-2, 52, -1, 52.5), box(-1, 52, -0.5, 52.5)], crs="EPSG:4326")
    pts = boundaries.representative_point().to_crs("EPSG:27700")
    points = pd.DataFrame({"code": codes, "easting": pts.x.to_numpy(), "northing": pts.y.to_numpy()})
    return boundaries, measures, regions, points


def _layers(element):
    """Every element under ``element`` (the data layers sit in one feature group of the map)."""
    for child in element._children.values():
        yield child
        yield from _layers(child)


def _features(fmap, class_name):
    for child in _layers(fmap):
        if getattr(child, "options", {}).get("className") == class_name:
            return child.data["features"]
    raise AssertionError(f"no layer {class_name}")


def test_choropleth_one_feature_per_authority_with_code_and_colour(squares):
    boundaries, measures, regions, points = squares
    fmap = umap.choropleth_map(boundaries, measures, "local_bed_gap", GAP, k=2, regions=regions)
    feats = _features(fmap, umap.AUTHORITY_CLASS)
    assert [f["properties"]["code"] for f in feats] == ["E06000001", "E06000002", "E06000003"]
    fills = [f["properties"]["fill"] for f in feats]
    assert fills[1] == uclasses.MISSING_COLOUR  # suppressed demand is grey, not zero
    assert fills[0] in uclasses.DIVERGING["RdBu"]["above"] and fills[2] in uclasses.DIVERGING["RdBu"]["below"]
    assert "suppressed by DfE (c)" in feats[1]["properties"]["tooltip_html"]
    assert len(_features(fmap, umap.REGION_CLASS)) == 2


def test_names_are_escaped_everywhere(squares):
    boundaries, measures, regions, points = squares
    fmap = umap.choropleth_map(boundaries, measures, "local_bed_gap", GAP, regions=regions, points=points,
                               show_symbols=True)
    feats = _features(fmap, umap.AUTHORITY_CLASS)
    tip = feats[1]["properties"]["tooltip_html"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in tip and EVIL not in tip
    assert "Gamma &amp; Co" in feats[2]["properties"]["tooltip_html"]
    assert EVIL not in json.dumps(_features(fmap, umap.REGION_CLASS))
    assert all(EVIL not in f["properties"]["tooltip_html"] for f in _features(fmap, umap.SYMBOL_CLASS))
    page = umap.map_html(fmap)
    assert "<img src=x" not in page  # raw markup never reaches the page


def test_tooltip_shows_range_and_units(squares):
    _, measures, _, _ = squares
    tips = map_tooltips.tooltip_html(measures, "local_bed_gap", "Local bed gap", "places")
    assert "<th>Places</th><td>10</td>" in tips[0]
    assert "15 (between 14 and 16)" in tips[0]
    assert "<th>Local bed gap</th><td>5<br>shortfall: 5 fewer places than children</td>" in tips[0]
    assert "<th>Local bed gap</th><td>−6<br>6 more places than children</td>" in tips[2]
    assert "<td>suppressed by DfE (c)</td>" in tips[1]  # the reason, never "None" or "nan"
    ratio = map_tooltips.tooltip_html(measures.assign(places_per_child=[0.667, None, 0.0]), "places_per_child",
                              "Places per child", "places per child")
    assert "<th>Places per child</th><td>0.67 places per child</td>" in ratio[0]
    assert "<th>Places per child</th><td>suppressed by DfE (c)</td>" in ratio[1]


def test_symbols_are_at_authority_points_with_area_scaling(squares):
    boundaries, measures, _, points = squares
    fmap = umap.choropleth_map(boundaries, measures, "places", {"label": "Places", "unit": "places",
                                                               "diverging": False},
                               points=points, show_symbols=True)
    feats = _features(fmap, umap.SYMBOL_CLASS)
    assert [f["properties"]["code"] for f in feats] == ["E06000001", "E06000002"]  # no circle for 0 places
    radii = [f["properties"]["radius"] for f in feats]
    assert radii == [round(umap.SYMBOL_MAX_RADIUS_PX * (10 / 20) ** 0.5, 1), umap.SYMBOL_MAX_RADIUS_PX]
    assert f'"className": "{umap.SYMBOL_CLASS} symbol-E06000001"' in umap.map_html(fmap)
    lon, lat = feats[0]["geometry"]["coordinates"]
    assert -2 < lon < -1.5 and 52 < lat < 52.5  # back in WGS84, inside Alpha


def test_legend_has_units_and_missing_swatch(squares):
    boundaries, measures, _, _ = squares
    page = umap.map_html(umap.choropleth_map(boundaries, measures, "local_bed_gap", GAP))
    legend = json.loads(re.search(r"<summary>Legend</summary>' \+ (\".*?\") \+ '</details>'", page).group(1))
    assert "Local bed gap" in legend and '<div class="legend-unit">places</div>' in legend
    assert "No figure (suppressed by DfE or not published)" in legend


def test_map_loads_only_local_leaflet(squares):
    boundaries, measures, regions, points = squares
    fmap = umap.choropleth_map(boundaries, measures, "local_bed_gap", GAP, regions=regions, points=points,
                               show_symbols=True)
    assert leaflet_offline.external_links(fmap) == []
    page = umap.map_html(fmap)
    srcs = re.findall(r'<script src="([^"]+)"', page) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert srcs == [leaflet_offline.LEAFLET_JS_URL, leaflet_offline.LEAFLET_CSS_URL]


def test_install_leaflet_copies_files(tmp_path):
    target = leaflet_offline.install_leaflet(tmp_path)
    assert (target / "leaflet.js").stat().st_size > 100_000
    assert (target / "leaflet.css").read_text().startswith("/* required styles */")
    assert (target / "images" / "layers.png").is_file()
    assert leaflet_offline.install_leaflet(tmp_path) == target  # idempotent


def test_highlighted_authorities_are_outlined():
    import geopandas as gpd
    from shapely.geometry import box

    shapes = gpd.GeoDataFrame({"code": ["A", "B"], "name": ["Aa", "Bb"]},
                              geometry=[box(-2, 52, -1, 53), box(-1, 52, 0, 53)], crs="EPSG:4326")
    measures = pd.DataFrame({"code": ["A", "B"], "name": ["Aa", "Bb"], "region": ["R", "R"],
                             "local_bed_gap": [3.0, -2.0], "places": [1.0, 5.0], "children_in_homes": [4.0, 3.0],
                             "demand_note": ["", ""]})
    html = umap.map_html(umap.choropleth_map(shapes, measures, "local_bed_gap", {"label": "Gap", "unit": "places",
                                                                                 "diverging": True},
                                             highlight=("B",)))
    assert html.count(umap.HIGHLIGHT_CLASS) >= 1
    plain = umap.map_html(umap.choropleth_map(shapes, measures, "local_bed_gap", {"label": "Gap", "unit": "places",
                                                                                  "diverging": True}))
    assert umap.HIGHLIGHT_CLASS not in plain


def _legend(page: str) -> str:
    return json.loads(re.search(r"<summary>Legend</summary>' \+ (\".*?\") \+ '</details>'", page).group(1))


def test_selected_and_compared_are_outlined_and_the_map_zooms_to_the_selection(squares):
    boundaries, measures, regions, _ = squares
    fmap = umap.choropleth_map(boundaries, measures, "local_bed_gap", GAP, regions=regions, selected="E06000001",
                               compared=("E06000001", "E06000003"))
    page = umap.map_html(fmap)
    assert f'"className": "{umap.SELECTED_CLASS} {umap.SELECTED_CLASS}-E06000001"' in page
    assert f'"className": "{umap.COMPARED_CLASS} {umap.COMPARED_CLASS}-E06000003"' in page
    assert f"{umap.COMPARED_CLASS}-E06000001" not in page  # the selected one is not outlined twice
    legend = _legend(page)
    assert "Selected" in legend and "Compared" in legend
    # zoomed on Alpha (-2..-1.5, 52..52.5) at three times its size: 1.5 x 1.5 degrees around its centre
    # the base map fits England first; the data layers then zoom to the selection (the last fit wins)
    bounds = json.loads(re.findall(r"(?:fitBounds\(\s*|, bounds = )(\[\[.*?\]\])", page, re.S)[-1])
    assert bounds == [[51.5, -2.5], [53.0, -1.0]]


def test_zoom_control_offers_england_london_and_every_region(squares):
    boundaries, measures, _, _ = squares
    london = measures.assign(region=["London", "London", "North West"])
    places = umap.zoom_places(boundaries, london)
    assert list(places) == ["All England", "London", "North West"]
    assert places["London"] == [[52.0, -2.0], [52.5, -1.0]]
    page = umap.map_html(umap.choropleth_map(boundaries, london, "local_bed_gap", GAP))
    assert '[["All England", [[52.0, -2.0], [52.5, -0.5]]], ["London"' in page  # buttons in this order
    hexes = umap.map_html(umap.choropleth_map(boundaries, london, "local_bed_gap", GAP, hexes=True))
    assert "zoom-to-button" not in hexes and "L.control.scale" not in hexes
    assert 'L.control.scale({position: "bottomright"})' in page


def test_legend_highest_first_and_says_which_side_is_a_shortfall(squares):
    boundaries, measures, _, _ = squares
    legend = _legend(umap.map_html(umap.choropleth_map(boundaries, measures, "local_bed_gap", GAP, k=2)))
    order = [legend.index(t) for t in ("Shortfall: fewer places than children", ">1 to 5</div>", ">0</div>",
                                        "More places than children", ">−6</div>", "No figure")]
    assert order == sorted(order)


def test_tooltips_are_kept_inside_the_map(squares):
    boundaries, measures, _, _ = squares
    page = umap.map_html(umap.choropleth_map(boundaries, measures, "local_bed_gap", GAP))
    assert "L.Tooltip.prototype._setPosition = function" in page
    assert map_controls.TOOLTIP_CLAMP_JS.strip() in page
    assert "max-width: 290px" in page  # long notes wrap instead of running off the map
