"""sufficiency.export on small hand-built tables: disclosure rules and spreadsheet-safe text."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from sufficiency.errors import BadValueError
from sufficiency.export import RULES, apply_disclosure, export_csv

CHILD_COLUMNS = ["children_in_homes", "placed_outside", "placed_outside_pct", "local_bed_gap", "places_per_child"]


def _table() -> pd.DataFrame:
    """Seven authorities; places and homes are public, the rest are children."""
    return pd.DataFrame({
        "code": ["E06000001", "E06000002", "E06000003", "E06000004", "E06000005", "E06000006", "E06000007"],
        "name": ["=1+1", "<img src=x onerror=alert(1)>", "-Borough", "@Shire", "+Town", "Plain", "Six"],
        "homes": pd.array([2, 10, 1, 4, 3, 5, 2], dtype="Int64"),
        "places": pd.array([3, 40, 2, 12, 9, 20, 4], dtype="Int64"),
        #                    hit  -   2nd  0s   NA   -   edge (placed_outside = 5)
        "children_in_homes": pd.array([4, 37, 20, 0, pd.NA, 12, 6], dtype="Int64"),
        "placed_outside": pd.array([2, 30, 17, 0, pd.NA, 6, 5], dtype="Int64"),
        "placed_outside_pct": pd.array([50.0, 81.1, 85.0, pd.NA, pd.NA, 50.0, 83.3], dtype="Float64"),
        "net_gain": pd.array([-30, 12, 4, -40, 7, 0, -8], dtype="Int64"),
        "local_bed_gap": pd.array([1, -3, 18, -12, pd.NA, -8, 2], dtype="Int64"),
        "places_per_child": pd.array([0.75, 1.08, 0.1, pd.NA, pd.NA, 1.67, 0.67], dtype="Float64"),
    })


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_suppress_small_counts_and_secondary_suppression_within_the_row():
    rows = _rows(export_csv(_table(), "suppress"))
    shown = {r["code"]: [r[c] for c in CHILD_COLUMNS] for r in rows}
    assert shown == {
        "E06000001": ["c"] * 5,                       # 4 children, 2 outside: primary
        "E06000002": ["37", "30", "81.1", "-3", "1.08"],
        "E06000003": ["c"] * 5,                       # 20 - 17 = 3 inside: secondary
        "E06000004": ["0", "0", "", "-12", ""],       # 0 is not a small number
        "E06000005": ["", "", "", "", ""],            # already missing (DfE marker) stays missing
        "E06000006": ["12", "6", "50", "-8", "1.67"],
        "E06000007": ["c"] * 5,                       # 5 is in 1-5
    }
    # homes and places are Ofsted's public register: never controlled
    assert [r["places"] for r in rows] == ["3", "40", "2", "12", "9", "20", "4"]
    assert [r["net_gain"] for r in rows] == ["-30", "12", "c", "-40", "7", "0", "-8"]
    assert {r["disclosure_control"] for r in rows} == {RULES["suppress"]}


def test_round5_exact_values_and_ratios_withheld():
    out = apply_disclosure(_table(), "round5")
    assert out["children_in_homes"].tolist()[:4] == [5, 35, 20, 0] and pd.isna(out["children_in_homes"][4])
    assert out["children_in_homes"].tolist()[5:] == [10, 5]
    assert out["placed_outside"].tolist()[:4] == [0, 30, 15, 0] and out["placed_outside"].tolist()[5:] == [5, 5]
    assert out["net_gain"].tolist() == [-30, 10, 5, -40, 5, 0, -10]  # halves away from zero: -8 -> -10
    assert out["local_bed_gap"].tolist()[:4] == [0, -5, 20, -10]
    assert out["placed_outside_pct"].isna().all() and out["places_per_child"].isna().all()
    assert out["places"].tolist() == [3, 40, 2, 12, 9, 20, 4]
    assert (out["disclosure_control"] == "round5: child counts rounded to the nearest 5").all()


def test_round10_exact_values():
    out = apply_disclosure(_table(), "round10")
    assert out["children_in_homes"].tolist()[:4] == [0, 40, 20, 0]
    assert out["children_in_homes"].tolist()[5:] == [10, 10]  # 6 -> 10, 12 -> 10
    assert out["placed_outside"].tolist()[5:] == [10, 10]  # 5 rounds up (DfE: half up)
    assert out["net_gain"].tolist() == [-30, 10, 0, -40, 10, 0, -10]
    line = export_csv(_table(), "round10").decode().splitlines()[2]
    assert line.startswith("E06000002,<img src=x onerror=alert(1)>,10,40,40,30,,10,")


def test_none_states_the_rule_and_keeps_published_figures():
    rows = _rows(export_csv(_table(), "none"))
    assert rows[0]["children_in_homes"] == "4" and rows[0]["placed_outside_pct"] == "50"
    assert {r["disclosure_control"] for r in rows} == {"none: figures as published by DfE and Ofsted"}
    assert list(rows[0])[-1] == "disclosure_control"


def test_formula_text_is_neutralised_but_negative_numbers_stay_numbers():
    text = export_csv(_table(), "none").decode()
    rows = list(csv.reader(io.StringIO(text)))
    names = [r[1] for r in rows[1:]]
    assert names == ["'=1+1", "<img src=x onerror=alert(1)>", "'-Borough", "'@Shire", "'+Town", "Plain", "Six"]
    assert [r[7] for r in rows[1:]] == ["-30", "12", "4", "-40", "7", "0", "-8"]  # net_gain
    assert [r[8] for r in rows[1:]][:3] == ["1", "-3", "18"]  # local_bed_gap
    # in suppress mode the count columns hold text ("c") and numbers: numbers stay unquoted numbers
    sup = list(csv.reader(io.StringIO(export_csv(_table(), "suppress").decode())))
    assert sup[2][8] == "-3" and sup[4][8] == "-12"


def test_tab_start_is_neutralised_too():
    table = pd.DataFrame({"name": ["\t=cmd", "a=b"], "children_in_homes": pd.array([7, 9], dtype="Int64")})
    rows = list(csv.reader(io.StringIO(export_csv(table, "none").decode(), newline="")))
    assert [r[0] for r in rows[1:]] == ["'\t=cmd", "a=b"]


def test_unknown_rule_is_a_bad_value_error():
    with pytest.raises(BadValueError, match="Unknown disclosure rule 'round3'; choose one of none, suppress"):
        export_csv(_table(), "round3")


# ------------------------------------------------------------ flaws found (see the issue 5 report)


def test_round10_never_writes_minus_zero():
    lines = export_csv(_table(), "round10").decode().splitlines()
    assert all(",-0," not in line for line in lines)


def test_suppress_small_allocated_count():
    table = pd.DataFrame({"code": ["E06000001"], "children_in_homes": pd.array([pd.NA], dtype="Int64"),
                          "allocated": pd.array([3], dtype="Int64")})
    assert _rows(export_csv(table, "suppress"))[0]["allocated"] == "c"


def test_suppress_negative_small_net_gain_like_positive():
    table = pd.DataFrame({"code": ["E06000001", "E06000002"], "net_gain": pd.array([3, -3], dtype="Int64")})
    assert [r["net_gain"] for r in _rows(export_csv(table, "suppress"))] == ["c", "c"]


def test_carriage_return_inside_a_name_cannot_start_a_new_row():
    table = pd.DataFrame({"name": ["Leeds\r=1+1"], "children_in_homes": pd.array([7], dtype="Int64")})
    text = export_csv(table, "none").decode()
    rows = list(csv.reader(io.StringIO(text, newline=None)))  # universal newlines, as spreadsheets read
    assert len(rows) == 2 and rows[1][0].startswith("Leeds")


def test_a_small_part_or_a_small_remainder_hides_the_row_in_a_placements_table():
    """10 placements of which 1 over 20 miles (a part of 1), or 8 over 20 miles (a remainder of 2 within
    20 miles): either reveals a child, so the row's child figures are all "c"; a row with no small part stays."""
    table = pd.DataFrame({"code": ["E06000001", "E06000002", "E06000003"],
                          "placements": [10, 10, 12], "with_distance": [10, 10, 12],
                          "over_20_miles": [1, 8, 6], "share_over_20_miles": [0.1, 0.8, 0.5],
                          "outside_la": [7, 7, 6], "share_outside_la": [0.7, 0.7, 0.5]})
    out = apply_disclosure(table, "suppress")
    for col in ("placements", "with_distance", "over_20_miles", "share_over_20_miles", "outside_la"):
        assert out[col].tolist()[:2] == ["c", "c"], col
    assert out.loc[2, ["placements", "over_20_miles", "outside_la"]].tolist() == [12, 6, 6]
