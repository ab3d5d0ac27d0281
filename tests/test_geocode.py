"""Tests for geo.geocode: tolerant postcode formatting and offline lookup."""

import time

import numpy as np
import pandas as pd
import pytest

from geo.geocode import geocode, normalise_postcode


def _directory() -> pd.DataFrame:
    """A tiny hand-made postcode directory (BNG metres)."""
    return pd.DataFrame(
        {
            "postcode": ["SK1 1AA", "SK1 1AB", "SK1 2AA", "SK2 5AA"],
            "postcode_key": ["SK11AA", "SK11AB", "SK12AA", "SK25AA"],
            "easting": [1000.0, 3000.0, 5000.0, 9000.0],
            "northing": [100.0, 300.0, 500.0, 900.0],
            "lad_code": ["E08000007", "E08000007", "E07000037", "E08000007"],
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
    assert got["precision"].tolist() == ["postcode", "sector", "district", "unknown", "unknown", "district"]
    # exact postcode
    assert (got.loc[0, "easting"], got.loc[0, "northing"]) == (3000.0, 300.0)
    # sector SK1 1: mean of SK1 1AA and SK1 1AB
    assert (got.loc[1, "easting"], got.loc[1, "northing"]) == (2000.0, 200.0)
    # district SK1: mean of three postcodes; modal district E08000007 (2 of 3)
    assert got.loc[2, "easting"] == pytest.approx(3000.0)
    assert got.loc[2, "northing"] == pytest.approx(300.0)
    assert got.loc[2, "lad_code"] == "E08000007"
    # unknown: no coordinates, never guessed
    assert np.isnan(got.loc[3, "easting"]) and pd.isna(got.loc[3, "lad_code"])
    assert got.loc[5, "easting"] == 9000.0
    assert got["input"].tolist()[0] == "sk11ab"


def test_geocode_real_postcodes():
    got = geocode(pd.Series(["sk11aa", "M1  1AE", "sw1a1aa", "ZZ99 9ZZ"]))
    assert got.loc[0, ["easting", "northing"]].tolist() == [389357.0, 390095.0]
    assert got.loc[1, ["easting", "northing"]].tolist() == [384756.0, 398553.0]
    assert got.loc[0, "lad_code"] == "E08000007"  # Stockport
    assert got.loc[2, "lad_code"] == "E09000033"  # Westminster
    assert got.loc[3, "precision"] == "unknown"


def test_geocode_100k_fast():
    from geo.postcodes import load_postcodes

    geocode(pd.Series(["SK1 1AA"]))  # warm the cached tables
    sample = load_postcodes()["postcode_key"].sample(100_000, random_state=4).str.lower()
    start = time.perf_counter()
    got = geocode(sample)
    elapsed = time.perf_counter() - start
    assert (got["precision"] == "postcode").all()
    assert elapsed < 5.0
