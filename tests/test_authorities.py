"""Authority identity: names, codes, reorganisations, display units (real table + small cases)."""

import pandas as pd
import pytest

from geo.errors import UnknownAuthorityError
from sufficiency.authorities import (
    REGIONS,
    check_codes,
    display_units,
    lineage,
    match_names,
    normalise_name,
    resolve_codes,
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
