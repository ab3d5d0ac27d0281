"""The session's view: restored from the address bar on the first run, written back on every run."""

from __future__ import annotations

import streamlit as st

from sufficiency import service
from ui import state as ustate


def initial_state(ds: service.Dataset, years: list[int]) -> None:
    """On a session's first run, fill the widgets from the URL query string."""
    if st.session_state.get("_restored"):
        return
    codes = set(ds.authorities["code"])
    view, notes = ustate.parse_state(st.query_params.to_dict(), years=years, measures=list(service.MEASURES),
                                     codes=codes, regions=set(ds.authorities["region"]),
                                     default_measure="local_bed_gap", default_year=service.default_year(ds),
                                     categories=list(service.CATEGORIES))
    st.session_state.update({"year": view.year, "measure": view.measure, "region": view.region or "England",
                             "authority_pick": view.authority or None, "compare": list(view.compare),
                             "categories": list(view.categories or service.CATEGORIES_DEFAULT),
                             "_restored": True, "_link_notes": notes})


def sync_url(opts: dict) -> None:
    view = ustate.ViewState(opts["year"], opts["measure"],
                            "" if st.session_state.get("region", "England") == "England" else st.session_state["region"],
                            st.session_state.get("authority_pick") or "", tuple(st.session_state.get("compare", [])),
                            () if opts["categories"] == service.CATEGORIES_DEFAULT else opts["categories"])
    # Sent on every run, not only on change: an update sent in a run that a newer rerun
    # interrupts (the map reporting back, a quick second click) never reaches the browser.
    st.query_params.from_dict(ustate.to_query(view))
