"""The shortfall table: one row per authority, largest local bed gap first.

The same function feeds the CLI export and the app's table and download, so the
two give identical files for the same filters. Columns (see :mod:`sufficiency.model.measures`):

rank, year, code, name, region, homes, places, children_in_homes,
children_in_homes_low, children_in_homes_high, placed_outside, placed_outside_pct,
net_gain, local_bed_gap, local_bed_gap_low, local_bed_gap_high, places_per_child,
private_share, demand_note, supply_note, then DfE's own figures for the year
(:mod:`sufficiency.model.benchmarks`: placed_over_20_miles_outside_pct,
children_looked_after, cla_rate_per_10k, missing_from_care_pct, away_from_placement_pct,
new_placements_outside_over_20_miles_pct, dfe_note, dfe_source). ``rank`` 1 = largest shortfall; authorities
without a gap (demand suppressed or not published) come last, unranked.
"""

from __future__ import annotations

import pandas as pd

from sufficiency.errors import BadValueError
from sufficiency.model.benchmarks import DFE_COLUMNS
from sufficiency.registry import REGIONS

SHORTFALL_COLUMNS = [
    "rank", "year", "code", "name", "region", "homes", "places", "children_in_homes", "children_in_homes_low",
    "children_in_homes_high", "placed_outside", "placed_outside_pct", "net_gain", "local_bed_gap",
    "local_bed_gap_low", "local_bed_gap_high", "places_per_child", "private_share", "demand_note", "supply_note",
    *DFE_COLUMNS,
]


def shortfall_table(measures: pd.DataFrame, region: str | None = None) -> pd.DataFrame:
    """Authorities of one year (optionally one region) sorted by local bed gap, largest first."""
    if region not in (None, "", "England", "All regions") and region not in REGIONS:
        raise BadValueError(f"'{region}' is not an English region; choose one of: {', '.join(REGIONS)}",
                            column="region", value=region)
    rows = measures if region in (None, "", "England", "All regions") else measures[measures["region"] == region]
    gap = rows["local_bed_gap"].astype("Float64")
    out = rows.assign(_gap=gap).sort_values(["_gap", "name"], ascending=[False, True], na_position="last",
                                            kind="stable")
    out = out.drop(columns="_gap").reset_index(drop=True)
    out.insert(0, "rank", out["local_bed_gap"].astype("Float64").rank(ascending=False, method="min").astype("Int64"))
    return out[SHORTFALL_COLUMNS]
