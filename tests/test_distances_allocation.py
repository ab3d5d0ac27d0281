"""Tests for sufficiency.distances.allocation on hand-solvable transportation problems."""

import time

import numpy as np
import pandas as pd
import pytest

from sufficiency.distances.allocation import allocation_note, optimal_allocation


def _three() -> pd.DataFrame:
    # AB = 20 km, BC = 40 km, AC = sqrt(20^2 + 40^2) = 44.72 km.
    return pd.DataFrame({"code": ["A", "B", "C"], "easting": [0.0, 20_000.0, 20_000.0],
                         "northing": [0.0, 0.0, 40_000.0], "places": [2.0, 3.0, 10.0],
                         "children_in_homes": [4.0, 3.0, 5.0]})


def test_three_by_three_by_hand():
    flows, summary = optimal_allocation(_three())
    # A's 2 extra children: from C directly (2 x 44.72 = 89.44 km) beats moving B's
    # children to C and A's to B (2 x 20 + 2 x 40 = 120 km).
    got = {(f, t): c for f, t, c in zip(flows["from_code"], flows["to_code"], flows["children"], strict=True)}
    assert got == {("A", "A"): 2, ("A", "C"): 2, ("B", "B"): 3, ("C", "C"): 5}
    s = summary.set_index("code")
    ac = np.hypot(20, 40)
    assert s.loc["A", "share_within_20_miles"] == 0.5  # 44.72 km > 32.19 km
    assert s.loc["A", "mean_distance_km"] == pytest.approx(2 * ac / 4)
    assert s.loc["B", "share_within_20_miles"] == 1.0
    assert s["unplaced"].sum() == 0
    assert allocation_note(summary) == "All 12 children in homes fit in the registered places."


def test_demand_over_supply_reports_unplaced():
    frame = _three()
    frame["places"] = [1.0, 0.0, 2.0]
    frame["children_in_homes"] = [3.0, 0.4, 2.6]  # rounded to 3, 0, 3
    flows, summary = optimal_allocation(frame)
    s = summary.set_index("code")
    assert int(s["allocated"].sum()) == 3
    assert int(s["unplaced"].sum()) == 3
    assert s.loc["B", "children_in_homes"] == 0
    assert "3 could not be placed" in allocation_note(summary)


def test_unknown_demand_left_out():
    frame = _three()
    frame.loc[2, "children_in_homes"] = np.nan
    _, summary = optimal_allocation(frame)
    s = summary.set_index("code")
    assert pd.isna(s.loc["C", "children_in_homes"]) and np.isnan(s.loc["C", "share_within_20_miles"])
    assert s.loc["A", "share_within_20_miles"] == 0.5


def test_150_authorities_in_seconds():
    rng = np.random.default_rng(7)
    n = 150
    frame = pd.DataFrame({"code": [f"E06{i:06d}" for i in range(n)], "easting": rng.uniform(1e5, 6.5e5, n),
                          "northing": rng.uniform(5e4, 6.5e5, n), "places": rng.integers(0, 250, n).astype(float),
                          "children_in_homes": rng.uniform(0, 200, n)})
    start = time.perf_counter()
    flows, summary = optimal_allocation(frame)
    assert time.perf_counter() - start < 10
    demand = np.rint(frame["children_in_homes"]).sum()
    assert int(summary["allocated"].sum() + summary["unplaced"].sum()) == demand
    placed_in = flows.groupby("to_code")["children"].sum().reindex(frame["code"], fill_value=0).to_numpy()
    assert (placed_in <= frame["places"].to_numpy()).all()
