"""One way of writing every figure: the app, its map tooltips and tables, and the CLI ``summary``.

Each machine column (``places``, ``placed_outside_pct`` ...) has a row in
``data/reference/column_labels.csv``: a human label, a unit, a kind and a number of
decimals. CSV files keep the machine names and full precision; everything shown to a
person goes through :func:`format_value` and :func:`header`.

=========  ==========================================================================
kind       written as
=========  ==========================================================================
count      whole number, thousands separators: ``1,234``, ``−84``
rank       whole number: ``12``
year       four digits, no separator: ``2024``
percent    a ``_pct`` column, 0–100: ``47%``
share      a ``_share`` column, 0–1, shown as a percentage: ``0.634`` -> ``63%``
ratio      ``decimals`` places: ``0.66``
distance   ``decimals`` places, the unit after it where asked: ``12.3 km``
rate       ``decimals`` places: ``70``
text       as it is
=========  ==========================================================================

Rules: one minus sign (U+2212) everywhere, never ``−0``; halves are rounded away from
zero (2.5 -> 3, −2.5 -> −3); a missing figure is an en dash (``–``); a DfE marker in
place of a number (``c``, ``x`` ...) is written as what it means (``suppressed (c)``).
Pure functions over values; no pandas display options are touched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from sufficiency.readers.markers import MARKERS, marker_meaning
from sufficiency.registry import reference_table

MINUS = "\u2212"
NO_FIGURE = "–"
KINDS = ("count", "rank", "year", "percent", "share", "ratio", "distance", "rate", "text")
WHOLE_KINDS = ("count", "rank", "year")
#: suffixes of derived columns: the base column's format with these words after the label
SUFFIXES = {"_before": "before", "_after": "after", "_diff": "difference"}


@dataclass(frozen=True)
class ColumnFormat:
    """How one column is labelled and written (one row of ``column_labels.csv``)."""

    column: str
    label: str
    unit: str
    kind: str
    decimals: int
    positive_means: str = ""
    negative_means: str = ""
    short_label: str = ""

    @property
    def short(self) -> str:
        """A short heading for narrow table columns, unit included ("Placed outside (%)")."""
        return self.short_label or self.header

    @property
    def header(self) -> str:
        """The label with its unit where the label does not already say it ("Median distance (km)")."""
        unit = "%" if self.kind in ("percent", "share") else self.unit
        if not unit or unit.lower() in self.label.lower():
            return self.label
        if self.label.endswith(")"):
            return f"{self.label[:-1]}, {unit})"
        return f"{self.label} ({unit})"


@lru_cache(maxsize=1)
def column_formats() -> dict[str, ColumnFormat]:
    """Every column of ``data/reference/column_labels.csv``, by machine name (read once)."""
    table = reference_table("column_labels")
    bad = sorted(set(table["kind"]) - set(KINDS))
    if bad:
        raise ValueError(f"column_labels.csv: unknown kind {', '.join(bad)}; use one of {', '.join(KINDS)}")
    return {r.column: ColumnFormat(r.column, r.label, r.unit, r.kind, int(r.decimals or 0), r.positive_means,
                                   r.negative_means, r.short) for r in table.itertuples(index=False)}


def column_format(column: str) -> ColumnFormat:
    """The format of ``column``; derived columns (``x_before``, ``x_diff``) take ``x``'s, unknown ones a guess."""
    known = column_formats()
    if column in known:
        return known[column]
    for suffix, word in SUFFIXES.items():
        if column.endswith(suffix) and column[: -len(suffix)] in known:
            base = known[column[: -len(suffix)]]
            head, paren, rest = base.short.partition(" (")
            return ColumnFormat(column, f"{base.label}, {word}", base.unit, base.kind, base.decimals,
                                base.positive_means, base.negative_means, f"{head} {word}{paren}{rest}")
    label = column.replace("_", " ").strip().capitalize()
    if column.endswith("_pct"):
        return ColumnFormat(column, label.removesuffix(" pct"), "%", "percent", 0)
    if column.endswith("_share"):
        return ColumnFormat(column, label.removesuffix(" share") + " (share)", "%", "share", 0)
    if column.endswith("_km"):
        return ColumnFormat(column, label.removesuffix(" km"), "km", "distance", 1)
    return ColumnFormat(column, label, "", "ratio", 2)


def label(column: str) -> str:
    """Human label of a machine column ("children_in_homes" -> "Children in children's homes")."""
    return column_format(column).label


def header(column: str) -> str:
    """Column heading for a table on screen: the label and, where needed, the unit."""
    return column_format(column).header


def short_header(column: str) -> str:
    """Short column heading for a wide table ("Placed outside (%)"); :func:`header` is the full one."""
    return column_format(column).short


def unit(column: str) -> str:
    """The unit a person reads after the figure ("%" for percentages and shares)."""
    fmt = column_format(column)
    return "%" if fmt.kind in ("percent", "share") else fmt.unit


def round_half_away(value: float, decimals: int = 0) -> float:
    """``value`` rounded to ``decimals`` places, halves away from zero (2.5 -> 3, −0.125 -> −0.13 at 2)."""
    scale = 10.0 ** decimals
    # repr-based nudge: 2.675 is stored as 2.67499..., which a person wrote as 2.675
    shifted = float(np.format_float_positional(abs(value) * scale, precision=9, unique=True, trim="-"))
    return math.copysign(math.floor(shifted + 0.5) / scale, value)


def marker_text(marker: str) -> str:
    """A DfE marker as a short phrase for a table cell: "c" -> "suppressed (c)", "z" -> "not applicable (z)"."""
    m = str(marker).strip()
    meaning = marker_meaning(m).removesuffix(f" ({m.lower()})")
    short = meaning.split(" by ")[0].split(",")[0].split(" to protect")[0]
    return f"{short} ({m})"


def is_marker(value: object) -> bool:
    """Whether a cell holds a statistical marker (``c``, ``x``, ``z`` ...) instead of a number."""
    return isinstance(value, str) and value.strip().lower() in MARKERS


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def format_number(value: float, kind: str = "ratio", decimals: int = 2, unit_text: str = "") -> str:
    """A number written by the rules of ``kind`` (module docstring); ``unit_text`` is put after it."""
    if _missing(value):
        return NO_FIGURE
    v = float(value)
    if kind == "share":
        v, kind = v * 100, "percent"
    if kind in WHOLE_KINDS:
        decimals = 0
    r = round_half_away(v, decimals)
    if r == 0:
        r = 0.0  # never "−0"
    text = str(int(r)) if kind == "year" else f"{r:,.{decimals}f}"
    text = text.replace("-", MINUS)
    if kind == "percent":
        return text + "%"
    return f"{text} {unit_text}" if unit_text else text


def format_value(column: str, value: object, *, with_unit: bool = False) -> str:
    """One cell of ``column`` as a person reads it.

    Parameters
    ----------
    column : str
        Machine column name (its row in ``column_labels.csv`` decides the style).
    value : number, str, bool or missing
        A number; a DfE marker ("c"); text; None/NaN/<NA> (written "–").
    with_unit : bool
        Put the unit after counts, ratios and distances ("12.3 km", "19 places");
        percentages always carry "%".

    Returns
    -------
    str
    """
    fmt = column_format(column)
    if _missing(value):
        return NO_FIGURE
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if fmt.kind == "text":
        return str(value)
    if isinstance(value, str):
        if is_marker(value):
            return marker_text(value)
        try:
            value = float(value)
        except ValueError:
            return value
    return format_number(value, fmt.kind, fmt.decimals, fmt.unit if with_unit else "")


def format_difference(column: str, value: object) -> str:
    """A difference between two figures of ``column``: signed ("+41", "−6", "0"); percentages in points.

    A difference of two percentages is not a percentage: 72% − 41% is written "+31 points".
    """
    fmt = column_format(column)
    if _missing(value) or isinstance(value, str) or fmt.kind == "text":
        return format_value(column, value)
    kind = "percent" if fmt.kind in ("percent", "share") else fmt.kind
    v = float(value) * (100 if fmt.kind == "share" else 1)
    text = format_number(abs(v), "ratio" if kind == "percent" else kind, fmt.decimals)
    if text.strip("0.,") == "":
        return text
    points = " points" if kind == "percent" else ""
    return ("+" if v > 0 else MINUS) + text + points


def format_series(column: str, values: pd.Series | list, *, with_unit: bool = False) -> list[str]:
    """:func:`format_value` for each value of a column (tables of at most a few thousand cells)."""
    return [format_value(column, v, with_unit=with_unit) for v in values]


def sign_meaning(column: str, value: object) -> str:
    """What the sign of a gap says, in words ("shortfall: 12 fewer places than children"); "" when none."""
    fmt = column_format(column)
    if _missing(value) or isinstance(value, str) or not (fmt.positive_means or fmt.negative_means):
        return ""
    r = round_half_away(float(value), 0 if fmt.kind in WHOLE_KINDS else fmt.decimals)
    if r == 0:
        return ""
    template = fmt.positive_means if r > 0 else fmt.negative_means
    return template.format(n=format_number(abs(r), fmt.kind, fmt.decimals))


def format_table(table: pd.DataFrame, columns: list[str] | None = None, *, short: bool = False) -> pd.DataFrame:
    """A table with human headings and every cell written as text (for printing: the CLI ``summary``).

    ``short`` uses the short headings (:func:`short_header`), for a terminal's width.
    """
    columns = [c for c in (columns or list(table.columns)) if c in table.columns]
    head = short_header if short else header
    return pd.DataFrame({head(c): format_series(c, table[c]) for c in columns})
