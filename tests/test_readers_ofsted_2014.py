"""Ofsted's providers at 30 September 2014 (biannual layout): totals recounted, legacy names matched."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd
import pytest

from sufficiency.errors import InputError
from sufficiency.readers.ofsted import read_ofsted_providers
from sufficiency.registry import normalise_name

REPO = Path(__file__).resolve().parent.parent
RAW = Path(os.environ.get("SUFFICIENCY_RAW", REPO.parent / "shared" / "data" / "raw"))
SEPT_14 = RAW / "ofsted-providers-extra" / "providers_at_sept_14.csv"
FIX = REPO / "tests" / "fixtures" / "dfe_series"
ALIASES = REPO / "data" / "reference" / "name_aliases.csv"
needs_raw = pytest.mark.skipif(not SEPT_14.exists(), reason=f"raw published file not available at {SEPT_14}")


@pytest.fixture(scope="module")
def sept_14():
    if not SEPT_14.exists():
        pytest.skip(f"raw published file not available at {SEPT_14}")
    return read_ofsted_providers(SEPT_14)


@needs_raw
def test_totals_match_an_independent_count(sept_14):
    frame, rec = sept_14
    rows = list(csv.DictReader(io.StringIO(SEPT_14.read_text(encoding="utf-8"))))
    homes = [r for r in rows if r["Provision Type"] == "Children's Home"]
    assert len(homes) == 1965 and sum(int(r["Max/Estimated Places"]) for r in homes) == 9076
    mine = frame[frame["category"] == "childrens_home"]
    assert len(mine) == 1965 and int(mine["places"].sum()) == 9076
    assert mine["sector"].value_counts().to_dict() == {"Private": 1343, "Local authority": 477, "Voluntary": 136,
                                                      "Health authority": 9}
    assert rec.rows_in == len(rows) == 2798 and rec.balanced
    assert rec.by_reason().set_index("reason")["rows"].to_dict() == {
        "provision type out of scope: Independent Fostering Agency": 303,
        "provision type out of scope: Boarding School": 86,
        "provision type out of scope: Voluntary Adoption Agency": 44,
        "provision type out of scope: Residential Family Centre": 43,
        "provision type out of scope: Further Education College": 40,
        "provision type out of scope: Adoption Support Agency": 36,
        "provision type out of scope: Secure Training Centre": 4}
    assert (frame["category"] == "secure_childrens_home").sum() == 14
    assert (frame["provision_type"] == "Residential special school (>295 days/year)").sum() == 83


@needs_raw
def test_snapshot_is_30_september_never_31_march(sept_14):
    frame, _ = sept_14
    assert frame.attrs["snapshot"] == "30 September 2014" and frame.attrs["layout"] == "biannual"
    assert frame["year"].unique().tolist() == [2014]
    assert "March" not in " ".join(str(v) for v in frame.attrs.values())
    assert set(frame["gor"]) == {"North West", "South East", "West Midlands", "South West", "London",
                                 "East of England", "Yorkshire and The Humber", "East Midlands", "North East"}


@needs_raw
def test_every_2014_local_authority_name_matches_one_authority(sept_14):
    """All 152 distinct names: 143 by the registry's name folding, 9 only through data/reference/name_aliases.csv."""
    frame, _ = sept_14
    raw_names = {r["LA"] for r in csv.DictReader(io.StringIO(SEPT_14.read_text(encoding="utf-8")))}
    names = pd.Series(sorted(raw_names))
    assert len(names) == 152 and set(frame["la_name"]) <= raw_names
    authorities = pd.read_csv(REPO / "data" / "authorities.csv", dtype={"first_year": "Int64", "last_year": "Int64"})
    existed = authorities[(authorities["first_year"].fillna(0) <= 2014) & (authorities["last_year"].fillna(9999) >= 2014)]
    aliases = pd.read_csv(ALIASES, dtype={"first_year": "Int64", "last_year": "Int64"})
    table = pd.concat([pd.DataFrame({"key": normalise_name(existed["name"]), "code": existed["code"], "how": "name"}),
                       pd.DataFrame({"key": normalise_name(aliases["alias"]), "code": aliases["code"], "how": "alias"})])
    table = table.drop_duplicates(["key", "code"])
    matched = pd.DataFrame({"la": names, "key": normalise_name(names)}).merge(table, on="key", how="left")
    assert matched["code"].notna().all(), matched.loc[matched["code"].isna(), "la"].tolist()
    assert matched.groupby("la")["code"].nunique().eq(1).all() and matched["code"].nunique() == 152
    assert sorted(matched.loc[matched["how"] == "alias", "la"]) == [
        "Bath & NE Somerset", "Bedford Borough", "Blackburn", "Bristol City", "Leicester City", "Medway Towns",
        "Newcastle", "Nottingham City", "West Berkshire (Newbury)"]
    by_name = matched.set_index("la")["code"]
    assert by_name[["Medway Towns", "Stockton on Tees", "Barking & Dagenham"]].tolist() == [
        "E06000035", "E06000004", "E09000002"]


def test_aliases_file_keeps_the_registry_aliases_and_valid_codes():
    aliases = pd.read_csv(ALIASES, dtype="str", keep_default_na=False)
    assert aliases.columns.tolist()[:4] == ["alias", "code", "first_year", "last_year"]
    authorities = pd.read_csv(REPO / "data" / "authorities.csv", dtype="str")
    assert aliases["code"].isin(authorities["code"]).all() and not aliases["alias"].duplicated().any()
    keys = dict(zip(normalise_name(aliases["alias"]), aliases["code"], strict=True))
    # the aliases hard-coded in the first version of data/reference/name_aliases.csv
    for code, names in {"E06000058": ["bournemouth christchurch and poole", "bcp"], "E06000047": ["durham"],
                        "E06000023": ["bristol"], "E06000010": ["kingston upon hull", "hull"],
                        "E06000019": ["herefordshire"], "E10000009": ["dorset"]}.items():
        assert all(keys[n] == code for n in names)
    assert aliases.set_index("alias").loc["Dorset", "last_year"] == "2019"


def test_hand_made_biannual_file():
    frame, rec = read_ofsted_providers(FIX / "providers_at_sept_14_sample.csv")
    assert frame["urn"].tolist() == ["SC000001", "SC000002", "SC000003", "SC000005"]
    assert frame["places"].tolist() == [4, 6, 12, 30] and frame["year"].unique().tolist() == [2014]
    assert frame["la_name"].tolist() == ["Medway Towns", "Bristol City", "Barking & Dagenham", "Stockton on Tees"]
    assert frame.attrs["snapshot"] == "30 September 2014"
    assert dict(zip(rec.set_aside["row"], rec.set_aside["reason"], strict=True)) == {
        5: "provision type out of scope: Independent Fostering Agency", 7: "places missing", 8: "duplicate URN",
        9: "provision type out of scope: Secure Training Centre"}
    assert rec.balanced


def test_biannual_file_must_say_its_date():
    with pytest.raises(InputError, match="31 March or 30 September"):
        read_ofsted_providers(FIX / "providers_biannual_undated.csv", year=2014)


def test_annual_files_are_still_31_march():
    frame, _ = read_ofsted_providers(REPO / "tests" / "fixtures" / "readers" / "provider_at_march_2031.csv")
    assert frame.attrs["snapshot"] == "31 March 2031" and frame.attrs["layout"] == "annual"
