"""Choropleth maps of authority measures, drawn with folium (Leaflet): geographic or hexagons.

Pure functions: tables in, folium objects out. No measure is computed here; the
values come from :mod:`sufficiency.service`. This module classifies them into colour
classes (:mod:`ui.classes`), adds the tooltips (:mod:`ui.map_tooltips`) and the legend in the
one number format (:mod:`sufficiency.model.formats`), and outlines the authorities the user
chose. Its layers render as text, never as templates (:mod:`ui.map_elements`).

Inputs
------
============  =========================================================================
frame         columns used
============  =========================================================================
boundaries    code (ONS 9-char), name, geometry (polygons, EPSG:4326 longitude/latitude);
              for the hex view, one regular hexagon per authority (``ui.hexmap``)
measures      code, name, region, places, children_in_homes, children_in_homes_low,
              children_in_homes_high, local_bed_gap, demand_note, and the mapped measure
regions       region (or region_name), geometry (EPSG:4326)
points        code, easting, northing (British National Grid EPSG:27700, metres):
              one representative point per authority, never a home's location
============  =========================================================================

Every authority or region name reaches the browser HTML-escaped.
"""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sufficiency import service
from ui import map_controls
from ui.classes import MISSING_COLOUR, Breaks, Classes, classify
from ui.leaflet_offline import offline_map
from ui.map_elements import GeoJsonLayer
from ui.map_tooltips import tooltip_html

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"


OUTLINE_COLOUR = "#ffffff"
REGION_COLOUR = "#333333"
SYMBOL_COLOUR = "#1b1b1b"
SELECTED_COLOUR = "#000000"
COMPARED_COLOUR = "#7a0177"
AUTHORITY_CLASS = "authority-shape"
SYMBOL_CLASS = "places-symbol"
REGION_CLASS = "region-outline"
HIGHLIGHT_CLASS = "highlight-outline"
SELECTED_CLASS = "selected-outline"
TINY_CLASS = "tiny-authority"
#: authorities smaller than this (km², outside London) also get a clickable dot: Isles of Scilly, Slough, Blackpool
TINY_KM2 = 35.0
TINY_RADIUS_PX = 7
COMPARED_CLASS = "compared-outline"
SYMBOL_MAX_RADIUS_PX = 22.0
SELECTED_STYLE = {"color": SELECTED_COLOUR, "weight": 4, "fillOpacity": 0, "opacity": 1}
COMPARED_STYLE = {"color": COMPARED_COLOUR, "weight": 3, "fillOpacity": 0, "dashArray": "6 4", "opacity": 1}
#: smallest box a zoom to the selection shows (degrees of latitude, longitude, about 55 x 55 km): a London
#: borough with the boroughs around it; a bigger selection is shown at three times its size
FOCUS_MIN_SPAN = (0.5, 0.8)
FOCUS_SCALE = 3.0
#: the legend's width (top right): the first view keeps England clear of it (England is tall, the map wide)
LEGEND_PX = 205


def geometry_json(gdf: gpd.GeoDataFrame) -> list[dict | None]:
    """Each row's geometry as a GeoJSON geometry object (None where it has none), in its CRS.

    Written by GEOS (``shapely.to_geojson``) and read once: the same objects as
    ``GeoDataFrame.to_json`` gives, in about a third of the time.
    """
    geoms = gdf.geometry.to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)  # null, as GeoDataFrame.to_json writes them
    text = np.where(empty, "null", shapely.to_geojson(geoms))
    return json.loads("[" + ",".join(text) + "]")


def _feature_collection(gdf: gpd.GeoDataFrame, props: pd.DataFrame) -> dict:
    """GeoJSON FeatureCollection; each feature's properties are a row of ``props``, and its id the
    row's ``code`` when ``props`` has one."""
    records = props.to_dict("records")
    features = [{"type": "Feature", "properties": rec, "geometry": geometry}
                for geometry, rec in zip(geometry_json(gdf), records, strict=True)]
    if "code" in props.columns:
        for feature in features:
            feature["id"] = feature["properties"]["code"]
    return {"type": "FeatureCollection", "features": features}


def authority_layer(boundaries: gpd.GeoDataFrame, measures: pd.DataFrame, measure: str, meta: dict,
                    classes: Classes | None = None, *, scheme: str = "Quantiles", k: int = 5,
                    palette: str | None = None, breaks: Breaks | None = None,
                    dots: tuple[str, ...] = ()) -> tuple[folium.GeoJson, Classes, folium.GeoJson | None]:
    """The choropleth layer: one clickable shape per authority in ``boundaries``.

    Authorities with no value (suppressed demand, or no row for the year) are grey.
    Each feature's properties carry ``code`` so a click identifies the authority.
    The authorities in ``dots`` also get a clickable dot of their colour at a point
    inside them (the third value; None when there are none).
    """
    palette = palette or ("RdBu" if meta.get("diverging") else "viridis")
    cols = [c for c in dict.fromkeys(["code", "region", "places", "children_in_homes",
                                      "children_in_homes_low", "children_in_homes_high",
                                      "local_bed_gap", "demand_note", "radius_note", measure])
            if c in measures.columns]
    # names come from the boundary file so that every drawn shape has one
    joined = boundaries[["code", "name", "geometry"]].merge(measures[cols], on="code", how="left")
    if classes is None:
        classes = classify(joined[measure], scheme, k, diverging=bool(meta.get("diverging")), palette=palette,
                           positive_is_good=bool(meta.get("positive_is_good")), column=measure, breaks=breaks)
    fill = [classes.colours[i] if i >= 0 else MISSING_COLOUR for i in classes.class_of]
    tips = tooltip_html(joined, measure, meta.get("label", measure))
    props = pd.DataFrame({"code": joined["code"].astype(str), "fill": fill, "tooltip_html": tips})
    data = _feature_collection(joined, props)
    layer = GeoJsonLayer(
        data,
        name="Authorities",
        # per-feature class "la-<code>" lets a test or a screen reader script find one authority
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": OUTLINE_COLOUR,
                                  "weight": 0.7, "fillOpacity": 0.9,
                                  "className": f"{AUTHORITY_CLASS} la-{f['properties']['code']}"},
        highlight_function=lambda f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip_html"], labels=False, sticky=True),
        className=AUTHORITY_CLASS,
    )
    return layer, classes, dot_layer(joined, props, dots)


def tiny_codes(boundaries: gpd.GeoDataFrame, measures: pd.DataFrame) -> tuple[str, ...]:
    """Authorities outside London smaller than :data:`TINY_KM2` (area measured in EPSG:27700)."""
    area_km2 = boundaries.to_crs(BNG).area / 1e6
    small = boundaries.loc[(area_km2 < TINY_KM2).to_numpy(), "code"]
    london = set(measures.loc[measures["region"] == "London", "code"]) if "region" in measures else set()
    return tuple(c for c in small if c not in london)


def dot_layer(joined: gpd.GeoDataFrame, props: pd.DataFrame, codes: tuple[str, ...]) -> folium.GeoJson | None:
    """A dot in the authority's colour at a point inside each of ``codes`` (clickable, same tooltip)."""
    keep = joined["code"].isin(list(codes)).to_numpy()
    if not keep.any():
        return None
    points = gpd.GeoDataFrame(geometry=joined.loc[keep].representative_point().to_numpy(), crs=WGS84)
    data = _feature_collection(points, props.loc[keep].reset_index(drop=True))
    return GeoJsonLayer(
        data, name="Small authorities", marker=folium.CircleMarker(radius=TINY_RADIUS_PX),
        style_function=lambda f: {"radius": TINY_RADIUS_PX, "fillColor": f["properties"]["fill"], "color": "#000000",
                                  "weight": 1.5, "fillOpacity": 1,
                                  "className": f"{TINY_CLASS} la-{f['properties']['code']}"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip_html"], labels=False, sticky=True),
    )


def region_layer(regions: gpd.GeoDataFrame, weight: float = 1.6) -> folium.GeoJson:
    """Region outlines drawn over the authorities; not clickable (clicks go through)."""
    name_col = "region" if "region" in regions.columns else "region_name"
    props = pd.DataFrame({"region": regions[name_col].astype(str).map(html.escape).to_numpy()})
    return GeoJsonLayer(
        _feature_collection(regions, props), name="Regions",
        style_function=lambda f: {"fill": False, "color": REGION_COLOUR, "weight": weight, "opacity": 0.85},
        interactive=False, className=REGION_CLASS,
    )


def symbol_layer(points: pd.DataFrame, measures: pd.DataFrame) -> folium.GeoJson:
    """Circles of area proportional to places, at each authority's representative point.

    The point is the authority's (from the model), never a home's location.
    """
    table = points[["code", "easting", "northing"]].merge(
        measures[["code", "name", "places"]], on="code", how="inner")
    table = table[table["places"].fillna(0) > 0]
    gdf = gpd.GeoDataFrame(
        table[["code"]],
        geometry=gpd.points_from_xy(table["easting"], table["northing"]), crs=BNG).to_crs(WGS84)
    biggest = float(table["places"].max()) if len(table) else 1.0
    radius = (SYMBOL_MAX_RADIUS_PX * np.sqrt(table["places"].to_numpy(dtype=float) / biggest)).round(1)
    tips = [f"<b>{html.escape(str(n))}</b><br>{html.escape(service.format_value('places', p))} places"
            for n, p in zip(table["name"], table["places"], strict=True)]
    props = pd.DataFrame({"code": table["code"].astype(str).to_numpy(), "radius": radius,
                          "tooltip_html": tips})
    data = _feature_collection(gdf, props)
    return GeoJsonLayer(
        data, name="Places (circles)",
        marker=folium.CircleMarker(radius=4),
        style_function=lambda f: {"radius": f["properties"]["radius"], "color": SYMBOL_COLOUR,
                                  "weight": 1.2, "fillColor": "#ffffff", "fillOpacity": 0.2,
                                  "className": f"{SYMBOL_CLASS} symbol-{f['properties']['code']}"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip_html"], labels=False),
        className=SYMBOL_CLASS,
    )


def outline_layer(boundaries: gpd.GeoDataFrame, codes: tuple[str, ...], css_class: str, style: dict,
                  name: str) -> folium.GeoJson | None:
    """Outlines of some authorities (not clickable: clicks reach the shape underneath)."""
    chosen = boundaries[boundaries["code"].isin(list(codes))][["code", "geometry"]]
    if not len(chosen):
        return None
    data = _feature_collection(chosen, pd.DataFrame({"code": chosen["code"].astype(str).to_numpy()}))
    return GeoJsonLayer(data, name=name, interactive=False,
                          style_function=lambda f: {**style, "className": f"{css_class} {css_class}-"
                                                                           f"{f['properties']['code']}"})


def focus_bounds(boundaries: gpd.GeoDataFrame, codes: tuple[str, ...]) -> list[list[float]] | None:
    """[[south, west], [north, east]] around some authorities, at least :data:`FOCUS_MIN_SPAN` wide."""
    chosen = boundaries[boundaries["code"].isin(list(codes))]
    if not len(chosen):
        return None
    west, south, east, north = chosen.total_bounds
    lat, lon = (south + north) / 2, (west + east) / 2
    half_lat = max((north - south) * FOCUS_SCALE / 2, FOCUS_MIN_SPAN[0] / 2)
    half_lon = max((east - west) * FOCUS_SCALE / 2, FOCUS_MIN_SPAN[1] / 2)
    return map_controls.bounds_json((lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat))


def zoom_places(boundaries: gpd.GeoDataFrame, measures: pd.DataFrame) -> dict[str, list[list[float]]]:
    """"England", "London" and every region -> bounds of its authorities (for :class:`ui.map_controls.ZoomTo`)."""
    drawn = boundaries[["code", "geometry"]].merge(measures[["code", "region"]], on="code", how="inner")
    places = {"All England": map_controls.bounds_json(boundaries.total_bounds)}
    london = drawn[drawn["region"] == "London"]
    if len(london):
        places["London"] = map_controls.bounds_json(london.total_bounds)
    for region, rows in sorted(drawn.groupby("region"), key=lambda kv: str(kv[0])):
        if region and region != "London":
            places[str(region)] = map_controls.bounds_json(rows.total_bounds)
    return places


def base_map(boundaries: gpd.GeoDataFrame, *, hexes: bool = False, tiles: bool = False,
             places: dict[str, list[list[float]]] | None = None) -> folium.Map:
    """The map without its data: Leaflet, the scale bar, "Zoom to", tooltips kept inside, our CSS.

    Its script depends only on the view (geographic or hexagons), the extent and ``places``,
    so the app can keep one map on screen and swap the data layers (:func:`data_layers`) in
    place when the year, measure or selection changes: no reload, no blank map meanwhile.
    """
    if boundaries.crs is not None and not boundaries.crs.equals(WGS84):
        boundaries = boundaries.to_crs(WGS84)
    west, south, east, north = boundaries.total_bounds
    # no scroll-wheel zoom: the map sits in a long page, and the wheel should scroll the page
    fmap = offline_map(location=[(south + north) / 2, (west + east) / 2], zoom_start=6,
                       control_scale=False, scrollWheelZoom=False, zoomSnap=0.25, zoomDelta=0.5,
                       zoomAnimation=False, fadeAnimation=False)  # no motion: zooms land at once
    if not hexes:
        map_controls.ScaleBar().add_to(fmap)
    if tiles and not hexes:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online only)",
                         attr="© OpenStreetMap contributors").add_to(fmap)
    if places and not hexes:
        map_controls.ZoomTo(places).add_to(fmap)
    map_controls.TooltipsInside().add_to(fmap)
    map_controls.FocusWithoutScrolling().add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(map_controls.CSS), name="sufficiency_css")
    # leave the top-right corner (North Sea) to the legend
    fmap.fit_bounds([[south, west], [north, east]], padding_top_left=(0, 10), padding_bottom_right=(LEGEND_PX, 0))
    return fmap


def data_layers(fmap: folium.Map, boundaries: gpd.GeoDataFrame, measures: pd.DataFrame, measure: str, meta: dict, *,
                scheme: str = "Quantiles", k: int = 5, palette: str | None = None,
                regions: gpd.GeoDataFrame | None = None, points: pd.DataFrame | None = None,
                show_symbols: bool = False, missing_label: str = "No figure (suppressed by DfE or not published)",
                highlight: tuple[str, ...] = (), selected: str | None = None, compared: tuple[str, ...] = (),
                breaks: Breaks | None = None, fixed_note: str | None = None, hexes: bool = False,
                focus: tuple[str, ...] = (), labels: gpd.GeoDataFrame | None = None,
                tiny: tuple[str, ...] | None = None) -> tuple[folium.FeatureGroup, Classes]:
    """Everything the map shows of one measure for one year, as one feature group of ``fmap``.

    The authorities coloured by class, region outlines, places circles, the clickable dots
    of the tiniest authorities, hexagon labels, the selected / compared / changed outlines,
    the legend, and a zoom to the selection (or ``focus``) when there is one. Not added to
    ``fmap``: the caller adds it (:func:`choropleth_map`) or hands it to streamlit-folium,
    which swaps it in place (``feature_group_to_add``). ``tiny``: the :func:`tiny_codes` of
    ``boundaries``, when the caller keeps them (the app does, per view); worked out otherwise.
    """
    if boundaries.crs is not None and not boundaries.crs.equals(WGS84):
        boundaries = boundaries.to_crs(WGS84)
    group = folium.FeatureGroup(name="Authorities", control=False)
    dots = () if hexes else tiny_codes(boundaries, measures) if tiny is None else tiny
    layer, classes, dotted = authority_layer(boundaries, measures, measure, meta, scheme=scheme, k=k,
                                             palette=palette, breaks=breaks, dots=dots)
    layer.add_to(group)
    if regions is not None and len(regions):
        region_layer(regions, 2.4 if hexes else 1.6).add_to(group)
    if show_symbols and points is not None and not hexes:
        symbol_layer(points, measures).add_to(group)
    if dotted is not None:
        dotted.add_to(group)
    if labels is not None and len(labels):
        map_controls.Labels(labels).add_to(group)
    outlines = []
    for codes, css, style, name, text in (
            (highlight, HIGHLIGHT_CLASS, {**SELECTED_STYLE, "weight": 3}, "Changed", None),
            (tuple(c for c in compared if c != selected), COMPARED_CLASS, COMPARED_STYLE, "Compared", "Compared"),
            ((selected,) if selected else (), SELECTED_CLASS, SELECTED_STYLE, "Selected", "Selected")):
        drawn = outline_layer(boundaries, codes, css, style, name) if codes else None
        if drawn is not None:
            drawn.add_to(group)
            if text:
                dash = "dashed" if style.get("dashArray") else "solid"
                outlines.append((f"border: {min(style['weight'], 3)}px {dash} {style['color']}", text))
    missing = (classes.class_of < 0).any()
    unit = service.formats.unit(measure) if measure in service.formats.column_formats() else meta.get("unit", "")
    map_controls.Legend(map_controls.legend_html(
        classes, meta.get("label", measure), unit, missing_label if missing else None,
        "Circle area shows places" if show_symbols and not hexes else None, column=measure,
        fixed_note=fixed_note, outlines=tuple(outlines)), fmap).add_to(group)
    target = focus_bounds(boundaries, tuple(focus) + ((selected,) if selected and not hexes else ()))
    if target is not None:
        map_controls.FitBounds(target, fmap, paddingBottomRight=[LEGEND_PX, 0]).add_to(group)
    return group, classes


def choropleth_map(boundaries: gpd.GeoDataFrame, measures: pd.DataFrame, measure: str, meta: dict, *,
                   scheme: str = "Quantiles", k: int = 5, palette: str | None = None,
                   regions: gpd.GeoDataFrame | None = None, points: pd.DataFrame | None = None,
                   show_symbols: bool = False, tiles: bool = False,
                   missing_label: str = "No figure (suppressed by DfE or not published)",
                   highlight: tuple[str, ...] = (), selected: str | None = None, compared: tuple[str, ...] = (),
                   breaks: Breaks | None = None, fixed_note: str | None = None, hexes: bool = False,
                   zoom_controls: bool = True, focus: tuple[str, ...] = (),
                   labels: gpd.GeoDataFrame | None = None) -> folium.Map:
    """England map of one measure for one year, in one piece (:func:`base_map` with its :func:`data_layers`).

    Parameters
    ----------
    boundaries : GeoDataFrame
        Authorities to draw, EPSG:4326 (geographic shapes, or hexagons when ``hexes``).
    measures : DataFrame
        One row per authority (``authority_measures`` output for the year).
    measure : str
        Column to map; ``meta`` is its ``MEASURES`` entry (label, diverging).
    scheme, k, palette, breaks
        Classification (see :func:`ui.classes.classify`); ``breaks`` fixes the bounds
        (e.g. across years) and ``fixed_note`` says so in the legend.
    regions : GeoDataFrame, optional
        Region outlines, EPSG:4326.
    points : DataFrame, optional
        Representative points (BNG metres) for the places symbols.
    show_symbols, tiles : bool
        Proportional circles of places; OpenStreetMap tiles underneath (needs internet).
    missing_label : str
        Legend text of the grey class (why there is no figure).
    highlight : tuple of str
        Codes of authorities to outline in black (e.g. those a scenario changed).
    selected, compared
        The authority in the detail panel (thick black outline; the map zooms to it on
        the geographic view) and those compared (dashed purple outlines).
    hexes : bool
        The shapes are hexagons: no scale bar, no basemap, no zoom-to control.
    focus : tuple of str
        Codes to zoom to (besides ``selected``), e.g. a scenario's changed authorities.
    labels : GeoDataFrame, optional
        [label, geometry (points, EPSG:4326)]: short names written on the map (the hexagons).

    Returns
    -------
    folium.Map
        Loads only the locally served Leaflet (see :mod:`ui.leaflet_offline`).
    """
    places = zoom_places(boundaries, measures) if zoom_controls else None
    fmap = base_map(boundaries, hexes=hexes, tiles=tiles, places=places)
    group, _ = data_layers(fmap, boundaries, measures, measure, meta, scheme=scheme, k=k, palette=palette,
                           regions=regions, points=points, show_symbols=show_symbols, missing_label=missing_label,
                           highlight=highlight, selected=selected, compared=compared, breaks=breaks,
                           fixed_note=fixed_note, hexes=hexes, focus=focus, labels=labels)
    group.add_to(fmap)
    return fmap


def map_html(fmap: folium.Map) -> str:
    """The standalone HTML page of a map (for tests and saving)."""
    return fmap.get_root().render()
