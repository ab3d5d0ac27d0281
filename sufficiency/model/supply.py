"""Supply: registered children's homes and places per authority, year, category and sector.

Input is the providers frame of :mod:`sufficiency.readers.ofsted` (one row per active
home: year, urn, category, sector, places, short_break_only, la_name, source_row).

Output ``supply`` frame (``data/supply.csv``):

================  ============================================================
year              int, as at 31 March
code              ONS code of the authority the home is in (Ofsted "Local authority")
category          childrens_home | secure_childrens_home | residential_special_school
sector            Private | Local authority | Voluntary | Health authority
short_break_only  "yes" / "no" / "unknown" (flag absent before 2021)
homes             int, number of homes
places            int, registered places of homes that publish them
homes_no_places   int, homes whose places are not published (all of 2015)
================  ============================================================
"""

from __future__ import annotations

import pandas as pd

from sufficiency.readers.reconcile import set_aside_rows
from sufficiency.registry import match_names

SUPPLY_KEYS = ["year", "code", "category", "sector", "short_break_only"]
SUPPLY_COLUMNS = [*SUPPLY_KEYS, "homes", "places", "homes_no_places"]


def attribute_providers(providers: pd.DataFrame, authorities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give each provider its authority code from Ofsted's "Local authority" name.

    Returns
    -------
    (providers with a ``code`` column, set-aside rows [row, column, reason, value]) —
    a provider whose authority is not an English children's services authority
    (a Welsh council, a blank) is set aside, never dropped silently.
    """
    codes = match_names(providers["la_name"].fillna(""), providers["year"], authorities)
    matched = codes.notna()
    out = providers.loc[matched].assign(code=codes[matched])
    bad = providers.loc[~matched]
    reason = bad["la_name"].fillna("").str.strip().map(
        lambda n: "local authority missing" if n == "" else "local authority not an English children's services authority"
    )
    set_aside = set_aside_rows(bad["source_row"], "Local authority", reason, bad["la_name"].fillna(""))
    return out, set_aside


def region_contradictions(providers: pd.DataFrame, authorities: pd.DataFrame) -> pd.DataFrame:
    """Homes whose region column names another region than their authority's: set-aside-shaped rows
    [row, column, reason, value] for :meth:`Reconciliation.flag` (the authority is followed)."""
    if "gor" not in providers:
        return set_aside_rows([], "", "")
    region = providers["code"].map(authorities.set_index("code")["region"])
    gor = providers["gor"].fillna("").astype(str)
    bad = (gor != "") & region.notna() & (gor != region)
    rows = providers[bad]
    reason = ("its Local authority (" + rows["la_name"].astype(str) + ") is in " + region[bad].astype(str)
              + " but its region column says " + gor[bad] + ": the Local authority column was followed")
    return set_aside_rows(rows["source_row"], "Government Office Region", reason, rows["urn"])


def summarise_supply(providers: pd.DataFrame) -> pd.DataFrame:
    """Homes and places per year, authority, category, sector and short-break flag."""
    flag = providers["short_break_only"].astype("boolean")
    frame = providers.assign(
        short_break_only=flag.map({True: "yes", False: "no"}).fillna("unknown").astype("string"),
        has_places=providers["places"].notna(),
        places=providers["places"].astype("Int64").fillna(0),
    )
    out = (
        frame.groupby(SUPPLY_KEYS, observed=True, dropna=False)
        .agg(homes=("urn", "size"), places=("places", "sum"), with_places=("has_places", "sum"))
        .reset_index()
    )
    out["homes_no_places"] = out["homes"] - out["with_places"]
    out = out.drop(columns="with_places")
    for col in ("homes", "places", "homes_no_places"):
        out[col] = out[col].astype("int64")
    return out[SUPPLY_COLUMNS].sort_values(SUPPLY_KEYS, ignore_index=True)
