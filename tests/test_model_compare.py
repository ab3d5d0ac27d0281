"""Comparison, ranks, trends and statistical neighbours."""

import pandas as pd
import pytest

from sufficiency.errors import UnknownAuthorityError
from sufficiency.model.compare import (
    TREND_MEASURES,
    authority_detail,
    compare_authorities,
    ranks,
    similar_authorities,
    trend,
)
from sufficiency.model.measures import measures_all_years


def test_compare_differences_from_first(m2024):
    t = compare_authorities(m2024, ["E08000032", "E06000001", "E08000003"])
    assert t["code"].tolist() == ["E08000032", "E06000001", "E08000003"]
    assert t.loc[0, "local_bed_gap_diff"] == 0
    assert t.loc[1, "places_diff"] == t.loc[1, "places"] - t.loc[0, "places"]


def test_compare_unknown_code(m2024):
    with pytest.raises(UnknownAuthorityError, match="E99999999"):
        compare_authorities(m2024, ["E08000032", "E99999999"])


def test_ranks_hand_built():
    m = pd.DataFrame({"code": list("ABCD"), "region": ["R1", "R1", "R2", "R2"],
                      "local_bed_gap": pd.array([5, -2, 7, None], dtype="Float64")})
    r = ranks(m).set_index("code")
    assert r["rank_national"].tolist()[:3] == [2, 3, 1] and pd.isna(r.loc["D", "rank_national"])
    assert r.loc["A", "rank_region"] == 1 and r.loc["B", "rank_region"] == 2
    assert r.loc["A", "of_national"] == 3 and r.loc["C", "of_region"] == 1


def test_bradford_has_the_largest_gap_2024(m2024):
    assert ranks(m2024).set_index("code").loc["E08000032", "rank_national"] == 1


def test_neighbours_hand_built():
    m = pd.DataFrame({
        "code": list("ABCD"), "name": list("ABCD"), "region": ["R"] * 4,
        "children_in_homes": [10.0, 11.0, 100.0, 12.0], "places": [10.0, 11.0, 90.0, 40.0],
        "placed_outside_pct": [50.0, 50.0, 80.0, 55.0], "private_share": [0.5, 0.5, 0.9, 0.6],
        "net_gain": [0.0, 0.0, -20.0, 5.0],
    })
    n = similar_authorities(m, "A", n=2)
    assert n["code"].tolist() == ["B", "D"] and n["distance"].iloc[0] < n["distance"].iloc[1]


def test_neighbours_real_exclude_self_and_suppressed(m2024):
    n = similar_authorities(m2024, "E08000003", n=5)
    assert len(n) == 5 and "E08000003" not in n["code"].tolist()
    supp = set(m2024.loc[m2024["children_in_homes"].isna(), "code"])
    assert not supp & set(n["code"])
    assert similar_authorities(m2024, next(iter(supp))).empty


def test_trend_follows_predecessors(ds):
    allm = measures_all_years(ds)
    t = trend(allm, ds.authorities, "E06000061", "homes")
    assert set(t.loc[t["year"] <= 2021, "code"]) == {"E10000021"}
    assert set(t.loc[t["year"] >= 2022, "code"]) == {"E06000061"}
    assert t["year"].is_monotonic_increasing


def test_detail(ds, m2024):
    d = authority_detail(m2024, measures_all_years(ds), ds.authorities, "E08000003")
    assert d["measures"]["name"].item() == "Manchester"
    assert 1 <= d["ranks"]["rank_region"] <= d["ranks"]["of_region"]
    assert set(d["trend"]["measure"]) == set(TREND_MEASURES)
    trend = d["trend"].set_index(["measure", "year"])["value"]
    # DfE's own series follow the authority over the years too (LAIT LACDistance, Manchester)
    assert trend.loc[("placed_over_20_miles_outside_pct", 2016)] == pytest.approx(
        m_years(ds).query("code == 'E08000003' and year == 2016")["placed_over_20_miles_outside_pct"].item())
    assert d["similar"]["code"].tolist()[:1] != ["E08000003"]  # our own measure never lists the authority itself


def m_years(ds):
    return measures_all_years(ds)
