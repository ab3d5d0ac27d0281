"""Tests for sufficiency.distances.scenarios: a change moves only what it should."""

import pandas as pd
import pytest

from sufficiency.distances.scenarios import apply_scenario, scenario_report
from sufficiency.errors import BadValueError, UnknownAuthorityError


def _two_clusters() -> pd.DataFrame:
    # North: N1, N2 10 km apart. South: S1, S2 10 km apart, 400 km from the north.
    return pd.DataFrame({"code": ["N1", "N2", "S1", "S2"], "name": ["North 1", "North 2", "South 1", "South 2"],
                         "easting": [0.0, 10_000.0, 0.0, 10_000.0],
                         "northing": [400_000.0, 400_000.0, 0.0, 0.0],
                         "places": [2.0, 10.0, 5.0, 5.0], "children_in_homes": [6.0, 4.0, 5.0, 5.0]})


def test_apply_scenario_adds_up():
    after = apply_scenario(_two_clusters(), [("N1", 4), ("N1", -1), ("S2", -5)])
    assert after["places"].tolist() == [5.0, 10.0, 5.0, 0.0]


def test_apply_scenario_errors():
    with pytest.raises(UnknownAuthorityError, match="X9"):
        apply_scenario(_two_clusters(), [("X9", 3)])
    with pytest.raises(BadValueError, match="cannot close 6 places: it has 2"):
        apply_scenario(_two_clusters(), [("N1", -6)])


def test_report_changes_only_affected():
    before = _two_clusters()
    after = apply_scenario(before, [("N1", 4)])
    report = scenario_report(before, after)
    # Only N1 changes: places 2 -> 6, gap 4 -> 0, radius 10 km -> 0, share 1 -> 1 (N2 is 10 km away)
    assert report["code"].tolist() == ["N1"]
    row = report.iloc[0]
    assert (row["places_before"], row["places_after"]) == (2.0, 6.0)
    assert (row["local_bed_gap_before"], row["local_bed_gap_after"]) == (4.0, 0.0)
    assert (row["sufficiency_radius_km_before"], row["sufficiency_radius_km_after"]) == (10.0, 0.0)
    assert row["name"] == "North 1"


def test_closure_moves_children_far():
    before = _two_clusters()
    after = apply_scenario(before, [("S2", -5)])
    report = scenario_report(before, after).set_index("code")
    assert report.index.tolist() == ["S2"]  # S1 keeps its own places; the north is untouched
    # S2's 5 children: S1 is full with its own, the north has 2 spare places 400 km away: share 1 -> 0
    assert report.loc["S2", "share_within_20_miles_before"] == 1.0
    assert report.loc["S2", "share_within_20_miles_after"] == 0.0
    # the radius ignores competition: S1's 5 places at 10 km are enough on paper
    assert report.loc["S2", "sufficiency_radius_km_after"] == 10.0
    assert (report.loc["S2", "local_bed_gap_before"], report.loc["S2", "local_bed_gap_after"]) == (0.0, 5.0)
