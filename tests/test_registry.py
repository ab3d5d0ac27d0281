"""The authority registry: names, codes, reorganisations, districts (real tables + small cases)."""

import pandas as pd
import pytest

from sufficiency.errors import UnknownAuthorityError
from sufficiency.model.units import display_units
from sufficiency.registry import (
    REGIONS,
    check_codes,
    district_table,
    lad_to_upper_tier,
    lineage,
    match_names,
    normalise_name,
    resolve_codes,
    upper_tier_codes,
    valid_in,
)


def test_table_has_153_current_authorities_in_nine_regions(ds):
    a = ds.authorities
    assert a["code"].is_unique
    assert int(a["current"].sum()) == 153
    assert len(a) == 158  # plus Bournemouth, Poole, Dorset county, Northamptonshire, Cumbria
    assert set(a["region"]) == set(REGIONS)
    assert a.loc[a["code"] == "E09000001", "region"].item() == "London"
    assert (a.groupby("region").size()["London"]) == 33


def test_normalise_folds_ofsted_spellings():
    names = pd.Series(["Bristol, City of", "St. Helens", "County Durham", "Durham", "Brighton & Hove"])
    assert normalise_name(names).tolist() == ["bristol", "st helens", "durham", "durham", "brighton and hove"]


def test_match_names_is_year_aware(ds):
    names = pd.Series(["Dorset", "Dorset", "Bristol, City of", "St. Helens", "Durham",
                       "Bournemouth, Christchurch & Poole", "Cardiff", ""])
    years = pd.Series([2019, 2020, 2024, 2024, 2024, 2024, 2024, 2024])
    got = match_names(names, years, ds.authorities)
    assert got.iloc[:6].tolist() == ["E10000009", "E06000059", "E06000023", "E08000013", "E06000047", "E06000058"]
    assert got.iloc[6:].isna().all()


def test_every_ofsted_name_in_the_embedded_years_matched(ds):
    recon = ds.reconciliation
    unmatched = recon[recon["what"].str.contains("not an English children's services authority")]
    # Only Welsh councils (cross-border providers) are set aside by name.
    assert unmatched["rows"].sum() <= 10


def test_same_area_code_changes_resolve():
    aliases = pd.DataFrame({"alias_code": ["E10000023", "E10000002"], "code": ["E06000065", "E06000060"]})
    got = resolve_codes(pd.Series(["E10000023", " e10000002", "E06000001"]), aliases)
    assert got.tolist() == ["E06000065", "E06000060", "E06000001"]


def test_check_codes_names_the_row():
    a = pd.DataFrame({"code": ["E06000001"]})
    with pytest.raises(UnknownAuthorityError) as e:
        check_codes(pd.Series(["E06000001", "W06000015"]), a, file="x.csv")
    assert e.value.row == 3 and "W06000015" in str(e.value) and "x.csv" in str(e.value)


def test_valid_years(ds):
    a = ds.authorities.set_index("code")
    ok2021 = valid_in(ds.authorities, 2021).to_numpy()
    codes2021 = set(ds.authorities.loc[ok2021, "code"])
    assert "E10000021" in codes2021 and "E06000061" not in codes2021
    assert a.loc["E10000006", "last_year"] == 2023 and a.loc["E06000063", "first_year"] == 2024


@pytest.mark.parametrize(
    ("year", "units", "merged"),
    [
        (2019, 150, {"E06000028": "E10000009", "E06000029": "E10000009"}),
        (2021, 151, {}),
        (2023, 152, {}),
        (2024, 153, {}),
    ],
)
def test_display_units_per_year(ds, year, units, merged):
    u = display_units(ds.authorities, year)
    assert u["unit_code"].nunique() == units
    for code, unit in merged.items():
        assert u.set_index("code").loc[code, "unit_code"] == unit
    if year <= 2021:
        assert u.set_index("code").loc["E10000021", "geometry_codes"] == "E06000061;E06000062"


def test_dorset_before_2019_is_one_unit_on_todays_two_areas(ds):
    u = display_units(ds.authorities, 2015).set_index("code")
    assert u.loc["E10000009", "unit_name"] == "Dorset, Bournemouth and Poole"
    assert u.loc["E10000009", "geometry_codes"] == "E06000058;E06000059"


def test_lineage(ds):
    assert lineage(ds.authorities, "E06000061") == ["E06000061", "E10000021"]
    assert lineage(ds.authorities, "E06000058") == ["E06000058", "E06000028", "E06000029", "E10000009"]
    assert lineage(ds.authorities, "E08000003") == ["E08000003"]


def test_district_lookup_has_153_authorities_and_the_2023_changes(ds):
    table = district_table()
    current = set(ds.authorities.loc[ds.authorities["current"], "code"])
    assert set(table["code"]) == current
    m = lad_to_upper_tier()
    assert [m[c] for c in ("E07000026", "E07000028", "E07000029")] == ["E06000063"] * 3
    assert [m[c] for c in ("E07000027", "E07000030", "E07000031")] == ["E06000064"] * 3
    assert m["E07000163"] == "E06000065" and m["E07000187"] == "E06000066"
    assert m["E08000038"] == "E08000016" and m["E08000039"] == "E08000019"


def test_upper_tier_codes():
    got = upper_tier_codes(pd.Series(["E08000007", "E07000037", "E09000001", "E08000038", "W06000001", None]))
    # High Peak (E07000037) is in Derbyshire (E10000007); new Barnsley code maps to DfE's
    assert got.tolist()[:4] == ["E08000007", "E10000007", "E09000001", "E08000016"]
    assert pd.isna(got.iloc[4]) and pd.isna(got.iloc[5])


@pytest.mark.slow
def test_every_postcode_district_maps_to_a_current_authority(ds):
    from geo.postcodes import load_postcodes

    lads = set(load_postcodes()["lad_code"].astype(str).unique())
    assert len(lads) == 296
    m = lad_to_upper_tier()
    assert lads <= set(m)
    assert {m[c] for c in lads} == set(ds.authorities.loc[ds.authorities["current"], "code"])
