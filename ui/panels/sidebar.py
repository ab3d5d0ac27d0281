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
    with sb.expander("Map options"):
        scheme = st.selectbox("Classes", list(uclasses.SCHEMES), key="scheme")
        k = st.slider("Number of classes", 3, 9, 6, key="k")
        fixed = st.toggle("Same classes for every year", value=True, key="fixed_classes",
                          help="Class bounds worked out once from every year's figures, so a colour means "
                               "the same number whichever year is shown")
        diverging = service.MEASURES[measure]["diverging"]
        palettes = list(uclasses.DIVERGING) if diverging else list(uclasses.SEQUENTIAL)
        palette = st.selectbox("Colours (colour-blind safe)", palettes, key=f"palette_{diverging}")
        symbols = st.toggle("Circles: places per authority", key="symbols")
        tiles = st.toggle("Street basemap (needs internet)", key="tiles")
    return {"year": int(year), "measure": measure, "categories": tuple(cats or service.CATEGORIES_DEFAULT),
            "scheme": scheme, "k": int(k), "palette": palette, "symbols": symbols, "tiles": tiles,
            "fixed": bool(fixed)}
