"""DfE 2016/2017 context for all looked-after children (SFR41/SFR50 LA tables)."""

import pandas as pd
import pytest

from sufficiency.data import load_embedded


@pytest.fixture(scope="module")
def context():
    return load_embedded(geometry=False).context


def test_hartlepool_2017_as_published(context):
    row = context[(context["year"] == 2017) & (context["code"] == "E06000001")].iloc[0]
    assert row["cla"] == 257 and row["in_la_within_20_miles"] == 170 and row["out_la_over_20_miles"] == 14
    assert pd.isna(row["in_la_over_20_miles"]) and row["in_la_over_20_miles_marker"] == "x"  # suppressed, not 0
    assert row["went_missing"] == 39


def test_distance_bands_add_up_to_all_children_where_complete(context):
    c = context[context["year"] == 2017]
    bands = c[["in_la_within_20_miles", "out_la_within_20_miles", "in_la_over_20_miles", "out_la_over_20_miles",
               "distance_unknown"]].sum(axis=1, min_count=5)
    complete = bands.notna()
    assert complete.sum() == 57
    assert (bands[complete] == c.loc[complete, "cla"]).all()


def test_2016_has_no_distance_bands_and_says_so(context):
    c = context[context["year"] == 2016]
    assert c["in_la_within_20_miles"].isna().all()
    assert (c["in_la_within_20_miles_marker"] == "not in this year's table").all()
    assert len(c) == 151
