"""The map layer for a year: one shape and one representative point per row of the measures.

Rows of :func:`sufficiency.model.authority_measures` are today's authorities, or for
earlier years a council since split or merged (Northamptonshire to 2021, Cumbria to
2023, Dorset county with Bournemouth and Poole to 2019). Their shapes are taken from
the boundary layer by code when the layer has it (a user's older ONS vintage), and
otherwise made by dissolving today's areas listed in ``geometry_codes``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd


def year_boundaries(boundaries: gpd.GeoDataFrame, measures: pd.DataFrame) -> gpd.GeoDataFrame:
    """Shapes for the rows of ``measures``: GeoDataFrame [code, name, geometry] in the CRS of ``boundaries``.

    Rows whose shape cannot be made (none of its areas in ``boundaries``) are left out;
    compare lengths to find them.
    """
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
