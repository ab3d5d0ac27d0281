"""Colour classes for choropleth maps: breaks, colour-blind-safe palettes, legend labels.

Pure functions over numbers (no drawing): :func:`classify` puts each authority's value
in a class; :func:`format_number` writes a number as the legend and tooltips show it.
Palettes are ColorBrewer (Brewer, Penn State) and viridis (matplotlib), colour-blind safe.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
