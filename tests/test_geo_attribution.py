"""Tests for geo.attribution: points to polygon codes."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.attribution import attribute_points, attribute_points_report
from sufficiency.errors import CRSError


def _squares(crs="EPSG:27700") -> gpd.GeoDataFrame:
    # Two 10 km squares side by side sharing the edge x = 10000.
    return gpd.GeoDataFrame(
        {"code": ["E06000001", "E06000002"]},
        geometry=[shapely.box(0, 0, 10_000, 10_000), shapely.box(10_000, 0, 20_000, 10_000)],
        crs=crs,
    )


def test_points_inside_outside_and_edge():
    x = np.array([5_000, 15_000, 25_000, 10_000, np.nan])
    y = np.array([5_000, 5_000, 5_000, 5_000, 1.0])
    codes, report = attribute_points_report(x, y, _squares())
    assert codes.tolist() == ["E06000001", "E06000002", None, "E06000001", None]
    assert (report.points, report.attributed, report.outside, report.on_edge) == (5, 3, 2, 1)


def test_within_leaves_edge_points_out():
    x = np.array([5_000, 10_000])
    y = np.array([5_000, 5_000])
    assert attribute_points(x, y, _squares(), predicate="within").tolist() == ["E06000001", None]


def test_edge_rule_independent_of_order():
    flipped = _squares().iloc[::-1].reset_index(drop=True)
    # first row in the frame wins for a point on the shared edge
    assert attribute_points(np.array([10_000]), np.array([1]), flipped).tolist() == ["E06000002"]


def test_crs_checked():
    with pytest.raises(CRSError, match="EPSG:27700"):
        attribute_points(np.array([0.5]), np.array([0.5]), _squares(crs="EPSG:4326"))
    with pytest.raises(CRSError):
        attribute_points(np.array([0.5]), np.array([0.5]), _squares(crs=None))


def test_many_points_match_geopandas_sjoin():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1000, 21000, 20_000)
    y = rng.uniform(-1000, 11000, 20_000)
    codes = attribute_points(x, y, _squares())
    expected = np.where((y < 0) | (y > 10_000) | (x < 0) | (x > 20_000), None,
                        np.where(x <= 10_000, "E06000001", "E06000002"))
    assert codes.tolist() == expected.tolist()
