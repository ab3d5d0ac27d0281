"""sufficiency.model.formats: one way of writing every figure, checked value by value."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sufficiency.model import formats as f
from sufficiency.model.measures import MEASURES
from sufficiency.model.shortfall import SHORTFALL_COLUMNS

M = "\u2212"


@pytest.mark.parametrize(("column", "value", "shown"), [
    ("places", 1234.0, "1,234"),
    ("places", 0.0, "0"),
    ("local_bed_gap", -84.0, f"{M}84"),
    ("local_bed_gap", -0.4, "0"),            # never "−0"
    ("local_bed_gap", 2.5, "3"),             # halves away from zero
    ("local_bed_gap", -2.5, f"{M}3"),
    ("net_gain", -1040, f"{M}1,040"),
    ("placed_outside_pct", 47.0, "47%"),
    ("placed_outside_pct", 46.5, "47%"),
    ("private_share", 0.634, "63%"),         # 0-1 shown as a percentage
    ("private_share", 1.0, "100%"),
    ("places_share", 0.1234, "12.3%"),       # one decimal for regional shares
    ("optimal_share_within_20_miles", 0.995, "100%"),
    ("places_per_child", 0.667, "0.67"),
    ("places_per_child", 2.675, "2.68"),     # stored as 2.67499..., written as a person wrote it
    ("sufficiency_radius_km", 12.345, "12.3"),
    ("location_quotient", -0.005, f"{M}0.01"),
    ("year", 2024, "2024"),                  # no thousands separator
    ("rank", 12.0, "12"),
    ("cla_rate_per_10k", 70.4, "70"),
    ("missing_from_care_pct", 9.0, "9%"),
    ("children_looked_after", 70410, "70,410"),
])
def test_numbers(column, value, shown):
    assert f.format_value(column, value) == shown


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, float("nan")])
def test_missing_is_a_dash_never_none(missing):
    assert f.format_value("children_in_homes", missing) == "–"
    assert f.format_value("private_share", missing) == "–"


def test_markers_say_what_they_mean():
    assert f.format_value("children_in_homes", "c") == "suppressed (c)"
    assert f.format_value("net_gain", "x") == "suppressed or not available (x)"
    assert f.format_value("placed_outside_pct", "z") == "not applicable (z)"
    assert f.format_value("cla_rate_per_10k", "k") == "fewer than 0.5 (k)"
    assert f.format_value("name", "c") == "c"  # text columns are left as written


def test_units_on_request():
    assert f.format_value("sufficiency_radius_km", 7.26, with_unit=True) == "7.3 km"
    assert f.format_value("places", 19, with_unit=True) == "19 places"
    assert f.format_value("placed_outside_pct", 12, with_unit=True) == "12%"
    assert f.format_value("demand_estimated", True) == "yes"


def test_headers_are_human_and_carry_units_once():
    assert f.header("children_in_homes") == "Children in children's homes"
    assert f.header("placed_outside_pct") == "Children in homes placed outside the authority (%)"
    assert f.header("placed_outside") == "Children in homes placed outside the authority (number)"
    assert f.header("private_share") == "Share of places run privately (%)"
    assert f.header("sufficiency_radius_km") == "Sufficiency radius (straight line, km)"
    assert f.header("median_distance_miles") == "Median distance (miles)"
    assert f.header("places_after") == "Registered places, after"
    assert f.header("local_bed_gap_diff").startswith("Local bed gap")
    assert f.header("unknown_thing_pct") == "Unknown thing (%)"  # a new column gets a readable guess


def test_every_column_shown_has_a_label():
    for column in [*SHORTFALL_COLUMNS, *MEASURES, "disclosure_control"]:
        assert f.column_format(column).column == column  # a row in column_labels.csv, not a guess
        assert "_" not in f.header(column), column


def test_sign_says_which_side():
    assert f.sign_meaning("local_bed_gap", -84) == "84 more places than children"
    assert f.sign_meaning("local_bed_gap", 12.4) == "shortfall: 12 fewer places than children"
    assert f.sign_meaning("local_bed_gap", 0) == ""
    assert f.sign_meaning("net_gain", -25) == "25 more children sent out than placed in"
    assert f.sign_meaning("places", 5) == ""


def test_format_table_for_printing():
    table = pd.DataFrame({"region": ["North West", "England"], "places": [1234.0, math.nan],
                          "places_share": [0.1234, 1.0]})
    out = f.format_table(table)
    assert list(out.columns) == ["Region", "Registered places", "Share of England's places (%)"]
    assert out.to_dict("list") == {"Region": ["North West", "England"], "Registered places": ["1,234", "–"],
                                   "Share of England's places (%)": ["12.3%", "100.0%"]}


def test_reference_file_is_well_formed():
    table = f.column_formats()
    assert len(table) >= 70
    assert {c.kind for c in table.values()} <= set(f.KINDS)
    # the naming rule of the project: _pct columns are 0-100 percentages, _share columns 0-1 shares
    assert all(c.kind == "percent" for name, c in table.items() if name.endswith("_pct"))
    assert all(c.kind == "share" for name, c in table.items() if name.endswith("_share"))


def test_short_headers_for_wide_tables():
    assert f.short_header("placed_outside_pct") == "Placed outside (%)"
    assert f.short_header("sufficiency_radius_km_after") == "Radius after (km)"
    assert f.short_header("places_before") == "Places before"
    assert f.short_header("brand_new") == "Brand new"


def test_differences_are_signed_and_percentages_differ_in_points():
    assert f.format_difference("places", -404) == f"{M}404"
    assert f.format_difference("places", 41) == "+41"
    assert f.format_difference("places", 0) == "0"
    assert f.format_difference("placed_outside_pct", 31.0) == "+31 points"
    assert f.format_difference("private_share", -0.3) == f"{M}30 points"
    assert f.format_difference("places_per_child", -2.12) == f"{M}2.12"
    assert f.format_difference("places", None) == "–"
