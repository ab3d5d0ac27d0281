"""How the report writes a figure: the one place to change it.

:func:`figure` is the only formatter the report uses (tables, sentences, chart labels), so
swapping it for the app's shared number format is a one-line change. Rules:

==========================  ======================================================
unit                        written as
==========================  ======================================================
children, places, homes     whole number with thousands separators: ``1,234``
%  (0-100)                  ``47%`` (one decimal below 10 when not whole: ``6.5%``)
share (0-1)                 as a percentage: ``0.53`` -> ``53%``
places per child            two decimals: ``2.40``
km                          one decimal: ``12.3 km``
per 10,000                  whole number: ``77``
==========================  ======================================================

Negative numbers take a true minus sign (U+2212); a missing figure is an en dash;
a suppressed one (``"c"``) stays ``c``.
"""

from __future__ import annotations

import math

import pandas as pd

MISSING = "–"
SUPPRESSED = "c"
COUNT_UNITS = {"children", "places", "homes", "authorities", "placements"}


def is_missing(value: object) -> bool:
    """True for None, NA and NaN (not for ``"c"``)."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def figure(value: object, unit: str = "", *, sign: bool = False) -> str:
    """``value`` written for a reader (module docstring); ``sign`` adds + to positive numbers."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return MISSING
    v = float(value)
    if unit == "share":
        v, unit = v * 100, "%"
    if unit in COUNT_UNITS or unit == "per 10,000":
        text = f"{round(v):,}"
    elif unit == "%":
        text = f"{v:.1f}" if abs(v) < 10 and v != round(v) else f"{round(v):,}"
    elif unit == "places per child":
        text = f"{v:,.2f}"
    elif unit == "km":
        text = "0" if v == 0 else f"{v:,.1f}"
    elif v == int(v):
        text = f"{int(v):,}"
    else:
        text = f"{v:,.{2 if abs(v) < 10 else 1 if abs(v) < 100 else 0}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # no "-0"
    if sign and not text.startswith("-") and v > 0:
        text = "+" + text
    text = text.replace("-", "\u2212")
    return text + ("%" if unit == "%" else " km" if unit == "km" else "")


def suppressed(value: object) -> bool:
    """True for a figure the small-number rule hides ("c")."""
    return isinstance(value, str) and value == SUPPRESSED


def number(value: object) -> float | None:
    """A figure as a float, None when missing or suppressed."""
    if isinstance(value, str) or is_missing(value):
        return None
    v = float(value)
    return None if math.isnan(v) else v
