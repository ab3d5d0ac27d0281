"""The session's view: restored from the address bar on the first run, written back on every run.

The authority in the detail panel and those compared are kept across years: when an
authority has no figures in the year shown (it did not exist yet, or was merged), it
stays selected — greyed, with a note — and comes back when the year changes back.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sufficiency import service
from ui import state as ustate
from ui.panels.data_sources import upload_file
from ui.panels.sidebar import MAP_OPTION_KEYS

VIEW_LABELS = {"map": "Geographic map", "hex": "Hex map (every authority the same size)"}
TABS = ("Map", "Compare", "Regions", "Shortfall table", "Distances and scenarios")
TAB_PARAM = "tab"  # in the address bar: the tab shown, when it is not the first


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
                             "view": view.view, "_restored": True, "_link_notes": notes})
    tab = st.query_params.get(TAB_PARAM)
    if tab in TABS:
        st.session_state["tab"] = tab
    elif tab is not None:
        notes.append(f"The link asks for an unknown tab {tab!r}; showing the map.")


#: Widgets of one tab (or of the sidebar's "Map options", drawn only when open) whose values must
#: outlive a run that does not draw them. Only the tab shown runs, and Streamlit forgets the value
#: of a widget not drawn in a run unless it is set through Session State in that run
#: (:func:`keep_tab_values`).
KEPT_ACROSS_TABS = ("authority_pick", "compare", "view", "region", "disclosure", "scn_code",
                    "placements_disclosure", "child_level", *MAP_OPTION_KEYS)


def keep_tab_values() -> None:
    """Set the :data:`KEPT_ACROSS_TABS` values again, so the tab not shown keeps them."""
    for key in KEPT_ACROSS_TABS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def kept_upload(widget_key: str, upload, shown_before: bool) -> service.UserFile | None:
    """The file of an uploader on a tab, kept across visits to other tabs (in this session's memory).

    ``upload`` is the uploader's value this run; ``shown_before`` whether its tab ran in the
    previous run. Coming back to the tab, the uploader is empty but the file is still used;
    emptying the uploader while its tab is shown forgets it.
    """
    store, restored = f"_kept_{widget_key}", f"_kept_{widget_key}_restored"
    if upload is not None:
        st.session_state[store] = upload_file(upload)
        st.session_state[restored] = False
    elif store in st.session_state and (st.session_state.get(restored) or not shown_before):
        st.session_state[restored] = True
    else:
        st.session_state.pop(store, None)
        st.session_state.pop(restored, None)
    return st.session_state.get(store)


def forget_upload(widget_key: str) -> None:
    """Drop a kept upload (:func:`kept_upload`)."""
    st.session_state.pop(f"_kept_{widget_key}", None)
    st.session_state.pop(f"_kept_{widget_key}_restored", None)


def sync_url(opts: dict) -> None:
    view = ustate.ViewState(opts["year"], opts["measure"],
                            "" if st.session_state.get("region", "England") == "England" else st.session_state["region"],
                            st.session_state.get("authority_pick") or "", tuple(st.session_state.get("compare", [])),
                            () if opts["categories"] == service.CATEGORIES_DEFAULT else opts["categories"],
                            st.session_state.get("view") or "map")
    # Sent on every run, not only on change: an update sent in a run that a newer rerun
    # interrupts (the map reporting back, a quick second click) never reaches the browser.
    query = ustate.to_query(view)
    if st.session_state.get("tab", TABS[0]) != TABS[0]:
        query[TAB_PARAM] = st.session_state["tab"]
    st.query_params.from_dict(query)


def all_names(ds: service.Dataset) -> dict[str, str]:
    """Code -> name of every authority the data knows (any year)."""
    return dict(zip(ds.authorities["code"], ds.authorities["name"], strict=True))


def picker_options(names: dict[str, str], kept: list[str]) -> list[str]:
    """The year's authorities, plus those still selected that have no figures this year (at the end)."""
    return list(names) + [c for c in dict.fromkeys(kept) if c and c not in names]


def picker_label(names: dict[str, str], known: dict[str, str], year: int):
    """format_func for authority pickers: the authority's name, the same in every year.

    Streamlit keeps a picker's value as its label, so a label that changed with the year
    would lose the selection; an authority with no figures in the year is explained by a
    note instead (:func:`absent_note`).
    """
    def label(code: str) -> str:
        return known.get(code) or names.get(code) or code
    return label


def drawn_as(measures: pd.DataFrame, code: str) -> list[str]:
    """Codes of the year's units that draw ``code``'s area (a newer council seen in an earlier year)."""
    parts = measures["geometry_codes"].fillna("").astype(str).str.split(";")
    hit = parts.map(lambda codes: code in codes)
    return measures.loc[hit.to_numpy(dtype=bool), "code"].astype(str).tolist()


def absent_note(ds: service.Dataset, view: service.YearView, code: str) -> str:
    """Why ``code`` has no figures in the view's year, and what covers its area then."""
    known = all_names(ds)
    shown = [c for c in drawn_as(view.measures, code) if c != code]
    where = ""
    if shown:
        names = ", ".join(view.names.get(c, known.get(c, c)) for c in shown)
        where = f" In {view.year} its area is shown as {names}."
    return (f"{known.get(code, code)} ({code}) has no figures for 31 March {view.year}: the council did not "
            f"exist then, or its figures were counted with another council's.{where} It stays selected: "
            "choose another year to see it.")
