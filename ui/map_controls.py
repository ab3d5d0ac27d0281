"""The map's own controls and styles: legend, "zoom to" buttons, tooltips kept inside the map.

Leaflet controls written as small templates (no plugin, no CDN): every text is
escaped in Python and passed to JavaScript as JSON, so nothing from a file becomes
markup, and what they render is kept as text, never compiled as a template
(:mod:`ui.map_elements`). Used by :mod:`ui.map`.
"""

from __future__ import annotations

import html

from jinja2 import Template

from sufficiency import service
from ui.classes import MISSING_COLOUR, Classes
from ui.map_elements import TextMacroElement

CSS = """<style>
.leaflet-container { background: #f4f6f8; font: 13px/1.35 "Source Sans Pro", sans-serif; }
.sufficiency-legend { background: rgba(255,255,255,0.95); padding: 5px 7px; color: #111;
  border: 1px solid #767676; border-radius: 4px; max-width: 190px; font-size: 12px; line-height: 1.25; }
.sufficiency-legend summary { font-weight: bold; cursor: pointer; }
.sufficiency-legend details[open] summary { margin-bottom: 2px; }
.sufficiency-legend .legend-title { font-weight: bold; }
.sufficiency-legend .legend-unit { color: #333; margin-bottom: 3px; }
.sufficiency-legend .legend-side { font-style: italic; color: #222; margin: 3px 0 1px; }
.sufficiency-legend .swatch { display: inline-block; width: 16px; height: 11px; margin-right: 5px;
  border: 1px solid #666; vertical-align: middle; }
.sufficiency-legend .note { margin-top: 4px; color: #222; }
.sufficiency-legend .outline { display: inline-block; width: 14px; height: 9px; margin-right: 5px;
  vertical-align: middle; background: transparent; }
.leaflet-tooltip { padding: 4px 6px; white-space: normal; width: max-content; max-width: 290px; color: #111;
  opacity: 1 !important; }
.sufficiency-tip { font-size: 12px; line-height: 1.3; }
.sufficiency-tip table { border-collapse: collapse; margin: 2px 0; }
.sufficiency-tip td, .sufficiency-tip th { padding: 0 6px 0 0; font-size: 12px; text-align: left; border: 0;
  vertical-align: top; }
.sufficiency-tip th { font-weight: normal; color: #333; max-width: 130px; }
.sufficiency-tip td { min-width: 80px; }
.zoom-to { background: #fff; padding: 4px; display: flex; flex-wrap: wrap; gap: 3px; max-width: 190px; }
.zoom-to select { flex-basis: 100%; }
.zoom-to button, .zoom-to select { font: 12px sans-serif; color: #111; background: #fff; border: 1px solid #767676;
  border-radius: 3px; padding: 2px 6px; cursor: pointer; text-align: left; }
.zoom-to button:focus-visible, .zoom-to select:focus-visible { outline: 2px solid #1a5fb4; outline-offset: 1px; }
.hex-label { pointer-events: none; font: bold 10px/14px sans-serif; color: #111; text-align: center;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; white-space: nowrap; }
</style>"""

# Keep every tooltip inside the map: Leaflet places a sticky tooltip beside the cursor
# and lets it run past the map's edge (the iframe clips it). After Leaflet positions it,
# move it back inside the map's box. Tooltips ignore the mouse, so moving one is harmless.
TOOLTIP_CLAMP_JS = """
(function () {
  if (!window.L || L.Tooltip.prototype._sufficiencyClamp) { return; }
  var place = L.Tooltip.prototype._setPosition;
  L.Tooltip.prototype._setPosition = function (pos) {
    place.call(this, pos);
    var map = this._map, el = this._container;
    if (!map || !el) { return; }
    var at = L.DomUtil.getPosition(el), corner = map.layerPointToContainerPoint(at), size = map.getSize();
    var w = el.offsetWidth, h = el.offsetHeight, dx = 0, dy = 0, m = 4;
    if (corner.x + w > size.x - m) { dx = size.x - m - w - corner.x; }
    if (corner.x + dx < m) { dx = m - corner.x; }
    if (corner.y + h > size.y - m) { dy = size.y - m - h - corner.y; }
    if (corner.y + dy < m) { dy = m - corner.y; }
    // controls sit above tooltips: a tooltip that would go under the legend (top right) moves to
    // its left, one under the zoom buttons (top left) below them. 8 px clear: Leaflet's direction
    // classes add a 6 px margin to the tooltip.
    var box = map.getContainer().getBoundingClientRect();
    [".sufficiency-legend", ".zoom-to"].forEach(function (sel) {
      map.getContainer().querySelectorAll(sel).forEach(function (c) {
        var r = c.getBoundingClientRect(), left = r.left - box.left, top = r.top - box.top;
        var x = corner.x + dx, y = corner.y + dy;
        if (!(x < left + r.width && x + w > left && y < top + r.height && y + h > top)) { return; }
        if (sel === ".sufficiency-legend" && left - 8 - w >= m) { dx = left - 8 - w - corner.x; }
        else if (top + r.height + 8 + h <= size.y) { dy = top + r.height + 8 - corner.y; }
      });
    });
    if (dx || dy) { L.DomUtil.setPosition(el, at.add([dx, dy])); }
  };
  L.Tooltip.prototype._sufficiencyClamp = true;
})();
"""


class Legend(TextMacroElement):
    """A Leaflet control holding pre-escaped legend HTML (no d3, no CDN).

    Added to ``fmap`` whatever its parent (the map, or a feature group of the map's data
    layers that the app swaps in place): a new legend replaces the one shown before.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "topright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "sufficiency-legend");
            div.setAttribute("role", "region");
            div.setAttribute("aria-label", "Legend");
            // a disclosure box: open at first; the Zoom-to control folds it away when it zooms in
            div.innerHTML = '<details open><summary>Legend</summary>' + {{ this.body|tojson }} + '</details>';
            return div;
        };
        if (window.sufficiencyLegend) { window.sufficiencyLegend.remove(); }
        window.sufficiencyLegend = {{ this.get_name() }};
        {{ this.get_name() }}.addTo({{ this.map.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, body: str, fmap) -> None:
        super().__init__()
        self._name = "Legend"
        self.body = body
        self.map = fmap


class FocusWithoutScrolling(TextMacroElement):
    """Keep the page still when the map is pressed.

    Leaflet's keyboard handler focuses the map on every first press (so the arrow keys pan
    it) and puts back the scroll of the map's own frame only: the app's page around the frame
    scrolled the whole frame into view, so on a short screen (1280×720) a click near the
    bottom of the map was released on another spot and selected nothing. The map is focused
    here with ``preventScroll``; keyboard use is unchanged.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var keys = {{ this._parent.get_name() }}.keyboard;
            if (!keys) { return; }
            keys.disable();  // unbinds Leaflet's own handler
            keys._onMouseDown = function () {
                if (!this._focused) { this._map._container.focus({preventScroll: true}); }
            };
            keys.enable();
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "FocusWithoutScrolling"


class FitBounds(TextMacroElement):
    """Fit ``fmap`` to bounds [[south, west], [north, east]] when this element's script runs
    (with the data layers: so the map moves only when what is shown, or chosen, changes).

    The frame can still change size after the first fit (Streamlit sets its height and width
    once drawn): until someone touches the map (pointer, wheel, key), a resize fits it again,
    so the first view is the same as the one *All England* gives.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this.map.get_name() }}, bounds = {{ this.bounds|tojson }}, options = {{ this.options|tojson }};
            var touched = false, box = map.getContainer();
            map.fitBounds(bounds, options);
            ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (kind) {
                box.addEventListener(kind, function () { touched = true; }, {once: true, passive: true});
            });
            if (map._sufficiencyRefit) { map.off("resize", map._sufficiencyRefit); }
            map._sufficiencyRefit = function () { if (!touched) { map.fitBounds(bounds, options); } };
            map.on("resize", map._sufficiencyRefit);
        })();
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], fmap, **options) -> None:
        super().__init__()
        self._name = "FitBounds"
        self.bounds = bounds
        self.map = fmap
        self.options = options


class ZoomTo(TextMacroElement):
    """Buttons that fit the map to England, London, or a region chosen in a list (keyboard usable).

    ``places`` maps a button or option text to [[south, west], [north, east]] (EPSG:4326);
    the first two entries are buttons, the rest options of the "Zoom to a region" list.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, pairs = {{ this.places|tojson }}, places = {};
            var names = pairs.map(function (p) { places[p[0]] = p[1]; return p[0]; });
            var ctl = L.control({position: "topleft"}), fit = {{ this.fit|tojson }}, wide = {{ this.wide|tojson }};
            // zooming in folds the legend to one line, so the whole area zoomed to can be seen and clicked
            function go(name) {
                var whole = name === names[0], box = map.getContainer().querySelector(".sufficiency-legend details");
                if (box) { box.open = whole; }
                map.fitBounds(places[name], whole ? wide : fit);
            }
            ctl.onAdd = function () {
                var div = L.DomUtil.create("div", "leaflet-bar zoom-to");
                div.setAttribute("role", "group");
                div.setAttribute("aria-label", "Zoom the map");
                names.slice(0, {{ this.buttons }}).forEach(function (name) {
                    var b = L.DomUtil.create("button", "zoom-to-button", div);
                    b.type = "button";
                    b.textContent = name;
                    b.setAttribute("data-zoom", name);
                    b.addEventListener("click", function () { go(name); });
                });
                if (names.length > {{ this.buttons }}) {
                    var s = L.DomUtil.create("select", "zoom-to-region", div);
                    s.setAttribute("aria-label", "Zoom to a region");
                    var first = L.DomUtil.create("option", "", s);
                    first.value = ""; first.textContent = "Zoom to a region…";
                    names.slice({{ this.buttons }}).forEach(function (name) {
                        var o = L.DomUtil.create("option", "", s);
                        o.value = name; o.textContent = name;
                    });
                    s.addEventListener("change", function () { if (places[s.value]) { go(s.value); } });
                }
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            ctl.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, places: dict[str, list[list[float]]], buttons: int = 2) -> None:
        super().__init__()
        self._name = "ZoomTo"
        self.places = [[name, bounds] for name, bounds in places.items()]  # a list: tojson sorts object keys
        self.buttons = buttons
        # zoomed in, the folded legend and these buttons take the top corners only
        self.fit = {"paddingTopLeft": [10, 30], "paddingBottomRight": [10, 45]}  # above the scale bar
        self.wide = {"paddingTopLeft": [0, 10], "paddingBottomRight": [205, 0]}  # as the first view (ui.map.LEGEND_PX)


class Labels(TextMacroElement):
    """Short labels at points (the hexagons' three letters): not clickable, not in the tab order.

    ``labels`` has columns label (text, escaped here) and geometry (points, EPSG:4326).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            {{ this.points|tojson }}.forEach(function (p) {
                L.marker([p[0], p[1]], {interactive: false, keyboard: false, icon: L.divIcon({
                    className: "hex-label", html: p[2], iconSize: [34, 14], iconAnchor: [17, 7]})}).addTo(map);
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, labels) -> None:
        super().__init__()
        self._name = "Labels"
        self.points = [[round(float(g.y), 5), round(float(g.x), 5), html.escape(str(t))]
                       for g, t in zip(labels.geometry, labels["label"], strict=True)]


class ScaleBar(TextMacroElement):
    """Leaflet's scale bar, bottom right (bottom left is where the Isles of Scilly are drawn)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({position: "bottomright"}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "ScaleBar"


class TooltipsInside(TextMacroElement):
    """Runs :data:`TOOLTIP_CLAMP_JS` with the map's script (streamlit-folium sends only the map's own)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.code }}
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "TooltipsInside"
        self.code = TOOLTIP_CLAMP_JS


def side_caption(column: str, side: str) -> str:
    """Legend heading of one side of a diverging measure ("Shortfall: fewer places than children")."""
    fmt = service.formats.column_format(column)
    template = fmt.positive_means if side == "above" else fmt.negative_means
    if not template:
        return "Above zero" if side == "above" else "Below zero"
    text = template.replace("{n} ", "").replace("{n}", "").strip()
    return text[:1].upper() + text[1:]


def legend_html(classes: Classes, title: str, unit: str, missing_label: str | None = None,
                symbol_note: str | None = None, *, column: str = "", fixed_note: str | None = None,
                outlines: tuple[tuple[str, str], ...] = ()) -> str:
    """HTML of the map legend, highest class first; diverging measures say what each side means.

    ``outlines`` are (css style of the outline swatch, text) for the selected / compared
    authorities drawn on the map.
    """
    def row(colour: str, text: str) -> str:
        return f'<div><span class="swatch" style="background:{colour}"></span>{html.escape(text)}</div>'

    rows, last_side = [], None
    order = list(range(len(classes.colours)))[::-1]
    for i in order:
        side = classes.sides[i] if i < len(classes.sides) else ""
        if side in ("above", "below") and side != last_side:
            rows.append(f'<div class="legend-side">{html.escape(side_caption(column, side))}</div>')
        last_side = side if side else last_side
        rows.append(row(classes.colours[i], classes.labels[i]))
    if missing_label:
        rows.append(row(MISSING_COLOUR, missing_label))
    for style, text in outlines:
        rows.append(f'<div><span class="outline" style="{style}"></span>{html.escape(text)}</div>')
    if symbol_note:
        rows.append(f'<div class="note">{html.escape(symbol_note)}</div>')
    sub = " · ".join(t for t in (unit, fixed_note) if t)
    return (f'<div class="legend-title">{html.escape(title)}</div>'
            f'<div class="legend-unit">{html.escape(sub)}</div>' + "".join(rows))


def bounds_json(bounds) -> list[list[float]]:
    """(west, south, east, north) -> [[south, west], [north, east]] rounded to 4 decimals (about 10 m)."""
    west, south, east, north = (round(float(b), 4) for b in bounds)
    return [[south, west], [north, east]]

