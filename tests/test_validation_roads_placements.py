"""Road graphs and placements lists: no 0 km for far points, filled-in graphs said, every row accounted (issue 10)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from geo.roads import MAX_SNAP_M, load_road_graph, road_distances
from sufficiency import cli, service
from sufficiency.distances.placements import placement_distances

HERE = Path(__file__).parent
TINY = HERE / "fixtures" / "roads" / "tiny.osm"
V = HERE / "fixtures" / "validation"
TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
R = 6_371_009.0  # osmnx's mean Earth radius, metres
AS_AT = dt.date(2025, 3, 31)


def _bng(lon: float, lat: float) -> np.ndarray:
    return np.array(TO_BNG.transform(lon, lat))


@pytest.fixture(scope="module")
def graph():
    return load_road_graph(TINY)


def _nearest_m(graph, xy: np.ndarray) -> float:
    return min(math.hypot(d["x"] - xy[0], d["y"] - xy[1]) for _, d in graph.nodes(data=True))


def test_far_points_are_not_on_the_graph_never_zero_km(graph):
    london, brighton = np.array([530_000.0, 180_000.0]), np.array([531_000.0, 104_000.0])
    a, c = _bng(-2.00, 53.00), _bng(-2.00, 53.02)
    got = road_distances(graph, np.array([london, a, a]), np.array([brighton, c, london]))
    # both far ends snap to the same node: before, a 0 km route "within 20 miles"
    assert np.isnan(got.loc[0, "distance_km"]) and pd.isna(got.loc[0, "band"])
    far = _nearest_m(graph, brighton)  # the farther of the two from the graph
    assert got.loc[0, "note"] == (f"not on the road graph: the destination is {far / 1000:,.1f} km from the nearest "
                                  f"road in it (more than {MAX_SNAP_M / 1000:g} km)")
    assert got.loc[1, "distance_km"] == pytest.approx(R * math.radians(0.02) / 1000, abs=1e-6)
    assert got.loc[1, "note"] == ""
    assert got.loc[2, "note"].startswith("not on the road graph: the destination is")
    assert got["origin_snap_m"].iloc[0] == pytest.approx(_nearest_m(graph, london))


def test_a_graph_without_length_or_speed_is_filled_in_and_says_so(graph, tmp_path):
    import osmnx as ox

    bare = ox.graph_from_xml(TINY, retain_all=True)
    for _, _, data in bare.edges(data=True):
        for key in ("length", "maxspeed", "highway"):
            data.pop(key, None)
    path = tmp_path / "bare.graphml"
    ox.save_graphml(bare, path)
    filled = load_road_graph(path)
    assert filled.graph["notes"] == [
        "10 of 10 road segments had no length: measured from their geometry on the British National Grid",
        "10 road segments have no road type (highway tag): taken as roads of unknown type",
        "10 of 10 road segments have no speed limit (maxspeed): given the typical speed of the type for road "
        "(none tagged; data/reference/road_speeds.csv, 30 mph when unknown)"]
    a, c = _bng(-2.00, 53.00), _bng(-2.00, 53.02)
    got = road_distances(filled, np.array([a]), np.array([c]))
    # BNG length of the 2.224 km lane (the grid's scale factor near 2W is 0.9997-1.0003)
    assert got.loc[0, "distance_km"] == pytest.approx(R * math.radians(0.02) / 1000, rel=2e-3)
    # every road at 30 mph: the quickest route is the shortest one
    assert got.loc[0, "drive_minutes"] == pytest.approx(got.loc[0, "distance_km"] / (30 * 1.609344) * 60, rel=1e-6)


def test_no_route_reason_reaches_the_child_level_rows(graph):
    a, f = _bng(-2.00, 53.00), _bng(-2.10, 53.10)
    frame = pd.DataFrame({
        "row": [2, 3], "child_ref": ["X1", "X2"], "origin_code": ["E06000049"] * 2,
        "destination_code": ["E06000049"] * 2, "responsible_code": ["E06000049"] * 2,
        "origin_precision": ["postcode"] * 2, "destination_precision": ["postcode"] * 2,
        "placement_type": ["Children's home"] * 2, "start_date": pd.to_datetime(["2024-01-05"] * 2),
        "end_date": pd.to_datetime([None, None]), "open_placement": pd.array([True, True], dtype="boolean"),
        "origin_easting": [a[0], a[0]], "origin_northing": [a[1], a[1]],
        "destination_easting": [f[0], a[0] + 50], "destination_northing": [f[1], a[1]]})
    points = pd.DataFrame({"code": ["E06000049"], "easting": [a[0]], "northing": [a[1]]})
    got = placement_distances(frame, points, road_graph=graph)
    assert got["distance_note"].tolist() == ["no route between them in the road graph", ""]
    assert np.isnan(got.loc[0, "distance_km"]) and got.loc[1, "distance_km"] == 0.0
    assert got["child_ref"].tolist() == ["X1", "X2"]
    assert {"origin_snap_m", "destination_snap_m", "drive_minutes"} <= set(got.columns)


@pytest.fixture(scope="module")
def report():
    file = service.UserFile("placements_faults.csv", (V / "placements_faults.csv").read_bytes())
    return service.placements_report(service.embedded(False), file, as_at=AS_AT)


SET_ASIDE = [
    [4, "", "the same placement as row 3 (the same child reference, ends and dates: counted once)", ""],  # c002
    [5, "Start Date", "date after the collection date (31 March 2025)", "05/01/2031"],
    [6, "Start Date", "date more than 25 years before the collection date (31 March 2025)", "05/01/1900"],
    [7, "Responsible LA", "responsible authority code is not an English children's services authority",
     "E08999999"],
    [10, "End date", "date after the collection date (31 March 2025)", "2030-01-01"],
    [11, "Child ref", "used, flagged: child C001 is also placed, at the same time, by row 2 (a child has one "
     "placement at a time): both counted", "C001"],
]


def test_every_set_aside_placement_is_listed_by_row(report):
    assert report.set_aside[["row", "column", "reason", "value"]].values.tolist() == SET_ASIDE
    summary = report.summary.set_index("what")["rows"]
    assert (summary["rows read"], summary["rows used"]) == (10, 5)


def test_open_placements_are_kept_and_child_ref_carried(report):
    child = report.child_level
    assert child["row"].tolist() == [2, 3, 8, 9, 11]
    assert child["child_ref"].tolist() == ["C001", "C002", "C006", "C007", "C001"]
    assert child["open_placement"].tolist() == [True, False, True, True, True]
    assert child["end_date"].isna().tolist() == [True, False, True, True, True]
    stockport = report.by_authority.set_index("code").loc["E08000007"]
    assert stockport["placements"] == 5  # the duplicate (dates written another way) counted once
    assert report.notes == ("dates checked against the collection date 31 March 2025",)


def test_cli_lists_set_aside_rows_on_stderr_and_in_the_report(capsys, tmp_path):
    out, rep, child = tmp_path / "o.csv", tmp_path / "r.csv", tmp_path / "c.csv"
    code = cli.run(["placements", str(V / "placements_faults.csv"), "--as-at", "2025-03-31", "--out", str(out),
                    "--report", str(rep), "--child-level", str(child)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "rows set aside (row numbers as in your file):" in err
    assert "responsible authority code is not an English children's services authority" in err
    written = pd.read_csv(rep, keep_default_na=False)
    assert written[["row", "column", "reason", "value"]].values.tolist() == SET_ASIDE
    assert pd.read_csv(child)["child_ref"].tolist() == ["C001", "C002", "C006", "C007", "C001"]
    assert cli.run(["placements", str(V / "placements_faults.csv"), "--as-at", "31/03/2025", "--out",
                    str(out)]) == 0
    with pytest.raises(SystemExit) as exit_:
        cli.run(["placements", str(V / "placements_faults.csv"), "--as-at", "31-13-2025"])
    assert exit_.value.code == 2
    assert "'31-13-2025' is not a date written yyyy-mm-dd or dd/mm/yyyy" in capsys.readouterr().err


def test_repeated_rows_without_a_child_reference_are_counted_and_flagged():
    text = "origin,destination,start date\n" + "E08000007,E08000006,05/01/2024\n" * 3 + "E08000007,E08000003,\n"
    report = service.placements_report(service.embedded(False), service.UserFile("p.csv", text.encode()),
                                       as_at=AS_AT)
    assert report.child_level["row"].tolist() == [2, 3, 4, 5]  # two children placed together are not one
    assert report.set_aside[["row", "reason"]].values.tolist() == [
        [r, "used, flagged: the same ends and dates as row 2: counted as its own placement (without a child "
            "reference column, a repeated row cannot be told from children placed together)"] for r in (3, 4)]
    assert report.by_authority.set_index("code").loc["E08000007", "placements"] == 4
