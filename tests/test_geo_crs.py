"""Tests for geo.crs: missing CRS, swapped lat/lon, reprojection, England bounds."""

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from geo.crs import to_bng, to_wgs84
from sufficiency.errors import CRSError

# Stockport town hall, roughly: lon -2.16, lat 53.41 ~ E 389,900 N 390,000 (BNG)
LON, LAT = -2.16, 53.41


def _layer(x, y, crs):
    return gpd.GeoDataFrame({"code": ["E08000007"]}, geometry=[Point(x, y)], crs=crs)


def test_wgs84_goes_to_bng_metres():
    out = to_bng(_layer(LON, LAT, "EPSG:4326"))
    assert out.crs.to_epsg() == 27700
    assert out.geometry.x[0] == pytest.approx(389_300, abs=1_500)
    assert out.geometry.y[0] == pytest.approx(390_200, abs=1_500)


def test_bng_is_kept_as_is():
    gdf = _layer(389_000.0, 390_000.0, "EPSG:27700")
    out = to_bng(gdf)
    assert (out.geometry.x[0], out.geometry.y[0]) == (389_000.0, 390_000.0)
    assert out is not gdf


def test_web_mercator_is_reprojected():
    merc = _layer(LON, LAT, "EPSG:4326").to_crs("EPSG:3857")
    out = to_bng(merc)
    ref = to_bng(_layer(LON, LAT, "EPSG:4326"))
    assert out.geometry.distance(ref.geometry)[0] < 0.01


def test_missing_crs_raises_with_plain_sentence():
    with pytest.raises(CRSError, match="does not say which coordinate reference system"):
        to_bng(_layer(LON, LAT, None), "x.geojson")


def test_missing_crs_uses_assume():
    out = to_bng(_layer(389_000.0, 390_000.0, None), assume="EPSG:27700")
    assert out.geometry.x[0] == 389_000.0


def test_swapped_lat_lon_raises_or_is_fixed():
    swapped = _layer(LAT, LON, "EPSG:4326")
    with pytest.raises(CRSError, match="wrong order"):
        to_bng(swapped)
    fixed = to_bng(swapped, fix_swapped=True)
    ref = to_bng(_layer(LON, LAT, "EPSG:4326"))
    assert fixed.geometry.distance(ref.geometry)[0] < 0.01


def test_declared_wrong_crs_is_caught_by_england_bounds():
    # BNG numbers declared as degrees fail to project; degrees declared as BNG land off England
    gdf = gpd.GeoDataFrame({"code": ["E1"]}, geometry=[box(-2.2, 53.4, -2.1, 53.5)], crs="EPSG:27700")
    with pytest.raises(CRSError, match="do not fall on England"):
        to_bng(gdf)


def test_to_wgs84_and_missing_crs():
    out = to_wgs84(_layer(389_000.0, 390_000.0, "EPSG:27700"))
    assert out.crs.to_epsg() == 4326
    assert out.geometry.x[0] == pytest.approx(-2.166, abs=0.02)
    with pytest.raises(CRSError):
        to_wgs84(_layer(1, 2, None))
