"""DfE statistical neighbours: real groups recounted independently, and refused bad files."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sufficiency.errors import BadValueError, InputError, MissingColumnError, UnknownAuthorityError
from sufficiency.readers.neighbours import read_statistical_neighbours

REPO = Path(__file__).resolve().parent.parent
RAW = Path(os.environ.get("SUFFICIENCY_RAW", REPO.parent / "shared" / "data" / "raw"))
SN = RAW / "dfe-statistical-neighbours"
FIX = REPO / "tests" / "fixtures" / "dfe_series"
needs_raw = pytest.mark.skipif(not SN.exists(), reason=f"raw published files not available at {SN}")


@pytest.fixture(scope="module")
def may_2025():
    if not SN.exists():
        pytest.skip(f"raw published files not available at {SN}")
    return read_statistical_neighbours(SN / "sn_may_2025.xlsx")


def _csv_groups(path: Path) -> dict[int, list[tuple[int, str]]]:
    """DfE's wide CSV read with the csv module: LA number -> [(neighbour, band as published, stripped)]."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return {int(r["old_la_code"]): [(int(r[f"SN_{k}"]), r[f"SN_{k}P"].strip()) for k in range(1, 11)] for r in rows}


@needs_raw
def test_stockport_ten_neighbours_in_order_match_dfe_csv(may_2025):
    frame, _ = may_2025
    stockport = frame[frame["la_number"] == 356].sort_values("rank")
    expected = _csv_groups(SN / "sn_model_2025_wide.csv")[356]
    assert stockport["rank"].tolist() == list(range(1, 11))
    assert list(zip(stockport["neighbour_la_number"], stockport["closeness"], strict=True)) == [
        (n, b[0].upper() + b[1:].lower()) for n, b in expected]
    assert stockport["code"].unique().tolist() == ["E08000007"]
    assert stockport["name"].iloc[0] == "Stockport" and stockport["vintage"].iloc[0] == "May 2025"


@needs_raw
def test_every_2025_group_matches_dfe_csv_and_workbook_cells(may_2025):
    frame, rec = may_2025
    groups = _csv_groups(SN / "sn_model_2025_wide.csv")
    got = {n: list(zip(g["neighbour_la_number"], g["closeness"].str.casefold(), strict=True))
           for n, g in frame.sort_values(["la_number", "rank"]).groupby("la_number")}
    assert got == {n: [(m, b.casefold()) for m, b in g] for n, g in groups.items()}
    # the workbook's own cells: header on row 3, authorities on rows 4-156, 'Old SNs:' on row 158
    ws = openpyxl.load_workbook(SN / "sn_may_2025.xlsx", read_only=True).worksheets[0]
    cells = list(ws.iter_rows(values_only=True))
    old_row = next(i for i, r in enumerate(cells, start=1) if r[1] == "Old SNs:")
    assert old_row == 158
    assert sorted(frame.drop_duplicates("la_number")["source_row"]) == sorted(
        i for i, r in enumerate(cells[3:old_row - 1], start=4) if r[0] is not None)
    assert rec.balanced and rec.rows_used == 153
    below = rec.set_aside[rec.set_aside["reason"].str.startswith("below 'Old SNs:'")]
    assert sorted(below["value"].astype(int)) == [835, 836, 837, 909, 928]


@needs_raw
def test_2025_band_counts_and_spot_checks(may_2025):
    frame, _ = may_2025
    assert frame["closeness"].value_counts().to_dict() == {
        "Very close": 820, "Close": 513, "Somewhat close": 136, "Not close": 49, "Extremely close": 12}
    barnet = frame[frame["la_number"] == 302]
    assert barnet["neighbour_la_number"].tolist()[:3] == [320, 870, 310]
    assert set(barnet["closeness"]) == {"Close"}
    wilts = frame[frame["la_number"] == 865].set_index("neighbour_la_number")["closeness"]
    assert wilts[850] == "Extremely close" and wilts[916] == "Very close"
    codes = frame.drop_duplicates("la_number").set_index("la_number")["code"]
    assert codes[[942, 943, 815, 933, 201, 420]].tolist() == [
        "E06000063", "E06000064", "E06000065", "E06000066", "E09000001", "E06000053"]


@needs_raw
def test_csv_and_workbook_give_the_same_frame(may_2025):
    frame, _ = may_2025
    from_csv, rec = read_statistical_neighbours(SN / "sn_model_2025_wide.csv", vintage="May 2025")
    cols = ["la_number", "code", "rank", "neighbour_la_number", "neighbour_code", "closeness"]
    pd.testing.assert_frame_equal(frame[cols], from_csv[cols])
    assert rec.rows_in == 153 and rec.balanced


@needs_raw
def test_april_2021_sets_aside_authorities_without_neighbours():
    frame, rec = read_statistical_neighbours(SN / "sn_april_2021.xlsx")
    assert frame["vintage"].unique().tolist() == ["April 2021"]
    assert frame["la_number"].nunique() == 152 and len(frame) == 1520
    aside = rec.set_aside.set_index("reason")["value"]
    assert sorted(aside["no neighbours published ('-')"].astype(int)) == [942, 943]
    assert 909 in set(frame["la_number"])  # Cumbria still had its own group in 2021
    assert set(frame["closeness"]) <= {"Extremely close", "Very close", "Close", "Somewhat close", "Not close"}
    assert rec.balanced


def test_hand_made_groups_read_with_bom_and_trailing_spaces():
    frame, rec = read_statistical_neighbours(FIX / "sn_good.csv", vintage="Test 2030")
    assert len(frame) == 110 and rec.rows_used == 11 and rec.balanced
    bromley = frame[frame["la_number"] == 305]
    assert bromley["neighbour_la_number"].tolist() == [304, 306, 303, 307, 302, 308, 301, 309, 310, 311]
    assert bromley["closeness"].tolist() == ["Very close"] * 2 + ["Close"] * 5 + ["Somewhat close"] * 2 + ["Not close"]
    assert bromley["neighbour_code"].iloc[0] == "E09000005" and bromley["code"].iloc[0] == "E09000006"


def test_nine_neighbours_is_refused_naming_row_and_column():
    with pytest.raises(BadValueError) as info:
        read_statistical_neighbours(FIX / "sn_nine_neighbours.csv", vintage="Test 2030")
    err = info.value
    assert err.row == 6 and err.column == "SN10" and err.file == "sn_nine_neighbours.csv"
    assert "10 neighbours" in str(err)


def _variant(old: str, new: str) -> bytes:
    text = (FIX / "sn_good.csv").read_bytes().decode("utf-8-sig")
    assert old in text
    return text.replace(old, new, 1).encode("utf-8")


def test_self_neighbour_duplicate_out_of_order_and_unknown_are_refused():
    own = _variant("302,Barnet,3,London,301,", "302,Barnet,3,London,302,")
    with pytest.raises(BadValueError, match="its own neighbour"):
        read_statistical_neighbours(own, vintage="T", name="own.csv")
    twice = _variant("302,Barnet,3,London,301,Very close,303,", "302,Barnet,3,London,301,Very close,301,")
    with pytest.raises(BadValueError, match="appears twice"):
        read_statistical_neighbours(twice, vintage="T", name="twice.csv")
    order = _variant("301,Very close,303,Very close,304,Close", "301,Close,303,Very close,304,Close")
    with pytest.raises(BadValueError, match="out of order") as info:
        read_statistical_neighbours(order, vintage="T", name="order.csv")
    assert info.value.row == 3 and info.value.column == "SN2P"
    band = _variant("311,Not close", "311,Quite near")
    with pytest.raises(BadValueError, match="closeness band"):
        read_statistical_neighbours(band, vintage="T", name="band.csv")
    unlisted = _variant("302,Barnet,3,London,301,", "302,Barnet,3,London,999,")
    with pytest.raises(BadValueError, match="not one of the authorities listed"):
        read_statistical_neighbours(unlisted, vintage="T", name="unlisted.csv")
    two = _variant("311,Havering", "310,Havering")
    with pytest.raises(BadValueError, match="2 rows for the same authority"):
        read_statistical_neighbours(two, vintage="T", name="two.csv")


def test_number_missing_from_reference_and_vintage_needed():
    ref = pd.DataFrame({"la_number": pd.array(range(301, 311), dtype="Int64"), "code": [f"X{i}" for i in range(10)]})
    with pytest.raises(UnknownAuthorityError, match="311"):
        read_statistical_neighbours(FIX / "sn_good.csv", vintage="T", la_numbers=ref)
    with pytest.raises(InputError, match="give the vintage"):
        read_statistical_neighbours(FIX / "sn_good.csv")


def test_wrong_table_given_as_neighbours():
    with pytest.raises(MissingColumnError, match="required column missing: 'sn1'"):
        read_statistical_neighbours(FIX / "new_placements_2025.csv", vintage="May 2025")
