"""The app's "Distances and scenarios" tab with AppTest: the scenario form changes only what it should."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from sufficiency import service

REPO = Path(__file__).resolve().parent.parent
BRADFORD = "E08000032"


@pytest.fixture
def app():
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.session_state["tab"] = "Distances and scenarios"  # only the tab shown runs
    return at


def _tables(at):
    return [d.value for d in at.dataframe]


def test_scenario_opens_places_and_shows_before_after(app):
    app.run()
    assert not app.exception
    app.selectbox(key="scn_code").set_value(BRADFORD)
    app.number_input(key="scn_delta").set_value(20)
    app.button(key="scn_add").click()
    app.run()
    assert not app.exception
    assert any("figures: open 20 in Bradford" in m.value for m in app.markdown)
    report = next(t for t in _tables(app) if "places_after" in t.columns)
    ds = service.embedded()
    expected = service.run_scenario(ds, service.year_view(ds, 2024), [(BRADFORD, 20)]).report
    assert report["code"].tolist() == expected["code"].tolist()
    row = report.set_index("code").loc[BRADFORD]
    assert row["places_after"] - row["places_before"] == 20
    assert row["local_bed_gap_after"] == row["local_bed_gap_before"] - 20
    assert (report["distance_method"] == "straight line").all()
    assert report["name"].iloc[0] == "Bradford"  # the authority changed comes first, with what changed
    assert report["what_changes"].iloc[0].startswith(f"places {row['places_before']:.0f} → {row['places_after']:.0f}; "
                                                     f"gap {row['local_bed_gap_before']:.0f} → "
                                                     f"{row['local_bed_gap_after']:.0f}")


def test_scenario_closing_more_than_exist_is_a_plain_error(app):
    app.run()
    app.selectbox(key="scn_code").set_value("E06000001")
    app.number_input(key="scn_delta").set_value(-5000)
    app.button(key="scn_add").click()
    app.run()
    assert not app.exception
    assert any("cannot close 5000 places" in e.value for e in app.error)
