"""The Map tab: the England choropleth and the click that selects an authority."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from sufficiency import service
from ui import cached, text
from ui import map as umap

MAP_HEIGHT = 640


def choropleth(ds: service.Dataset, view: service.YearView, opts: dict):
    # built fresh each run (~0.2 s): folium maps change when rendered, so they are not cached
    shapes, points = cached.year_shapes(view.key, ds, view)
    measures = view.measures
    missing = sorted(set(measures["name"]) - set(shapes["name"]))
    if missing:
        shown = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
        st.caption(text.plain(f"Not drawn ({len(missing)} with no boundary in the boundary file for that year): "
                              f"{shown}"))
    notice = service.measure_notice(view, opts["measure"])
    if notice:
        st.info(f"{notice}: no authority has this figure for {opts['year']}. Choose another year or measure.")
    return umap.choropleth_map(shapes, measures, opts["measure"], service.MEASURES[opts["measure"]],
                               scheme=opts["scheme"], k=opts["k"], palette=opts["palette"], regions=ds.regions,
                               points=points, show_symbols=opts["symbols"], tiles=opts["tiles"],
                               missing_label=f"No figure: {notice}" if notice else
                               "No figure (suppressed by DfE or not published)")


def clicked_code(result: dict | None) -> str | None:
    """Authority code of a new click on the map (None when nothing new was clicked)."""
    if not result:
        return None
    feature = result.get("last_active_drawing") or {}
    code = (feature.get("properties") or {}).get("code")
    where = result.get("last_object_clicked")
    marker = (code, str(where))
    if code and marker != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = marker
        return code
    return None


def map_panel(ds: service.Dataset, view: service.YearView, opts: dict, names: dict[str, str]) -> None:
    """The map, and the authority a click selects (into the detail panel's search box)."""
    fmap = choropleth(ds, view, opts)
    result = st_folium(fmap, key="map", height=MAP_HEIGHT, use_container_width=True,
                       returned_objects=["last_active_drawing", "last_object_clicked"])
    code = clicked_code(result)
    if code in names:
        st.session_state["authority_pick"] = code
