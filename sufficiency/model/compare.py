"""Comparing authorities: side by side, ranks, trends, and our own "similar authorities".

DfE's statistical neighbours (:mod:`sufficiency.model.benchmarks`) are the default
everywhere similar authorities appear. Our own similarity measure is a second option,
named as such: "authorities in a similar children's-homes position". For the chosen year, each authority is
described by five measures of its children's-homes position —
log(1 + children_in_homes), log(1 + places), placed_outside_pct, private_share and
net_gain per child in homes — each standardised to mean 0 and standard deviation 1
across the authorities that have all five; neighbours are the ``n`` nearest by
Euclidean distance in that space. Authorities missing any of the five (DfE
suppression) have no neighbours that year and are never offered as one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency.registry import lineage

COMPARE_MEASURES = [
    "homes", "places", "children_in_homes", "placed_outside", "placed_outside_pct", "net_gain",
    "local_bed_gap", "places_per_child", "private_share", "placed_over_20_miles_outside_pct",
    "new_placements_outside_over_20_miles_pct", "children_looked_after", "cla_rate_per_10k", "missing_from_care_pct",
]


def compare_authorities(measures: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The chosen authorities side by side (in the order given), with differences from the first.

    Returns DataFrame [code, name, region, <measure>..., <measure>_diff...] where
    ``<measure>_diff`` is the authority's value minus the first authority's.
    """
    table = measures.set_index("code").reindex(codes)
    missing = table.index[table["name"].isna()].tolist()
    if missing:
        from sufficiency.errors import UnknownAuthorityError

        raise UnknownAuthorityError(f"No authority with code {', '.join(missing)} in {int(measures['year'].iloc[0])}")
    out = table[["name", "region", *COMPARE_MEASURES]].reset_index()
    for m in COMPARE_MEASURES:
        out[m] = out[m].astype("Float64")
        out[f"{m}_diff"] = out[m] - out[m].iloc[0]
    return out


def _features(measures: pd.DataFrame) -> pd.DataFrame:
    f = pd.DataFrame(index=measures["code"].to_numpy())
    child = measures["children_in_homes"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    f["log_children"] = np.log1p(child)
    f["log_places"] = np.log1p(measures["places"].astype("Float64").to_numpy(dtype=float, na_value=np.nan))
    f["placed_outside_pct"] = measures["placed_outside_pct"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    f["private_share"] = measures["private_share"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    net = measures["net_gain"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        f["net_gain_per_child"] = np.where(child > 0, net / child, np.nan)
    return f.dropna()


def similar_authorities(measures: pd.DataFrame, code: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` authorities most like ``code`` in ``measures``' year (module docstring).

    Returns DataFrame [code, name, region, distance] nearest first (empty when the
    authority lacks a measure that year).
    """
    f = _features(measures)
    if code not in f.index or len(f) < 2:
        return pd.DataFrame(columns=["code", "name", "region", "distance"])
    z = (f - f.mean()) / f.std(ddof=0).replace(0, 1)
    dist = np.sqrt(((z - z.loc[code]) ** 2).sum(axis=1)).drop(code).sort_values(kind="stable").head(n)
    info = measures.set_index("code").loc[dist.index, ["name", "region"]]
    return info.assign(distance=dist.round(3).to_numpy()).rename_axis("code").reset_index()


def ranks(measures: pd.DataFrame, measure: str = "local_bed_gap") -> pd.DataFrame:
    """Rank of each authority nationally and within its region (1 = highest value).

    Returns DataFrame [code, rank_national, rank_region, of_national, of_region].
    """
    values = measures[measure].astype("Float64")
    out = measures[["code", "region"]].copy()
    out["rank_national"] = values.rank(ascending=False, method="min").astype("Int64")
    out["rank_region"] = values.groupby(measures["region"]).rank(ascending=False, method="min").astype("Int64")
    out["of_national"] = int(values.notna().sum())
    out["of_region"] = values.notna().groupby(measures["region"]).transform("sum").astype("int64")
    return out.drop(columns="region")


def trend(all_years: pd.DataFrame, authorities: pd.DataFrame, code: str, measure: str) -> pd.DataFrame:
    """One measure over the years for an authority and its predecessors.

    Returns DataFrame [year, code, name, value]; years before a reorganisation show
    the predecessor council (named), so a line never silently mixes areas.
    """
    return _over_the_years(all_years[all_years["code"].isin(lineage(authorities, code))], measure)


def _over_the_years(rows: pd.DataFrame, measure: str) -> pd.DataFrame:
    """[year, code, name, value] of ``measure`` in ``rows`` (one authority's lineage), by year."""
    out = rows[["year", "code", "name"]].assign(value=rows[measure].astype("Float64"))
    return out.sort_values("year", ignore_index=True)


def authority_detail(measures: pd.DataFrame, all_years: pd.DataFrame, authorities: pd.DataFrame, code: str,
                     n_neighbours: int = 5) -> dict:
    """Everything the detail panel shows for one authority in the year of ``measures``.

    Returns dict with keys ``measures`` (one-row DataFrame), ``ranks`` (dict),
    ``trend`` (DataFrame [year, code, name, measure, value]) and ``similar`` (our own
    similar authorities; DfE's neighbours come from :mod:`sufficiency.model.benchmarks`).
    """
    row = measures[measures["code"] == code]
    if row.empty:
        from sufficiency.errors import UnknownAuthorityError

        raise UnknownAuthorityError(f"No authority with code {code} in {int(measures['year'].iloc[0])}")
    rk = ranks(measures).set_index("code").loc[code].to_dict()
    own = all_years[all_years["code"].isin(lineage(authorities, code))]  # once, not once per measure
    trends = pd.concat(
        [_over_the_years(own, m).assign(measure=m) for m in TREND_MEASURES if m in own],
        ignore_index=True,
    )
    return {"measures": row.reset_index(drop=True), "ranks": rk, "trend": trends,
            "similar": similar_authorities(measures, code, n_neighbours)}


#: Measures the detail panel and the profile follow over the years.
TREND_MEASURES = ("places", "children_in_homes", "local_bed_gap", "placed_outside_pct", "net_gain",
                  "places_private", "places_local_authority", "places_voluntary", "placed_over_20_miles_outside_pct",
                  "missing_from_care_pct", "children_looked_after")
