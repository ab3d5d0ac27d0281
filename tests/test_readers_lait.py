"""LAIT long table: DfE's published series recounted independently, and refused bad tables."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sufficiency.errors import BadValueError, FileFormatError, MissingColumnError, UnknownAuthorityError
from sufficiency.readers.lait import INDICATORS, Indicator, read_la_code_list, read_lait

REPO = Path(__file__).resolve().parent.parent
RAW = Path(os.environ.get("SUFFICIENCY_RAW", REPO.parent / "shared" / "data" / "raw"))
LAIT = RAW / "dfe-lait" / "bds_long_0.parquet"
FIX = REPO / "tests" / "fixtures" / "dfe_series"
needs_raw = pytest.mark.skipif(not LAIT.exists(), reason=f"raw published files not available at {LAIT}")


@pytest.fixture(scope="module")
def lait():
    if not LAIT.exists():
        pytest.skip(f"raw published files not available at {LAIT}")
    return read_lait(LAIT)


def _series(frame: pd.DataFrame, indicator: str, la_number: int) -> dict[int, float]:
    part = frame[(frame["indicator"] == indicator) & (frame["la_number"] == la_number)]
    return dict(zip(part["year"].astype(int), part["value"], strict=True))


@needs_raw
def test_england_lacdistance_2016_to_2025(lait):
    frame, _ = lait
    assert list(_series(frame, "LACDistance", 970).values()) == [14, 14, 15, 16, 16, 17, 17, 17, 18, 18]
    assert list(_series(frame, "LACDistance", 970)) == list(range(2016, 2026))
    england = frame[frame["la_number"] == 970]
    assert set(england["code"]) == {"E92000001"} and set(england["level"]) == {"National"}


@needs_raw
def test_la_spot_checks_and_2025_spread(lait):
    frame, _ = lait
    for number, first, last in ((302, 23, 24), (873, 26, 32), (341, 7, 13)):  # Barnet, Cambridgeshire, Liverpool
        s = _series(frame, "LACDistance", number)
        assert (s[2016], s[2025]) == (first, last)
    y25 = frame[(frame["indicator"] == "LACDistance") & (frame["year"] == 2025) & (frame["level"] == "Local authority")]
    assert y25["value"].notna().sum() == 151
    assert y25.loc[y25["la_number"].isin([201, 420]), "marker"].tolist() == ["x", "x"]
    assert (y25["value"].min(), y25["value"].max(), y25["value"].median()) == (6, 40, 18)
    assert y25.loc[y25["value"] == 6, "name"].tolist() == ["Wigan"]
    inner = frame[frame["la_number"] == 987]
    assert set(inner["code"]) == {"E13000001"} and set(inner["level"]) == {"Regional"}


@needs_raw
def test_every_row_accounted_for_against_pyarrow(lait):
    frame, rec = lait
    table = pq.read_table(LAIT, columns=["Short Desc", "Values"]).to_pandas()
    wanted = table["Short Desc"].isin(list(INDICATORS))
    assert rec.rows_in == len(table) == 641_070
    assert rec.rows_used == len(frame) == int(wanted.sum()) == 8_500
    assert rec.balanced and rec.by_reason().set_index("reason")["rows"].to_dict() == {
        "indicator not selected": int((~wanted).sum())}
    assert int((frame["marker"] == "x").sum()) == int((table.loc[wanted, "Values"] == "-").sum())
    assert frame.groupby("indicator").size().to_dict() == dict.fromkeys(INDICATORS, 1700)
    england_cla = _series(frame, "LACnum", 970)
    assert england_cla[2025] == 81_770 and england_cla[2016] == 70_410


def _lait_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number",
                                       "Region"])


LABEL = "Children looked after at 31 March placed more than 20 miles from their home and outside LA boundary"
GOOD = [
    ("LACDistance", LABEL, "2024", "England", "18", 970.0, "NA"),
    ("LACDistance", None, "2024 (Rev)", "England", "17", 970.0, "NA"),
    ("LACDistance", None, "2025", "England", "18", 970.0, "NA"),
    ("LACDistance", None, "2025", "Barnet", "-", 302.0, "Outer London"),
    ("LACDistance", None, "2023-24", "Barnet", "24", 302.0, "Outer London"),
    ("Other", "something else", "2025", "England", "0.5", 970.0, "NA"),
    ("LACDistance", None, "0", "England", "12", 970.0, "NA"),
]
ONE = {"LACDistance": INDICATORS["LACDistance"]}


def _write(tmp_path: Path, rows: list[tuple], name: str = "bds_long_test.parquet") -> Path:
    path = tmp_path / name
    _lait_frame(rows).to_parquet(path)
    return path


def test_revised_value_wins_and_every_row_has_a_reason(tmp_path):
    frame, rec = read_lait(_write(tmp_path, GOOD), indicators=ONE)
    england = frame[frame["la_number"] == 970].set_index("year")
    assert england.loc[2024, "value"] == 17 and england.loc[2024, "vintage"] == "revised"
    assert england.loc[2024, "period"] == "2024 (Rev)" and england.loc[2025, "vintage"] == ""
    assert set(frame.loc[frame["la_number"] == 302, "period"]) == {"2025", "2023-24"}
    assert frame.loc[frame["period"] == "2023-24", "year"].tolist() == [2024]
    assert rec.balanced and rec.rows_in == 7
    assert dict(zip(rec.set_aside["row"], rec.set_aside["reason"], strict=True)) == {
        1: "superseded by a later vintage", 6: "indicator not selected", 7: "year not understood"}


def test_dash_is_a_marker_not_a_zero(tmp_path):
    rows = [GOOD[0], ("LACDistance", None, "2023", "Barnet", "-", 302.0, "Outer London")]
    frame, _ = read_lait(_write(tmp_path, rows), indicators=ONE)
    barnet = frame[frame["la_number"] == 302].iloc[0]
    assert pd.isna(barnet["value"]) and barnet["marker"] == "x" and barnet["code"] == "E09000003"


def test_two_rows_for_one_la_year_is_refused(tmp_path):
    # "2025" and "2024-25" both end in 2025 with the same (unmarked) vintage: which is right cannot be told
    rows = GOOD[:3] + [("LACDistance", None, "2025", "Barnet", "20", 302.0, "Outer London"),
                       ("LACDistance", None, "2024-25", "Barnet", "24", 302.0, "Outer London")]
    with pytest.raises(BadValueError, match="2 rows for the same indicator, LA number and year") as info:
        read_lait(_write(tmp_path, rows), indicators=ONE)
    assert info.value.row == 4


def test_fractions_for_a_percentage_indicator_are_refused(tmp_path):
    rows = [("LACDistance", LABEL, "2024", "England", "0.18", 970.0, "NA"),
            ("LACDistance", None, "2025", "Barnet", "0.24", 302.0, "Outer London")]
    with pytest.raises(BadValueError, match="look like fractions") as info:
        read_lait(_write(tmp_path, rows), indicators=ONE)
    assert info.value.column == "Values (LACDistance)" and info.value.row == 1


def test_wrong_tables_are_refused(tmp_path):
    with pytest.raises(BadValueError, match="'LACnum' is not in the file"):
        read_lait(_write(tmp_path, GOOD))
    relabelled = [("LACDistance", "Children in need rate per 10,000", "2024", "England", "18", 970.0, "NA")]
    with pytest.raises(BadValueError, match="DfE may have reused the code"):
        read_lait(_write(tmp_path, relabelled), indicators=ONE)
    with pytest.raises(FileFormatError, match="not a readable Parquet file"):
        read_lait(FIX / "new_placements_2025.csv")
    pd.DataFrame({"Short Desc": ["LACDistance"], "Years": ["2025"]}).to_parquet(tmp_path / "narrow.parquet")
    with pytest.raises(MissingColumnError, match="'Values'"):
        read_lait(tmp_path / "narrow.parquet")


def test_unknown_la_number_is_refused(tmp_path):
    rows = [GOOD[0], ("LACDistance", None, "2025", "Nowhere", "20", 999.0, "NA")]
    with pytest.raises(UnknownAuthorityError, match="999") as info:
        read_lait(_write(tmp_path, rows), indicators=ONE)
    assert info.value.row == 2


def test_other_indicator_kinds(tmp_path):
    rows = [("LACnum", "Number of Looked after Children", "2025", "England", "81770", 970.0, "NA"),
            ("LAC", "Children Looked after rate per 10,000", "2025", "England", "67", 970.0, "NA")]
    frame, _ = read_lait(_write(tmp_path, rows), indicators={k: INDICATORS[k] for k in ("LACnum", "LAC")})
    assert frame.set_index("indicator")["value"].to_dict() == {"LAC": 67, "LACnum": 81770}
    custom = {"LACnum": Indicator("count", r"looked after")}
    assert len(read_lait(_write(tmp_path, rows), indicators=custom)[0]) == 1


@needs_raw
def test_la_code_list():
    codes = read_la_code_list(RAW / "dfe-statistical-neighbours" / "la_code_list.xlsx")
    assert len(codes) == 171
    assert codes["type"].value_counts().to_dict() == {"UA": 62, "MD": 36, "SC": 27, "OLB": 19, "ILB": 14, "NA": 13}
    assert codes.set_index("la_number").loc[987, "name"] == "London (Inner)"
