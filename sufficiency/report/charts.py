"""The report's charts as :class:`~sufficiency.report.drawing.Drawing` objects (no file, no library).

Drawn for print: sizes in points, text at 8 pt or more, every axis labelled with its
unit, numbers written by :func:`sufficiency.report.numbers.figure`. Colours are the
Okabe-Ito palette (safe for the common colour-vision deficiencies), and lines also
differ by dash and marker, so no chart depends on colour alone. A suppressed or missing
figure is never drawn as zero: bars say "c" or "not published", lines break.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sufficiency.report.drawing import Dot, Drawing, Line, Rect, Text, text_width
from sufficiency.report.numbers import figure, number, suppressed

# Okabe & Ito (2008), colour-universal design
BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#7f7f7f")
INK, AXIS, GRID = "#222222", "#555555", "#e3e3e3"
X_TITLE = "year (31 March)"
SECTOR_COLOURS = {"Local authority": BLUE, "Private": ORANGE, "Voluntary": GREEN, "Health authority": PURPLE}


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a value per x (None where missing)."""

    label: str
    values: Sequence[float | None]
    colour: str
    dash: str = ""
    marker: str = "circle"  # circle | square


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (always including 0 when the range does)."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        return [0.0, 1.0]
    if hi == lo:
        hi, lo = (hi + 1, lo - 1) if hi else (1.0, 0.0)
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, t = [], start
    while t < hi + step * 0.999:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _axes(d: Drawing, box: tuple[float, float, float, float], ticks: list[float], unit: str, y_label: str,
          x_labels: Sequence[str], every: int = 1) -> None:
    """Gridlines, y ticks, x labels and the y-axis title for a plot area ``box`` (x, y, w, h)."""
    x0, y0, w, h = box
    lo, hi = ticks[0], ticks[-1]
    for t in ticks:
        y = y0 + h - (t - lo) / (hi - lo) * h
        d.add(Line(((x0, y), (x0 + w, y)), GRID if t else AXIS, 0.6 if t else 0.8))
        d.add(Text(x0 - 4, y + 3, figure(t, unit if unit != "%" else "%"), 8, "end", fill=AXIS))
    d.add(Text(10, y0 + h / 2, y_label, 8, "middle", fill=AXIS, rotate=-90))
    step = w / len(x_labels)
    for i, lab in enumerate(x_labels):
        if i % every == 0:
            d.add(Text(x0 + step * (i + 0.5), y0 + h + 11, lab, 8, "middle", fill=AXIS))
    d.add(Text(x0 + w / 2, y0 + h + 23, X_TITLE, 8, "middle", fill=AXIS))


def _legend(d: Drawing, x: float, y: float, items: list[tuple[str, str, str, str]], width: float) -> float:
    """Legend entries (label, colour, kind line|box, dash) wrapped within ``width``; returns the height used."""
    cx, cy = x, y
    for label, colour, kind, dash in items:
        w = 22 + text_width(label, 8)
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 12
        if kind == "box":
            d.add(Rect(cx, cy - 7, 9, 9, colour))
        else:
            d.add(Line(((cx, cy - 3), (cx + 14, cy - 3)), colour, 1.8, dash))
        d.add(Text(cx + (12 if kind == "box" else 17), cy, label, 8, fill=INK))
        cx += w + 8
    return cy - y + 12


def _top(d: Drawing, title: str, items: list[tuple[str, str, str, str]], width: float) -> float:
    """The chart's title (bold, top left) and its legend under it; returns the height they take."""
    d.add(Text(2, 11, title, 9.5, bold=True, fill=INK))
    return 14 + (_legend(d, 34, 26, items, width - 40) if items else 0)


def line_chart(x_labels: Sequence[str], series: list[Series], unit: str, y_label: str, title: str,
               width: float = 250, height: float = 190, zero: bool = True) -> Drawing:
    """Lines over ``x_labels`` (years); a missing value breaks the line."""
    d = Drawing(width, height, title)
    legend_h = _top(d, title, [(s.label, s.colour, "line", s.dash) for s in series], width)
    values = [v for s in series for v in s.values if v is not None]
    lo = min([*values, 0.0] if zero else values or [0.0])
    hi = max(values or [1.0])
    ticks = nice_ticks(lo, hi)
    box = (38, 8 + legend_h + 4, width - 44, height - legend_h - 46)
    _axes(d, box, ticks, unit, y_label, x_labels, every=2 if len(x_labels) > 8 else 1)
    x0, y0, w, h = box
    step = w / len(x_labels)

    def pos(i: int, v: float) -> tuple[float, float]:
        return x0 + step * (i + 0.5), y0 + h - (v - ticks[0]) / (ticks[-1] - ticks[0]) * h

    for s in series:
        run: list[tuple[float, float]] = []
        for i, v in enumerate([*s.values, None]):
            if v is None:
                if len(run) > 1:
                    d.add(Line(tuple(run), s.colour, 1.8, s.dash))
                run = []
                continue
            run.append(pos(i, v))
        for i, v in enumerate(s.values):
            if v is not None:
                x, y = pos(i, v)
                d.add(Dot(x, y, 2.2, s.colour, "#fff", 0.6, square=s.marker == "square"))
    return d


def stacked_bars(x_labels: Sequence[str], stacks: list[tuple[str, Sequence[float | None], str]], unit: str,
                 y_label: str, title: str, width: float = 250, height: float = 190) -> Drawing:
    """Stacked bars per x (e.g. homes by sector per year); a year with no figure has no bar and says so."""
    d = Drawing(width, height, title)
    legend_h = _top(d, title, [(lab, c, "box", "") for lab, _, c in stacks], width)
    totals = [sum(v or 0 for v in col) if any(v is not None for v in col) else None
              for col in zip(*[vals for _, vals, _ in stacks], strict=True)]
    ticks = nice_ticks(0, max([t for t in totals if t is not None] or [1.0]))
    box = (38, 8 + legend_h + 4, width - 44, height - legend_h - 46)
    _axes(d, box, ticks, unit, y_label, x_labels, every=2 if len(x_labels) > 8 else 1)
    x0, y0, w, h = box
    step = w / len(x_labels)
    scale = h / (ticks[-1] - ticks[0])
    for i, total in enumerate(totals):
        x = x0 + step * i + step * 0.15
        if total is None:
            d.add(Text(x + step * 0.35, y0 + h - 4, "–", 8, "middle", fill=AXIS))
            continue
        base = y0 + h
        for _, vals, colour in stacks:
            v = vals[i] or 0
            if v > 0:
                d.add(Rect(x, base - v * scale, step * 0.7, v * scale, colour, "#fff", 0.4))
                base -= v * scale
    return d


def signed_bars(x_labels: Sequence[str], values: Sequence[float | str | None], unit: str, y_label: str, title: str,
                up_colour: str = BLUE, down_colour: str = VERMILION, width: float = 250, height: float = 190,
                up_label: str = "", down_label: str = "") -> Drawing:
    """Bars up and down from zero (e.g. net gain per year); "c" and missing say so at the axis."""
    d = Drawing(width, height, title)
    items = [(up_label, up_colour, "box", ""), (down_label, down_colour, "box", "")]
    items = [i for i in items if i[0]]
    legend_h = _top(d, title, items, width)
    nums = [number(v) for v in values]
    present = [v for v in nums if v is not None]
    ticks = nice_ticks(min([*present, 0.0]), max([*present, 0.0]))
    box = (38, 8 + legend_h + 4, width - 44, height - legend_h - 46)
    _axes(d, box, ticks, unit, y_label, x_labels, every=2 if len(x_labels) > 8 else 1)
    x0, y0, w, h = box
    step = w / len(x_labels)
    scale = h / (ticks[-1] - ticks[0])
    zero_y = y0 + h - (0 - ticks[0]) * scale
    for i, (raw, v) in enumerate(zip(values, nums, strict=True)):
        x = x0 + step * i + step * 0.15
        if v is None:
            d.add(Text(x + step * 0.35, zero_y - 3, "c" if suppressed(raw) else "–", 8, "middle", fill=AXIS))
            continue
        top = min(zero_y, zero_y - v * scale)
        d.add(Rect(x, top, step * 0.7, abs(v) * scale, up_colour if v >= 0 else down_colour))
    return d


def hbars(rows: list[tuple[str, float | str | None, bool]], unit: str, x_label: str, title: str,
          references: list[tuple[str, float | None, str]] = (), width: float = 515, bar_h: float = 13,
          label_w: float = 170) -> Drawing:
    """Horizontal bars, one per (label, value, highlighted) row, with dashed reference lines.

    A row with no figure shows "not published" (or "c" when suppressed) instead of a bar.
    """
    refs = [(lab, v, c) for lab, v, c in references if v is not None]
    legend_h = 14 if refs else 0
    height = 14 + legend_h + len(rows) * (bar_h + 4) + 30
    d = Drawing(width, height, title)
    present = [number(v) for _, v, _ in rows if number(v) is not None] + [v for _, v, _ in refs]
    ticks = nice_ticks(min([*present, 0.0]), max([*present, 0.0]) or 1.0)
    x0, w = label_w, width - label_w - 44
    y0 = 10 + legend_h
    plot_h = len(rows) * (bar_h + 4)
    scale = w / (ticks[-1] - ticks[0])

    def xpos(v: float) -> float:
        return x0 + (v - ticks[0]) * scale

    for t in ticks:
        d.add(Line(((xpos(t), y0), (xpos(t), y0 + plot_h)), GRID if t else AXIS, 0.6 if t else 0.8))
        d.add(Text(xpos(t), y0 + plot_h + 11, figure(t, unit), 8, "middle", fill=AXIS))
    d.add(Text(x0 + w / 2, y0 + plot_h + 24, x_label, 8, "middle", fill=AXIS))
    labels = []  # drawn last, over the reference lines
    for i, (label, raw, highlighted) in enumerate(rows):
        y = y0 + i * (bar_h + 4) + 2
        d.add(Text(x0 - 6, y + bar_h - 3, label, 8.5, "end", bold=highlighted, fill=INK))
        v = number(raw)
        if v is None:
            labels.append(Text(xpos(0) + 4, y + bar_h - 3, "c (suppressed)" if suppressed(raw) else "not published",
                               8, fill=AXIS, halo=True))
            continue
        left, right = sorted((xpos(0), xpos(v)))
        d.add(Rect(left, y, max(right - left, 0.8), bar_h, BLUE if highlighted else SKY))
        labels.append(Text(right + 3, y + bar_h - 3, figure(v, unit), 8, bold=highlighted, fill=INK, halo=True))
    lx = x0
    for label, v, colour in refs:
        d.add(Line(((xpos(v), y0 - 2), (xpos(v), y0 + plot_h)), colour, 1.4, "4 2"))
        d.add(Line(((lx, 9), (lx + 14, 9)), colour, 1.4, "4 2"))
        text = f"{label} {figure(v, unit)}"
        d.add(Text(lx + 17, 12, text, 8, fill=INK))
        lx += 30 + text_width(text, 8)
    d.add(*labels)
    return d


def split_bar(parts: list[tuple[str, float | str | None, str]], title: str, width: float = 515,
              unit: str = "children") -> Drawing:
    """One bar split into parts (label, count, colour), each labelled with its count; "c" parts unsized.

    ``title`` is written above the bar.
    """
    d = Drawing(width, 58, title)
    d.add(Text(0, 10, title, 9, bold=True, fill=INK))
    nums = [number(v) for _, v, _ in parts]
    total = sum(v for v in nums if v is not None and v > 0)
    x = 0.0
    label_x = 0.0
    for (label, raw, colour), v in zip(parts, nums, strict=True):
        text = f"{label}: {figure(raw, unit)}"
        if v is not None and v > 0 and total > 0:
            w = v / total * width
            d.add(Rect(x, 18, w, 16, colour, "#fff", 0.8))
            x += w
        d.add(Rect(label_x, 42, 8, 8, colour))
        d.add(Text(label_x + 11, 50, text, 8.5, fill=INK))
        label_x += 24 + text_width(text, 8.5)
    return d
