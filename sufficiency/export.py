"""CSV export with disclosure control and spreadsheet-safe text.

Rules (``disclosure``):

none      figures as published / derived.
suppress  any count of children from 1 to 5 is replaced by "c", and so is every
          other child figure of its row that would reveal it (secondary
          suppression): a count of 1-5 (or a total minus its part, e.g.
          children_in_homes - placed_outside, with_distance - over_20_miles)
          hides the row's child counts and the shares and medians made from
          them. Net gain is a difference, not a count of children: only a net
          gain of 1-5 either way is hidden, on its own.
round5    child counts rounded to the nearest 5 (percentages and ratios recomputed
round10   from the rounded counts are not shown: they would undo the rounding).

Only counts of children are controlled: homes and places are Ofsted's public
register figures. Every file carries a ``disclosure_control`` column stating the
rule applied. Text cells that begin with = + - @ (or a tab/carriage return) get a
leading apostrophe so a spreadsheet never runs them as formulas.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from sufficiency.errors import BadValueError

RULES = {
    "none": "none: figures as published by DfE and Ofsted",
    "suppress": "suppress: child counts of 1-5 shown as c, with secondary suppression within each row",
    "round5": "round5: child counts rounded to the nearest 5",
    "round10": "round10: child counts rounded to the nearest 10",
}
CHILD_COUNTS = ["children_in_homes", "children_in_homes_low", "children_in_homes_high", "placed_outside", "net_gain",
                "local_bed_gap", "local_bed_gap_low", "local_bed_gap_high", "children", "allocated", "placements",
                "with_distance", "over_20_miles", "outside_la", "within_20_miles", "unplaced", "children_looked_after"]
CHILD_DERIVED = ["placed_outside_pct", "places_per_child", "share_within_20_miles", "share_over_20_miles",
                 "share_outside_la", "median_distance_km", "median_distance_miles"]
#: Differences between child figures (gaps), not counts of children: never a trigger themselves.
NOT_COUNTS = ["net_gain", "local_bed_gap", "local_bed_gap_low", "local_bed_gap_high"]
#: (total, part) pairs: a small remainder (total - part) reveals a small number of children too.
COMPLEMENTS = [("children_in_homes", "placed_outside"), ("with_distance", "over_20_miles"),
               ("placements", "outside_la"), ("children_in_homes", "within_20_miles")]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def apply_disclosure(table: pd.DataFrame, disclosure: str = "none") -> pd.DataFrame:
    """The table with the disclosure rule applied (see module docstring)."""
    if disclosure not in RULES:
        raise BadValueError(f"Unknown disclosure rule '{disclosure}'; choose one of {', '.join(RULES)}",
                            column="disclosure", value=disclosure)
    out = table.copy()
    counts = [c for c in CHILD_COUNTS if c in out]
    derived = [c for c in CHILD_DERIVED if c in out]
    if disclosure == "suppress":
        out = _suppress(out, counts, derived)
    elif disclosure in ("round5", "round10"):
        base = 5 if disclosure == "round5" else 10
        for c in counts:
            v = out[c].astype("Float64")
            # + 0.0 turns -0.0 (a small negative rounded to zero) into 0.0
            out[c] = (np.sign(v) * np.floor(np.abs(v) / base + 0.5) * base + 0.0).astype("Float64")
        for c in derived:
            out[c] = pd.array([pd.NA] * len(out), dtype="Float64")
    out["disclosure_control"] = RULES[disclosure]
    return out


def _suppress(out: pd.DataFrame, counts: list[str], derived: list[str]) -> pd.DataFrame:
    def small(col: str) -> pd.Series:
        v = out[col].astype("Float64").abs() if col in out else pd.Series(pd.NA, index=out.index, dtype="Float64")
        return ((v >= 1) & (v <= 5)).fillna(False).astype(bool)

    row_hit = pd.Series(False, index=out.index)
    for col in counts:
        if col not in NOT_COUNTS:
            row_hit |= small(col)
    for total, part in COMPLEMENTS:
        if total in out and part in out:
            rest = out[total].astype("Float64") - out[part].astype("Float64")
            row_hit |= ((rest >= 1) & (rest <= 5)).fillna(False).astype(bool)
    out = out.astype({c: "object" for c in counts + derived})
    for col in counts + derived:
        if col in ("net_gain",):
            out.loc[small(col), col] = "c"
            continue
        out.loc[row_hit, col] = "c"
    return out


def safe_text(series: pd.Series) -> pd.Series:
    """Prefix text that a spreadsheet would treat as a formula with an apostrophe."""
    s = series.astype("string")
    risky = s.str.startswith(_FORMULA_START).fillna(False)
    return s.mask(risky, "'" + s)


def _cell(value: object) -> object:
    """One object-column cell as CSV text: numbers plain, text formula-safe, missing empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | float | np.number):
        return f"{float(value):.10g}"
    # a bare CR is not quoted by the csv writer; a spreadsheet would start a new row there
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(table: pd.DataFrame, disclosure: str = "none", finish=None) -> bytes:
    """The table as UTF-8 CSV bytes (same bytes from the app and the CLI).

    Numbers are written without thousands separators; missing values as empty cells.
    ``finish`` (a function table -> table) runs after disclosure control, before writing
    (e.g. :func:`sufficiency.model.ees_layout.mark_missing`).
    """
    out = apply_disclosure(table, disclosure)
    if finish is not None:
        control = out.pop("disclosure_control")
        out = finish(out)
        out["disclosure_control"] = control
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].map(_cell)
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n", float_format="%.10g")
    return buffer.getvalue().encode("utf-8")
