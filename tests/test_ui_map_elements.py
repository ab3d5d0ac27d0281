"""ui.map_elements: map layers whose rendered text is never compiled as a Jinja template.

Names from files reach the page verbatim (folium compiled them: ``{{ 7*7 }}`` became 49 on the
server, ``{%`` stopped the map), and the layers render the same page folium's do otherwise.
"""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import streamlit_folium
from shapely.geometry import Polygon, box

from ui import flows
from ui import map as umap
from ui.map_elements import GeoJsonLayer

GAP = {"label": "Local bed gap", "unit": "places", "diverging": True}
TEMPLATE_NAMES = ["Alpha {{ 7*7 }} shire", "Beta {% raw %} town", "Gamma {# note"]


@pytest.fixture
def squares():
    codes = ["E06000001", "E06000002", "E06000003"]
    boundaries = gpd.GeoDataFrame(
        {"code": codes, "name": TEMPLATE_NAMES},
        geometry=[box(-2, 52, -1.5, 52.5), box(-1.5, 52, -1, 52.5), box(-1, 52, -0.5, 52.5)], crs="EPSG:4326")
    measures = pd.DataFrame({
        "code": codes, "name": TEMPLATE_NAMES, "region": ["North {{ 6*7 }}", "North {{ 6*7 }}", "South {%"],
        "places": [10.0, 20.0, 0.0], "children_in_homes": [15.0, 12.0, 4.0],
        "local_bed_gap": [5.0, -8.0, -6.0], "demand_note": ["", "", ""]})
    regions = gpd.GeoDataFrame({"region": ["North {{ 6*7 }}", "South {%"]},
                               geometry=[box(-2, 52, -1, 52.5), box(-1, 52, -0.5, 52.5)], crs="EPSG:4326")
    return boundaries, measures, regions


def _page(fmap: folium.Map) -> str:
    return umap.map_html(fmap)


def test_names_with_template_syntax_reach_the_page_verbatim(squares):
    boundaries, measures, regions = squares
    fmap = umap.choropleth_map(boundaries, measures, "local_bed_gap", GAP, k=2, regions=regions,
                               selected="E06000002")
    page = _page(fmap)  # folium raised TemplateSyntaxError here for "{%"
    for name in TEMPLATE_NAMES + ["North {{ 6*7 }}", "South {%"]:
        assert name in page
    assert "Alpha 49 shire" not in page and "North 42" not in page


def test_the_app_path_renders_names_verbatim(squares):
    """What streamlit-folium does with the data layers (``feature_group_to_add``) in the app."""
    boundaries, measures, regions = squares
    fmap = umap.base_map(boundaries, places=umap.zoom_places(boundaries, measures))
    group, _ = umap.data_layers(fmap, boundaries, measures, "local_bed_gap", GAP, k=2, regions=regions)
    fmap.get_root().render()
    script = streamlit_folium._get_feature_group_string(group, map=fmap)
    for name in TEMPLATE_NAMES:
        assert name in script
    assert "49" not in script


def test_zoom_buttons_and_hex_labels_keep_template_syntax(squares):
    boundaries, measures, regions = squares
    page = _page(umap.choropleth_map(boundaries, measures, "local_bed_gap", GAP, k=2))
    assert json.dumps("North {{ 6*7 }}") in page  # the Zoom-to list of regions
    labels = gpd.GeoDataFrame({"label": ["{{ 6*7 }}", "B{%", "C"]},
                              geometry=boundaries.representative_point(), crs="EPSG:4326")
    hexes = umap.choropleth_map(boundaries, measures, "local_bed_gap", GAP, k=2, hexes=True, labels=labels)
    page = _page(hexes)
    assert '"{{ 6*7 }}"' in page and '"B{%"' in page


def test_flow_tooltips_keep_template_syntax():
    lines = pd.DataFrame({
        "origin_code": ["A", "A"], "destination_code": ["B", "A"], "placements": [12, 7],
        "median_distance_km": [30.0, 0.0], "distance_method": ["straight line"] * 2, "suppressed": [False, False],
        "from_easting": [400000.0, 400000.0], "from_northing": [300000.0, 300000.0],
        "to_easting": [430000.0, 400000.0], "to_northing": [300000.0, 300000.0]})
    page = _page(flows.flow_map(lines, {"A": "From {{ 7*7 }}", "B": "To {% x"}))
    assert "From {{ 7*7 }} → To {% x: 12 placement(s)" in page
    assert "From {{ 7*7 }} → From {{ 7*7 }}: 7 placement(s)" in page  # the circle inside the authority
    assert "From 49" not in page


def _without_ids(page: str) -> str:
    return re.sub(r"_[0-9a-f]{32}", "_ID", page)


@pytest.mark.parametrize("marker", [None, "circle"])
def test_a_layer_renders_the_page_folium_renders(squares, marker):
    boundaries = squares[0].assign(name=["Alpha", "Beta", "Gamma"])  # folium.GeoJson fails on the others
    if marker:
        boundaries = boundaries.assign(geometry=boundaries.representative_point())
    data = json.loads(boundaries.to_json())
    pages = []
    for cls in (folium.GeoJson, GeoJsonLayer):
        fmap = folium.Map(location=[52, -1], zoom_start=6, tiles=None)
        cls(data, name="Squares", className="sq",
            marker=folium.CircleMarker(radius=4) if marker else None,
            style_function=lambda f: {"fillColor": "#123456" if f["id"] == "0" else "#654321", "weight": 1},
            highlight_function=lambda f: {"weight": 3},
            tooltip=folium.GeoJsonTooltip(fields=["name"])).add_to(fmap)
        pages.append(_without_ids(fmap.get_root().render()))
    assert pages[0] == pages[1]


def test_geometry_json_is_what_to_json_writes():
    gdf = gpd.GeoDataFrame({"v": [1, 2, 3, 4]}, geometry=[box(0, 0, 1, 1), None, Polygon(),
                                                          box(0.5, 0.5, 2.25, 3.125)], crs="EPSG:4326")
    expected = [f["geometry"] for f in json.loads(gdf[["geometry"]].to_json(drop_id=True))["features"]]
    assert umap.geometry_json(gdf) == expected
    assert expected[1] is None and expected[2] is None
    assert umap.geometry_json(gdf.iloc[[3]])[0]["coordinates"][0][2] == [0.5, 3.125]
    assert np.isclose(umap.geometry_json(gdf.iloc[[0]])[0]["coordinates"][0][0][0], 1.0)
