"""Colour classes for choropleth maps: breaks, colour-blind-safe palettes, legend labels.

Pure functions over numbers (no drawing). :func:`make_breaks` computes class bounds
from a set of values — the app passes every year's values of a measure, so a colour
means the same figure whichever year is shown; :func:`classify` puts each authority's
value in a class (with fixed breaks, or breaks of the values themselves).

Values are classified as they are written (:mod:`sufficiency.model.formats`): counts
as whole numbers, so count classes have whole, non-overlapping bounds ("−20 to −1",
"0", "1 to 14"); shares and ratios to the decimals shown. Diverging measures (gaps)
are centred on zero: negatives and positives are classified apart, and zero is a class
of its own. Palettes are ColorBrewer (Brewer, Penn State) and viridis (matplotlib),
all colour-blind safe.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sufficiency import service

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
        "zero": "#f7f7f7",
    },
    "PuOr": {
        "above": ["#fee0b6", "#fdb863", "#e08214", "#b35806", "#7f3b08"],
        "below": ["#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"],
        "zero": "#f7f7f7",
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


@dataclass(frozen=True)
class Breaks:
    """Class bounds of one measure.

    Attributes
    ----------
    bins : tuple of float
        Upper bound of each class (a value ``<=`` the bound is in the class), ascending.
    lowest : float
        The smallest value the breaks were made from (the first class's lower end).
    sides : tuple of str
        Per class: "below" (negative), "zero", "above" (positive) for diverging
        breaks; "" for sequential ones.
    column : str
        The measure; its format decides how values are rounded and written.
    """

    bins: tuple[float, ...]
    lowest: float
    sides: tuple[str, ...]
    column: str = ""


@dataclass(frozen=True)
class Classes:
    """Colour classes of one measure, lowest class first.

    Attributes
    ----------
    colours, labels : list of str
        One hex colour and one legend text ("−20 to −1") per class.
    class_of : numpy.ndarray of int
        Class index per input value, -1 where the value is missing.
    sides : tuple of str
        As :attr:`Breaks.sides`.
    """

    colours: list[str]
    labels: list[str]
    class_of: np.ndarray
    sides: tuple[str, ...] = ()


def _fmt(column: str) -> tuple[str, int]:
    """(kind, decimals) of a column; unknown columns get two decimals."""
    f = service.formats.column_format(column) if column else None
    if f is None or f.kind == "text":
        return "ratio", 2
    return f.kind, (0 if f.kind in service.formats.WHOLE_KINDS else f.decimals)


def as_shown(values: np.ndarray, column: str) -> np.ndarray:
    """Values rounded as they are written (halves away from zero): the numbers a person classifies."""
    kind, decimals = _fmt(column)
    scale = 10.0 ** (decimals + (2 if kind == "share" else 0))
    shifted = np.round(np.abs(values) * scale, 9)  # 2.675 stored as 2.67499... is written 2.68
    return np.sign(values) * np.floor(shifted + 0.5) / scale + 0.0


def format_number(value: float, column: str = "") -> str:
    """A number as the legend and tooltips show it (the column's format; two decimals when unknown)."""
    kind, decimals = _fmt(column)
    return service.formats.format_number(value, kind, decimals)


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


def _snap(bins: np.ndarray, column: str) -> np.ndarray:
    """Bounds on the grid of written values (whole numbers for counts): same classes, readable bounds."""
    kind, decimals = _fmt(column)
    scale = 10.0 ** (decimals + (2 if kind == "share" else 0))
    return np.unique(np.floor(np.round(bins * scale, 9)) / scale)


def _numbers(values) -> np.ndarray:
    return pd.to_numeric(pd.Series(values), errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def make_breaks(values, scheme: str = "Quantiles", k: int = 5, *, diverging: bool = False,
                column: str = "") -> Breaks | None:
    """Class bounds from ``values`` (every year's values, for breaks fixed across years).

    Parameters
    ----------
    values : array-like of float
        NaN is ignored. Rounded as the column is written before classifying.
    scheme, k
        A key of :data:`SCHEMES` (or a mapclassify name) and the classes wanted (fewer
        when there are fewer distinct values). Diverging: about ``k // 2`` per side.
    diverging : bool
        Classify negatives and positives apart, with zero a class of its own.
    column : str
        The measure (its format: :mod:`sufficiency.model.formats`).

    Returns
    -------
    Breaks, or None when no value is present.
    """
    y = _numbers(values)
    data = as_shown(y[~np.isnan(y)], column)
    if not len(data):
        return None
    if not diverging:
        bins = _snap(_bins(data, scheme, k), column)
        bins[-1] = max(bins[-1], data.max())
        return Breaks(tuple(np.unique(bins)), float(data.min()), ("",) * len(np.unique(bins)), column)
    side_k = max(1, min(5, k // 2))
    neg, pos = data[data < 0], data[data > 0]
    neg_bins = _snap(_bins(neg, scheme, side_k), column) if len(neg) else np.array([])
    if len(neg_bins):
        neg_bins[-1] = neg.max()  # the top negative class ends at the largest negative value
    zero = np.array([0.0]) if (data == 0).any() or (len(neg) and len(pos)) else np.array([])
    pos_bins = _snap(_bins(pos, scheme, side_k), column) if len(pos) else np.array([])
    if len(pos_bins):
        pos_bins[-1] = pos.max()
    pos_bins = pos_bins[pos_bins > 0]
    bins = np.concatenate([np.unique(neg_bins), zero, np.unique(pos_bins)])
    sides = ("below",) * len(np.unique(neg_bins)) + ("zero",) * len(zero) + ("above",) * len(np.unique(pos_bins))
    return Breaks(tuple(bins), float(data.min()), sides, column)


def _pick(shades: list[str], n: int) -> list[str]:
    """``n`` shades spread evenly over a light-to-dark list."""
    if n <= 0:
        return []
    if n == 1:
        return [shades[len(shades) // 2]]
    idx = np.linspace(0, len(shades) - 1, n).round().astype(int)
    return [shades[i] for i in idx]


def _labels(breaks: Breaks, data: np.ndarray, found: np.ndarray) -> list[str]:
    """Legend text per class: whole counts get non-overlapping bounds ("1 to 14", "15 to 40").

    A class holding values beyond its fixed bound (``data`` classified as ``found``) shows them.
    """
    kind, _ = _fmt(breaks.column)
    step = 1.0 if kind in service.formats.WHOLE_KINDS else 0.0
    highs = [max([b, *data[found == i]]) for i, b in enumerate(breaks.bins)]
    lows = [min(breaks.lowest, float(data.min()))] + [b + step for b in breaks.bins[:-1]]
    out = []
    for side, lo, hi in zip(breaks.sides, lows, highs, strict=True):
        if side == "zero" or lo >= hi:
            out.append(format_number(hi, breaks.column))
        else:
            out.append(f"{format_number(lo, breaks.column)} to {format_number(hi, breaks.column)}")
    return out


def classify(values: pd.Series, scheme: str = "Quantiles", k: int = 5, *, diverging: bool = False,
             palette: str = "RdBu", positive_is_good: bool = False, column: str = "",
             breaks: Breaks | None = None) -> Classes:
    """Classify values into coloured classes.

    Parameters
    ----------
    values : pandas.Series of float
        Measure per authority; NaN means missing (shown grey).
    scheme, k, diverging, column
        As :func:`make_breaks`, used when ``breaks`` is None (breaks of these values only).
    palette : str
        A key of :data:`DIVERGING` (when ``diverging``) or :data:`SEQUENTIAL`.
    positive_is_good : bool
        Diverging only: give positives the cool ("below") shades, so warm always means
        the worse side (a shortfall for the gap; children sent out for the net gain).
    breaks : Breaks, optional
        Fixed class bounds (e.g. from every year's values); a value beyond them goes in
        the nearest end class, whose label is widened to hold it.

    Returns
    -------
    Classes
    """
    y = _numbers(values)
    present = ~np.isnan(y)
    class_of = np.full(len(y), -1, dtype=int)
    breaks = breaks or make_breaks(y, scheme, k, diverging=diverging, column=column)
    if breaks is None or not present.any():
        return Classes([], [], class_of)
    data = as_shown(y[present], breaks.column)
    bins = np.asarray(breaks.bins)
    found = np.minimum(np.searchsorted(bins, data, side="left"), len(bins) - 1)
    sides = np.asarray(breaks.sides)
    if (sides != "").any():  # a value beyond fixed breaks stays on its own side of zero
        below, zero, above = (np.flatnonzero(sides == s) for s in ("below", "zero", "above"))
        if len(below):
            found = np.where(data < 0, np.minimum(found, below[-1]), found)
        if len(zero):
            found = np.where(data == 0, zero[0], found)
        if len(above):
            found = np.where(data > 0, np.maximum(found, above[0]), found)
    class_of[present] = found
    if "zero" in breaks.sides or "below" in breaks.sides or "above" in breaks.sides:
        shades = DIVERGING.get(palette, DIVERGING["RdBu"])
        below, above = (shades["above"], shades["below"]) if positive_is_good else (shades["below"], shades["above"])
        colours = (_pick(below, breaks.sides.count("below"))[::-1] + [shades["zero"]] * breaks.sides.count("zero")
                   + _pick(above, breaks.sides.count("above")))
    else:
        colours = _pick(SEQUENTIAL.get(palette, SEQUENTIAL["viridis"]), len(bins))
    return Classes(colours, _labels(breaks, data, found), class_of, breaks.sides)
