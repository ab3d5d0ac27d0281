"""Tests for sufficiency.distances.placements (locate, measure, aggregate) on a small hand-written file."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sufficiency.distances.placements import (
    flows,
    locate_placements,
    placement_distances,
    placements_by_authority,
)
from sufficiency.readers.placements import read_placements

FIXTURE = Path(__file__).parent / "fixtures" / "placements" / "placements.csv"
# Hand-made authority points (BNG metres), not the real ones.
POINTS = pd.DataFrame({"code": ["E08000007", "E09000023", "E08000003", "E09000033"],
                       "easting": [389000.0, 537000.0, 384000.0, 529000.0],
                       "northing": [390000.0, 174000.0, 398000.0, 180000.0]})
PROVIDERS = pd.DataFrame({"urn": ["2590934", "SC123456"], "code": ["E09000023", "E08000003"]})


def read_and_locate(path: Path):
    rows, recon = read_placements(path)
    return locate_placements(rows, recon, providers=PROVIDERS, authority_codes=set(POINTS["code"])), recon


@pytest.fixture(scope="module")
def read():
    return read_and_locate(FIXTURE)


def test_reconciliation_reasons(read):
    placements, recon = read
    assert recon.rows_in == 10 and recon.rows_used == 4 and recon.balanced
    reasons = dict(zip(recon.set_aside["row"], recon.set_aside["reason"], strict=True))
    assert reasons == {
        5: "postcode not in the ONS Postcode Directory",
        6: "destination is empty",
        7: "date not understood",
        8: "Ofsted URN not in the providers list",
        9: "not a postcode or authority code",
        10: "end date before start date",
    }
    assert placements["row"].tolist() == [2, 3, 4, 11]
    assert placements["origin_kind"].tolist() == ["postcode", "postcode", "authority", "authority"]
    assert placements["destination_kind"].tolist() == ["postcode", "postcode", "urn", "authority"]
    # ISO and day-first dates both read as 5 January 2024
    assert placements["start_date"].tolist()[:3] == [pd.Timestamp("2024-01-05")] * 3


def test_distances_hand_computed(read):
    placements, _ = read
    got = placement_distances(placements, POINTS)
    # SK1 1AA (389357, 390095) -> M1 1AE (384756, 398553): sqrt(4601^2 + 8458^2) m
    # SK1 1AA -> SW1A 1AA (529090, 179645): sqrt(139733^2 + 210450^2) m
    # E08000007 point -> E09000023 point (Lewisham, via URN): sqrt(148000^2 + 216000^2) m
    assert got["distance_km"].tolist() == pytest.approx([9.628446, 252.615347, 261.839646, 0.0], abs=1e-6)
    assert got["distance_miles"].tolist() == pytest.approx(
        [9.628445617 / 1.609344, 252.615347493 / 1.609344, 261.839645585 / 1.609344, 0.0], abs=1e-8)
    assert got["band"].tolist() == ["within 20 miles", "over 20 miles", "over 20 miles", "within 20 miles"]
    assert (got["distance_method"] == "straight line").all()
    assert got["destination_code"].tolist() == ["E08000003", "E09000033", "E09000023", "E08000007"]
    assert got["inside_responsible_la"].tolist() == [False, False, False, True]
    assert "origin" not in got.columns and "origin_easting" not in got.columns  # no postcodes, no points


def test_by_authority_and_flows(read):
    placements, _ = read
    dist = placement_distances(placements, POINTS)
    table = placements_by_authority(dist)
    row = table.set_index("code").loc["E08000007"]
    assert row["placements"] == 4 and row["over_20_miles"] == 2 and row["outside_la"] == 3
    assert row["share_over_20_miles"] == 0.5 and row["share_outside_la"] == 0.75
    assert row["median_distance_km"] == pytest.approx((9.628446 + 252.615347) / 2, abs=1e-6)
    assert row["distance_method"] == "straight line"
    f = flows(dist, points=POINTS, min_count=2)
    assert len(f) == 4 and f["placements"].tolist() == [1, 1, 1, 1]
    assert f["suppressed"].all()
    lew = f.set_index("destination_code").loc["E09000023"]
    assert (lew["from_easting"], lew["to_northing"]) == (389000.0, 174000.0)


def test_xlsx_and_aliases(tmp_path):
    frame = pd.DataFrame({"Home postcode": ["SK1 1AA"], "Destination": ["E08000003"],
                          "Placement start": [pd.Timestamp("2024-02-03")]})
    path = tmp_path / "p.xlsx"
    frame.to_excel(path, index=False)
    placements, recon = read_and_locate(path)
    assert recon.rows_used == 1
    assert placements.loc[0, "start_date"] == pd.Timestamp("2024-02-03")
    got = placement_distances(placements, POINTS)
    # SK1 1AA (389357, 390095) -> E08000003 point (384000, 398000)
    assert got.loc[0, "distance_km"] == pytest.approx(np.hypot(5357, 7905) / 1000, abs=1e-9)


def test_road_option_labels_distances():
    from pyproj import Transformer

    from geo.roads import load_road_graph

    graph = load_road_graph(Path(__file__).parent / "fixtures" / "roads" / "tiny.osm")
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    (ax, cx), (ay, cy) = to_bng.transform([-2.00, -2.00], [53.00, 53.02])
    placements = pd.DataFrame({
        "row": [2], "origin_code": ["E06000049"], "destination_code": ["E06000049"],
        "responsible_code": ["E06000049"], "origin_precision": ["postcode"], "destination_precision": ["postcode"],
        "origin_easting": [ax], "origin_northing": [ay], "destination_easting": [cx], "destination_northing": [cy],
        "placement_type": [""], "start_date": [pd.NaT], "end_date": [pd.NaT]})
    got = placement_distances(placements, POINTS, road_graph=graph)
    assert got.loc[0, "distance_method"] == "road"
    assert got.loc[0, "distance_km"] == pytest.approx(2.2239017, abs=1e-6)  # 0.02 deg of latitude, R = 6371009 m
    assert got.loc[0, "drive_minutes"] > 0 and bool(got.loc[0, "inside_responsible_la"])
