"""Folium elements that put what they render into the page as text, never as a template.

branca's ``MacroElement.render`` wraps each part it renders (header, html, script) in a new
``Element``, which *compiles that output as a Jinja template*; the page is rendered from
those templates later. For map layers that carry text from files that is wrong twice over:

- unsafe: an authority or region name containing ``{{ 7*7 }}`` was evaluated on the
  server (the saved map read "49"), and one containing ``{%`` stopped the map with a
  ``TemplateSyntaxError`` (a traceback instead of a map);
- slow: the authorities' GeoJSON (about 300 kB) was lexed by Jinja on every run, 30–50 ms of
  each click, year or measure change.

The elements here render each part once and keep the result as :class:`Text`. Their own
templates are the same as before; only what they produce is no longer compiled. Children
render as they always do (folium's tooltips and markers carry no file text here: the
tooltips read it from each feature's properties in the browser).
"""

from __future__ import annotations

import folium
from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement
from folium.features import GeoJsonStyleMapper
from folium.utilities import get_obj_in_upper_tree


class Text(Element):
    """A rendered part of the page, kept as it is (not a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Text"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def render_as_text(element: MacroElement, kwargs: dict) -> None:
    """``MacroElement.render`` without compiling the output: each of the element's
    ``header``, ``html`` and ``script`` macros is rendered once and added to the page's
    figure as :class:`Text`; then its children render."""
    figure = element.get_root()
    macros = element._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = macros.get(part)
        if macro is not None:
            getattr(figure, part).add_child(Text(macro(element, kwargs)), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


class TextMacroElement(MacroElement):
    """Base of the map's own controls (:mod:`ui.map_controls`): rendered with :func:`render_as_text`."""

    def render(self, **kwargs) -> None:
        render_as_text(self, kwargs)


class GeoJsonLayer(folium.GeoJson):
    """:class:`folium.GeoJson` rendered with :func:`render_as_text`.

    The same as ``folium.GeoJson.render`` (style and highlight maps, then the layer added to
    its parent, as ``folium.map.Layer.render`` does) except the last step. Takes exactly
    ``folium.GeoJson``'s arguments; class includes (``GeoJson.include``) are not used.
    """

    def render(self, **kwargs) -> None:
        self.parent_map = get_obj_in_upper_tree(self, folium.Map)
        if (self.style or self.highlight) and self.data["features"]:
            mapper = GeoJsonStyleMapper(self.data, self.feature_identifier, self)
            if self.style:
                self.style_map = mapper.get_style_map(self.style_function)
            if self.highlight:
                self.highlight_map = mapper.get_highlight_map(self.highlight_function)
        if self.show:
            self.add_child(ElementAddToElement(element_name=self.get_name(),
                                               element_parent_name=self._parent.get_name()),
                           name=self.get_name() + "_add")
        render_as_text(self, kwargs)


class Tooltip(folium.Tooltip):
    """:class:`folium.Tooltip` rendered with :func:`render_as_text`: for a tooltip whose text
    came from a file (an authority's name), pass one of these as a marker's or line's ``tooltip``."""

    def render(self, **kwargs) -> None:
        render_as_text(self, kwargs)
