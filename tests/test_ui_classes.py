"""ui.classes: breaks worked out by hand, fixed across years, whole bounds for counts, zero in the middle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ui import classes as uclasses

M = "\u2212"


def test_diverging_counts_have_a_zero_class_and_whole_bounds():
    values = pd.Series([-5.0, -3.0, -1.0, 2.0, 4.0, 8.0, 10.0, np.nan])
    classes = uclasses.classify(values, "Equal interval", 4, diverging=True, column="local_bed_gap")
    # negatives [-5, -1] in 2 equal classes (bound -3); zero alone; positives [2, 10] (bound 6)
    assert classes.labels == [f"{M}5 to {M}3", f"{M}2 to {M}1", "0", "1 to 6", "7 to 10"]
    assert classes.sides == ("below", "below", "zero", "above", "above")
    assert classes.class_of.tolist() == [0, 0, 1, 3, 3, 4, 4, -1]
    assert classes.colours == ["#053061", "#d1e5f0", "#f7f7f7", "#fddbc7", "#67001f"]


def test_positive_is_good_swaps_the_sides():
    classes = uclasses.classify(pd.Series([-4.0, 0.0, 4.0]), "Quantiles", 2, diverging=True, column="net_gain",
                                positive_is_good=True)
    assert classes.colours == [uclasses.DIVERGING["RdBu"]["above"][2], "#f7f7f7",
                               uclasses.DIVERGING["RdBu"]["below"][2]]  # sending out is warm


def test_count_quantile_bounds_are_whole_and_do_not_overlap():
    # the median of [1, 2, 5, 7] is 3.5: the bound is written 3 and the next class starts at 4
    classes = uclasses.classify(pd.Series([1.0, 2.0, 5.0, 7.0]), "Quantiles", 2, column="places")
    assert classes.labels == ["1 to 3", "4 to 7"]
    assert classes.class_of.tolist() == [0, 0, 1, 1]
    assert classes.colours == ["#fde725", "#440154"]


def test_shares_are_classified_as_written():
    # 0.634 is written 63%; equal intervals over [20%, 90%]
    classes = uclasses.classify(pd.Series([0.2, 0.634, 0.9]), "Equal interval", 2, column="private_share")
    assert classes.labels == ["20% to 55%", "55% to 90%"]
    assert classes.class_of.tolist() == [0, 1, 1]


def test_fixed_breaks_mean_the_same_in_every_year():
    year_a = pd.Series([0.0, 10.0, 20.0, 30.0])
    year_b = pd.Series([5.0, 15.0, 100.0])
    breaks = uclasses.make_breaks(pd.concat([year_a, year_b]), "Equal interval", 2, column="places")
    assert breaks.bins == (50.0, 100.0)
    a = uclasses.classify(year_a, breaks=breaks)
    b = uclasses.classify(year_b, breaks=breaks)
    assert a.labels == b.labels == ["0 to 50", "51 to 100"]  # the same legend whichever year
    assert a.class_of.tolist() == [0, 0, 0, 0] and b.class_of.tolist() == [0, 0, 1]
    assert a.colours == b.colours


def test_values_beyond_fixed_breaks_join_the_end_class_and_widen_its_label():
    breaks = uclasses.make_breaks(pd.Series([0.0, 10.0]), "Equal interval", 2, column="places")
    classes = uclasses.classify(pd.Series([3.0, 12.0]), breaks=breaks)
    assert classes.class_of.tolist() == [0, 1]
    assert classes.labels == ["0 to 5", "6 to 12"]


def test_constant_and_empty():
    one = uclasses.classify(pd.Series([7.0, 7.0]), "Quantiles", 5, column="places")
    assert one.labels == ["7"] and one.class_of.tolist() == [0, 0]
    empty = uclasses.classify(pd.Series([np.nan, np.nan]), "Quantiles", 5)
    assert empty.colours == [] and empty.class_of.tolist() == [-1, -1]
    assert uclasses.make_breaks(pd.Series([np.nan])) is None


@pytest.mark.parametrize("scheme", ["Quantiles", "Equal interval"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_numpy_classes_equal_mapclassify(scheme, seed):
    """Quantiles and equal intervals are computed without mapclassify: same bins and classes."""
    import mapclassify

    rng = np.random.default_rng(seed)
    values = np.round(rng.normal(0, 40, 150), 0)
    for k in (3, 5, 7):
        ours = uclasses._bins(values, scheme, k)
        theirs = np.unique(mapclassify.classify(values, uclasses.SCHEMES[scheme], k=k).bins)
        np.testing.assert_allclose(ours, theirs)
        np.testing.assert_array_equal(np.searchsorted(ours, values, side="left"),
                                      mapclassify.UserDefined(values, ours).yb)


def test_snapped_bounds_keep_every_whole_value_in_its_class():
    """Writing a bound as a whole number never moves a count to another class."""
    rng = np.random.default_rng(7)
    values = rng.integers(-300, 300, 400).astype(float)
    raw = np.round(uclasses._bins(values, "Quantiles", 6), 9)  # percentiles carry float noise (114.99999999)
    snapped = uclasses._snap(raw, "places")
    np.testing.assert_array_equal(np.searchsorted(raw, values, side="left"),
                                  np.searchsorted(snapped, values, side="left"))


def test_a_value_beyond_fixed_breaks_stays_on_its_side_of_zero():
    breaks = uclasses.make_breaks(pd.Series([-10.0, -6.0, 0.0, 5.0]), "Equal interval", 2, diverging=True,
                                  column="local_bed_gap")
    assert breaks.bins == (-6.0, 0.0, 5.0) and breaks.sides == ("below", "zero", "above")
    classes = uclasses.classify(pd.Series([-3.0, 0.0, 9.0]), breaks=breaks)  # -3 > -6, yet not "0"
    assert classes.class_of.tolist() == [0, 1, 2]
    assert classes.labels == [f"{M}10 to {M}3", "0", "1 to 9"]


def test_fixed_classes_of_the_embedded_gap_hold_for_every_year(ds):
    """ui.cached.fixed_breaks: one set of bounds from every year's local bed gap, so 2019 and 2024
    get the same legend, equal to the breaks of the pooled values worked out here."""
    from sufficiency import service
    from ui import cached

    data = service.embedded(geometry=False)
    breaks, note = cached.fixed_breaks(data.key, "local_bed_gap", service.CATEGORIES_DEFAULT, "Quantiles", 6, data)
    pooled = service.all_years(data)
    assert breaks == uclasses.make_breaks(pooled["local_bed_gap"], "Quantiles", 6, diverging=True,
                                          column="local_bed_gap")
    years = sorted(pooled.loc[pooled["local_bed_gap"].notna(), "year"].unique())
    assert note == f"same classes for {years[0]}–{years[-1]}"
    assert "zero" in breaks.sides and all(float(b).is_integer() for b in breaks.bins)  # whole bounds for a count
    one = [uclasses.classify(pooled.loc[pooled["year"] == y, "local_bed_gap"], breaks=breaks) for y in (2019, 2024)]
    assert one[0].colours == one[1].colours
    assert one[0].labels[1:-1] == one[1].labels[1:-1]  # only an end class may widen to hold a year's extreme
