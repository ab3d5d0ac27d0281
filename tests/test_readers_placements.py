"""Tests for sufficiency.readers.placements: headers matched loosely, every row used or set aside."""

from pathlib import Path

import pandas as pd
import pytest

from sufficiency.errors import DuplicateColumnError, MissingColumnError
from sufficiency.readers.placements import read_placements

FIXTURE = Path(__file__).parent / "fixtures" / "placements" / "placements.csv"


def test_rows_and_kinds_before_locating():
    rows, recon = read_placements(FIXTURE)
    # reading alone sets aside what the file itself shows to be wrong; unknown postcodes and URNs come later
    assert recon.rows_in == 10 and recon.rows_used == 6 and recon.balanced
    assert dict(zip(recon.set_aside["row"], recon.set_aside["reason"], strict=True)) == {
        6: "destination is empty", 7: "date not understood", 9: "not a postcode or authority code",
        10: "end date before start date"}
    # the column is named as the file names it
    assert recon.set_aside.set_index("row").loc[7, "column"] == "Start Date"
    assert rows["origin_kind"].tolist() == ["postcode", "postcode", "authority", "postcode", "postcode", "authority"]
    assert rows["destination_kind"].tolist() == ["postcode", "postcode", "urn", "postcode", "urn", "authority"]


def test_missing_columns_reported_together(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,age\nA,3\n")
    with pytest.raises(MissingColumnError) as err:
        read_placements(path)
    assert [p.column for p in err.value.problems] == ["origin", "destination", None]  # + the columns found
    assert "origin" in str(err.value) and "destination" in str(err.value)


def test_two_columns_for_one_field_are_refused(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("Home postcode,Origin,Placement\nSK1 1AA,SK1 1AA,M1 1AE\n")
    with pytest.raises(DuplicateColumnError) as err:
        read_placements(path)
    assert "all look like 'origin'" in str(err.value)


def test_dates_iso_and_day_first(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("origin,destination,start date\nSK1 1AA,M1 1AE,2024-01-05\nSK1 1AA,M1 1AE,05/01/2024\n")
    rows, _ = read_placements(path)
    assert rows["start_date"].tolist() == [pd.Timestamp("2024-01-05")] * 2
