"""app.py's widget logic with streamlit.testing.v1.AppTest (no browser).

The tables the app shows and the CSV it offers are checked against the model's own
functions on the embedded data; a rerun must not recompute the national model.
"""

from __future__ import annotations

import html
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from conftest import as_shown
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from sufficiency import service
from sufficiency.model import measures as model
from sufficiency.model.shortfall import SHORTFALL_COLUMNS
from ui.panels.shortfall_tab import SHORTFALL_ORDER

REPO = Path(__file__).resolve().parent.parent
YEAR = 2024  # latest year with both Ofsted places and DfE children's figures


@pytest.fixture(scope="module")
def ds():
    return service.embedded()


def expected_table(ds, year, region=None, categories=None):
    return service.shortfall_table(service.year_view(ds, year, categories, distances=False), region)


@pytest.fixture
def app():
    """The app, reusing what earlier tests cached (equal content keys mean equal data)."""
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=120)


@pytest.fixture
def fresh_app():
    """The app with every cache emptied (for tests that count what is computed)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=120)


@pytest.fixture
def downloads(monkeypatch):
    """Bytes handed to Streamlit's media storage, by file name (what the download button serves)."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes) and filename:
            seen[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return seen


def on_tab(app: AppTest, tab: str) -> AppTest:
    """Run the app with ``tab`` shown (only the tab shown runs)."""
    app.session_state["tab"] = tab
    return app.run()


def with_uploads(app: AppTest) -> AppTest:
    """Run the app with "Use your own data" opened (its uploaders are drawn only from then on)."""
    app.session_state["uploads_open"] = True  # as a click on the expander does
    return app.run()


def shortfall_frame(at: AppTest) -> pd.DataFrame:
    """The shortfall table the app shows (the dataframe with a ``rank`` column)."""
    frames = [d.value for d in at.dataframe if "rank" in d.value.columns]
    assert len(frames) == 1
    return frames[0]


def shortfall_caption(at: AppTest) -> str:
    (caption,) = [as_shown(c.value) for c in at.caption if "largest local bed gap first" in as_shown(c.value)]
    return caption


def test_defaults_show_latest_complete_year_for_england(app, ds, downloads):
    at = on_tab(app, "Shortfall table")
    assert not at.exception and not at.error
    assert at.selectbox(key="year").value == YEAR
    assert at.selectbox(key="measure").value == "local_bed_gap"
    table = shortfall_frame(at)
    expected = expected_table(ds, YEAR)
    # the gap first, the rule shown too, every other column after; the year is in the caption
    assert list(table.columns)[:len(SHORTFALL_ORDER)] == SHORTFALL_ORDER
    assert set(table.columns) == {*SHORTFALL_COLUMNS, "disclosure_control"} - {"year"}
    assert shortfall_caption(at).startswith(f"153 authorities, 31 March {YEAR}")
    assert len(table) == len(expected) == 153
    assert table["code"].tolist() == expected["code"].tolist()
    assert table["local_bed_gap"].dtype == "Float64" and table["net_gain"].dtype == "Float64"  # typed
    assert downloads[f"shortfall_{YEAR}_england.csv"] == service.csv(expected)
    assert at.query_params["year"] == str(YEAR) and at.query_params["measure"] == "local_bed_gap"


def test_region_and_year_filter_the_table_and_the_download(app, ds, downloads):
    at = on_tab(app, "Shortfall table")
    at.selectbox(key="region").set_value("North West").run()
    table = shortfall_frame(at)
    assert set(table["region"]) == {"North West"} and len(table) == 24
    at.selectbox(key="year").set_value(2019).run()
    table = shortfall_frame(at)
    expected = expected_table(ds, 2019, "North West")
    assert "31 March 2019" in shortfall_caption(at)
    assert table["code"].tolist() == expected["code"].tolist()
    assert downloads["shortfall_2019_north_west.csv"] == service.csv(expected)
    assert at.query_params["region"] == "North West" and at.query_params["year"] == "2019"


def test_disclosure_rule_changes_the_download(app, ds, downloads):
    at = on_tab(app, "Shortfall table")
    at.selectbox(key="disclosure").set_value("round10").run()
    expected = service.csv(expected_table(ds, YEAR), "round10")
    assert downloads[f"shortfall_{YEAR}_england.csv"] == expected
    assert expected != service.csv(expected_table(ds, YEAR))


def test_suppressed_table_stays_typed_and_says_what_was_hidden(app, ds):
    at = on_tab(app, "Shortfall table")
    at.selectbox(key="disclosure").set_value("suppress").run()
    assert not at.exception
    table = shortfall_frame(at)
    suppressed = service.apply_disclosure(expected_table(ds, YEAR), "suppress").set_index("code")
    hit = suppressed.index[suppressed["net_gain"].eq("c")].tolist()
    assert len(hit) == 19  # net gains of 1 to 5 children in 2024, hidden by the rule
    shown = table.set_index("code")
    # numbers stay numbers (no "c" in a number column: Arrow never fails); the hidden ones are <NA>
    assert str(shown["net_gain"].dtype) == "Float64" and str(shown["children_in_homes"].dtype) == "Float64"
    assert shown.loc[hit, "net_gain"].isna().all()
    assert (shown.loc[hit, "small_numbers"] == "Net gain: suppressed (c)").all()
    kept = suppressed.index[suppressed["net_gain"].ne("c") & suppressed["net_gain"].notna()]
    assert (shown.loc[kept, "small_numbers"] == "").all()
    assert shown.loc[kept, "net_gain"].tolist() == suppressed.loc[kept, "net_gain"].astype(float).tolist()


def test_hex_view_from_the_link_and_the_map_as_a_table(app, ds):
    app.query_params.update({"view": "hex", "la": "E09000020"})
    at = app.run()
    assert not [d for d in at.dataframe if "map_class" in d.value.columns]  # closed: not made, not sent
    at.session_state["map_table_open"] = True  # as a click on the expander does
    at = at.run()
    assert not at.exception and at.radio(key="view").value == "hex"
    script = map_args(at)["script"]
    assert len(re.findall(r'"className": "authority-shape la-E\d{8}"', script)) == 153
    assert script.count('className: "hex-label"') == 1 and script.count('"KNS"') == 1  # the labels, Kensington's
    assert '"className": "selected-outline selected-outline-E09000020"' in script
    assert "zoom-to-button" not in script and "tiny-authority" not in script  # hexagons need neither
    assert at.query_params["view"] == "hex"
    (table,) = [d.value for d in at.dataframe if "map_class" in d.value.columns]
    gaps = table["local_bed_gap"].dropna()
    assert len(table) == 153 and gaps.is_monotonic_decreasing  # every authority, largest gap first
    assert set(table.loc[table["local_bed_gap"].isna(), "map_class"]) == {"no figure"}
    assert table["map_class"].iloc[0] == "17 to 117"  # the legend's top class (fixed across years)
    at.radio(key="view").set_value("map").run()
    assert at.query_params["view"] == "map" and "zoom-to-button" in map_args(at)["script"]


def test_link_restores_view_and_reports_bad_values(app):
    app.query_params.update({"year": "2019", "measure": "places", "la": "E08000003",
                             "compare": "E08000003,E08000012,E99999999", "region": "North West", "tab": "Charts"})
    at = app.run()
    assert not at.exception
    assert at.selectbox(key="year").value == 2019
    assert at.selectbox(key="measure").value == "places"
    assert at.selectbox(key="authority_pick").value == "E08000003"
    assert at.session_state["compare"] == ["E08000003", "E08000012"]  # the Compare tab's list
    assert any(s.value == "Manchester" for s in at.header)
    assert [w.value for w in at.warning if "E99999999" in w.value]  # the unknown code is named, not dropped silently
    assert [w for w in at.warning if "unknown tab 'Charts'; showing the map" in as_shown(w.value)]
    assert "tab" not in at.query_params  # the map is the first tab: not written


def test_picking_an_authority_shows_detail_without_recomputing(fresh_app, ds, monkeypatch):
    app = fresh_app
    calls = []
    real = model.authority_measures

    def counting(*args, **kwargs):
        calls.append(args[1] if len(args) > 1 else kwargs.get("year"))
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "authority_measures", counting)
    at = app.run()
    first = len(calls)
    assert first >= 1
    at.selectbox(key="authority_pick").set_value("E10000016").run()
    assert any(s.value == "Kent" for s in at.header)
    after_detail = len(calls)  # the trend needs every year once
    at.selectbox(key="authority_pick").set_value("E08000003").run()
    at.session_state["tab"] = "Compare"
    at.run()
    at.multiselect(key="compare").set_value(["E08000003", "E10000016"]).run()
    assert len(calls) == after_detail  # clicks and picks reuse the cached model
    assert not at.exception


def map_args(at: AppTest) -> dict:
    """Arguments the app sent to the streamlit-folium component; ``script`` holds the base map's
    script followed by the data layers' (``feature_group``, swapped in place on a rerun)."""
    (node,) = at.get("component_instance")
    args = json.loads(node.proto.json_args)
    assert args["feature_group"], "the data layers are sent beside the base map"
    args["base_script"] = args["script"]
    args["script"] = args["script"] + args["feature_group"]
    return args


def test_map_is_offline_with_one_feature_per_authority(app, ds):
    at = app.run()
    args = map_args(at)
    assert args["js_links"] == ["/app/static/leaflet/leaflet.js"]
    assert args["css_links"] == ["/app/static/leaflet/leaflet.css"]
    assert args["returned_objects"] == ["last_active_drawing", "last_object_clicked"]
    script = args["script"]
    assert len(re.findall(r'"className": "authority-shape la-E\d{8}"', script)) == 153
    # one shape per authority, the regions, and a clickable dot on each of the three tiniest authorities
    assert script.count('"type": "Feature"') == 153 + len(ds.regions) + 3
    assert sorted(re.findall(r'"className": "tiny-authority la-(E\d{8})"', script)) == ["E06000009", "E06000039",
                                                                                     "E06000053"]
    # Halton's demand is suppressed by DfE in 2024: grey, and the tooltip says why
    assert re.search(r'case "E06000006": \s*return \{"className": "authority-shape la-E06000006", '
                     r'"color": "#ffffff", "fillColor": "#c8c8c8"', script)
    assert script.count("suppressed by DfE to protect confidentiality (c)") >= 42
    assert not at.toggle  # "Map options" is closed: its widgets are not drawn (nor their page files loaded)
    at.session_state["map_options_open"] = True  # as a click on the expander does
    at = at.run()
    at.toggle(key="symbols").set_value(True).run()
    at.toggle(key="tiles").set_value(True).run()
    args = map_args(at)
    assert args["js_links"] == ["/app/static/leaflet/leaflet.js"]  # basemap tiles are images, not scripts
    assert "tile.openstreetmap.org" in args["script"]
    assert args["script"].count('"type": "Feature"') > 153 + len(ds.regions)  # the places circles


def test_past_year_draws_merged_councils(app):
    app.query_params.update({"year": "2019", "la": "E06000058"})  # BCP was created on 1 April 2019
    at = app.run()
    assert not at.exception
    assert len(re.findall(r'"className": "authority-shape la-E\d{8}"', map_args(at)["script"])) == 150
    # BCP stays selected, greyed with a note naming what drew its area in 2019
    assert at.selectbox(key="authority_pick").value == "E06000058"
    assert at.selectbox(key="authority_pick").options[-1] == "Bournemouth, Christchurch and Poole"  # kept, at the end
    (note,) = [as_shown(w.value) for w in at.warning if "E06000058" in as_shown(w.value)]
    assert "has no figures for 31 March 2019" in note
    assert "In 2019 its area is shown as Dorset, Bournemouth and Poole." in note  # the combined unit of 2019
    assert '"className": "selected-outline selected-outline-E10000009"' in map_args(at)["script"]
    at.selectbox(key="year").set_value(2024).run()  # the year it exists: its figures come back
    assert any(as_shown(s.value) == "Bournemouth, Christchurch and Poole" for s in at.header)
    assert at.query_params["la"] == "E06000058"
    at.selectbox(key="year").set_value(2019).run()
    assert at.selectbox(key="authority_pick").value == "E06000058" and not at.exception


def legend_of(at: AppTest) -> str:
    """The legend HTML the map shows (escaped text, as Leaflet receives it)."""
    found = re.search(r"<summary>Legend</summary>' \+ (\".*?\") \+ '</details>'", map_args(at)["script"])
    return json.loads(found.group(1))


def test_every_measure_draws(app):
    at = app.run()
    assert "same classes for 2014–2024" in legend_of(at)  # the default: classes fixed across years
    # classes of each year alone here (quicker: fixed classes of a distance measure solve every year's allocation)
    at.session_state["map_options_open"] = True  # open "Map options"
    at = at.run()
    at.toggle(key="fixed_classes").set_value(False).run()
    assert "classes for 2024 only" in legend_of(at)
    at.session_state["map_options_open"] = False  # closed again: the choice is kept
    at = at.run()
    assert not at.toggle and "classes for 2024 only" in legend_of(at)
    for measure in model.MEASURES:
        at.selectbox(key="measure").set_value(measure).run()
        assert not at.exception, measure
        assert f'<div class="legend-title">{html.escape(model.MEASURES[measure]["label"])}</div>' in legend_of(at)


def test_bad_upload_shows_plain_message(app):
    app.session_state["tab"] = "Shortfall table"
    at = with_uploads(app)
    at.file_uploader(key="up_prov").upload("providers.csv", b"not,a,provider,file\n1,2,3,4\n", "text/csv")
    at.run()
    assert not at.exception
    messages = [as_shown(e.value) for e in at.sidebar.error]
    assert len(messages) == 1 and "providers.csv" in messages[0]
    assert "Traceback" not in messages[0]
    assert f"31 March {YEAR}" in shortfall_caption(at)  # embedded data still shown


def test_bad_boundary_upload_names_file_row_and_column(app):
    at = with_uploads(app)
    bad = (REPO / "tests" / "fixtures" / "bad" / "b_bad_codes.geojson").read_bytes()
    at.file_uploader(key="up_bnd").upload("b_bad_codes.geojson", bad, "application/geo+json")
    at.run()
    assert not at.exception
    (message,) = [as_shown(e.value) for e in at.sidebar.error]
    assert message.startswith("file 'b_bad_codes.geojson', row 3, column 'CTYUA19CD': not an ONS area code")
    assert len(re.findall(r'"className": "authority-shape la-E\d{8}"', map_args(at)["script"])) == 153


def test_uploaders_are_drawn_once_opened_and_keep_their_files_when_closed(app):
    at = app.run()
    assert not at.get("file_uploader")  # a first page sends no uploader (nor fetches their scripts)
    at = with_uploads(app)
    assert [u.key for u in at.get("file_uploader")] == ["up_prov", "up_dem", "up_net", "up_bnd"]
    own = (REPO / "tests" / "fixtures" / "bad" / "b_html_names.geojson").read_bytes()
    at.file_uploader(key="up_bnd").upload("b_html_names.geojson", own, "application/geo+json")
    at.session_state["uploads_open"] = False  # closed again
    at.run()
    assert len(at.get("file_uploader")) == 4
    assert re.findall(r'"className": "authority-shape la-(E\d{8})"', map_args(at)["script"]) == ["E06000001"]


def test_boundary_upload_replaces_the_map(app):
    at = with_uploads(app)
    own = (REPO / "tests" / "fixtures" / "bad" / "b_html_names.geojson").read_bytes()
    at.file_uploader(key="up_bnd").upload("b_html_names.geojson", own, "application/geo+json")
    at.run()
    assert not at.exception and not at.sidebar.error
    script = map_args(at)["script"]
    assert re.findall(r'"className": "authority-shape la-(E\d{8})"', script) == ["E06000001"]
    assert "<img src=x" not in script  # the uploaded name reaches the page escaped
    assert any("152 with no boundary" in as_shown(c.value) for c in at.caption)


def test_compare_table_and_chart_for_access_measure(app):
    app.query_params.update({"measure": "access_index", "compare": "E08000003,E08000012,E10000016",
                            "tab": "Compare"})  # a link to the Compare tab
    at = app.run()
    assert not at.exception
    assert at.selectbox(key="compare_measure").value == "local_bed_gap"  # access measures are not compared
    assert at.query_params["tab"] == "Compare" and not at.get("component_instance")  # the map tab did not run
    (table,) = [t for t in at.table if "Manchester (E08000003)" in t.value.columns]
    assert list(table.value.columns) == ["Measure", "Manchester (E08000003)", "Liverpool (E08000012)",
                                         "Kent (E10000016)"]
    assert table.value.set_index("Measure").loc["Registered places"].tolist()[0] == "108"


def test_regions_table_has_shares_and_quotients(app, ds):
    at = on_tab(app, "Regions")
    (frame,) = [d.value for d in at.dataframe if "location_quotient" in d.value.columns]
    assert len(frame) == 10 and frame["region"].iloc[-1] == "England"
    nw = frame.set_index("region").loc["North West"]
    assert nw["location_quotient"] == round(nw["places_share"] / nw["children_share"], 2)


def test_categories_change_the_places_counted(app, ds, downloads, tmp_path):
    at = on_tab(app, "Shortfall table")
    at.multiselect(key="categories").set_value(["childrens_home", "secure_childrens_home"]).run()
    table = shortfall_frame(at)
    expected = expected_table(ds, YEAR, categories=("childrens_home", "secure_childrens_home"))
    assert table["places"].sum() == expected["places"].sum()
    assert table["places"].sum() > expected_table(ds, YEAR)["places"].sum()
    (command,) = [c.value for c in at.code if "python -m sufficiency export" in c.value]
    assert "--categories childrens_home,secure_childrens_home" in command
    args = shlex.split(command)[4:-2]  # the flags the app shows, without --out
    out = tmp_path / "cli.csv"
    done = subprocess.run([sys.executable, "-m", "sufficiency", "export", *args, "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == downloads[f"shortfall_{YEAR}_england.csv"]  # the caption's command, same bytes


def test_net_gain_alone_is_refused_with_the_clis_sentence(app):
    at = with_uploads(app)
    at.file_uploader(key="up_net").upload("net.csv", b"time_period\n2024\n", "text/csv")
    at.run()
    assert not at.exception
    (message,) = [as_shown(e.value) for e in at.sidebar.error]
    assert message == f"file 'net.csv': {service.NET_GAIN_ALONE}"


def test_choices_and_the_placements_upload_outlive_a_visit_to_another_tab(app):
    """Only the tab shown runs: what was chosen on the others is kept (and the upload still used)."""
    app.query_params.update({"la": "E10000016", "compare": "E10000016,E08000003", "view": "hex"})
    at = app.run()
    at.session_state["tab"] = "Distances and scenarios"
    at.run()
    placements = b"origin,destination\nE08000007,E08000006\nE08000007,E08000003\n"
    at.file_uploader(key="up_placements").upload("mine.csv", placements, "text/csv")
    at.run()
    assert any("placements" in d.value.columns for d in at.dataframe)
    for tab in ("Map", "Compare", "Distances and scenarios"):
        at.session_state["tab"] = tab
        at.run()
        assert not at.exception
    # back on the Distances tab: the uploader is empty again, the list is still used, and said so
    assert [c for c in at.caption if "Using mine.csv, uploaded earlier in this session" in as_shown(c.value)]
    assert any("placements" in d.value.columns for d in at.dataframe)
    assert at.session_state["authority_pick"] == "E10000016"
    assert at.session_state["compare"] == ["E10000016", "E08000003"] and at.session_state["view"] == "hex"
    at.button(key="forget_placements").click().run()
    assert not [c for c in at.caption if "uploaded earlier" in as_shown(c.value)]
