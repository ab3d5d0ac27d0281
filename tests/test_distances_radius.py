"""Tests for sufficiency.distances.radius: hand-computed radii and 2SFCA index."""

import numpy as np
import pandas as pd
import pytest

from sufficiency.distances.catchment import two_step_fca
from sufficiency.distances.radius import sufficiency_radius


def _line() -> pd.DataFrame:
    # A, B, C on a line at 0, 10 and 30 km (BNG metres).
    return pd.DataFrame({"code": ["A", "B", "C", "D"], "easting": [0.0, 10_000.0, 30_000.0, 500_000.0],
                         "northing": [0.0, 0.0, 0.0, 0.0], "places": [2.0, 3.0, 10.0, np.nan],
                         "children_in_homes": [4.0, 3.0, 20.0, np.nan]})


def test_radius_hand_computed():
    got = sufficiency_radius(_line()).set_index("code")
    # A: own 2 < 4, with B (10 km) 5 >= 4 -> 10 km. B: own 3 >= 3 -> 0.
    assert got.loc["A", "sufficiency_radius_km"] == 10.0
    assert got.loc["B", "sufficiency_radius_km"] == 0.0
    # C: 10 + 3 + 2 = 15 < 20 everywhere -> never reached
    assert np.isinf(got.loc["C", "sufficiency_radius_km"])
    assert "fewer" in got.loc["C", "radius_note"]
    assert np.isnan(got.loc["D", "sufficiency_radius_km"])
    assert got.loc["D", "radius_note"] == "children in homes not known"
    assert got.loc["A", "radius_note"] == ""


def test_two_step_fca_hand_computed():
    got = two_step_fca(_line(), catchment_km=15.0).set_index("code")["access_index"]
    # Only A-B are within 15 km. R_A = 2/7, R_B = 3/7, R_C = 10/20.
    assert got["A"] == pytest.approx(5 / 7)
    assert got["B"] == pytest.approx(5 / 7)
    assert got["C"] == pytest.approx(0.5)
    assert np.isnan(got["D"])


def test_two_step_fca_default_catchment_is_20_miles():
    frame = _line()
    frame.loc[1, "easting"] = 32_186.88  # exactly 20 miles from A: inside
    got = two_step_fca(frame).set_index("code")["access_index"]
    # A-B (32.18688 km) inside, B-C (2.18688 km) inside, A-C (30 km) inside: one catchment of all three.
    assert got["A"] == pytest.approx(15 / 27)
