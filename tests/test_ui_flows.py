"""Flow lines: aggregated only, small flows hidden, names escaped."""

import pandas as pd

from ui.flows import flow_lines, flow_map


def _flows():
    return pd.DataFrame({
        "origin_code": ["A", "A", "B"], "destination_code": ["B", "A", "A"], "placements": [12, 7, 2],
        "median_distance_km": [30.0, 0.0, 30.0], "distance_method": ["straight line"] * 3,
        "suppressed": [False, False, True],
        "from_easting": [400000.0, 400000.0, 430000.0], "from_northing": [300000.0, 300000.0, 300000.0],
        "to_easting": [430000.0, 400000.0, 400000.0], "to_northing": [300000.0, 300000.0, 300000.0],
    })


def test_suppressed_flows_are_not_drawn():
    lines = flow_lines(_flows())
    assert lines["placements"].tolist() == [12, 7]
    assert lines.crs.to_epsg() == 4326
    assert abs(lines.to_crs(27700).length.iloc[0] - 30000.0) < 0.01  # round trip through WGS84


def test_map_escapes_names_and_says_what_was_hidden():
    html = flow_map(_flows(), {"A": "<img src=x onerror=alert(1)>", "B": "Bee"}, threshold=5).get_root().render()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "1 flow(s) with fewer than 5 placements not drawn" in html
    assert "straight line" in html
