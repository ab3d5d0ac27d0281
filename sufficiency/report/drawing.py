"""A tiny vector drawing model shared by the HTML (SVG) and the PDF (reportlab).

A :class:`Drawing` is a width and height in points (1/72 inch; y grows downwards, as in
SVG) and a list of shapes. Charts and the map build one; :func:`to_svg` writes it as an
inline ``<svg>`` for the HTML and :mod:`sufficiency.report.pdf` converts the same shapes
to reportlab graphics, so both formats show the same picture.

Every text is escaped when written (names come from files people upload).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

FONT = "'Segoe UI', 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str = "none"
    stroke: str = "none"
    width: float = 0.0


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    stroke: str = "#000"
    width: float = 1.0
    dash: str = ""  # e.g. "4 3"


@dataclass(frozen=True)
class Shape:
    """Filled polygons: ``d`` is SVG path data (M/L/Z only, absolute, in drawing units)."""

    d: str
    fill: str = "none"
    stroke: str = "none"
    width: float = 0.0
    dash: str = ""


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    fill: str = "#000"
    stroke: str = "none"
    width: float = 0.0
    square: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float = 9.0
    anchor: str = "start"  # start | middle | end
    bold: bool = False
    fill: str = "#222"
    rotate: float = 0.0  # degrees, about (x, y); -90 reads bottom to top
    halo: bool = False  # a white outline so the text reads over a map


@dataclass
class Drawing:
    """Shapes on a ``width`` x ``height`` canvas (points); ``title`` is read aloud by screen readers."""

    width: float
    height: float
    title: str = ""
    shapes: list = field(default_factory=list)

    def add(self, *shapes) -> Drawing:
        self.shapes.extend(shapes)
        return self


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Approximate width of ``text`` in points (for laying out labels; sans-serif)."""
    return len(text) * size * (0.58 if bold else 0.53)


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


def _stroke(stroke: str, width: float, dash: str = "") -> str:
    if stroke == "none" or width <= 0:
        return ' stroke="none"'
    out = f' stroke="{stroke}" stroke-width="{_n(width)}"'
    return out + (f' stroke-dasharray="{dash}"' if dash else "")


def _svg_shape(s) -> str:
    if isinstance(s, Rect):
        return (f'<rect x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(s.w)}" height="{_n(s.h)}" fill="{s.fill}"'
                f'{_stroke(s.stroke, s.width)}/>')
    if isinstance(s, Line):
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in s.points)
        return f'<polyline points="{pts}" fill="none"{_stroke(s.stroke, s.width, s.dash)} stroke-linejoin="round"/>'
    if isinstance(s, Shape):
        return f'<path d="{s.d}" fill="{s.fill}" fill-rule="evenodd"{_stroke(s.stroke, s.width, s.dash)}/>'
    if isinstance(s, Dot):
        if s.square:
            return (f'<rect x="{_n(s.x - s.r)}" y="{_n(s.y - s.r)}" width="{_n(2 * s.r)}" height="{_n(2 * s.r)}" '
                    f'fill="{s.fill}"{_stroke(s.stroke, s.width)}/>')
        return f'<circle cx="{_n(s.x)}" cy="{_n(s.y)}" r="{_n(s.r)}" fill="{s.fill}"{_stroke(s.stroke, s.width)}/>'
    if isinstance(s, Text):
        anchor = "" if s.anchor == "start" else f' text-anchor="{s.anchor}"'
        weight = ' font-weight="bold"' if s.bold else ""
        turn = f' transform="rotate({_n(s.rotate)} {_n(s.x)} {_n(s.y)})"' if s.rotate else ""
        halo = ' stroke="#fff" stroke-width="2.5" paint-order="stroke" stroke-linejoin="round"' if s.halo else ""
        return (f'<text x="{_n(s.x)}" y="{_n(s.y)}" font-size="{_n(s.size)}"{anchor}{weight}{turn}{halo} '
                f'fill="{s.fill}">{escape(s.text)}</text>')
    raise TypeError(f"not a drawing shape: {type(s).__name__}")


def to_svg(drawing: Drawing, css_class: str = "chart") -> str:
    """The drawing as an inline ``<svg>`` element (scales to its container's width)."""
    head = (f'<svg class="{css_class}" viewBox="0 0 {_n(drawing.width)} '
            f'{_n(drawing.height)}" role="img" font-family="{escape(FONT)}">')
    title = f"<title>{escape(drawing.title)}</title>" if drawing.title else ""
    return head + title + "".join(_svg_shape(s) for s in drawing.shapes) + "</svg>"
