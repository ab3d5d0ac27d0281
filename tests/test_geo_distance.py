"""Tests for geo.distance: BNG Euclidean distances, unit conversion, bands."""

import numpy as np
import pandas as pd
import pytest

from geo.distance import (
    BAND_KM,
    KM_PER_MILE,
    distance_band,
    distance_m,
    distance_matrix,
    km_to_miles,
    miles_to_km,
    straight_line_distances,
)
from geo.geocode import geocode


def test_conversion_exact():
    assert KM_PER_MILE == 1.609344
    assert miles_to_km(20) == pytest.approx(32.18688, abs=1e-12)
    assert BAND_KM == pytest.approx(32.18688, abs=1e-12)
    assert km_to_miles(1.609344) == 1.0
    assert km_to_miles(160.9344) == pytest.approx(100.0, abs=1e-12)


def test_distance_m_pythagoras():
    assert distance_m(0, 0, 3000, 4000) == 5000.0
    assert np.isnan(distance_m(0, 0, np.nan, 1))


def test_real_postcodes_to_the_metre():
    pts = geocode(pd.Series(["SK1 1AA", "M1 1AE", "SW1A 1AA", "EC1A 1BB"]))
    # SK1 1AA (389357, 390095) to M1 1AE (384756, 398553): sqrt(4601^2 + 8458^2) = 9628.446 m
    # SW1A 1AA (529090, 179645) to EC1A 1BB (531073, 182317): sqrt(1983^2 + 2672^2) = 3327.442 m
    got = straight_line_distances(pts.loc[[0, 2], ["easting", "northing"]], pts.loc[[1, 3], ["easting", "northing"]])
    assert got["distance_km"].tolist() == pytest.approx([9.628446, 3.327442], abs=1e-6)
    assert got["distance_miles"].tolist() == pytest.approx([9.628445617 / 1.609344, 3.327442411 / 1.609344], abs=1e-8)
    assert got["band"].tolist() == ["within 20 miles", "within 20 miles"]
    assert (got["distance_method"] == "straight line").all()
    # Stockport to Westminster: sqrt(139733^2 + 210450^2) = 252615.347 m = 156.967 miles
    far = straight_line_distances(pts.loc[[0], ["easting", "northing"]], pts.loc[[2], ["easting", "northing"]])
    assert far.loc[0, "distance_km"] == pytest.approx(252.615347, abs=1e-6)
    assert far.loc[0, "band"] == "over 20 miles"


def test_band_edge_is_within():
    got = distance_band(np.array([20.0, 20.0000001, 0.0, np.nan]))
    assert got.iloc[0] == "within 20 miles"
    assert got.iloc[1] == "over 20 miles"
    assert got.iloc[2] == "within 20 miles"
    assert pd.isna(got.iloc[3])


def test_distance_matrix():
    a = np.array([[0.0, 0.0], [3000.0, 0.0]])
    b = pd.DataFrame({"easting": [0.0, 3000.0, 0.0], "northing": [0.0, 4000.0, 8000.0]})
    got = distance_matrix(a, b)
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got, [[0.0, 5.0, 8.0], [3.0, 4.0, np.hypot(3, 8)]])
