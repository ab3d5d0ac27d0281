"""ui.hexmap: regular hexagons in Web Mercator, region outlines, labels, and the hex view
drawn by the existing choropleth (ui.map.choropleth_map), measured in headless Chromium."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from sufficiency import service
from ui import map as umap
from ui.hexmap import (
    AXIAL_NEIGHBOURS,
    ENGLAND_EXTENT_4326,
    WEB_MERCATOR,
    axial_to_xy,
    fitted_hex_pixels,
    hex_adjacent,
    hex_cells_3857,
    hex_labels,
    hex_regions,
    hex_shapes,
    short_labels,
)
from ui.leaflet_offline import LEAFLET_CSS_URL, LEAFLET_JS_URL

DATA = Path(__file__).resolve().parent.parent / "data"
MAP_W, MAP_H = 840, 640  # the app's map at a 1400 x 900 window


@pytest.fixture(scope="module")
def layout() -> pd.DataFrame:
    return pd.read_csv(DATA / "hex_layout.csv", dtype={"code": str})


@pytest.fixture(scope="module")
def authorities() -> pd.DataFrame:
    table = pd.read_csv(DATA / "authorities.csv", dtype=str)
    return table[table["current"] == "True"]


def test_axial_geometry_hand_cases():
    dq, dr = np.array(AXIAL_NEIGHBOURS).T
    x, y = axial_to_xy(dq, dr)
    assert np.allclose(np.hypot(x, y), 1.0)  # the six neighbours are one spacing away
    assert axial_to_xy(np.array([2]), np.array([2]))[0][0] == 3.0
    assert hex_adjacent(0, 0, dq, dr).all()
    assert hex_adjacent(0, 0, np.array([1, 2, 0]), np.array([1, 0, 0])).tolist() == [False, False, False]


def test_two_cells_make_two_regular_hexagons_sharing_one_edge():
    pair = pd.DataFrame({"code": ["A", "B"], "q": [0, 1], "r": [0, 0]})
    cells = hex_cells_3857(pair)
    sides = [np.hypot(*np.diff(shapely.get_coordinates(c), axis=0).T) for c in cells]
    assert np.allclose(sides, sides[0][0], rtol=1e-12)
    shared = cells[0].intersection(cells[1])
    assert shared.geom_type == "LineString" and math.isclose(shared.length, sides[0][0], rel_tol=1e-9)
    # width over height of a pointy-top hexagon is sqrt(3) / 2
    x0, y0, x1, y1 = cells[0].bounds
    assert math.isclose((x1 - x0) / (y1 - y0), math.sqrt(3) / 2, rel_tol=1e-12)


def test_hex_shapes_are_regular_on_screen_and_cover_england(layout, authorities):
    shapes = hex_shapes(layout, authorities)
    assert list(shapes.columns) == ["code", "name", "geometry"] and shapes.crs.to_epsg() == 4326
    assert len(shapes) == 153 and shapes["code"].is_unique
    assert shapes.set_index("code").loc["E10000016", "name"] == "Kent"
    merc = shapes.to_crs(WEB_MERCATOR)
    areas = merc.area.to_numpy()
    assert np.allclose(areas, areas[0], rtol=1e-9)  # equal on screen (Leaflet draws EPSG:3857)
    coords = [shapely.get_coordinates(g) for g in merc.geometry]
    sides = np.array([np.hypot(*np.diff(c, axis=0).T) for c in coords])
    assert sides.shape == (153, 6) and np.allclose(sides, sides[0, 0], rtol=1e-9)
    assert merc.geometry.is_valid.all() and not shapely.union_all(merc.geometry.values).is_empty
    # no overlaps: the union's area is the sum of the areas
    assert math.isclose(shapely.union_all(merc.geometry.values).area, areas.sum(), rel_tol=1e-9)
    west, south, east, north = shapes.total_bounds
    w0, s0, e0, n0 = ENGLAND_EXTENT_4326
    assert w0 - 1e-9 <= west and east <= e0 + 1e-9 and s0 - 1e-9 <= south and north <= n0 + 1e-9
    assert math.isclose(south, s0, abs_tol=1e-6) and math.isclose(north, n0, abs_tol=1e-6)  # fills N-S
    names_free = hex_shapes(layout)
    assert (names_free["name"] == names_free["code"]).all()


def test_hex_regions_dissolve_into_nine_single_shapes(layout, authorities):
    regions = hex_regions(layout, authorities)
    assert len(regions) == 9 and regions.crs.to_epsg() == 4326
    assert (regions.geometry.geom_type == "Polygon").all()  # each region is one connected group
    merc = regions.to_crs(WEB_MERCATOR)
    one = hex_shapes(layout, authorities).to_crs(WEB_MERCATOR).area.iloc[0]
    counts = authorities.set_index("code").loc[layout["code"], "region"].value_counts()
    got = pd.Series(merc.area.to_numpy() / one, index=regions["region"])
    assert np.allclose(got.loc[counts.index].to_numpy(), counts.to_numpy(), rtol=1e-6)  # no slivers
    assert counts["London"] == 33


def test_short_labels():
    names = pd.Series(["City of London", "North East Lincolnshire", "Barnet", "Barnsley", "York"])
    assert short_labels(names).tolist() == ["LON", "NEL", "BRN", "BRS", "YOR"]


def test_hex_labels_one_unique_label_per_authority(layout, authorities):
    labels = hex_labels(layout, authorities)
    assert len(labels) == 153 and labels["label"].is_unique
    assert labels["label"].str.fullmatch(r"[A-Z]{3}").all()
    centres = hex_shapes(layout, authorities).to_crs(WEB_MERCATOR).centroid
    assert np.allclose(labels.to_crs(WEB_MERCATOR).geometry.x, centres.x)


def test_expected_pixel_size_at_the_apps_map_size(layout):
    size = fitted_hex_pixels(layout, MAP_W, MAP_H)
    # the hexagons' box is 824 x 1099 km (EPSG:3857): 673 x 898 px at zoom 7 (0.82 px/km), taller
    # than the 580 px that the fitBounds padding leaves; 337 x 449 px at zoom 6
    assert size["zoom"] == 6
    assert 14.0 < size["radius_px"] < 15.5  # measured 14.7 px centre to corner
    assert size["area_px2"] == pytest.approx(3 * math.sqrt(3) / 2 * size["radius_px"] ** 2)
    assert size["area_px2"] >= 400  # far above the 100 px^2 a click needs (measured 563)


def test_hex_view_through_the_existing_choropleth(layout, authorities, m2024):
    shapes, regions = hex_shapes(layout, authorities), hex_regions(layout, authorities)
    fmap = umap.choropleth_map(shapes, m2024, "local_bed_gap", service.MEASURES["local_bed_gap"], regions=regions)
    group = next(c for c in fmap._children.values() if c.__class__.__name__ == "FeatureGroup")  # the data layers
    layers = {getattr(c, "options", {}).get("className"): c for c in group._children.values()}
    feats = layers[umap.AUTHORITY_CLASS].data["features"]
    assert len(feats) == 153 and sorted(f["id"] for f in feats) == sorted(layout["code"])
    assert all(f["properties"]["tooltip_html"].startswith('<div class="sufficiency-tip">') for f in feats)
    assert len(layers[umap.REGION_CLASS].data["features"]) == 9
    kent = next(f for f in feats if f["id"] == "E10000016")
    assert "<b>Kent</b>" in kent["properties"]["tooltip_html"]


def _standalone_page(fmap) -> str:
    """The map's HTML with Leaflet inlined from the installed package (no server needed)."""
    from ui.leaflet_offline import leaflet_source_dir

    source = leaflet_source_dir()
    page = umap.map_html(fmap)
    page = page.replace(f'<script src="{LEAFLET_JS_URL}"></script>',
                        f"<script>{(source / 'leaflet.js').read_text()}</script>")
    page = page.replace(f'<link rel="stylesheet" href="{LEAFLET_CSS_URL}"/>',
                        f"<style>{(source / 'leaflet.css').read_text()}</style>")
    assert "/app/static" not in page
    return page


@pytest.mark.browser
def test_every_hexagon_is_big_enough_to_click_in_chromium(browser, layout, authorities, m2024, tmp_path):
    fmap = umap.choropleth_map(hex_shapes(layout, authorities), m2024, "local_bed_gap",
                               service.MEASURES["local_bed_gap"], regions=hex_regions(layout, authorities))
    context = browser.new_context(viewport={"width": MAP_W, "height": MAP_H})
    page = context.new_page()
    page.set_content(_standalone_page(fmap), wait_until="load")
    paths = page.locator("path.authority-shape")
    paths.first.wait_for(timeout=30_000)
    boxes = paths.evaluate_all("""ps => ps.map(p => {
        const b = p.getBoundingClientRect();
        const code = [...p.classList].find(c => c.startsWith('la-')).slice(3);
        const x = b.x + b.width / 2, y = b.y + b.height / 2;
        // what a click lands on: the centre and four points 6 px from it
        const hits = [[0, 0], [6, 0], [-6, 0], [0, 6], [0, -6]].map(([dx, dy]) => {
            const e = document.elementFromPoint(x + dx, y + dy);
            return e !== null && e.classList.contains('la-' + code);
        });
        return {code, w: b.width, h: b.height, hits};
    })""")
    page.screenshot(path=tmp_path / "hexmap.png")
    context.close()
    assert len(boxes) == 153 and sorted(b["code"] for b in boxes) == sorted(layout["code"])
    expected = fitted_hex_pixels(layout, MAP_W, MAP_H)
    widths, heights = np.array([b["w"] for b in boxes]), np.array([b["h"] for b in boxes])
    # a pointy-top hexagon fills 3/4 of its bounding box
    assert (0.75 * widths * heights).min() >= 100
    # the app's map snaps zoom to quarter levels (zoomSnap 0.25): hexagons at least as big as a whole-zoom fit,
    # and all the same size (regular on screen)
    assert widths.min() >= expected["width_px"] - 1.5 and heights.min() >= expected["height_px"] - 1.5
    assert np.allclose(widths, np.median(widths), atol=1.5) and np.allclose(heights, np.median(heights), atol=1.5)
    assert np.allclose(widths / heights, math.sqrt(3) / 2, atol=0.06)
    missed = [b["code"] for b in boxes if not all(b["hits"])]
    assert missed == []  # nothing (legend, outlines, controls) covers any hexagon's middle
    assert (tmp_path / "hexmap.png").stat().st_size > 20_000


def test_page_inlining_finds_the_leaflet_tags(layout, authorities, m2024):
    fmap = umap.choropleth_map(hex_shapes(layout, authorities), m2024, "local_bed_gap",
                               service.MEASURES["local_bed_gap"])
    page = umap.map_html(fmap)
    assert re.search(f'<script src="{re.escape(LEAFLET_JS_URL)}"></script>', page)
    assert f'<link rel="stylesheet" href="{LEAFLET_CSS_URL}"/>' in page
