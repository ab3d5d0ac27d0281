"""The Compare tab: authorities side by side."""

from __future__ import annotations

import streamlit as st

from sufficiency import service
from ui import charts, tables, text
from ui import state as ustate
from ui.panels import session


def compare_tab(ds: service.Dataset, view: service.YearView, opts: dict, names: dict[str, str]) -> None:
    known = session.all_names(ds)
    options = session.picker_options(names, st.session_state.get("compare", []))
    # one Enter adds one authority: no "select all matches", and a name matches only as typed
    picked = st.multiselect("Authorities to compare (the first is the reference)", options, key="compare",
                            format_func=session.picker_label(names, known, view.year),
                            max_selections=ustate.MAX_COMPARE, select_all=False, filter_mode="contains",
                            placeholder="Type a name and press Enter")
    absent = [c for c in picked if c not in names]
    present = [c for c in picked if c in names]
    if absent:
        listed = ", ".join(known.get(c, c) for c in absent)
        st.caption(text.plain(f"No figures for 31 March {view.year}, so not compared this year: {listed}. "
                              "They stay in the list for other years."))
    if len(present) < 2:
        st.info("Pick two or more authorities to compare them.")
        return
    table = service.compare_table(view, present)
    st.table(tables.compare_table(table, service.MEASURES, service.COMPARE_MEASURES), hide_index=True)
    first = names.get(present[0], present[0])
    st.markdown(f"**{text.plain(first)} against England, its region and its DfE statistical neighbours' average**")
    bench = service.benchmarks(ds, view, present[0])
    st.table(tables.benchmark_table(bench), hide_index=True)
    counts = tables.benchmark_counts(bench)
    if counts:
        st.caption(counts)
    charted = [m for m in service.MEASURES if m in table.columns]
    m = st.selectbox("Bar chart of", charted, key="compare_measure",
                     index=charted.index(opts["measure"]) if opts["measure"] in charted else 0,
                     format_func=lambda x: service.MEASURES[x]["label"])
    st.altair_chart(charts.compare_chart(table, m, service.MEASURES[m]["label"], service.formats.unit(m)),
                    width="stretch")
