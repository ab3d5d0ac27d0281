"""The Map tab: the England map (geographic or hexagons), the click that selects an authority,
and the same map as a table."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from sufficiency import service
from ui import cached, text
from ui import map as umap
from ui import tables as utables
from ui.classes import classify
from ui.panels import session

MAP_HEIGHT = 560


def hex_available() -> bool:
    """Whether the hex layout module is installed (``ui.hexmap``)."""
    import importlib.util

    return importlib.util.find_spec("ui.hexmap") is not None


def shapes_for(ds: service.Dataset, view: service.YearView, kind: str):
    """(shapes, points, regions, labels) of the view: geographic, or one hexagon per authority."""
    shapes, points = cached.year_shapes(view.key, ds, view)
    if kind == "hex":
        hexes, hex_regions, labels = cached.hex_shapes(view.key, ds, view)
        return hexes, points, hex_regions, labels
    return shapes, points, ds.regions, None


def classes_for(ds: service.Dataset, view: service.YearView, opts: dict):
    """(fixed breaks or None, legend note) for the measure shown."""
    if not opts.get("fixed"):
        return None, f"classes for {view.year} only"
    return cached.fixed_breaks(ds.key, opts["measure"], view.categories, opts["scheme"], opts["k"], ds)


def chosen(ds: service.Dataset, view: service.YearView, names: dict[str, str]) -> tuple[str | None, tuple[str, ...]]:
    """(the selected authority to outline, the compared ones) as drawn this year.

    An authority with no figures this year is outlined through the units that draw its area.
    """
    pick = st.session_state.get("authority_pick")
    selected = pick if pick in names else None
    if pick and selected is None:
        covering = session.drawn_as(view.measures, pick)
        selected = covering[0] if len(covering) == 1 else None
    compared = tuple(c for c in st.session_state.get("compare", []) if c in names)
    return selected, compared


def choropleth(ds: service.Dataset, view: service.YearView, opts: dict, kind: str, names: dict[str, str]):
    """(the base map, the data layers for it, the shapes drawn, the class breaks).

    The base map's script depends only on the view and the dataset's extent, so the page keeps
    one map and swaps the data layers in place (no reload, no blank map) when the year, the
    measure or the selection changes. Built fresh each run: folium objects change when rendered.
    """
    shapes, points, regions, labels = shapes_for(ds, view, kind)
    measures = view.measures
    missing = sorted(set(measures["code"]) - set(shapes["code"]))
    if missing:
        listed = [names.get(c, c) for c in missing]
        shown = ", ".join(listed[:12]) + (f" and {len(listed) - 12} more" if len(listed) > 12 else "")
        where = "in the hex layout" if kind == "hex" else "in the boundary file for that year"
        st.caption(text.plain(f"Not drawn ({len(missing)} with no boundary {where}): {shown}"))
    notice = service.measure_notice(view, opts["measure"])
    if notice:
        st.info(f"{notice}: no authority has this figure for {opts['year']}. Choose another year or measure.")
    breaks, note = classes_for(ds, view, opts)
    selected, compared = chosen(ds, view, names)
    hexes = kind == "hex"
    extent = shapes if hexes else ds.boundaries
    places = None if hexes else cached.zoom_places(ds.key, ds)
    fmap = umap.base_map(extent, hexes=hexes, tiles=opts["tiles"], places=places)
    layers, _ = umap.data_layers(fmap, shapes, measures, opts["measure"], service.MEASURES[opts["measure"]],
                                 scheme=opts["scheme"], k=opts["k"], palette=opts["palette"], regions=regions,
                                 points=points, show_symbols=opts["symbols"],
                                 missing_label=f"No figure: {notice}" if notice else
                                 "No figure (suppressed by DfE or not published)",
                                 breaks=breaks, fixed_note=note, hexes=hexes, selected=selected,
                                 compared=compared, labels=labels,
                                 tiny=None if hexes else cached.tiny_codes(view.key, ds, view))
    return fmap, layers, shapes, breaks


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


def take_click(names: dict[str, str]) -> None:
    """Select the authority of the click that caused this run (the detail panel's search box),
    before anything is drawn: app.py calls it before the detail panel and the map.

    The click is in the map's state when the run starts: taken first, the map drawn in this
    run outlines the authority just clicked (not the one before), and the detail panel can
    be drawn before the map (its heading shows while the map's layers are still being made).
    """
    code = clicked_code(st.session_state.get(f"map_{st.session_state.get('view', 'map')}"))
    if code in names:
        st.session_state["authority_pick"] = code


def view_choice() -> str:
    """The map view chosen (geographic or hexagons), kept in the address bar as ``view``."""
    options = list(session.VIEW_LABELS) if hex_available() else ["map"]
    if st.session_state.get("view") not in options:
        st.session_state["view"] = "map"
    return st.radio("Map view", options, key="view", horizontal=True, format_func=session.VIEW_LABELS.get,
                    label_visibility="collapsed")


def map_panel(ds: service.Dataset, view: service.YearView, opts: dict, names: dict[str, str]) -> None:
    """The map (a click on it selects an authority: :func:`take_click`) and the map as a table."""
    kind = view_choice()
    fmap, layers, shapes, breaks = choropleth(ds, view, opts, kind, names)
    # its clicks are read by take_click at the start of the next run (the map's state holds them)
    st_folium(fmap, key=f"map_{kind}", height=MAP_HEIGHT, use_container_width=True,
              feature_group_to_add=layers, returned_objects=["last_active_drawing", "last_object_clicked"])
    st.caption("Use **Zoom to** on the map for London or a region; every authority can also be chosen in "
               "**Find an authority**." if kind == "map" else
               "One hexagon per authority, placed roughly where it is; thick lines are region borders.")
    # drawn only when opened (a rerun): a closed expander would still build and send the whole table
    table = st.expander("The map as a table (every authority, its figure and its colour class)",
                        key="map_table_open", on_change="rerun")
    if not table.open:
        return
    with table:
        measure = opts["measure"]
        drawn = view.measures[view.measures["code"].isin(shapes["code"])]
        classes = classify(drawn[measure], opts["scheme"], opts["k"],
                           diverging=bool(service.MEASURES[measure]["diverging"]), column=measure, breaks=breaks)
        utables.show(utables.map_table(drawn, measure, classes.labels, classes.class_of), key=f"map_table_{kind}")
