"""Context for all looked-after children, from DfE's 2016 and 2017 LA tables (SFR41, SFR50).

Not children's homes only: every looked-after child at 31 March. Shown beside the
children's-homes measures as context on distance and on going missing.
``cla_context`` frame (``data/cla_context.csv``), one row per authority and year:

=====================  ========================================================
year                   2016 or 2017 (as at 31 March)
code                   ONS code (same-area aliases resolved)
cla                    Int64, children looked after at 31 March
in_la_within_20_miles  Int64, placed inside the LA and within 20 miles of home (2017)
out_la_within_20_miles Int64, outside the LA, within 20 miles (2017)
in_la_over_20_miles    Int64, inside the LA, over 20 miles (2017)
out_la_over_20_miles   Int64, outside the LA, over 20 miles (2017)
distance_unknown       Int64, distance not recorded (2017, inside + outside)
went_missing           Int64, children looked after during the year with a missing incident
<col>_marker           "" or the DfE marker (x suppressed, . : not available)
=====================  ========================================================
"""

from __future__ import annotations

import re

import pandas as pd

from geo.reconcile import SET_ASIDE_COLUMNS
from sufficiency.authorities import resolve_codes

_CLA = {
    "cla": r"CLA_Mar\d{4}",
    "in_la_within_20_miles": "CLA_InLA_LTE20",
    "out_la_within_20_miles": "CLA_OutLA_LTE20",
    "in_la_over_20_miles": "CLA_InLA_GT20",
    "out_la_over_20_miles": "CLA_OutLA_GT20",
}
_MISSING = {"went_missing": r"(CLA_MissDuringYear|Miss_Miss_DuringYear)"}
CONTEXT_COLUMNS = ["year", "code", *_CLA, "distance_unknown", "went_missing"]


def _pick(frame: pd.DataFrame, spec: dict[str, str]) -> pd.DataFrame:
    out = frame[["year", "code"]].copy()
    for name, pattern in spec.items():
        cols = [c for c in frame.columns if re.fullmatch(pattern, c)]
        if cols:
            out[name] = frame[cols[0]].astype("Int64")
            out[f"{name}_marker"] = frame[f"{cols[0]}_marker"].fillna("").astype("string")
        else:
            out[name] = pd.array([pd.NA] * len(frame), dtype="Int64")
            out[f"{name}_marker"] = "not in this year's table"
    return out


def _authority_rows(table: pd.DataFrame, authorities: pd.DataFrame, code_aliases: pd.DataFrame
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows of English authorities, set-aside rows [row, column, reason, value])."""
    t = table.assign(code=resolve_codes(table["code"], code_aliases))
    is_la = t["level"] == "Local authority"
    ok = is_la & t["code"].isin(set(authorities["code"]))
    reason = pd.Series("not an English children's services authority code", index=t.index)
    reason[~is_la] = "national or regional total (not an authority)"
    bad = t.loc[~ok]
    aside = pd.DataFrame({"row": bad["source_row"].to_numpy(), "column": "New_geog_code",
                          "reason": reason[~ok].to_numpy(), "value": bad["code"].to_numpy()},
                         columns=SET_ASIDE_COLUMNS)
    return t.loc[ok], aside


def build_cla_context(cla_tables: list[pd.DataFrame], missing_tables: list[pd.DataFrame],
                      authorities: pd.DataFrame, code_aliases: pd.DataFrame
                      ) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """One row per authority and year from the LA tables and the missing-children tables.

    Returns
    -------
    (context frame, set-aside rows per input table in the order given: cla tables, then
    missing tables; national and regional rows are set aside as totals, not authorities)
    """
    cla_parts, miss_parts, aside = [], [], []
    for table in cla_tables:
        rows, bad = _authority_rows(table, authorities, code_aliases)
        picked = _pick(rows, _CLA)
        if "CLA_InLA_NoInfo" in rows:
            picked["distance_unknown"] = rows["CLA_InLA_NoInfo"].astype("Int64") + rows["CLA_OutLA_NoInfo"].astype("Int64")
        else:
            picked["distance_unknown"] = pd.array([pd.NA] * len(rows), dtype="Int64")
        cla_parts.append(picked)
        aside.append(bad)
    for table in missing_tables:
        rows, bad = _authority_rows(table, authorities, code_aliases)
        miss_parts.append(_pick(rows, _MISSING))
        aside.append(bad)
    out = pd.concat(cla_parts, ignore_index=True).merge(pd.concat(miss_parts, ignore_index=True),
                                                        on=["year", "code"], how="outer")
    return out.sort_values(["year", "code"], ignore_index=True), aside
