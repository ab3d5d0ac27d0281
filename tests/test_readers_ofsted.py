"""Tests for sufficiency.readers.ofsted: hand-made layouts and every real Ofsted file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from rawdata import RAW, csv_records, needs_raw

from sufficiency.errors import InputError
from sufficiency.readers.ofsted import NORTH_EAST_LAS, read_ofsted_providers

FIX = Path(__file__).parent / "fixtures" / "readers"
YEARS = [2015, 2019, 2020, 2021, 2022, 2023, 2024, 2025]
OFSTED = RAW / "ofsted-providers"


def test_fixture_with_title_rows_every_row_accounted_for():
    df, rec = read_ofsted_providers(FIX / "ofsted_title_rows.csv")
    assert rec.balanced and rec.rows_in == 11 and rec.rows_used == 5
    assert df["year"].unique().tolist() == [2030]
    assert df["urn"].tolist() == ["SC000001", "SC000002", "SC000005", "SC000006", "SC000009"]
    assert df["category"].tolist() == ["childrens_home", "childrens_home", "residential_special_school",
                                       "secure_childrens_home", "residential_special_school"]
    assert df["registered_as_childrens_home"].tolist() == [True, True, True, True, False]
    assert df["places"].tolist() == [4, 3, 1020, 8, 40]
    assert df["short_break_only"].tolist() == [False, True, False, False, False]
    assert df["sector"].tolist() == ["Private", "Local authority", "Voluntary", "Local authority", "Academy"]
    assert df["gor"].tolist()[:2] == ["Yorkshire and The Humber", "North East"]
    assert df["source_row"].tolist() == [5, 6, 9, 10, 15]
    reasons = dict(zip(rec.set_aside["row"], rec.set_aside["reason"], strict=True))
    assert reasons == {7: "provision type out of scope: Independent Fostering Agency",
                       8: "not active: Suspended", 11: "no local authority",
                       12: "places not a number", 13: "duplicate URN", 14: "blank row"}


def test_two_row_header_year_from_file_name():
    df, rec = read_ofsted_providers(FIX / "provider_at_march_2031.csv")
    assert df["year"].tolist() == [2031, 2031] and rec.rows_in == 2
    assert df["places"].sum() == 7


def test_year_argument_wins_and_missing_year_is_an_error():
    df, _ = read_ofsted_providers(FIX / "ofsted_semicolon.csv", year=2029)
    assert df["year"].unique().tolist() == [2029]
    assert df["gor"].tolist() == ["Yorkshire and The Humber", "North East"]
    with pytest.raises(InputError, match="could not tell the year"):
        read_ofsted_providers(FIX / "ofsted_semicolon.csv")


def test_cp1252_curly_apostrophe_is_a_childrens_home():
    df, _ = read_ofsted_providers(FIX / "ofsted_cp1252.csv")
    assert df.attrs["encoding"] == "cp1252"
    assert df.loc[0, "category"] == "childrens_home" and df.loc[0, "constituency"] == "St Helens North \u2013 East"
    assert df.loc[0, "year"] == 2030


def test_bom_and_line_breaks_in_header():
    df, rec = read_ofsted_providers(FIX / "ofsted_bom_linebreaks.csv")
    assert df["places"].tolist() == [4, 3] and rec.rows_in == 2


def test_2015_layout_no_places_and_merged_region_split_by_authority():
    df, rec = read_ofsted_providers(FIX / "provider_at_march_2015_style.csv", year=2015)
    assert df.attrs["places_published"] is False
    assert df["places"].isna().all() and str(df["places"].dtype) == "Int64"
    assert df["gor"].tolist() == ["North East", "Yorkshire and The Humber", "South West"]
    assert df["ofsted_region"].tolist()[0] == "North East, Yorkshire and the Humber"
    assert df["short_break_only"].tolist() == [False, True, False]
    assert df["registered_as_childrens_home"].tolist() == [True, True, True]
    assert df["constituency"].tolist() == ["", "", ""]
    assert rec.rows_in == 5 and rec.rows_used == 3 and rec.balanced


# ---------------------------------------------------------------- real files


def _count_data_rows(path: Path) -> int:
    """Independent count: records after the row that holds 'URN', via the csv module."""
    records = csv_records(path)
    header = next(i for i, r in enumerate(records) if "URN" in r)
    return len(records) - header - 1


@needs_raw
@pytest.mark.parametrize("year", YEARS)
def test_every_real_file_balances(year):
    path = OFSTED / f"provider_at_march_{year}.csv"
    df, rec = read_ofsted_providers(path)
    assert rec.rows_in == rec.rows_used + rec.rows_set_aside
    assert rec.rows_in == _count_data_rows(path)
    assert df["year"].eq(year).all()
    assert df["urn"].is_unique and (df["la_name"] != "").all()
    assert set(df["category"]) == {"childrens_home", "secure_childrens_home", "residential_special_school"}
    assert df.attrs["places_published"] is (year != 2015)
    nine = {"North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
            "East of England", "London", "South East", "South West"}
    assert set(df["gor"]) == nine


# Hard-coded from a hand count of provider_at_march_2025.csv (pandas, outside the reader):
# "Children's home" (either capitalisation), Registration status Active, short-break-only
# homes included.
HOMES_2025 = {"North West": (1022, 3205), "West Midlands": (628, 2132), "South East": (411, 1932),
              "East Midlands": (455, 1615), "East of England": (331, 1345),
              "Yorkshire and The Humber": (361, 1274), "London": (250, 1098), "North East": (214, 858),
              "South West": (263, 785)}


@needs_raw
def test_2025_childrens_homes_hand_count():
    path = OFSTED / "provider_at_march_2025.csv"
    raw = pd.read_csv(path, skiprows=3, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [" ".join(c.split()) for c in raw.columns]
    homes = raw[(raw["Provision type"].str.lower() == "children's home") & (raw["Registration status"] == "Active")]
    by_gor = homes.assign(p=pd.to_numeric(homes["Places"])).groupby("Government Office Region")["p"]
    counted = {g: (int(n), int(s)) for g, n, s in zip(by_gor.size().index, by_gor.size(), by_gor.sum(), strict=True)}
    assert counted == HOMES_2025

    df, _ = read_ofsted_providers(path)
    ch = df[df["category"] == "childrens_home"]
    assert len(ch) == 3935 and int(ch["places"].sum()) == 14244
    mine = ch.groupby("gor")["places"].agg(["size", "sum"])
    assert {g: (int(r["size"]), int(r["sum"])) for g, r in mine.iterrows()} == HOMES_2025
    top3 = mine["sum"].sort_values(ascending=False).index[:3].tolist()
    assert top3 == ["North West", "West Midlands", "South East"]
    # short-break-only homes are in the count: 124 homes, 709 places
    sb = ch[ch["short_break_only"].astype(bool)]
    assert (len(sb), int(sb["places"].sum())) == (124, 709)
    # the provenance's "about 3,950 homes / 14,300 places" also counts the 11 suspended homes
    _, rec = read_ofsted_providers(path)
    suspended = rec.set_aside[rec.set_aside["reason"] == "not active: Suspended"]
    susp_homes = raw.loc[raw.index.isin(suspended["row"] - 5)]
    susp_homes = susp_homes[susp_homes["Provision type"].str.lower() == "children's home"]
    assert len(susp_homes) == 11 and pd.to_numeric(susp_homes["Places"]).sum() == 31
    assert (3935 + 11, 14244 + 31) == (3946, 14275)


@needs_raw
def test_north_east_split_matches_the_published_gor_in_later_years():
    """The 2015 split by authority name agrees with the GOR column of 2019-2025."""
    for year in YEARS[1:]:
        df, _ = read_ofsted_providers(OFSTED / f"provider_at_march_{year}.csv")
        ne_yh = df[df["ofsted_region"] == "North East, Yorkshire and the Humber"]
        expected = ne_yh["la_name"].str.casefold().isin(NORTH_EAST_LAS).map(
            {True: "North East", False: "Yorkshire and The Humber"})
        assert (expected == ne_yh["gor"]).all(), year


@needs_raw
def test_2015_real_file():
    df, rec = read_ofsted_providers(OFSTED / "provider_at_march_2015.csv")
    assert rec.rows_in == 2608 and rec.rows_used == 2112
    assert (df["category"] == "childrens_home").sum() == 1850
    assert df["short_break_only"].sum() == 196  # every "Yes" is an active in-scope provider
    assert (df["gor"] == "North East").sum() == 123
