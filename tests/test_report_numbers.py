"""The report's building blocks on hand-made values: number format, sentences, charts, map classes, SVG."""

from __future__ import annotations

import pytest

from sufficiency.report import charts, sentences
from sufficiency.report.drawing import Drawing, Text, to_svg
from sufficiency.report.numbers import figure
from sufficiency.report.profile import Comparison
from sufficiency.report.static_map import GAP_CLASSES, gap_class


@pytest.mark.parametrize(("value", "unit", "text"), [
    (1234.0, "places", "1,234"), (-84.0, "places", "\u221284"), (47.0, "%", "47%"), (6.5, "%", "6.5%"),
    (66.6, "%", "67%"), (0.53, "share", "53%"), (1.0, "share", "100%"), (2.4, "places per child", "2.40"),
    (0.0, "km", "0 km"), (3.5789, "km", "3.6 km"), (77.0, "per 10,000", "77"), (None, "places", "–"),
    (float("nan"), "%", "–"), ("c", "children", "c"), (-0.2, "places", "0"), (51.0, "children", "51"),
])
def test_figure_writes_numbers_like_the_app(value, unit, text):
    assert figure(value, unit) == text


def test_sign_is_added_on_request_only():
    assert figure(51.0, "children", sign=True) == "+51"
    assert figure(-3.0, "children", sign=True) == "\u22123"
    assert figure(0.0, "children", sign=True) == "0"


def test_direction_uses_five_percent_and_two_points():
    assert sentences.direction(2.4, 1.18, "places per child") == 1
    assert sentences.direction(1.0, 1.04, "places per child") == 0  # within 5% of 1.04
    assert sentences.direction(47.0, 64.0, "%") == -1
    assert sentences.direction(47.0, 48.5, "%") == 0  # within 2 points
    assert sentences.direction("c", 48.0, "%") == 0


def test_times_only_for_clear_multiples():
    assert sentences.times(2.4, 1.18) == "about twice as many"
    assert sentences.times(0.6, 1.2) == "about half as many"
    assert sentences.times(1.5, 1.0) == "" and sentences.times(1.0, 0.0) == ""


def test_versus_groups_the_references():
    text = sentences.versus(2.4, [("England", 1.394), ("the North West", 2.45), ("its DfE neighbours' average", None)],
                           "places per child")
    assert text == "more than England (1.39), about the same as the North West (2.45)"


@pytest.mark.parametrize(("gap", "low", "high", "text"), [
    (-84.0, -85.0, -84.0, "Stockport had 84 more local places than children in homes (between 84 and 85)"),
    (20.0, 18.0, 22.0, "Stockport had 20 fewer local places than children in homes (between 18 and 22)"),
    (1.0, -2.0, 3.0, "Stockport had about as many local places as children in homes (a gap of \u22122 to 3)"),
    (0.0, 0.0, 0.0, "Stockport had exactly as many local places as children in homes"),
])
def test_gap_phrase_reads_the_sign_and_the_bounds(gap, low, high, text):
    assert sentences.gap_phrase("Stockport", gap, low, high) == text


def _comparison(measure, value, unit="places", **kw):
    return Comparison(measure, measure, unit, value, kw.get("england"), kw.get("region"), kw.get("neighbours"),
                      kw.get("n", 0), kw.get("child", False), kw.get("low"), kw.get("high"))


def test_answer_says_no_when_the_whole_range_is_a_shortfall():
    headline = [_comparison("places", 40.0), _comparison("children_in_homes", 60.0, "children", child=True),
                _comparison("local_bed_gap", 20.0, low=18.0, high=22.0),
                _comparison("places_per_child", 0.667, "places per child"), _comparison("placed_outside_pct", 70.0, "%"),
                _comparison("placed_over_20_miles_outside_pct", 20.0, "%")]
    text = sentences.answer("Anyshire", 2024, headline, {}, None)
    assert text == ("No: Anyshire had 40 registered children's home places for 60 of its own children living in "
                    "children's homes on 31 March 2024 (0.67 places per child).")


def test_answer_for_a_suppressed_gap_names_the_rule_not_a_number():
    headline = [_comparison("places", 3.0), _comparison("children_in_homes", "c", "children"),
                _comparison("local_bed_gap", "c"), _comparison("places_per_child", "c", "places per child"),
                _comparison("placed_outside_pct", "c", "%"), _comparison("placed_over_20_miles_outside_pct", None, "%")]
    text = sentences.answer("Smallshire", 2024, headline, {}, None)
    assert "small-number rule hides" in text and "3 registered" in text


def test_nice_ticks_cover_the_range_with_round_steps():
    assert charts.nice_ticks(0, 163) == [0, 50, 100, 150, 200]
    assert charts.nice_ticks(-113, 0) == [-125, -100, -75, -50, -25, 0]
    assert charts.nice_ticks(0, 2.4) == [0, 0.5, 1.0, 1.5, 2.0, 2.5]


def test_bars_say_suppressed_or_not_published_instead_of_drawing_zero():
    d = charts.hbars([("A", 2.0, True), ("B", "c", False), ("C", None, False)], "places per child", "x", "t")
    texts = [s.text for s in d.shapes if isinstance(s, Text)]
    assert "c (suppressed)" in texts and "not published" in texts
    bars = [s for s in d.shapes if type(s).__name__ == "Rect"]
    assert len(bars) == 1  # only A has a bar


def test_a_line_breaks_where_a_year_is_missing():
    d = charts.line_chart(["2014", "2015", "2016", "2017"], [charts.Series("p", [1.0, None, 3.0, 4.0], "#000")],
                          "places", "places", "t")
    lines = [s for s in d.shapes if type(s).__name__ == "Line" and s.stroke == "#000" and s.points[0][0] > 40]
    assert [len(x.points) for x in lines] == [2]  # 2016-2017 joined; 2014 stands alone as a dot (not the legend)
    dots = [s for s in d.shapes if type(s).__name__ == "Dot"]
    assert len(dots) == 3


@pytest.mark.parametrize(("gap", "k"), [(30.0, 0), (29.0, 1), (10.0, 1), (9.0, 2), (-9.0, 2), (-10.0, 3),
                                        (-29.0, 3), (-30.0, 4), ("c", None), (None, None)])
def test_gap_classes(gap, k):
    assert gap_class(gap) == k
    assert len(GAP_CLASSES) == 5


def test_svg_escapes_text():
    svg = to_svg(Drawing(10, 10, "<t>").add(Text(0, 0, "<script>alert(1)</script> & co")))
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in svg
    assert "&lt;t&gt;" in svg and "http" not in svg
