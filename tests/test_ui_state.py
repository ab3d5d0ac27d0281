"""ui.state: the view in the URL query string."""

from __future__ import annotations

from ui.state import MAX_COMPARE, ViewState, parse_state, to_query

YEARS = [2019, 2023, 2024]
MEASURES = ["local_bed_gap", "places", "homes"]
CODES = {"E08000003", "E08000012", "E06000001"}
REGIONS = {"North West", "South East"}


def parse(params):
    return parse_state(params, years=YEARS, measures=MEASURES, codes=CODES, regions=REGIONS,
                       default_measure="local_bed_gap")


def test_defaults_are_latest_year_and_gap():
    view, notes = parse({})
    assert view == ViewState(2024, "local_bed_gap", "", "", ())
    assert notes == []


def test_round_trip():
    view = ViewState(2019, "places", "North West", "E08000003", ("E08000003", "E08000012"))
    q = to_query(view)
    assert q == {"year": "2019", "measure": "places", "region": "North West", "la": "E08000003",
                 "compare": "E08000003,E08000012", "view": "map"}
    assert parse(q) == (view, [])


def test_bad_values_are_dropped_and_reported():
    view, notes = parse({"year": "1999", "measure": "drop table", "region": "Narnia", "la": "e99999999",
                         "compare": "e08000003, E08000003 ,X"})
    assert view == ViewState(2024, "local_bed_gap", "", "", ("E08000003",))  # lower case accepted, deduplicated
    assert len(notes) == 5
    assert "year '1999'" in notes[0] and "'X'" in notes[4]


def test_hex_view_round_trips_and_an_unknown_view_is_reported():
    view = ViewState(2023, "places", view="hex")
    assert to_query(view)["view"] == "hex"
    assert parse(to_query(view)) == (view, [])
    back, notes = parse({"view": "globe"})
    assert back.view == "map" and notes == ["The link asks for an unknown map view 'globe'; showing the geographic map."]


def test_list_values_and_compare_limit():
    many = sorted(CODES) * 1
    view, _ = parse({"year": ["2023"], "compare": ",".join(many)})
    assert view.year == 2023 and view.compare == tuple(many)
    codes = {f"E0600{i:04d}" for i in range(MAX_COMPARE + 2)}
    view, notes = parse_state({"compare": ",".join(sorted(codes))}, years=YEARS, measures=MEASURES,
                              codes=codes, regions=REGIONS)
    assert len(view.compare) == MAX_COMPARE and notes == [f"Only the first {MAX_COMPARE} authorities are compared."]
