"""Regional concentration on the real data: DfE national figure, top regions, shares."""

import pytest

from sufficiency.model.measures import authority_measures
from sufficiency.model.regional import regional_concentration, top_regions_by_places

# where every source says most children's homes are (by places): the model must find them
CONCENTRATION_REGIONS = ("North West", "West Midlands", "South East")


@pytest.fixture(scope="module")
def r2024(ds):
    return regional_concentration(authority_measures(ds, 2024), ds.demand_totals).set_index("region")


def test_national_placed_outside_2024_agrees_with_dfe(r2024, ds):
    england = r2024.loc["England"]
    assert england["placed_outside"] == 5760 and england["placed_outside_pct"] == 67
    regions = r2024.drop(index="England")
    # Regional numbers are rounded to the nearest 10: nine of them are within 9 x 5 of the national.
    assert abs(regions["placed_outside"].sum() - 5760) <= 45
    # Children in homes: 5760 / 0.67 = 8597; the regions' derived totals agree within rounding.
    assert england["children_in_homes"] == 8597
    assert england["children_in_homes_low"] <= regions["children_in_homes"].sum() <= england["children_in_homes_high"]
    # What the authorities publish individually, plus what DfE suppresses, makes the national figure.
    la = authority_measures(ds, 2024)
    published = la["placed_outside"].sum()
    assert published == 4883 and int(england["authorities_without_demand"]) == 43
    assert 5760 - published == 877  # children in the 42 suppressed authorities (and City of London's z)


def test_north_west_west_midlands_south_east_have_most_places(ds):
    for year in (2019, 2020, 2021, 2022, 2023, 2024, 2025):
        r = regional_concentration(authority_measures(ds, year), ds.demand_totals)
        top = top_regions_by_places(r)
        assert set(top) == set(CONCENTRATION_REGIONS), year
        if year >= 2020:  # in 2019 the South East (1,454) was just ahead of the West Midlands (1,350)
            assert top == list(CONCENTRATION_REGIONS), year


def test_shares_sum_to_one_and_quotients(r2024):
    regions = r2024.drop(index="England")
    assert regions["places_share"].sum() == pytest.approx(1, abs=1e-3)
    assert regions["children_share"].sum() == pytest.approx(1, abs=1e-3)
    nw = r2024.loc["North West"]
    assert nw["places"] == 2632 and nw["location_quotient"] == pytest.approx(nw["places_share"] / nw["children_share"], abs=0.01)
    assert nw["location_quotient"] > 1.2 and r2024.loc["London", "location_quotient"] < 0.8
    assert r2024.loc["North West", "rank_places"] == 1


def test_2015_without_places_has_no_place_shares(ds):
    r = regional_concentration(authority_measures(ds, 2015), ds.demand_totals).set_index("region")
    assert r["places"].isna().all() and r["location_quotient"].isna().all()
    assert r.loc["England", "placed_outside"] == 3400 and int(r.loc["England", "homes"]) == 1850
