"""The Distances and scenarios tab: open or close places; a commissioner's own placements list."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from sufficiency import service
from sufficiency.service import InputError
from ui import cached, text
from ui import flows as flows_ui
from ui import map as umap
from ui.panels.data_sources import upload_file
from ui.panels.shortfall_tab import DISCLOSURE


def scenario_section(ds: service.Dataset, view: service.YearView, opts: dict, names: dict[str, str]) -> None:
    """Open or close places in some authorities: before/after table and map."""
    st.subheader("What if we opened or closed places?")
    st.caption(text.SCENARIO_HELP)
    changes: list = st.session_state.setdefault("scenario_changes", [])
    left, mid, right = st.columns([3, 2, 2])
    code = left.selectbox("Authority", list(names), index=None, format_func=names.get, key="scn_code",
                          placeholder="Choose an authority")
    delta = mid.number_input("Places (+ open, − close)", value=0, step=1, key="scn_delta")
    right.write("")
    if right.button("Add to the scenario", key="scn_add") and code and delta:
        changes.append((code, int(delta)))
    if not changes:
        st.info("Add at least one authority and a number of places to open (+) or close (−).")
        return
    st.markdown(f"Scenario on 31 March {opts['year']} figures: " + "; ".join(  # names from the registry
        f"{'open' if d > 0 else 'close'} {abs(d)} in {names.get(c, c)}" for c, d in changes))
    if st.button("Clear the scenario", key="scn_clear"):
        st.session_state["scenario_changes"] = []
        st.rerun()
    try:
        result = cached.scenario(view.key, tuple(changes), ds, view)
    except InputError as e:
        st.error(text.plain(str(e)))
        return
    st.markdown(f"**Authorities that change: {len(result.report)}** (distances are straight lines between "
                "authorities)")
    st.caption(text.plain(result.note))
    st.dataframe(result.report, hide_index=True, width="stretch")
    st.download_button("Download the scenario table (CSV)", service.scenario_csv(result),
                       file_name=f"scenario_{opts['year']}.csv", mime="text/csv", key="scn_download", on_click="ignore")
    after = result.after
    shapes, _ = cached.year_shapes(view.key, ds, view)
    fmap = umap.choropleth_map(shapes, after, "local_bed_gap", service.MEASURES["local_bed_gap"],
                               scheme=opts["scheme"], k=opts["k"], palette="RdBu", regions=ds.regions,
                               highlight=tuple(result.report["code"]))
    st.caption("Local bed gap after the scenario; the authorities that change are outlined in black")
    st_folium(fmap, key="scenario_map", height=480, use_container_width=True, returned_objects=[])


def placements_section(ds: service.Dataset, names: dict[str, str]) -> None:
    """A commissioner's own placements list: distances, bands, flows. Held in memory only."""
    st.subheader("Your placements list")
    st.caption(text.PLACEMENTS_HELP)
    upload = st.file_uploader("Placements (CSV or Excel)", type=["csv", "xlsx"], key="up_placements")
    roads = st.file_uploader("Road graph for road distances (optional: .graphml or OSM XML, see docs/roads.md)",
                             type=["graphml", "osm", "xml"], key="up_roads")
    if upload is None:
        return
    threshold = st.slider("Hide flows with fewer placements than", 1, 10, 5, key="flow_threshold")
    disclosure = st.selectbox("Small numbers in downloads", ["suppress", "round5", "round10", "none"],
                              format_func=DISCLOSURE.get, key="placements_disclosure")
    file = upload_file(upload)
    road = upload_file(roads) if roads is not None else None
    try:
        report = cached.placements(ds.key, file.key(), threshold, road.key() if road else None, ds, file, road)
    except InputError as e:
        st.error(text.plain(str(e)))
        return
    for note in report.notes:
        st.caption(text.plain(note))
    flagged = int(report.set_aside["reason"].str.startswith("used, flagged").sum()) if len(report.set_aside) else 0
    if len(report.set_aside):
        st.warning(text.plain(f"{len(report.set_aside) - flagged} row(s) of your file were set aside and {flagged} "
                              "used but flagged: each is listed below with its row number and the reason."))
    with st.expander("What was read from your file", expanded=bool(len(report.set_aside))):
        st.dataframe(report.summary, hide_index=True)
        if len(report.set_aside):
            st.caption("Rows set aside (row numbers as in your file)")
            st.dataframe(report.set_aside, hide_index=True)
    st.markdown(f"**Per responsible authority** (distances between home and placement: {report.method})")
    st.dataframe(service.apply_disclosure(report.by_authority, disclosure), hide_index=True, width="stretch")
    st.download_button("Download the per-authority table (CSV)", service.csv(report.by_authority, disclosure),
                       file_name="placements_by_authority.csv", mime="text/csv", on_click="ignore")
    st_folium(flows_ui.flow_map(report.flows, names, ds.boundaries, threshold=threshold), key="flow_map", height=480,
              use_container_width=True, returned_objects=[])
    if st.checkbox("Child-level table (one row per placement)", key="child_level"):
        st.warning(text.CHILD_LEVEL_WARNING)
        st.download_button("Download the child-level table (CSV)", service.csv(report.child_level, disclosure),
                           file_name="placements_child_level.csv", mime="text/csv", on_click="ignore")
