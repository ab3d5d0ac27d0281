"""Tests for sufficiency.readers.dfe: markers never become 0; real published values."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rawdata import RAW, needs_raw

from sufficiency.readers.dfe import read_net_gain, read_placed_outside

FIX = Path(__file__).parent / "fixtures" / "readers"
HOMES = RAW / "dfe-cla-childrens-homes"


def test_fixture_markers_are_kept_and_bad_values_set_aside():
    df, rec = read_placed_outside(FIX / "dfe_markers.csv")
    assert rec.rows_in == 11 and rec.rows_used == 8 and rec.balanced
    assert df["source_row"].tolist() == list(range(15, 23))  # 13 title lines + header on line 14
    assert df["level"].tolist()[:3] == ["National", "Regional", "Local authority"]
    assert df["code"].tolist()[:3] == ["E92000001", "E12000001", "E06000001"]
    assert df["name"].tolist()[:3] == ["England", "North East", "Hartlepool"]
    assert df.loc[0, "placed_outside"] == 1020 and df.loc[0, "placed_outside_pct"] == 67.0
    assert df["placed_outside_marker"].tolist() == ["", "", "c", "z", "x", "k", ":", ""]
    assert df["placed_outside_pct_marker"].tolist() == ["", "", "c", "z", "x", "low", ".", "u"]
    assert df["placed_outside"][2:7].isna().all()  # markers are missing, never 0
    assert df.loc[7, "placed_outside"] == 0  # a published 0 stays 0
    reasons = dict(zip(rec.set_aside["row"], rec.set_aside["reason"], strict=True))
    assert reasons == {23: "negative value in number",
                       24: "absurd value (more than 100) in percentage",
                       25: "unknown geographic level: Ward"}


def _data_rows(path: Path, first_cell: str) -> int:
    text = path.read_bytes().decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline="")))
    header = next(i for i, r in enumerate(records) if r and r[0] == first_cell)
    return len(records) - header - 1


@needs_raw
def test_placed_outside_real_values():
    path = HOMES / "placed_outside_la_childrens_homes_2014_2024.csv"
    df, rec = read_placed_outside(path)
    assert rec.rows_in == _data_rows(path, "time_period") == 1870 and rec.rows_used == 1870
    y24 = df[df["year"] == 2024].set_index("code")
    assert (y24.loc["E92000001", "placed_outside"], y24.loc["E92000001", "placed_outside_pct"]) == (5760, 67)
    nw = y24.loc["E12000002"]
    assert (nw["level"], nw["name"], nw["placed_outside"], nw["placed_outside_pct"]) == (
        "Regional", "North West", 1030, 69)
    hp = y24.loc["E06000001"]
    assert (hp["name"], hp["old_la_code"], hp["placed_outside"], hp["placed_outside_pct"]) == (
        "Hartlepool", "805", 25, 54)
    la24 = df[(df["year"] == 2024) & (df["level"] == "Local authority")]
    assert (la24["placed_outside_marker"] == "c").sum() == 42
    assert la24.loc[la24["placed_outside_marker"] == "c", "placed_outside"].isna().all()
    assert df.groupby("year").size().eq(170).all()
    assert (df["placed_outside_marker"] == "z").sum() == 86


@needs_raw
def test_net_gain_real_values():
    path = HOMES / "net_gain_childrens_homes_2014_2024.csv"
    df, rec = read_net_gain(path)
    assert rec.rows_in == _data_rows(path, "time_period") == 1859 and rec.balanced
    y24 = df[df["year"] == 2024].set_index("code")
    assert y24.loc["E92000001", "net_gain"] == -300
    assert y24.loc["E12000001", "net_gain"] == -110
    assert (df["net_gain_marker"] == "z").sum() == 67 and df.loc[df["net_gain_marker"] == "z", "net_gain"].isna().all()
