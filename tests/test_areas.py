"""Tests for geo.areas (synthetic points; the --from-postcodes fallback) and the built data/ geometry files."""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.areas import area_polygons, grid_to_polygons, label_grid, representative_points
from geo.postcodes import load_postcodes
from sufficiency.errors import BadValueError
from sufficiency.registry import lad_to_upper_tier

DATA = Path(__file__).resolve().parents[1] / "data"

def _cluster(x0, y0, x1, y1, step=500.0):
    xs, ys = np.meshgrid(np.arange(x0, x1 + 1, step), np.arange(y0, y1 + 1, step))
    return xs.ravel(), ys.ravel()


def _two_clusters():
    # A fills x 0..10 km, B fills x 10.75..20.75 km, both y 0..10 km: a 0.75 km gap between them
    ax, ay = _cluster(0, 0, 10_000, 10_000)
    bx, by = _cluster(10_750, 0, 20_750, 10_000)
    e, n = np.concatenate([ax, bx]), np.concatenate([ay, by])
    codes = np.array(["A"] * len(ax) + ["B"] * len(bx), dtype=object)
    return e, n, codes


def test_two_clusters_give_two_touching_polygons_with_known_extent():
    e, n, codes = _two_clusters()
    out = area_polygons(e, n, codes, cell_m=500, keep_within_m=600, close_m=0)
    assert out["code"].tolist() == ["A", "B"]
    a, b = out.geometry
    # cells whose centre lies within 600 m of a point: extent grows by one cell each side
    assert a.bounds == (-500.0, -500.0, 10_500.0, 10_500.0)
    assert b.bounds == (10_500.0, -500.0, 21_500.0, 10_500.0)
    assert a.touches(b) and a.intersection(b).length == 11_000.0
    assert a.area == b.area == 11_000 * 11_000


def test_holes_are_filled_and_labelled_by_nearest_point():
    # a ring of points around an empty 8 km square: the inside is enclosed, so it is filled
    ex, ny = _cluster(0, 0, 12_000, 12_000)
    keep = ~((ex > 1_000) & (ex < 11_000) & (ny > 1_000) & (ny < 11_000))
    e, n = ex[keep], ny[keep]
    codes = np.where(e < 6_000, "W", "E").astype(object)
    out = area_polygons(e, n, codes, cell_m=500, keep_within_m=500, close_m=0)
    union = shapely.union_all(out.geometry.values)
    assert len(union.interiors) == 0
    assert union.area == pytest.approx(13_000 * 13_000)
    w = out.set_index("code").geometry["W"]
    assert w.bounds == (-500.0, -500.0, 6_000.0, 12_500.0)


def test_grid_runs_polygonise_exactly():
    from geo.areas import LabelGrid

    lab = np.array([[0, 0, 1, -1], [0, 1, 1, 1]])
    polys = grid_to_polygons(LabelGrid(lab, 100.0, 200.0, 10.0))
    assert polys[0].area == 300.0 and polys[1].area == 400.0
    assert polys[0].bounds == (100.0, 200.0, 120.0, 220.0)


def test_label_grid_rejects_bad_input():
    with pytest.raises(BadValueError):
        label_grid(np.array([1.0]), np.array([np.nan]), np.array([0]))
    with pytest.raises(BadValueError):
        label_grid(np.array([]), np.array([]), np.array([]))


def test_representative_point_is_own_point_nearest_mean():
    e = np.array([0.0, 10.0, 20.0, 100.0, 300.0])
    n = np.array([0.0, 0.0, 0.0, 0.0, 0.0])
    codes = np.array(["A", "A", "A", "B", "B"], dtype=object)
    out = representative_points(e, n, codes)
    # A: mean 10 -> the point at 10; B: mean 200 -> tie 100/300 broken by smaller easting
    assert out.to_dict("list") == {"code": ["A", "B"], "easting": [10.0, 100.0],
                                   "northing": [0.0, 0.0], "postcodes": [3, 2]}


@pytest.fixture(scope="module")
def built():
    return gpd.read_file(DATA / "authorities.geojson")


def test_built_authorities_file(built):
    # the ONS December 2024 shapes (scripts/build_geometry.py; accuracy in tests/test_geometry_build.py)
    assert (DATA / "authorities.geojson").stat().st_size < 300 * 1024
    assert built.crs.to_epsg() == 4326
    assert len(built) == 153 and built["code"].is_unique
    current = pd.read_csv(DATA / "authorities.csv").query("current")["code"]
    assert set(built["code"]) == set(current)
    assert built.is_valid.all() and not built.is_empty.any()
    # a coverage: overlaps below 0.01 km2; England is 130,617 km2 in the official file
    bng = built.to_crs(27700)
    assert bng.area.sum() - shapely.union_all(bng.geometry.values).area < 0.01e6
    assert bng.area.sum() / 1e6 == pytest.approx(130_617, rel=0.001)


def test_postcodes_fall_in_their_own_authority(built):
    pc = load_postcodes().sample(1000, random_state=2024)
    own = pc["lad_code"].astype(str).map(lad_to_upper_tier()).to_numpy()
    pts = gpd.GeoDataFrame({"own": own}, geometry=gpd.points_from_xy(pc["easting"], pc["northing"]),
                           crs=27700).to_crs(4326)
    joined = gpd.sjoin(pts, built, how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    # official 500 m-generalised shapes: 99.1 % of this sample (98.8 % of all postcodes); the rest
    # lie on the generalised coastline (0.3 % in no shape) or within a few hundred metres of a border
    assert (joined["code"] == joined["own"]).mean() >= 0.98


def test_built_regions_and_points():
    regions = gpd.read_file(DATA / "regions.geojson")
    assert (DATA / "regions.geojson").stat().st_size < 200 * 1024
    assert sorted(regions["region_name"]) == sorted([
        "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
        "East of England", "London", "South East", "South West"])
    assert regions.is_valid.all()
    points = pd.read_csv(DATA / "authority_points.csv", dtype={"code": str})
    assert list(points.columns) == ["code", "easting", "northing", "postcodes"]
    assert len(points) == 153 and points["postcodes"].sum() == len(load_postcodes())
    # each point is a real postcode of its own authority, and lies inside its official shape
    # (within 300 m, the scale of the shapes' 500 m generalisation; today all 153 lie strictly inside)
    auth = gpd.read_file(DATA / "authorities.geojson").to_crs(27700).set_index("code")
    pts = gpd.GeoSeries(gpd.points_from_xy(points["easting"], points["northing"]), crs=27700)
    inside = [auth.geometry[c].buffer(300).contains(p) for c, p in zip(points["code"], pts, strict=True)]
    assert sum(inside) == 153
