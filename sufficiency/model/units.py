"""Drawing units: how each year's authorities are shown, with their shapes and points.

:func:`display_units` says which unit each council is counted in for a year (today's
authorities, or a council since split or merged, or a combined unit);
:func:`year_boundaries` and :func:`year_points` give each row of the year's measures
one shape and one representative point.

Rows of :func:`sufficiency.model.measures.authority_measures` are today's authorities, or for
earlier years a council since split or merged (Northamptonshire to 2021, Cumbria to
2023, Dorset county with Bournemouth and Poole to 2019). Their shapes are taken from
the boundary layer by code when the layer has it (a user's older ONS vintage), and
otherwise made by dissolving today's areas listed in ``geometry_codes``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd

from sufficiency.registry import valid_in

if TYPE_CHECKING:  # geopandas is imported only when shapes are drawn (a faster CLI start)
    import geopandas as gpd


def display_units(authorities: pd.DataFrame, year: int, present: set[str] | None = None) -> pd.DataFrame:
    """How each authority code is shown for ``year``: one unit per area that can be drawn.

    Councils that existed in ``year`` but have since been split or merged are drawn on the
    union of their successors' areas. Where old and new codes meet in one year, or
    several old councils share one successor (Dorset county, Bournemouth and Poole
    before 2019), they form one combined unit, named after all of them.

    Returns
    -------
    DataFrame [code, unit_code, unit_name, geometry_codes] where ``geometry_codes`` is a
    ";"-joined list of current codes whose areas make the unit.
    """
    live = authorities[valid_in(authorities, year)]
    codes = set(live["code"]) | (present or set())
    graph = nx.Graph()
    graph.add_nodes_from(codes)
    succ = dict(zip(authorities["code"], authorities["successors"].fillna(""), strict=True))
    current = set(authorities.loc[authorities["current"], "code"])
    for code in codes:
        for s in filter(None, succ.get(code, "").split(";")):
            graph.add_edge(code, ("area", s))
            if s in codes:
                graph.add_edge(code, s)
    names = dict(zip(authorities["code"], authorities["name"], strict=True))
    rows = []
    for comp in nx.connected_components(graph):
        members = sorted(c for c in comp if isinstance(c, str))
        areas = sorted({c[1] for c in comp if isinstance(c, tuple)} | {c for c in members if c in current})
        unit = _unit_code(members)
        unit_name = names.get(unit, unit) if len(members) == 1 else _join_names([names.get(m, m) for m in _order(members)])
        rows += [{"code": m, "unit_code": unit, "unit_name": unit_name, "geometry_codes": ";".join(areas)} for m in members]
    return pd.DataFrame(rows).sort_values("code", ignore_index=True)


def _order(members: list[str]) -> list[str]:
    return sorted(members, key=lambda c: (not c.startswith("E10"), c))


def _unit_code(members: list[str]) -> str:
    return _order(members)[0]


def _join_names(names: list[str]) -> str:
    names = [n.replace(" (county council)", "") for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def year_boundaries(boundaries: gpd.GeoDataFrame, measures: pd.DataFrame) -> gpd.GeoDataFrame:
    """Shapes for the rows of ``measures``: GeoDataFrame [code, name, geometry] in the CRS of ``boundaries``.

    Rows whose shape cannot be made (none of its areas in ``boundaries``) are left out;
    compare lengths to find them.
    """
    import geopandas as gpd

    have = set(boundaries["code"])
    direct = measures[measures["code"].isin(have)][["code", "name"]]
    rest = measures[~measures["code"].isin(have)][["code", "name", "geometry_codes"]]
    parts = rest.assign(part=rest["geometry_codes"].fillna("").str.split(";")).explode("part")
    parts = parts.merge(boundaries[["code", "geometry"]].rename(columns={"code": "part"}), on="part", how="inner")
    made = gpd.GeoDataFrame(parts, geometry="geometry", crs=boundaries.crs).dissolve(by="code", as_index=False)
    direct = boundaries[["code", "geometry"]].merge(direct, on="code")
    out = pd.concat([direct, made[["code", "name", "geometry"]]], ignore_index=True)
    return gpd.GeoDataFrame(out[["code", "name", "geometry"]], geometry="geometry", crs=boundaries.crs)


def year_points(points: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """Representative points for the rows of ``measures``: [code, easting, northing] (BNG metres).

    A combined or predecessor unit takes the postcode-weighted mean of its areas' points.
    """
    rows = measures[["code", "geometry_codes"]].assign(part=measures["geometry_codes"].fillna("").str.split(";"))
    rows = rows.explode("part").merge(points.rename(columns={"code": "part"}), on="part", how="inner")
    w = rows["postcodes"].astype(float) if "postcodes" in rows else pd.Series(1.0, index=rows.index)
    rows = rows.assign(_w=w, _x=rows["easting"] * w, _y=rows["northing"] * w)
    g = rows.groupby("code")[["_w", "_x", "_y"]].sum()
    out = pd.DataFrame({"code": g.index, "easting": np.round(g["_x"] / g["_w"], 1),
                        "northing": np.round(g["_y"] / g["_w"], 1)})
    return out.reset_index(drop=True)
