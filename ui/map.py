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
import math
import warnings
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from ui.leaflet_offline import offline_map

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"

SCHEMES = {
    "Quantiles": "Quantiles",
    "Natural breaks (Fisher-Jenks)": "FisherJenks",
    "Equal interval": "EqualInterval",
}

# ColorBrewer (Brewer, Penn State) diverging schemes, colour-blind safe. Each side runs
# from the lightest shade (next to zero) to the darkest; "above" is the positive side.
DIVERGING = {
    "RdBu": {
        "above": ["#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f"],
        "below": ["#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"],
    },
    "PuOr": {
        "above": ["#fee0b6", "#fdb863", "#e08214", "#b35806", "#7f3b08"],
        "below": ["#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"],
    },
}
# Sequential, light (low) to dark (high): viridis (matplotlib), YlGnBu (ColorBrewer).
SEQUENTIAL = {
    "viridis": ["#fde725", "#b5de2b", "#6ece58", "#35b779", "#1f9e89",
                "#26828e", "#31688e", "#3e4989", "#482878", "#440154"],
    "YlGnBu": ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4",
               "#1d91c0", "#225ea8", "#253494", "#081d58"],
}
MISSING_COLOUR = "#c8c8c8"
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


@dataclass(frozen=True)
class Classes:
    """Colour classes of one measure.

    Attributes
    ----------
    colours : list of str
        One hex colour per class, lowest class first.
    labels : list of str
        Legend text per class ("-12 to -3").
    class_of : numpy.ndarray of int
        Class index per input value, -1 where the value is missing.
    """

    colours: list[str]
    labels: list[str]
    class_of: np.ndarray


def format_number(value: float) -> str:
    """Readable number: whole numbers as they are, others to 2 dp (< 10), 1 dp (< 100) or 0 dp."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "–"
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}".replace("-", "−")
    digits = 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0
    return f"{value:,.{digits}f}".replace("-", "−")


def _bins(values: np.ndarray, scheme: str, k: int) -> np.ndarray:
    """Upper class bounds of ``values`` under a mapclassify scheme.

    Quantiles and equal intervals are computed here with numpy exactly as mapclassify
    does (tested against it); mapclassify itself, slow to import, is loaded only for
    the other schemes (natural breaks), so the first map draws sooner.
    """
    unique = np.unique(values)
    k = max(1, min(k, len(unique)))
    if k == 1:
        return np.array([values.max()])
    name = SCHEMES.get(scheme, scheme)
    if name == "Quantiles":
        return np.unique(np.percentile(values, np.linspace(100 / k, 100, k)))
    if name == "EqualInterval":
        lo, hi = float(values.min()), float(values.max())
        bins = lo + (hi - lo) / k * np.arange(1, k + 1)
        bins[-1] = hi
        return np.unique(bins)
    import mapclassify

    with warnings.catch_warnings():  # "not enough unique values": fewer classes is the intended result
        warnings.simplefilter("ignore", UserWarning)
        return np.unique(mapclassify.classify(values, name, k=k).bins)


def _pick(shades: list[str], n: int) -> list[str]:
    """``n`` shades spread evenly over a light-to-dark list."""
    if n <= 0:
        return []
    if n == 1:
        return [shades[len(shades) // 2]]
    idx = np.linspace(0, len(shades) - 1, n).round().astype(int)
    return [shades[i] for i in idx]


def classify(values: pd.Series, scheme: str = "Quantiles", k: int = 5, *, diverging: bool = False,
             palette: str = "RdBu", positive_is_good: bool = False) -> Classes:
    """Classify values into coloured classes.

    Parameters
    ----------
    values : pandas.Series of float
        Measure per authority; NaN means missing (shown grey).
    scheme : str
        A key of :data:`SCHEMES` or a mapclassify classifier name.
    k : int
        Number of classes wanted (fewer when there are fewer distinct values).
    diverging : bool
        Centre the palette on zero: negatives and positives are classified apart,
        zero is always a class bound, negatives get the ``below`` shades.
    palette : str
        A key of :data:`DIVERGING` (when ``diverging``) or :data:`SEQUENTIAL`.
    positive_is_good : bool
        Diverging only: give positives the cool ("below") shades, so warm always means
        the worse side (a shortfall for the gap; children sent out for the net gain).

    Returns
    -------
    Classes
    """
    y = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    present = ~np.isnan(y)
    class_of = np.full(len(y), -1, dtype=int)
    if not present.any():
        return Classes([], [], class_of)
    data = y[present]
    if diverging:
        shades = DIVERGING.get(palette, DIVERGING["RdBu"])
        if positive_is_good:
            shades = {"above": shades["below"], "below": shades["above"]}
        neg, pos = data[data <= 0], data[data > 0]
        side_k = max(1, min(5, math.ceil(k / 2)))
        neg_bins = _bins(neg, scheme, side_k) if len(neg) else np.array([])
        if len(neg_bins):
            neg_bins[-1] = 0.0
        pos_bins = _bins(pos, scheme, side_k) if len(pos) else np.array([])
        bins = np.concatenate([neg_bins, pos_bins])
        colours = _pick(shades["below"], len(neg_bins))[::-1] + _pick(shades["above"], len(pos_bins))
    else:
        bins = _bins(data, scheme, k)
        colours = _pick(SEQUENTIAL.get(palette, SEQUENTIAL["viridis"]), len(bins))
    class_of[present] = np.searchsorted(bins, data, side="left")  # as mapclassify.UserDefined(...).yb
    lows = [data.min()] + list(bins[:-1])
    labels = [f"{format_number(lo)} to {format_number(hi)}" for lo, hi in zip(lows, bins, strict=True)]
    if len(bins) and lows[0] == bins[0]:
        labels[0] = format_number(bins[0])
    return Classes(colours, labels, class_of)


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
