"""Tests for geo.roads on a hand-written OSM XML network (no network access)."""

import math
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from geo.roads import load_road_graph, road_distances
from sufficiency.errors import FileFormatError

FIXTURE = Path(__file__).parent / "fixtures" / "roads" / "tiny.osm"
R = 6_371_009.0  # osmnx's mean Earth radius, metres
TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def _bng(lon, lat):
    return np.array(TO_BNG.transform(lon, lat))


def _along_parallel(lat, dlon):
    """Haversine length of dlon degrees along a parallel, metres."""
    return 2 * R * math.asin(math.cos(math.radians(lat)) * math.sin(math.radians(dlon) / 2))


@pytest.fixture(scope="module")
def graph():
    return load_road_graph(FIXTURE)


def test_shortest_and_quickest(graph):
    a, c = _bng(-2.00, 53.00), _bng(-2.00, 53.02)
    got = road_distances(graph, np.array([a, c]), np.array([c, a]))
    slow_lane = R * math.radians(0.02)  # A-B-C along the meridian: 2223.90 m
    bypass = _along_parallel(53.00, 0.01) + slow_lane + _along_parallel(53.02, 0.01)
    assert got["distance_km"].tolist() == pytest.approx([slow_lane / 1000] * 2, abs=1e-6)
    # quickest is the 60 mph bypass (3561.97 m), not the 20 mph lane
    mph60 = 60 * 1.609344 * 1000 / 3600  # m/s
    # osmnx rounds parsed speeds and travel times slightly, hence rel=1e-4 (0.01 s here)
    assert got["drive_minutes"].tolist() == pytest.approx([bypass / mph60 / 60] * 2, rel=1e-4)
    assert bypass / mph60 < slow_lane / (20 * 1.609344 * 1000 / 3600)
    assert (got["distance_method"] == "road").all()
    assert got["origin_snap_m"].max() < 1e-3
    assert got["band"].tolist() == ["within 20 miles"] * 2


def test_unreachable_and_missing(graph):
    a, f = _bng(-2.00, 53.00), _bng(-2.10, 53.10)
    got = road_distances(graph, np.array([a, [np.nan, np.nan]]), np.array([f, a]))
    assert np.isnan(got["distance_km"]).all()
    assert got["note"].tolist() == ["no route between them in the road graph", "origin or destination has no coordinates"]


def test_graphml_round_trip(graph, tmp_path):
    import osmnx as ox

    path = tmp_path / "g.graphml"
    ox.save_graphml(graph, path)
    again = load_road_graph(path)
    a, c = _bng(-2.00, 53.00), _bng(-2.00, 53.02)
    got = road_distances(again, np.array([a]), np.array([c]))
    assert got.loc[0, "distance_km"] == pytest.approx(R * math.radians(0.02) / 1000, abs=1e-6)


def test_bad_files(tmp_path):
    with pytest.raises(FileFormatError, match="pbf"):
        load_road_graph(tmp_path / "england.osm.pbf")
    bad = tmp_path / "bad.osm"
    bad.write_text("not xml")
    with pytest.raises(FileFormatError, match="could not be read"):
        load_road_graph(bad)
