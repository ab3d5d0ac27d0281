"""Demand: children looked after in children's homes, per authority and year (DfE).

DfE publishes, per authority, the number of children in children's homes placed
outside the authority and that number as a percentage (rounded to a whole number)
of all its children in children's homes. The total is derived here:

    children_in_homes = placed_outside / (placed_outside_pct / 100)

and, because the percentage is rounded, carried with honest bounds:
``children_in_homes_low`` uses pct + 0.5, ``children_in_homes_high`` pct - 0.5
(both rounded inwards to whole children, and never below ``placed_outside``).
Where the percentage is 0 the total cannot be derived (missing, with a note).

``demand`` frame (``data/demand.csv``):

===========================  ==================================================
year                         int, as at 31 March
code                         ONS code of the responsible authority
placed_outside               Int64, children in homes outside the authority
placed_outside_marker        "" or the DfE marker that stands in for it (c, z, ...)
placed_outside_pct           Float64, % of its children in homes placed outside
placed_outside_pct_marker    "" or marker
net_gain                     Int64, other LAs' children placed in its area minus
                             its children placed outside (children's homes)
net_gain_marker              "" or marker
===========================  ==================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency.readers.reconcile import set_aside_rows
from sufficiency.registry import code_reasons, existed_codes, resolve_codes

DEMAND_COLUMNS = [
    "year",
    "code",
    "placed_outside",
    "placed_outside_marker",
    "placed_outside_pct",
    "placed_outside_pct_marker",
    "net_gain",
    "net_gain_marker",
]


def build_demand(
    placed_outside: pd.DataFrame, net_gain: pd.DataFrame, authorities: pd.DataFrame, code_aliases: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    """Join DfE's two children's-homes tables into one row per authority and year.

    Returns
    -------
    (demand frame, published national/regional totals frame, set-aside rows per input
    {"placed_outside": ..., "net_gain": ...}). A row for an authority that did not
    exist that year (DfE marks it "z"), or whose code is mistyped, blank or not English, is
    set aside with the reason (:func:`sufficiency.registry.code_reasons`); a "z" for one
    that did exist is kept as missing with its marker.
    """
    po = placed_outside.assign(code=resolve_codes(placed_outside["code"], code_aliases))
    ng = net_gain.assign(code=resolve_codes(net_gain["code"], code_aliases))
    la_po = po[po["level"] == "Local authority"]
    la_ng = ng[ng["level"] == "Local authority"]
    keys = ["year", "code"]
    po_ok = _existed(la_po, authorities)
    ng_ok = _existed(la_ng, authorities)
    merged = la_po.loc[po_ok, [*keys, "placed_outside", "placed_outside_marker", "placed_outside_pct",
                               "placed_outside_pct_marker"]].merge(
        la_ng.loc[ng_ok, [*keys, "net_gain", "net_gain_marker"]], on=keys, how="outer"
    )
    out = merged[DEMAND_COLUMNS].sort_values(keys, ignore_index=True)
    set_aside = {"placed_outside": _gone(la_po.loc[~po_ok], authorities),
                 "net_gain": _gone(la_ng.loc[~ng_ok], authorities)}
    totals = po[po["level"] != "Local authority"][
        ["year", "level", "code", "name", "placed_outside", "placed_outside_marker", "placed_outside_pct"]
    ].merge(ng[ng["level"] != "Local authority"][["year", "level", "code", "net_gain"]], on=["year", "level", "code"],
            how="outer")
    return out, totals.sort_values(["year", "level", "code"], ignore_index=True), set_aside


def _gone(rows: pd.DataFrame, authorities: pd.DataFrame) -> pd.DataFrame:
    """Set-aside rows for authority rows whose code is no English authority of the row's year, with why."""
    reason = code_reasons(rows["code"], rows["year"], authorities)
    return set_aside_rows(rows["source_row"], "new_la_code", reason, rows["code"])


def _existed(frame: pd.DataFrame, authorities: pd.DataFrame) -> np.ndarray:
    return existed_codes(frame["code"], frame["year"], authorities)


def children_in_homes(placed_outside: pd.Series, pct: pd.Series) -> pd.DataFrame:
    """Derive children in homes from the number and rounded % placed outside.

    Returns
    -------
    DataFrame [children_in_homes, children_in_homes_low, children_in_homes_high]
    (Float64 children; <NA> where the number or % is missing or the % is 0).
    """
    n = placed_outside.astype("Float64")
    p = pct.astype("Float64")
    usable = n.notna() & p.notna() & (p > 0)
    p_safe = p.where(usable)
    central = (n * 100 / p_safe).round(0)
    low = np.ceil(n * 100 / (p_safe + 0.5) - 1e-9)
    high_den = (p_safe - 0.5).where(p_safe > 0.5)
    high = np.floor(n * 100 / high_den + 1e-9)
    low = low.where(low >= n, n)
    central = central.clip(lower=low, upper=high.fillna(np.inf))
    return pd.DataFrame(
        {
            "children_in_homes": central.astype("Float64"),
            "children_in_homes_low": low.astype("Float64"),
            "children_in_homes_high": high.astype("Float64"),
        },
        index=placed_outside.index,
    )
