"""The Compare tab: authorities side by side."""

from __future__ import annotations

import streamlit as st

from sufficiency import service
from ui import charts, tables
from ui import state as ustate


def compare_tab(ds: service.Dataset, view: service.YearView, opts: dict, names: dict[str, str]) -> None:
    picked = st.multiselect("Authorities to compare (the first is the reference)", list(names), key="compare",
                            format_func=names.get, max_selections=ustate.MAX_COMPARE)
    if len(picked) < 2:
        st.info("Pick two or more authorities to compare them.")
        return
    table = service.compare_table(view, picked)
    st.table(tables.compare_table(table, service.MEASURES, service.COMPARE_MEASURES))
    first = names.get(picked[0], picked[0])
    st.markdown(f"**{first} against England, its region and its DfE statistical neighbours' average**")
    st.table(tables.benchmark_table(service.benchmarks(ds, view, picked[0]), service.MEASURES), hide_index=True)
    charted = [m for m in service.MEASURES if m in table.columns]
    m = st.selectbox("Bar chart of", charted, key="compare_measure",
                     index=charted.index(opts["measure"]) if opts["measure"] in charted else 0,
                     format_func=lambda x: service.MEASURES[x]["label"])
    st.altair_chart(charts.compare_chart(table, m, service.MEASURES[m]["label"], service.MEASURES[m]["unit"]),
                    width="stretch")
