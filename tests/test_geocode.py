"""Tests for geo.geocode: tolerant postcode formatting and offline lookup through the index."""

import numpy as np
import pandas as pd
import pytest

from geo.geocode import geocode, normalise_postcode
from geo.postcodes import default_index, find
from sufficiency.errors import BadValueError, MissingColumnError

COLUMNS = ["input", "postcode", "easting", "northing", "lad_code", "precision"]


def _directory() -> pd.DataFrame:
    """A tiny hand-made postcode directory (BNG metres)."""
    return pd.DataFrame(
        {
            "postcode_key": ["SK11AA", "SK11AB", "SK12AA", "SK25AA", "EC1A1BB", "M11AE"],
            "easting": [1000.0, 3000.0, 5000.0, 9000.0, 531073.0, 384756.0],
            "northing": [100.0, 300.0, 500.0, 900.0, 182317.0, 398553.0],
            "lad_code": ["E08000007", "E08000007", "E07000037", "E08000007", "E09000001", "E08000003"],
        }
    )


def test_normalise_postcode_tolerant():
    given = pd.Series(["sk11aa", "SK1  1AA", " sk1 1aa", "ec1a1bb", "SK1 1", "SK11", "m1 1ae ", "hello", None, "SK1 1A"])
    out = normalise_postcode(given).tolist()
    assert out[:4] == ["SK1 1AA", "SK1 1AA", "SK1 1AA", "EC1A 1BB"]
    assert out[4] == "SK1 1"  # sector, written with a space
    assert out[5] == "SK11"  # a district: "SK11" is Macclesfield, not sector "SK1 1"
    assert out[6] == "M1 1AE"
    assert pd.isna(out[7]) and pd.isna(out[8]) and pd.isna(out[9])


def test_geocode_precision_and_centroids():
    got = geocode(pd.Series(["sk11ab", "SK1 1ZZ", "SK1 9ZZ", "SK9 9ZZ", "nonsense", "SK2"]), directory=_directory())
    assert list(got.columns) == COLUMNS  # geometry only: no authority columns
    assert got["precision"].tolist() == ["postcode", "sector", "district", "unknown", "unknown", "district"]
    # exact postcode
    assert (got.loc[0, "easting"], got.loc[0, "northing"]) == (3000.0, 300.0)
    # sector SK1 1: mean of SK1 1AA and SK1 1AB
    assert (got.loc[1, "easting"], got.loc[1, "northing"]) == (2000.0, 200.0)
    # district SK1: mean of three postcodes (1000+3000+5000)/3; modal district E08000007 (2 of 3)
    assert got.loc[2, "easting"] == pytest.approx(3000.0)
    assert got.loc[2, "northing"] == pytest.approx(300.0)
    assert got.loc[2, "lad_code"] == "E08000007"
    # unknown: no coordinates, never guessed
    assert np.isnan(got.loc[3, "easting"]) and pd.isna(got.loc[3, "lad_code"])
    assert pd.isna(got.loc[4, "postcode"]) and np.isnan(got.loc[4, "northing"])
    assert got.loc[5, "easting"] == 9000.0
    assert got["input"].tolist()[0] == "sk11ab"
    assert got.loc[1, "postcode"] == "SK1 1ZZ"


def test_geocode_messy_formatting_finds_the_same_point():
    given = pd.Series(["ec1a1bb", " EC1A  1BB ", "Ec1A 1bB", "m11ae", "M1   1AE", "sk1 1ab\t"])
    got = geocode(given, directory=_directory())
    assert (got["precision"] == "postcode").all()
    assert got["postcode"].tolist() == ["EC1A 1BB"] * 3 + ["M1 1AE"] * 2 + ["SK1 1AB"]
    assert got["easting"].tolist() == [531073.0] * 3 + [384756.0] * 2 + [3000.0]
    assert got["lad_code"].tolist() == ["E09000001"] * 3 + ["E08000003"] * 2 + ["E08000007"]


def test_geocode_sector_and_district_inputs():
    got = geocode(pd.Series(["sk1 1", "SK1 2", "SK1", "sk11", "EC1A", "EC1A 1"]), directory=_directory())
    assert got["precision"].tolist() == ["sector", "sector", "district", "unknown", "district", "sector"]
    assert got["easting"].tolist()[:3] == [2000.0, 5000.0, pytest.approx(3000.0)]
    assert got.loc[1, "lad_code"] == "E07000037"  # SK1 2's only postcode is in High Peak
    assert got.loc[4, "northing"] == 182317.0


def test_modal_district_tie_goes_to_the_lowest_code():
    directory = pd.DataFrame({"postcode_key": ["AB11AA", "AB11AB"], "easting": [10, 30], "northing": [0, 2],
                              "lad_code": ["E07000002", "E07000001"]})
    got = geocode(pd.Series(["AB1 1ZZ", "AB1"]), directory=directory)
    assert got["lad_code"].tolist() == ["E07000001", "E07000001"]
    assert got["easting"].tolist() == [20.0, 20.0] and got["northing"].tolist() == [1.0, 1.0]


def test_geocode_keeps_input_order_and_resets_the_index():
    given = pd.Series(["M1 1AE", None, "sk11aa"], index=[10, 3, 7])
    got = geocode(given, directory=_directory())
    assert got.index.tolist() == [0, 1, 2]
    assert got["easting"].tolist()[::2] == [384756.0, 1000.0]
    assert got.loc[1, "precision"] == "unknown" and pd.isna(got.loc[1, "input"])


def test_geocode_empty_input():
    got = geocode(pd.Series([], dtype="string"), directory=_directory())
    assert list(got.columns) == COLUMNS and len(got) == 0


def test_directory_problems_are_reported_together():
    with pytest.raises(MissingColumnError) as missing:
        geocode(pd.Series(["SK1 1AA"]), directory=_directory().drop(columns=["easting", "lad_code"]))
    assert [p.column for p in missing.value.problems] == ["easting", "lad_code"]
    bad = _directory()
    bad.loc[0, "easting"] = 1000.5
    bad.loc[1, "postcode_key"] = "NOT A POSTCODE"
    with pytest.raises(BadValueError) as wrong:
        geocode(pd.Series(["SK1 1AA"]), directory=bad)
    assert {p.column for p in wrong.value.problems} == {"easting", "postcode_key"}
    twice = pd.concat([_directory(), _directory().iloc[[0]]])
    twice.iloc[-1, 0] = "sk1 1aa"  # the same postcode written differently
    with pytest.raises(BadValueError, match="more than once"):
        geocode(pd.Series(["SK1 1AA"]), directory=twice)


def test_geocode_real_postcodes():
    got = geocode(pd.Series(["sk11aa", "M1  1AE", "sw1a1aa", "ZZ99 9ZZ", "EC1A 1BB"]))
    assert got.loc[0, ["easting", "northing"]].tolist() == [389357.0, 390095.0]
    assert got.loc[1, ["easting", "northing"]].tolist() == [384756.0, 398553.0]
    assert got.loc[4, ["easting", "northing"]].tolist() == [531073.0, 182317.0]
    assert got.loc[0, "lad_code"] == "E08000007"  # Stockport
    assert got.loc[1, "lad_code"] == "E08000003"  # Manchester
    assert got.loc[2, "lad_code"] == "E09000033"  # Westminster
    assert got.loc[3, "precision"] == "unknown"
    assert got["precision"].tolist().count("postcode") == 4


def test_geocode_100k_real_postcodes_match_the_index():
    index = default_index()
    rng = np.random.default_rng(4)
    rows = np.sort(rng.choice(len(index), 100_000, replace=False))
    keys = pd.Series(np.asarray(index.keys[rows]).astype("U8")).str.lower()
    got = geocode(keys)
    assert (got["precision"] == "postcode").all()
    assert np.array_equal(got["easting"].to_numpy(), np.asarray(index.easting[rows], dtype=float))
    assert np.array_equal(got["northing"].to_numpy(), np.asarray(index.northing[rows], dtype=float))
    assert (got["lad_code"].to_numpy(dtype=str) == index.lad_codes[index.lad[rows]]).all()


def test_real_sector_fallback_uses_the_sector_centroid():
    index = default_index()
    sectors = np.asarray(index.sectors.keys[::50]).astype("U8")
    unit = pd.Series(sectors).str.cat(["ZZ"] * len(sectors))  # "SK1 1" -> "SK1 1ZZ"
    unit = unit[find(index.keys, np.asarray(unit.str.replace(" ", ""), dtype="S8")) < 0]  # real ones left out
    got = geocode(unit)
    assert (got["precision"] == "sector").all() and len(got) > 150
    at = find(index.sectors.keys, np.asarray(unit.str.slice(0, -2), dtype="S8"))
    assert np.array_equal(got["easting"].to_numpy(), index.sectors.easting[at])
    assert (got["lad_code"].to_numpy(dtype=str) == index.lad_codes[index.sectors.lad[at]]).all()
