"""Choropleth maps of authority measures, drawn with folium (Leaflet).

Pure functions: tables in, folium objects out. No measure is computed here; the
values come from :func:`sufficiency.model.measures.authority_measures`. This module only
classifies them into colour classes (mapclassify), picks colours and writes the
tooltips and legend.

Inputs
------
============  =========================================================================
frame         columns used
============  =========================================================================
boundaries    code (ONS 9-char), name, geometry (polygons, EPSG:4326 longitude/latitude)
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
from branca.element import MacroElement
from jinja2 import Template

from ui.classes import MISSING_COLOUR, Classes, classify, format_number
from ui.leaflet_offline import offline_map

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"


OUTLINE_COLOUR = "#ffffff"
REGION_COLOUR = "#222222"
SYMBOL_COLOUR = "#1b1b1b"
AUTHORITY_CLASS = "authority-shape"
SYMBOL_CLASS = "places-symbol"
REGION_CLASS = "region-outline"
HIGHLIGHT_CLASS = "highlight-outline"
SYMBOL_MAX_RADIUS_PX = 22.0
# measures whose missing values are explained by ``radius_note`` (sufficiency.distances.access)
DISTANCE_MEASURES = ("sufficiency_radius_km", "access_index", "optimal_share_within_20_miles")


def legend_html(classes: Classes, title: str, unit: str, missing_label: str | None = None,
                symbol_note: str | None = None) -> str:
    """HTML of the map legend: a swatch and a range per class, units in the title."""
    rows = [
        f'<div><span class="swatch" style="background:{c}"></span>{html.escape(lab)}</div>'
        for c, lab in zip(classes.colours, classes.labels, strict=True)
    ]
    if missing_label:
        rows.append(f'<div><span class="swatch" style="background:{MISSING_COLOUR}"></span>'
                    f"{html.escape(missing_label)}</div>")
    if symbol_note:
        rows.append(f'<div class="note">{html.escape(symbol_note)}</div>')
    return (f'<div class="legend-title">{html.escape(title)}</div>'
            f'<div class="legend-unit">{html.escape(unit)}</div>' + "".join(rows))


_LEGEND_CSS = """<style>
.leaflet-container { background: #f4f6f8; }
.sufficiency-legend { background: rgba(255,255,255,0.93); padding: 6px 8px; font: 12px/1.3 sans-serif;
  color: #111; border: 1px solid #999; border-radius: 4px; max-width: 185px; }
.sufficiency-legend .legend-title { font-weight: bold; }
.sufficiency-legend .legend-unit { color: #444; margin-bottom: 4px; }
.sufficiency-legend .swatch { display: inline-block; width: 16px; height: 11px; margin-right: 5px;
  border: 1px solid #777; vertical-align: middle; }
.sufficiency-legend .note { margin-top: 4px; color: #333; }
.leaflet-tooltip { font: 12px/1.3 sans-serif; padding: 4px 6px; }
.sufficiency-tip { font: 12px/1.3 sans-serif; }
.sufficiency-tip table { border-collapse: collapse; margin: 2px 0; }
.sufficiency-tip td, .sufficiency-tip th { padding: 0 6px 0 0; font-size: 12px; text-align: left; border: 0; }
.sufficiency-tip th { font-weight: normal; color: #444; }
</style>"""


class Legend(MacroElement):
    """A Leaflet control holding pre-escaped legend HTML (no d3, no CDN)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "topright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "sufficiency-legend");
            div.innerHTML = {{ this.body|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, body: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.body = body


def _cell(value, missing: str) -> str:
    return html.escape(missing) if pd.isna(value) else format_number(value)


def tooltip_html(rows: pd.DataFrame, measure: str, measure_label: str, unit: str) -> list[str]:
    """Tooltip HTML per authority row; every text field escaped.

    Shows name, region, places, children in homes (with its range from DfE's
    rounding), local bed gap and the mapped measure; where DfE suppressed the
    demand figures, says so with DfE's reason.
    """
    out = []
    for r in rows.to_dict("records"):
        note = r.get("demand_note") or ""
        missing = note if note else "no figure"
        extra = r.get("radius_note") if measure in DISTANCE_MEASURES else ""
        children = _cell(r.get("children_in_homes"), missing)
        low, high = r.get("children_in_homes_low"), r.get("children_in_homes_high")
        if not pd.isna(r.get("children_in_homes")) and not (pd.isna(low) or pd.isna(high)) and low != high:
            children += f" (between {format_number(low)} and {format_number(high)})"
        lines = [
            ("Region", html.escape(str(r.get("region") or ""))),
            ("Places", _cell(r.get("places"), "no figure")),
            ("Children in homes", children),
            ("Local bed gap", _cell(r.get("local_bed_gap"), missing)),
        ]
        if measure not in ("places", "children_in_homes", "local_bed_gap"):
            value = _cell(r.get(measure), (extra or missing))
            shown = f"{value} {html.escape(unit)}" if unit and not pd.isna(r.get(measure)) else value
            lines.append((html.escape(measure_label), shown))
        for text in dict.fromkeys(t for t in (note, extra) if isinstance(t, str) and t):
            lines.append(("Note", html.escape(text)))
        body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in lines)
        out.append(f'<div class="sufficiency-tip"><b>{html.escape(str(r.get("name") or ""))}</b>'
                   f"<table>{body}</table></div>")
    return out


def _feature_collection(gdf: gpd.GeoDataFrame, props: pd.DataFrame) -> dict:
    """GeoJSON FeatureCollection with feature id = authority code."""
    geo = json.loads(gdf[["geometry"]].to_json(drop_id=True))
    records = props.to_dict("records")
    for feature, rec in zip(geo["features"], records, strict=True):
        feature["id"] = rec["code"]
        feature["properties"] = rec
    return geo


def authority_layer(boundaries: gpd.GeoDataFrame, measures: pd.DataFrame, measure: str, meta: dict,
                    classes: Classes | None = None, *, scheme: str = "Quantiles", k: int = 5,
                    palette: str | None = None) -> tuple[folium.GeoJson, Classes]:
    """The choropleth layer: one clickable polygon per authority in ``boundaries``.

    Authorities with no value (suppressed demand, or no row for the year) are grey.
    Each feature's properties carry ``code`` so a click identifies the authority.
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
                           positive_is_good=bool(meta.get("positive_is_good")))
    fill = [classes.colours[i] if i >= 0 else MISSING_COLOUR for i in classes.class_of]
    tips = tooltip_html(joined, measure, meta.get("label", measure), meta.get("unit", ""))
    props = pd.DataFrame({"code": joined["code"].astype(str), "fill": fill, "tooltip_html": tips})
    data = _feature_collection(joined, props)
    layer = folium.GeoJson(
        data,
        name="Authorities",
        # per-feature class "la-<code>" lets a test or a screen reader script find one authority
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": OUTLINE_COLOUR,
                                  "weight": 0.7, "fillOpacity": 0.85,
                                  "className": f"{AUTHORITY_CLASS} la-{f['properties']['code']}"},
        highlight_function=lambda f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip_html"], labels=False, sticky=True),
        className=AUTHORITY_CLASS,
    )
    return layer, classes


def region_layer(regions: gpd.GeoDataFrame) -> folium.GeoJson:
    """Region outlines drawn over the authorities; not clickable (clicks go through)."""
    name_col = "region" if "region" in regions.columns else "region_name"
    props = pd.DataFrame({"region": regions[name_col].astype(str).map(html.escape).to_numpy()})
    geo = json.loads(regions[["geometry"]].to_json(drop_id=True))
    for feature, rec in zip(geo["features"], props.to_dict("records"), strict=True):
        feature["properties"] = rec
    return folium.GeoJson(
        geo, name="Regions",
        style_function=lambda f: {"fill": False, "color": REGION_COLOUR, "weight": 2.2, "opacity": 0.9},
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
    tips = [f"<b>{html.escape(str(n))}</b><br>{format_number(p)} places"
            for n, p in zip(table["name"], table["places"], strict=True)]
    props = pd.DataFrame({"code": table["code"].astype(str).to_numpy(), "radius": radius,
                          "tooltip_html": tips})
    data = _feature_collection(gdf, props)
    return folium.GeoJson(
        data, name="Places (circles)",
        marker=folium.CircleMarker(radius=4),
        style_function=lambda f: {"radius": f["properties"]["radius"], "color": SYMBOL_COLOUR,
                                  "weight": 1.2, "fillColor": "#ffffff", "fillOpacity": 0.2,
                                  "className": f"{SYMBOL_CLASS} symbol-{f['properties']['code']}"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip_html"], labels=False),
        className=SYMBOL_CLASS,
    )


def choropleth_map(boundaries: gpd.GeoDataFrame, measures: pd.DataFrame, measure: str, meta: dict, *,
                   scheme: str = "Quantiles", k: int = 5, palette: str | None = None,
                   regions: gpd.GeoDataFrame | None = None, points: pd.DataFrame | None = None,
                   show_symbols: bool = False, tiles: bool = False,
                   missing_label: str = "No figure (suppressed by DfE or not published)",
                   highlight: tuple[str, ...] = ()) -> folium.Map:
    """England map of one measure for one year.

    Parameters
    ----------
    boundaries : GeoDataFrame
        Authorities to draw, EPSG:4326.
    measures : DataFrame
        One row per authority (``authority_measures`` output for the year).
    measure : str
        Column to map; ``meta`` is its ``MEASURES`` entry (label, unit, diverging).
    scheme, k, palette
        Classification (see :func:`classify`).
    regions : GeoDataFrame, optional
        Region outlines, EPSG:4326.
    points : DataFrame, optional
        Representative points (BNG metres) for the places symbols.
    show_symbols : bool
        Draw proportional circles of places per authority.
    tiles : bool
        Add OpenStreetMap tiles underneath (needs internet; the map works without).
    missing_label : str
        Legend text of the grey class (why there is no figure).
    highlight : tuple of str
        Codes of authorities to outline in black (e.g. those a scenario changed).

    Returns
    -------
    folium.Map
        Loads only the locally served Leaflet (see :mod:`ui.leaflet_offline`).
    """
    if boundaries.crs is not None and not boundaries.crs.equals(WGS84):
        boundaries = boundaries.to_crs(WGS84)
    west, south, east, north = boundaries.total_bounds
    # no scroll-wheel zoom: the map sits in a long page, and the wheel should scroll the page
    fmap = offline_map(location=[(south + north) / 2, (west + east) / 2], zoom_start=6,
                       control_scale=True, scrollWheelZoom=False)
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online only)",
                         attr="© OpenStreetMap contributors").add_to(fmap)
    layer, classes = authority_layer(boundaries, measures, measure, meta, scheme=scheme, k=k, palette=palette)
    layer.add_to(fmap)
    if regions is not None and len(regions):
        region_layer(regions).add_to(fmap)
    if show_symbols and points is not None:
        symbol_layer(points, measures).add_to(fmap)
    if highlight:
        chosen = boundaries[boundaries["code"].isin(list(highlight))][["code", "geometry"]]
        folium.GeoJson(chosen.to_json(), name="Changed", interactive=False,
                       style_function=lambda _: {"color": "#000000", "weight": 3, "fillOpacity": 0,
                                                 "className": HIGHLIGHT_CLASS}).add_to(fmap)
    missing = (classes.class_of < 0).any()
    Legend(legend_html(classes, meta.get("label", measure), meta.get("unit", ""),
                       missing_label if missing else None,
                       "Circle area shows places" if show_symbols else None)).add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(_LEGEND_CSS), name="sufficiency_css")
    # leave the top-right corner (North Sea) to the legend
    fmap.fit_bounds([[south, west], [north, east]], padding_top_left=(0, 60), padding_bottom_right=(140, 0))
    return fmap


def map_html(fmap: folium.Map) -> str:
    """The standalone HTML page of a map (for tests and saving)."""
    return fmap.get_root().render()
