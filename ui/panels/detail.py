"""The detail panel beside the map: one authority's figures, rank, trend and neighbours."""

from __future__ import annotations

import streamlit as st

from sufficiency import service
from ui import cached, charts, tables, text
from ui.panels import session
from ui.panels.profile import profile_downloads

TREND_LABELS = {"places": "Local places", "children_in_homes": "Children in homes",
                "local_bed_gap": "Local bed gap"}


def detail_panel(ds: service.Dataset, view: service.YearView, opts: dict, names: dict[str, str]) -> None:
    """Search box and the chosen authority's figures, rank, trend and neighbours."""
    known = session.all_names(ds)
    options = session.picker_options(names, [st.session_state.get("authority_pick")])
    code = st.selectbox("Find an authority", options, key="authority_pick", index=None,
                        format_func=session.picker_label(names, known, view.year),
                        placeholder="Type a name or click the map", filter_mode="contains")
    if not code:
        st.info("Click an authority on the map, or type its name above, to see its figures.")
        return
    if code not in names:
        st.header(text.plain(known.get(code, code)))
        st.warning(text.plain(session.absent_note(ds, view, code)))
        return
    detail = cached.authority_detail(view.key, code, ds, view)
    row = detail["measures"].iloc[0]
    st.header(text.plain(names[code]))
    st.caption(text.plain(f"{row['region']} · {code} · 31 March {opts['year']}"))
    if st.button("Add to comparison", key="add_compare") and code not in st.session_state["compare"]:
        st.session_state["compare"] = [*st.session_state["compare"], code]
    meaning = service.formats.sign_meaning("local_bed_gap", row["local_bed_gap"])
    if meaning:
        st.markdown(f"**{text.plain(meaning[:1].upper() + meaning[1:])}** (local bed gap)")
    for note in (row["demand_note"], row["supply_note"]):
        if note:
            st.warning(text.plain(note))
    st.table(tables.detail_table(row, detail["ranks"], service.MEASURES), border="horizontal", hide_index=True)
    st.markdown("**Trend** (places and children; the gap is their difference)")
    st.altair_chart(charts.trend_chart(detail["trend"], TREND_LABELS), width="stretch")
    st.markdown("**Against England, the region and DfE's statistical neighbours**")
    bench = cached.benchmarks(view.key, code, ds, view)
    st.table(tables.benchmark_table(bench), border="horizontal", hide_index=True)
    counts = tables.benchmark_counts(bench)
    if counts:
        st.caption(counts)
    neighbours = service.dfe_neighbours(ds, code)
    st.markdown("**DfE statistical neighbours**")
    if len(neighbours):
        st.caption(f"DfE's children's services statistical neighbours ({neighbours['vintage'].iloc[0]} groups), "
                   "nearest first, with DfE's closeness band.")
        st.table(tables.dfe_neighbours_table(neighbours), border="horizontal", hide_index=True)
    else:
        st.caption("DfE gives this authority no statistical neighbours.")
    with st.expander("Authorities in a similar children's-homes position (our own measure, not DfE's)"):
        st.caption("Nearest this year on children in homes, places, % placed outside, private share and net gain "
                   "per child (see sufficiency/model/compare.py).")
        if len(detail["similar"]):
            st.table(tables.neighbours_table(detail["similar"]), border="horizontal", hide_index=True)
        else:
            st.caption("None: a figure this comparison needs is missing for this authority this year.")
    profile_downloads(ds, view, code)
