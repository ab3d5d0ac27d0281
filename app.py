"""Streamlit app: the England map of children's homes places against local need.

Run with ``python -m ui.serve`` (the README's command: ``streamlit run app.py`` with warm
caches). A thin layer: every figure comes from :mod:`sufficiency.service` (the same
functions the command line calls), cached by :mod:`ui.cached` on the content key of the
data; each part of the page is drawn by a module of :mod:`ui.panels`; nothing is computed
here; only the tab shown runs. Works offline: Leaflet is
served by the app itself (:mod:`ui.leaflet_offline`), basemap tiles are optional.
"""

from __future__ import annotations

import streamlit as st

from sufficiency import service
from ui import activity, cached, leaflet_offline, tables, text
from ui.panels import (
    compare_tab,
    data_sources,
    detail,
    distances_tab,
    map_tab,
    regions_tab,
    session,
    shortfall_tab,
)
from ui.panels import sidebar as sidebar_panel

st.set_page_config(page_title=text.TITLE, page_icon="🏠", layout="wide")


@st.cache_resource
def _leaflet() -> str:
    return str(leaflet_offline.install_leaflet())


def main() -> None:
    st.html(text.PAGE_CSS)  # our own fixed CSS (no user text): compact top, the title on one line
    st.title(text.TITLE)  # first, so the page shows at once while the data loads
    _leaflet()
    ds = data_sources.dataset()
    years = service.years(ds)
    session.initial_state(ds, years)
    session.keep_tab_values()  # only the tab shown runs: the others' choices are kept
    for note in st.session_state.pop("_link_notes", []):
        st.warning(text.plain(note))
    with st.expander("How to read this map", expanded=False):
        st.markdown(text.HOW_TO_READ)
    opts = sidebar_panel.sidebar(years)
    session.sync_url(opts)  # at once: a link copied while the rest draws already holds this view
    view = cached.year_view(ds.key, opts["year"], opts["categories"], ds)
    names = view.names
    # Only the tab shown runs (``on_change="rerun"``): the map is never drawn into a hidden
    # tab (which left it blank, 0 px high), and a rerun does no other tab's work.
    tab_map, tab_compare, tab_regions, tab_table, tab_dist = st.tabs(
        session.TABS, key="tab", on_change="rerun")
    if tab_map.open:
        with tab_map:
            left, right = st.columns([5, 3])
            map_tab.take_click(names)  # a click on the map selects first: the detail is drawn first,
            with right:  # so its figures show while the map's layers are still being made
                detail.detail_panel(ds, view, opts, names)
            with left:
                map_tab.map_panel(ds, view, opts, names)
    if tab_compare.open:
        with tab_compare:
            compare_tab.compare_tab(ds, view, opts, names)
    if tab_regions.open:
        with tab_regions:
            regions_tab.regions_tab(ds, view)
    if tab_table.open:
        with tab_table:
            shortfall_tab.shortfall_tab(ds, view, opts)
    if tab_dist.open:
        with tab_dist:
            distances_tab.scenario_section(ds, view, opts, names)
            distances_tab.placements_section(ds, names, shown_before=st.session_state.get("_dist_shown", False))
    st.session_state["_dist_shown"] = bool(tab_dist.open)
    about = st.expander("About the data, sources and licence", key="about_open", on_change="rerun")
    if about.open:  # drawn only when opened: its table is sent with every run otherwise
        with about:
            st.markdown(text.SOURCES)
            for what, source in ds.sources.items():
                st.caption(text.plain(f"{what}: {source}"))
            if len(ds.reconciliation):
                st.markdown("**Rows read, used and set aside**")
                tables.show(ds.reconciliation, key="reconciliation")
    st.caption(text.ATTRIBUTION)
    session.sync_url(opts)


with activity.page_run():  # background warming (ui.serve) waits while a page is computed
    main()
