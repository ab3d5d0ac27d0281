"""The national model on the real embedded data, and its arithmetic on hand-built frames."""

import pandas as pd
import pytest

from sufficiency.model.demand import children_in_homes
from sufficiency.model.measures import authority_measures, measures_all_years, supply_by_code

# Counted by hand from provider_at_march_2025.csv: provision type "Children's home"
# (either capitalisation), registration status Active, short-break-only homes included,
# grouped by the region of the home's "Local authority". One home (SC475703) is in
# Lancashire by Ofsted's "Local authority" column but "Yorkshire and The Humber" by its
# "Government Office Region" column: counted by its authority, so North West has 1023 /
# 3213 here against 1022 / 3205 by the GOR column, and Yorkshire 360 / 1266 against 361 / 1274.
HAND_2025 = {
    "North West": (1023, 3213),
    "West Midlands": (628, 2132),
    "South East": (411, 1932),
    "East Midlands": (455, 1615),
    "East of England": (331, 1345),
    "Yorkshire and The Humber": (360, 1266),
    "London": (250, 1098),
    "North East": (214, 858),
    "South West": (263, 785),
}


def test_2025_england_totals_equal_the_hand_count(ds):
    m = authority_measures(ds, 2025)
    assert int(m["homes"].sum()) == 3935
    assert int(m["places"].sum()) == 14244
    by_region = m.groupby("region")[["homes", "places"]].sum()
    for region, (homes, places) in HAND_2025.items():
        assert (int(by_region.loc[region, "homes"]), int(by_region.loc[region, "places"])) == (homes, places), region


def test_2025_without_short_break_homes(ds):
    m = authority_measures(ds, 2025, include_short_breaks=False)
    assert (int(m["homes"].sum()), int(m["places"].sum())) == (3811, 13535)


def test_2025_has_no_demand_and_says_so(ds):
    m = authority_measures(ds, 2025)
    assert m["children_in_homes"].isna().all()
    assert (m["demand_note"] == "DfE has not published children in children's homes by authority for 2025").all()
    assert m["local_bed_gap"].isna().all()
    # but every DfE figure of 2025 that exists is there: Stockport's looked-after children (EES 2025 release)
    stockport = m.set_index("code").loc["E08000007"]
    assert stockport["children_looked_after"] == 485 and stockport["places"] > 0


def test_one_row_per_authority_2024(m2024):
    assert len(m2024) == 153 and m2024["code"].is_unique


def test_hartlepool_2024_by_hand(m2024):
    row = m2024.set_index("code").loc["E06000001"]
    # DfE: 25 placed outside = 54% -> 25 / 0.54 = 46.3 -> 46 children (bounds 45.9..46.7 -> 46..46)
    assert row["placed_outside"] == 25 and row["placed_outside_pct"] == 54
    assert row["children_in_homes"] == 46
    assert (row["children_in_homes_low"], row["children_in_homes_high"]) == (46, 46)
    assert row["local_bed_gap"] == 46 - row["places"]
    assert row["places_per_child"] == pytest.approx(row["places"] / 46, abs=1e-3)


def test_suppressed_demand_is_missing_not_zero(m2024):
    supp = m2024[m2024["demand_note"].str.contains("confidentiality")]
    assert len(supp) == 42
    assert supp["children_in_homes"].isna().all() and supp["local_bed_gap"].isna().all()
    assert supp["places"].notna().all()


def test_gap_sign_and_bounds(m2024):
    ok = m2024.dropna(subset=["local_bed_gap"])
    assert ((ok["local_bed_gap"] - (ok["children_in_homes"] - ok["places"])).abs() < 1e-9).all()
    assert (ok["local_bed_gap_low"] <= ok["local_bed_gap"]).all()
    assert (ok["local_bed_gap"] <= ok["local_bed_gap_high"]).all()


def test_2015_has_no_places_and_says_so(ds):
    m = authority_measures(ds, 2015)
    assert m["places"].isna().all() and int(m["homes"].sum()) == 1850
    assert (m["supply_note"] == "Ofsted did not publish places in 2015").all()


def test_predecessor_units_sum_their_councils(ds):
    m = authority_measures(ds, 2019).set_index("code")
    assert "E06000028" not in m.index  # Bournemouth is drawn with Dorset county and Poole
    dorset = m.loc["E10000009"]
    assert dorset["members"] == "E06000028;E06000029;E10000009"
    sup = ds.supply[(ds.supply["year"] == 2019) & (ds.supply["category"] == "childrens_home")]
    expected = sup[sup["code"].isin(["E06000028", "E06000029", "E10000009"])]["places"].sum()
    assert dorset["places"] == expected


def test_categories_add_up(ds):
    a = authority_measures(ds, 2024, ("childrens_home",))["places"].sum()
    b = authority_measures(ds, 2024, ("secure_childrens_home",))["places"].sum()
    both = authority_measures(ds, 2024, ("childrens_home", "secure_childrens_home"))["places"].sum()
    assert both == a + b and b > 0


def test_all_years_stack(ds):
    allm = measures_all_years(ds)
    assert sorted(allm["year"].unique()) == list(range(2014, 2026))


def test_children_in_homes_small_cases():
    n = pd.Series([25, 10, 0, None, 7], dtype="Int64")
    p = pd.Series([54, 100, 0, 50, None], dtype="Float64")
    got = children_in_homes(n, p)
    assert got["children_in_homes"].tolist()[:2] == [46, 10]
    # 100% (rounded) of 10: the true share is at least 99.5%, so 10 children exactly.
    assert got["children_in_homes_high"].iloc[1] == 10
    assert got["children_in_homes"].iloc[2:].isna().all()


def test_supply_by_code_hand_built():
    supply = pd.DataFrame({
        "year": [2024] * 4, "code": ["A", "A", "B", "B"],
        "category": ["childrens_home", "childrens_home", "childrens_home", "secure_childrens_home"],
        "sector": ["Private", "Local authority", "Private", "Local authority"],
        "short_break_only": ["no", "yes", "no", "no"],
        "homes": [2, 1, 3, 1], "places": [8, 3, 10, 6], "homes_no_places": [0, 0, 1, 0],
    })
    got = supply_by_code(supply, 2024).set_index("code")
    assert got.loc["A", "places"] == 11 and got.loc["A", "places_private"] == 8
    assert got.loc["B", "places"] == 10 and got.loc["B", "homes_no_places"] == 1
    assert supply_by_code(supply, 2024, include_short_breaks=False).set_index("code").loc["A", "places"] == 8
