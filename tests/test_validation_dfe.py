"""DfE demand tables: the right table in the right units, or a clean error (issue 10).

Files are in tests/fixtures/validation/ (make_fixtures.py). Every case goes through the
service, as the app and the command line do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sufficiency import service
from sufficiency.errors import BadValueError, FileFormatError

V = Path(__file__).parent / "fixtures" / "validation"


def _file(name: str) -> service.UserFile:
    return service.UserFile(name, (V / name).read_bytes())


def _open(demand: str, net_gain: str | None = None) -> service.Dataset:
    return service.open_dataset(service.UserFiles(demand=_file(demand), net_gain=_file(net_gain) if net_gain else None),
                                geometry=False)


def _la(ds: service.Dataset, codes: list[str]):
    view = service.year_view(ds, 2024, distances=False)
    return view.measures.set_index("code").loc[codes]


def test_reference_figures_from_a_good_table():
    got = _la(_open("po_good.csv", "ng_good.csv"), ["E08000032", "E08000033", "E08000035"])
    # children in homes = placed outside / % placed outside x 100: 40/50%, 12/60%, 30/75%
    assert got["children_in_homes"].tolist() == [80, 20, 40]
    assert got["placed_outside"].tolist() == [40, 12, 30]
    assert got["net_gain"].tolist() == [-14, 3, -9]


def test_percentages_written_as_fractions_are_refused():
    with pytest.raises(BadValueError) as err:
        _open("po_fractions.csv")
    assert str(err.value) == (
        "file 'po_fractions.csv', row 3, column 'percentage': every value in this percentage column lies between "
        "0 and 1 (5 values, largest 0.75): they look like fractions, not percentages from 0 to 100, so this is not "
        "the table expected (value: '0.67')")


def test_one_fraction_among_percentages_is_refused_at_its_row():
    with pytest.raises(BadValueError) as err:
        _open("po_one_fraction.csv")  # Leeds: 30 children at 0.75 "%" would be 4,000 children in homes
    assert str(err.value) == (
        "file 'po_one_fraction.csv', row 7, column 'percentage': 30 children placed outside at 0.75% would mean "
        "4,000 children in children's homes in one authority (the largest has a few hundred): is 0.75 a fraction "
        "among percentages from 0 to 100? Correct the row (1 row like it) (value: '0.75')")


def _refused(demand: str, net_gain: str) -> str:
    """The one sentence a demand (and net-gain) file is refused with."""
    with pytest.raises(FileFormatError) as err:
        _open(demand, net_gain)
    return str(err.value)


def test_a_net_gain_file_holding_the_placed_outside_numbers_is_refused_however_small():
    assert _refused("po_good.csv", "ng_is_placed_outside.csv") == (
        "file 'ng_is_placed_outside.csv', row 3, column 'number': every one of its 3 authority figures is the number "
        "placed outside given in po_good.csv: this is the placed-outside table again, not the net gain (in from "
        "other authorities minus out)")


def test_the_title_the_file_name_and_the_rows_must_agree_on_the_years():
    from sufficiency.readers.dfe import read_placed_outside

    good = (V / "po_good.csv").read_bytes()  # titled "..., 2014 to 2024"; its rows are 2024
    with pytest.raises(FileFormatError) as err:
        read_placed_outside(good.replace(b"2014 to 2024", b"2014 to 2023"), name="po.csv")
    assert str(err.value) == ("file 'po.csv', row 3, column 'time_period': the title says 2014 to 2023 but this row "
                              "is about 2024: is it the table the title describes? (value: '2024')")
    with pytest.raises(FileFormatError) as err:
        read_placed_outside(good, name="placed_outside_2015_2019.csv")
    assert str(err.value) == ("file 'placed_outside_2015_2019.csv', row 1: the title says 2014 to 2024 but the file "
                              "name says 2015 to 2019: which is it? Correct the title or the file name")
    frame, _ = read_placed_outside(good, name="placed_outside_2014_2024.csv")  # all three agree
    assert frame["year"].unique().tolist() == [2024]


def test_inside_rows_are_set_aside_and_never_summed():
    ds = _open("po_inside_and_outside.csv")
    assert ds.set_aside[["row", "reason"]].values.tolist() == [
        [r, "another breakdown, not read: Placed inside the local authority boundary"] for r in (5, 6, 8, 10, 12)]
    rec = ds.reconciliation.set_index("what")["rows"]
    assert (rec["rows read"], rec["rows used"]) == (10, 5)
    # the same figures as the table holding only the "outside" rows
    assert _la(ds, ["E08000032", "E08000033", "E08000035"])["children_in_homes"].tolist() == [80, 20, 40]
    totals = ds.demand_totals.set_index("code")
    assert totals.loc["E92000001", "placed_outside"] == 5760 and totals.loc["E12000003", "placed_outside"] == 600


def test_two_rows_per_authority_without_a_breakdown_column_are_refused():
    with pytest.raises(BadValueError) as err:
        _open("po_two_rows_per_authority.csv")
    assert [p.row for p in err.value.problems] == [5, 6]
    assert str(err.value.problems[0]) == (
        "file 'po_two_rows_per_authority.csv', row 5: 2 rows for the same geography and year (level Local "
        "authority, code E08000032, year 2024; rows 5, 8): the file must have one row per authority per year per "
        "measure")


def test_every_bad_code_is_set_aside_with_its_own_reason():
    ds = _open("po_bad_codes.csv")
    assert ds.set_aside[["row", "reason", "value"]].values.tolist() == [
        [6, "not an ONS area code (9 characters, such as E08000032)", "E0800033"],
        [7, "not an English authority (a code of Wales, Scotland or Northern Ireland)", "W06000015"],
        [8, "no authority code", ""],
        [9, "code of no English children's services authority", "E08999999"],
        [10, "authority did not exist that year", "E06000029"],
        [11, "not an English region code", "E1200003"],
    ]
    rec = ds.reconciliation.set_index("what")["rows"]
    assert rec["rows read"] == 9 and rec["rows used"] == 3  # England, the region and Bradford
    assert sorted(ds.demand["code"]) == ["E08000032"]


def test_the_placed_outside_table_given_as_net_gain_is_refused():
    assert _refused("po_good.csv", "po_good.csv") == (
        "file 'po_good.csv', row 3, column 'characteristic': no row is the table's own breakdown (characteristic: "
        "'Placed outside the local authority boundary'): this is not DfE's 'net gain of children in children's "
        "homes' table")


def test_a_net_gain_file_without_a_negative_value_is_refused():
    with pytest.raises(FileFormatError) as err:
        _open("po_good.csv", "ng_no_negatives.csv")
    assert str(err.value) == (
        "file 'ng_no_negatives.csv', row 2, column 'number': none of the 11 authorities has a negative net gain; "
        "in England net gains sum to about zero, so this is not DfE's 'net gain of children in children's homes' "
        "table (the 'placed outside' numbers?)")


def test_a_net_gain_file_with_a_percentage_column_is_refused(tmp_path):
    text = (V / "ng_good.csv").read_text().replace(",number\n", ",number,percentage\n")
    text = "\n".join(line + ",5" if line.startswith("2024") else line for line in text.splitlines()) + "\n"
    with pytest.raises(FileFormatError, match="has a percentage column .'percentage'.; a net gain has none"):
        service.open_dataset(service.UserFiles(demand=_file("po_good.csv"),
                                               net_gain=service.UserFile("ng.csv", text.encode())), geometry=False)


def test_a_net_gain_table_given_as_placed_outside_is_refused():
    text = (V / "po_good.csv").read_text().replace("Children Looked After (CLA) on 31 March placed in",
                                                   "Net gain of Children Looked After (CLA) on 31 March placed in")
    with pytest.raises(FileFormatError, match="the title says 'net gain'"):
        service.open_dataset(service.UserFiles(demand=service.UserFile("po.csv", text.encode())), geometry=False)
