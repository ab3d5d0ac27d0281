"""Ofsted provider files: names by year, partial files, the file's year, renamed columns, odd numbers (issue 10).

Files are in tests/fixtures/validation/ (make_fixtures.py): a national 2024 file gives every
current authority one home of 3 places, so any other figure is a fault.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from sufficiency import cli, service
from sufficiency.errors import BadValueError, FileFormatError, MissingColumnError
from sufficiency.readers.ofsted import read_ofsted_providers

V = Path(__file__).parent / "fixtures" / "validation"
BCP, NORTH_N, WEST_N, LEEDS, BRADFORD = "E06000058", "E06000061", "E06000062", "E08000035", "E08000032"


def _file(name: str) -> service.UserFile:
    return service.UserFile(name, (V / name).read_bytes())


def _open(*names: str, year: int | None = None) -> service.Dataset:
    return service.open_dataset(service.UserFiles(providers=tuple(_file(n) for n in names), year=year),
                                geometry=False)


def _measures(ds: service.Dataset, year: int = 2024) -> pd.DataFrame:
    return service.year_view(ds, year, distances=False).measures.set_index("code")


def test_a_stale_name_is_set_aside_and_never_merges_todays_authorities(m2024):
    ds = _open("provider_at_march_2024_old_names.csv")
    assert ds.set_aside[["row", "reason", "value"]].values.tolist() == [
        [156, "name of an authority that did not exist in 2024 (abolished 1 April 2019)", "Poole"],
        [157, "name of an authority that did not exist in 2024 (abolished 1 April 2021)", "Northamptonshire"]]
    got = _measures(ds)
    assert len(got) == 153 and {BCP, NORTH_N, WEST_N} <= set(got.index)
    assert got.loc[[BCP, NORTH_N, WEST_N], "places"].tolist() == [3, 3, 3]
    assert (got["places"] == 3).all() and (got["homes"] == 1).all()
    # demand untouched: the embedded DfE figures of today's authorities, row for row
    embedded = m2024.set_index("code")
    assert got.loc[[NORTH_N, WEST_N], "children_in_homes"].tolist() == embedded.loc[
        [NORTH_N, WEST_N], "children_in_homes"].tolist() == [73, 80]
    assert got["members"].eq(got.index.to_series()).all()  # no combined unit anywhere


def test_a_partial_file_leaves_the_others_without_a_figure_never_zero(m2024):
    ds = _open("provider_at_march_2024_leeds_only.csv")
    assert ds.notices == ("provider_at_march_2024_leeds_only.csv names 1 of the 153 authorities of 2024: the other "
                          "152 have no figure for homes and places ('not in your file'), not 0",)
    got = _measures(ds)
    leeds_children = m2024.set_index("code").loc[LEEDS, "children_in_homes"]
    assert (got.loc[LEEDS, "homes"], got.loc[LEEDS, "places"]) == (2, 9)
    assert got.loc[LEEDS, "local_bed_gap"] == leeds_children - 9 == 141
    others = got.drop(index=LEEDS)
    assert others[["homes", "places", "local_bed_gap"]].isna().all().all()
    assert set(others["supply_note"]) == {"not in your file (it covers only some authorities)"}
    regions = service.regional_summary(ds, service.year_view(ds, 2024, distances=False)).set_index("region")
    assert regions[["homes", "places"]].isna().all().all()  # no regional total from a part of England
    assert _measures(ds, 2023)["places"].notna().all()  # other years stay embedded
    # every distance measure reaches across authorities: none is computed from a part of England
    full = service.year_view(ds, 2024).measures
    assert full[["sufficiency_radius_km", "access_index", "optimal_share_within_20_miles"]].isna().all().all()
    assert set(full["radius_note"]) == {"needs every authority's places for the year (some have none: not in your "
                                        "file)"}
    with pytest.raises(BadValueError, match="a scenario needs every authority's places: your provider file for "
                                            "2024 covers 1 authorities"):
        service.run_scenario(ds, service.year_view(ds, 2024), [(LEEDS, 5)])


def test_a_national_file_missing_authorities_with_homes_leaves_them_without_a_figure(m2024):
    ds = _open("provider_at_march_2024_without_kent.csv")
    assert ds.notices == ("provider_at_march_2024_without_kent.csv names 150 of the 153 authorities of 2024 but not "
                          "2 that had homes in Ofsted's figures for 2024 (Kent, Surrey): they have no figure for "
                          "homes and places ('not in your file'), not 0; 1 other not named had no homes in 2024 "
                          "either and count 0",)
    got = _measures(ds)
    kent, surrey, city = "E10000016", "E10000030", "E09000001"
    assert got.loc[[kent, surrey], ["homes", "places", "local_bed_gap"]].isna().all().all()
    assert set(got.loc[[kent, surrey], "supply_note"]) == {"not in your file (it covers only some authorities)"}
    assert (got.loc[city, "homes"], got.loc[city, "places"]) == (0, 0)  # no homes in Ofsted's figures either
    assert got.loc[LEEDS, "places"] == 3  # every other authority as the file says
    with pytest.raises(BadValueError, match="covers 151 authorities"):
        service.run_scenario(ds, service.year_view(ds, 2024), [(LEEDS, 5)])


def test_title_and_file_name_disagreeing_on_the_year_is_refused():
    with pytest.raises(FileFormatError) as err:
        _open("provider_at_march_2024_title_2023.csv")
    assert str(err.value) == ("file 'provider_at_march_2024_title_2023.csv', row 1: the title says 31 March 2023 but "
                              "the file name says 31 March 2024: which is it? Correct the title or the file name")


def test_a_file_about_another_year_than_asked_is_refused():
    with pytest.raises(BadValueError) as err:
        _open("provider_at_march_2025_national.csv", year=2024)
    assert str(err.value) == (
        "file 'provider_at_march_2025_national.csv', column 'year': this file is about 31 March 2025 (so says its "
        "title), but the year asked for is 2024: ask for 2025, or give the provider file for 2024 (value: '2024')")


def test_a_renamed_places_column_is_refused_not_read_as_unpublished():
    with pytest.raises(MissingColumnError) as err:
        _open("provider_at_march_2024_beds.csv")
    assert str(err.value) == (
        "file 'provider_at_march_2024_beds.csv', row 2, column 'Places': no 'Places' column: Ofsted's provider "
        "files give registered places in every year but 2015, so a 2024 file without them is not the table "
        "expected (columns found: 'URN', 'Provision type', 'Registration status', 'Local authority', 'Sector', "
        "'Beds'); if 'Beds' holds the registered places, rename it 'Places'")


def test_the_2015_layout_without_places_is_still_read():
    text = "URN,Provision type,Reg Status,Local authority,Sector\nSC1,Children's home,Active,Leeds,Private\n"
    frame, rec = read_ofsted_providers(text.encode(), name="provider_at_march_2015.csv")
    assert frame.attrs["places_published"] is False and frame["places"].isna().all() and rec.rows_used == 1


def test_numbers_python_would_read_are_not_numbers_here():
    ds = _open("provider_at_march_2024_odd_numbers.csv")
    assert ds.set_aside[["row", "reason", "value"]].values.tolist() == [
        [3, "places not a number", "1_000"], [4, "places not a number", "\u0661\u0662"],
        [5, "places not a number", "1e1"], [6, "places not a number", "nan"]]
    assert _measures(ds).loc[LEEDS, "places"] == 6


def test_a_cell_over_the_csv_field_limit_is_a_clean_error():
    with pytest.raises(FileFormatError) as err:
        _open("long_cell.csv")
    assert str(err.value).startswith("file 'long_cell.csv', row 3: a cell is longer than 131,072 characters")


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_without_year_exports_the_provider_files_year_and_says_so(capsys):
    code, out, err = _cli(capsys, "export", "--providers", str(V / "provider_at_march_2025_national.csv"))
    assert code == 0, err
    assert ("note: your provider file (provider_at_march_2025_national.csv) is about 31 March 2025: working on "
            "2025 (give --year to choose)") in err
    table = pd.read_csv(io.StringIO(out))
    assert len(table) == 153 and (table["places"] == 2).all()


def test_cli_with_another_year_names_both_years(capsys):
    code, out, err = _cli(capsys, "export", "--year", "2024", "--providers",
                          str(V / "provider_at_march_2025_national.csv"))
    assert (code, out) == (2, "")
    assert "this file is about 31 March 2025 (so says its title), but the year asked for is 2024" in err
    assert "Traceback" not in err


def test_cli_partial_file_notice_and_long_cell(capsys):
    code, out, err = _cli(capsys, "export", "--providers", str(V / "provider_at_march_2024_leeds_only.csv"))
    assert code == 0 and "note: provider_at_march_2024_leeds_only.csv names 1 of the 153 authorities" in err
    table = pd.read_csv(io.StringIO(out)).set_index("code")
    assert table.loc[LEEDS, "places"] == 9 and table.drop(index=LEEDS)["places"].isna().all()
    code, out, err = _cli(capsys, "export", "--providers", str(V / "long_cell.csv"))
    assert (code, out) == (2, "") and err.startswith("error: file 'long_cell.csv', row 3: a cell is longer than")


def test_cli_year_must_be_one_the_demand_file_covers(capsys):
    demand = str(V / "po_good.csv")
    code, out, err = _cli(capsys, "export", "--year", "2023", "--demand", demand)
    assert (code, out) == (2, "")
    assert err.endswith("error: column 'year': your DfE file (po_good.csv) covers 2024, not 2023: ask for one of "
                        "its years (value: '2023')\n")
    code, out, err = _cli(capsys, "export", "--demand", demand)
    table = pd.read_csv(io.StringIO(out)).set_index("code")
    assert code == 0 and table.loc[BRADFORD, "children_in_homes"] == 80 and set(table["year"]) == {2024}
