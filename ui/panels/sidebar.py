"""The sidebar: year, measure, provision counted and map options."""

from __future__ import annotations

import streamlit as st

from sufficiency import service
from ui import classes as uclasses


def sidebar(years: list[int]) -> dict:
    sb = st.sidebar
    sb.header("What to show")
    year = sb.selectbox("Year (31 March)", years[::-1], key="year")
    measure = sb.selectbox("Measure", list(service.MEASURES), key="measure",
                           format_func=lambda m: service.MEASURES[m]["label"])
    cats = sb.multiselect("Count places in", list(service.CATEGORIES), format_func=service.CATEGORIES.get,
                          key="categories")
    diverging = service.MEASURES[measure]["diverging"]
    palettes = list(uclasses.DIVERGING) if diverging else list(uclasses.SEQUENTIAL)
    state = st.session_state
    for key, value in map_option_defaults().items():
        state.setdefault(key, value)  # set once: the widgets need no default, and keep it while closed
    # drawn only when opened (a rerun): its slider and toggles would otherwise load their page files
    # on every first visit; the values are kept while it is closed (session.keep_tab_values)
    options = sb.expander("Map options", key="map_options_open", on_change="rerun")
    if options.open:
        with options:
            st.selectbox("Classes", list(uclasses.SCHEMES), key="scheme")
            st.slider("Number of classes", 3, 9, key="k")
            st.toggle("Same classes for every year", key="fixed_classes",
                      help="Class bounds worked out once from every year's figures, so a colour means "
                           "the same number whichever year is shown")
            st.selectbox("Colours (colour-blind safe)", palettes, key=f"palette_{diverging}")
            st.toggle("Circles: places per authority", key="symbols")
            st.toggle("Street basemap (needs internet)", key="tiles")
    return {"year": int(year), "measure": measure, "categories": tuple(cats or service.CATEGORIES_DEFAULT),
            "scheme": state["scheme"], "k": int(state["k"]), "palette": state[f"palette_{diverging}"],
            "symbols": bool(state["symbols"]), "tiles": bool(state["tiles"]), "fixed": bool(state["fixed_classes"])}


def map_option_defaults() -> dict:
    """The map options' starting values: quantiles, 6 classes, the same classes every year, the
    first colour-blind-safe palette of each kind, no circles, no street basemap."""
    return {"scheme": list(uclasses.SCHEMES)[0], "k": 6, "fixed_classes": True,
            "palette_True": list(uclasses.DIVERGING)[0], "palette_False": list(uclasses.SEQUENTIAL)[0],
            "symbols": False, "tiles": False}


#: Keys of the map options' widgets (kept while the expander is closed: session.KEPT_ACROSS_TABS).
MAP_OPTION_KEYS = tuple(map_option_defaults())
