"""The Distances and scenarios tab: open or close places; a commissioner's own placements list."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from sufficiency import service
from sufficiency.service import InputError
from ui import cached, tables, text
from ui import flows as flows_ui
from ui import map as umap
from ui.panels import session
from ui.panels.shortfall_tab import DISCLOSURE

SCENARIO_ORDER = ["name", "what_changes", "places_before", "places_after", "local_bed_gap_before", "local_bed_gap_after",
                  "share_within_20_miles_before", "share_within_20_miles_after", "sufficiency_radius_km_before",
                  "sufficiency_radius_km_after", "demand_estimated", "distance_method", "code"]
BY_AUTHORITY_ORDER = ["name", "placements", "with_distance", "median_distance_km", "median_distance_miles",
                      "over_20_miles", "share_over_20_miles", "outside_la", "share_outside_la", "distance_method",
                      "code", "disclosure_control"]
FLOW_ORDER = ["origin_name", "destination_name", "placements", "median_distance_km", "distance_method",
              "origin_code", "destination_code"]


def scenario_rows(report, changes: list[tuple[str, int]]):
    """The scenario's table for reading: the authorities changed first, then the biggest moves in the
    share within 20 miles (the numbers are the report's own)."""
    changed = [c for c, _ in changes]
    move = (report["share_within_20_miles_after"].astype("Float64")
            - report["share_within_20_miles_before"].astype("Float64")).abs().fillna(0)
    first = report["code"].isin(changed)
    order = report.assign(_first=~first, _move=-move).sort_values(["_first", "_move", "name"], kind="stable")
    order = order.drop(columns=["_first", "_move"]).reset_index(drop=True)
    return order.assign(what_changes=what_changes(order))


CHANGE_WORDS = {"places": "places", "local_bed_gap": "gap", "share_within_20_miles": "within 20 miles",
                "sufficiency_radius_km": "radius"}


def what_changes(report) -> list[str]:
    """Per row, the figures that change, before → after ("within 20 miles 54% → 52%")."""
    out = []
    for row in report.to_dict("records"):
        parts = []
        for base, word in CHANGE_WORDS.items():
            before = service.format_value(base, row.get(f"{base}_before"), with_unit=base.endswith("_km"))
            after = service.format_value(base, row.get(f"{base}_after"), with_unit=base.endswith("_km"))
            if before != after:
                parts.append(f"{word} {before} → {after}")
        out.append("; ".join(parts) or "less than the rounding shown")
    return out


def rerouting_note(report, changes: list[tuple[str, int]], names: dict[str, str]) -> str:
    """Why authorities far from the change move (empty when only the changed ones do)."""
    changed = {c for c, _ in changes}
    others = report[~report["code"].isin(changed)]
    if not len(others):
        return ""
    where = ", ".join(names.get(c, c) for c in dict.fromkeys(c for c, _ in changes))
    return (f"{len(others)} other authorities change too, some far from {where}: the best achievable share "
            "places every child in a home in England as close to home as the places allow, so places opened or "
            "closed in one authority re-route children across the country, and an authority a long way off can "
            "gain or lose a few percentage points. Their own places and local bed gap do not change.")


def scenario_section(ds: service.Dataset, view: service.YearView, opts: dict, names: dict[str, str]) -> None:
    """Open or close places in some authorities: before/after table and map."""
    st.header("What if we opened or closed places?")
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
    note = rerouting_note(result.report, changes, names)
    if note:
        st.info(text.plain(note))
    tables.show(scenario_rows(result.report, changes), SCENARIO_ORDER, key="scenario_table")
    st.download_button("Download the scenario table (CSV)", service.scenario_csv(result),
                       file_name=f"scenario_{opts['year']}.csv", mime="text/csv", key="scn_download", on_click="ignore")
    after = result.after
    shapes, _ = cached.year_shapes(view.key, ds, view)
    breaks, fixed = (cached.fixed_breaks(ds.key, "local_bed_gap", view.categories, opts["scheme"], opts["k"], ds)
                     if opts.get("fixed") else (None, None))
    fmap = umap.choropleth_map(shapes, after, "local_bed_gap", service.MEASURES["local_bed_gap"],
                               scheme=opts["scheme"], k=opts["k"], palette="RdBu", regions=ds.regions,
                               highlight=tuple(result.report["code"]), focus=tuple(c for c, _ in changes),
                               breaks=breaks, fixed_note=fixed, zoom_controls=True)
    st.caption("Local bed gap after the scenario, zoomed to the authorities you changed; every authority that "
               "changes is outlined in black (use Zoom to, All England, to see them all)")
    st_folium(fmap, key="scenario_map", height=480, use_container_width=True, returned_objects=[])


def placements_section(ds: service.Dataset, names: dict[str, str], shown_before: bool = True) -> None:
    """A commissioner's own placements list: distances, bands, flows. Held in memory only.

    The files stay in use when the user visits another tab and comes back (``shown_before``:
    whether this tab ran in the previous run; :func:`ui.panels.session.kept_upload`).
    """
    st.header("Your placements list")
    st.caption(text.PLACEMENTS_HELP)
    upload = st.file_uploader("Placements (CSV or Excel)", type=["csv", "xlsx"], key="up_placements")
    roads = st.file_uploader("Road graph for road distances (optional: .graphml or OSM XML, see docs/roads.md)",
                             type=["graphml", "osm", "xml"], key="up_roads")
    file = session.kept_upload("up_placements", upload, shown_before)
    road = session.kept_upload("up_roads", roads, shown_before)
    if file is None:
        return
    if upload is None:  # back from another tab: the file uploaded earlier is still used
        st.caption(text.plain(f"Using {file.name}, uploaded earlier in this session"
                              + (f", with the road graph {road.name}" if road is not None else "")
                              + " (upload another file to replace it)."))
        if st.button("Stop using this placements list", key="forget_placements"):
            session.forget_upload("up_placements")
            session.forget_upload("up_roads")
            st.rerun()
    threshold = st.slider("Hide flows with fewer placements than", 1, 10, 5, key="flow_threshold")
    disclosure = st.selectbox("Small numbers in downloads", ["suppress", "round5", "round10", "none"],
                              format_func=DISCLOSURE.get, key="placements_disclosure")
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
    known = session.all_names(ds)
    with st.expander("What was read from your file", expanded=bool(len(report.set_aside))):
        tables.show(report.summary, key="placements_read")
        if len(report.set_aside):
            st.caption("Rows set aside (row numbers as in your file)")
            tables.show(report.set_aside, key="placements_set_aside")
    st.markdown(f"**Per responsible authority** (distances between home and placement: {report.method})")
    tables.show(service.apply_disclosure(report.by_authority, disclosure), BY_AUTHORITY_ORDER, key="placements_by_la")
    st.download_button("Download the per-authority table (CSV)", service.csv(report.by_authority, disclosure),
                       file_name="placements_by_authority.csv", mime="text/csv", on_click="ignore")
    st.markdown("**Where children are placed** (from the child's home authority to the placement's authority)")
    st_folium(flows_ui.flow_map(report.flows, known, ds.boundaries, threshold=threshold), key="flow_map", height=480,
              use_container_width=True, returned_objects=[])
    shown = report.flows[~report.flows["suppressed"].astype(bool)]
    if len(shown):
        flows = shown.assign(origin_name=shown["origin_code"].map(known).fillna(shown["origin_code"]),
                             destination_name=shown["destination_code"].map(known).fillna(shown["destination_code"]))
        tables.show(flows.sort_values("placements", ascending=False), FLOW_ORDER, key="placements_flows")
    hidden = int(report.flows["suppressed"].astype(bool).sum())
    if hidden:
        st.caption(f"{hidden} flow(s) with fewer than {threshold} placements are not shown, on the map or here.")
    if st.checkbox("Child-level table (one row per placement)", key="child_level"):
        st.warning(text.CHILD_LEVEL_WARNING)
        st.download_button("Download the child-level table (CSV)", service.csv(report.child_level, disclosure),
                           file_name="placements_child_level.csv", mime="text/csv", on_click="ignore")
