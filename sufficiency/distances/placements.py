"""Distances for a commissioner's placements list: where each end is, how far, in bands.

Input is :func:`sufficiency.readers.placements.read_placements`. :func:`locate_placements`
finds each end: a postcode is geocoded offline (:func:`geo.geocode.geocode`, with
sector/district centroids as a recorded fallback) and given its authority through the
registry's district lookup; an Ofsted URN is the authority of the home (Ofsted redacts
homes' addresses); an authority code is that authority's representative point. Rows
whose postcode, URN or code is not known are set aside in the reconciliation.

:func:`placement_distances` gives one row per placement (no postcodes or
coordinates, so it is safe to count from; still child-level: download only):
row, child_ref (the user's own identifier, "" when the file has none), origin_code,
destination_code, responsible_code, origin_precision, destination_precision,
placement_type, start_date, end_date, open_placement, distance_km, distance_miles,
distance_method ("straight line"|"road"), band ("within 20 miles"|"over 20 miles"),
[drive_minutes, origin_snap_m, destination_snap_m with a road graph], distance_note
("" or why there is no distance: "no route between them in the road graph", "not on
the road graph: ...", "origin or destination has no coordinates"),
inside_responsible_la (bool, <NA> when unknown).

An authority-coded end (or a URN) sits at the authority's representative point,
precision "authority".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.distance import OVER, distance_table, straight_line_distances
from geo.geocode import geocode
from sufficiency.readers.reconcile import Reconciliation, set_aside_rows
from sufficiency.registry import upper_tier_codes


def locate_placements(placements: pd.DataFrame, recon: Reconciliation, *, providers: pd.DataFrame | None = None,
                      authority_codes: set[str] | None = None, responsible_codes: set[str] | None = None,
                      directory: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where each end of each placement is (authority and BNG point), setting aside the unknown.

    Parameters
    ----------
    placements : from :func:`sufficiency.readers.placements.read_placements`
    recon : its reconciliation; rows found unusable here are moved to its set-aside list
    providers : [urn, code], Ofsted URN to authority code, for URN destinations
    authority_codes : codes accepted for authority-coded ends (any E06/E08/E09/E10 when None)
    responsible_codes : codes accepted as a responsible authority (any of any year, e.g. the
        registry's); a given code outside them is set aside ("responsible authority code is not
        an English children's services authority"). None: not checked.
    directory : a small postcode directory for tests (the ONS directory when None)

    Returns
    -------
    placements with, for origin and destination, ``<end>_code``, ``<end>_precision``
    ("postcode" | "sector" | "district" | "authority"), ``<end>_easting`` and
    ``<end>_northing`` (BNG EPSG:27700 metres, NaN at authority precision), and
    ``responsible_code`` (the given responsible authority, else the origin's).
    """
    out = placements.reset_index(drop=True).copy()
    headers = placements.attrs.get("columns", {})  # the file's own column names, for messages
    n = len(out)
    reason = pd.Series("", index=out.index, dtype="string")
    found: list[pd.DataFrame] = []

    def set_aside(mask, column: str, why: str, values: pd.Series) -> None:
        mask = pd.Series(mask, index=out.index) & reason.eq("")
        reason[mask] = why
        found.append(set_aside_rows(out.loc[mask, "row"], headers.get(column, column), why, values[mask]))

    for end in ("origin", "destination"):
        text = out[end].astype("string")
        kind = out[f"{end}_kind"].astype("string")
        code = pd.Series(pd.NA, index=out.index, dtype="string")
        easting = np.full(n, np.nan)
        northing = np.full(n, np.nan)
        precision = pd.Series(pd.NA, index=out.index, dtype="string")
        is_pc = kind.eq("postcode").to_numpy()
        if is_pc.any():
            geo = geocode(text[is_pc], directory=directory)
            geo.index = out.index[is_pc]
            code[is_pc] = upper_tier_codes(geo["lad_code"])
            easting[is_pc] = geo["easting"].to_numpy()
            northing[is_pc] = geo["northing"].to_numpy()
            precision[is_pc] = geo["precision"]
            set_aside(precision.eq("unknown").fillna(False), end, "postcode not in the ONS Postcode Directory", text)
        is_la = kind.eq("authority")
        code[is_la] = text[is_la].str.upper()
        precision[is_la] = "authority"
        if authority_codes is not None:
            set_aside(is_la & ~code.isin(authority_codes).fillna(False), end, "unknown authority code", text)
        is_urn = kind.eq("urn")
        if is_urn.any():
            urn_key = text.str.upper().str.replace(r"\s+", "", regex=True)
            lookup = (pd.Series(dtype="string") if providers is None else
                      pd.Series(providers["code"].astype("string").to_numpy(),
                                index=providers["urn"].astype("string").str.upper().str.strip()))
            lookup = lookup[~lookup.index.duplicated()]
            code[is_urn] = urn_key[is_urn].map(lookup)
            precision[is_urn] = "authority"
            set_aside(is_urn & code.isna(), end, "Ofsted URN not in the providers list", text)
        out[f"{end}_precision"] = precision.to_numpy()
        out[f"{end}_code"] = code.to_numpy()
        out[f"{end}_easting"] = easting
        out[f"{end}_northing"] = northing
    given = out["responsible_la"].astype("string").fillna("")
    if responsible_codes is not None:
        set_aside(given.ne("") & ~given.isin(responsible_codes), "responsible_la",
                  "responsible authority code is not an English children's services authority", given)
    out["responsible_code"] = given.where(given.ne(""), out["origin_code"]).to_numpy()
    keep = reason.eq("").to_numpy()
    recon.set_aside_later(pd.concat(found, ignore_index=True) if found else set_aside_rows([], "", ""))
    return out.loc[keep].reset_index(drop=True)


def _fill_authority_points(placements: pd.DataFrame, points: pd.DataFrame, end: str) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates for one end: its own where geocoded, else its authority's point."""
    xy = points.drop_duplicates("code").set_index("code")
    x = placements[f"{end}_easting"].to_numpy(dtype="float64").copy()
    y = placements[f"{end}_northing"].to_numpy(dtype="float64").copy()
    at_point = placements[f"{end}_precision"].eq("authority").fillna(False).to_numpy()
    codes = placements[f"{end}_code"].astype("string")
    x[at_point] = codes[at_point].map(xy["easting"]).to_numpy(dtype="float64", na_value=np.nan)
    y[at_point] = codes[at_point].map(xy["northing"]).to_numpy(dtype="float64", na_value=np.nan)
    return x, y


def placement_distances(placements: pd.DataFrame, points: pd.DataFrame, road_graph=None) -> pd.DataFrame:
    """Distance, band and inside/outside the responsible authority, per placement.

    Parameters
    ----------
    placements : pandas.DataFrame
        From :func:`read_placements`.
    points : pandas.DataFrame
        [code, easting, northing]: authority representative points, BNG metres.
    road_graph : networkx.MultiDiGraph, optional
        From :func:`geo.roads.load_road_graph`; road distances instead of straight lines.

    Returns
    -------
    pandas.DataFrame with the columns in the module docstring, one row per placement.
    """
    ox_, oy = _fill_authority_points(placements, points, "origin")
    dx, dy = _fill_authority_points(placements, points, "destination")
    a = np.column_stack([ox_, oy])
    b = np.column_stack([dx, dy])
    if road_graph is None:
        dist = straight_line_distances(a, b)
    else:
        from geo.roads import road_distances

        dist = road_distances(road_graph, a, b)
    keep = ["row", "child_ref", "origin_code", "destination_code", "responsible_code", "origin_precision",
            "destination_precision", "placement_type", "start_date", "end_date", "open_placement"]
    out = placements.reindex(columns=keep).reset_index(drop=True).copy()
    for column in ("distance_km", "distance_miles", "distance_method", "band"):
        out[column] = dist[column].to_numpy()
    for column in ("drive_minutes", "origin_snap_m", "destination_snap_m"):
        if column in dist.columns:
            out[column] = dist[column].to_numpy()
    note = dist["note"] if "note" in dist.columns else pd.Series("", index=dist.index, dtype="string")
    no_point = np.isnan(a).any(axis=1) | np.isnan(b).any(axis=1)
    note = note.fillna("").astype("string").mask(note.fillna("").eq("") & no_point,
                                                 "origin or destination has no coordinates")
    out["distance_note"] = note.to_numpy()
    resp = out["responsible_code"].astype("string")
    dest = out["destination_code"].astype("string")
    out["inside_responsible_la"] = pd.array(resp.eq(dest).to_numpy(dtype=object, na_value=pd.NA), dtype="boolean")
    return out


def _method(series: pd.Series) -> str:
    methods = sorted(set(series.dropna()))
    return methods[0] if len(methods) == 1 else ("mixed" if methods else "")


def placements_by_authority(distances: pd.DataFrame, by: str = "responsible_code") -> pd.DataFrame:
    """Counts, median distance and shares per authority.

    Parameters
    ----------
    distances : pandas.DataFrame
        From :func:`placement_distances`.
    by : str
        "responsible_code" (default), "origin_code" or "destination_code".

    Returns
    -------
    pandas.DataFrame
        code, placements (int), with_distance (int), median_distance_km,
        median_distance_miles, over_20_miles (int), share_over_20_miles (0..1, of
        placements with a distance), outside_la (int), share_outside_la (0..1, of
        placements with a known destination authority), distance_method.
    """
    frame = distances.assign(
        _has=distances["distance_km"].notna(),
        _over=distances["band"].eq(OVER).fillna(False),
        _outside=distances["inside_responsible_la"].eq(False).fillna(False),
        _known=distances["inside_responsible_la"].notna(),
    )
    grouped = frame.groupby(by, sort=True, dropna=False)
    out = pd.DataFrame({
        "placements": grouped.size(),
        "with_distance": grouped["_has"].sum(),
        "median_distance_km": grouped["distance_km"].median(),
        "over_20_miles": grouped["_over"].sum(),
        "outside_la": grouped["_outside"].sum(),
        "_known": grouped["_known"].sum(),
        "distance_method": grouped["distance_method"].agg(_method),
    })
    out["median_distance_miles"] = distance_table(out["median_distance_km"].to_numpy(), "")["distance_miles"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share_over_20_miles"] = np.where(out["with_distance"] > 0, out["over_20_miles"] / out["with_distance"], np.nan)
        out["share_outside_la"] = np.where(out["_known"] > 0, out["outside_la"] / out["_known"], np.nan)
    out = out.rename_axis("code").reset_index()
    return out[["code", "placements", "with_distance", "median_distance_km", "median_distance_miles",
                "over_20_miles", "share_over_20_miles", "outside_la", "share_outside_la", "distance_method"]]


def flows(distances: pd.DataFrame, points: pd.DataFrame | None = None, min_count: int = 1) -> pd.DataFrame:
    """Placements aggregated origin authority -> destination authority (no child-level points).

    Parameters
    ----------
    distances : pandas.DataFrame
        From :func:`placement_distances`.
    points : pandas.DataFrame, optional
        [code, easting, northing]: adds from_/to_easting/northing (BNG metres) for
        drawing flow lines between authority points.
    min_count : int
        Flows with fewer placements are kept but flagged ``suppressed`` so a map
        can hide them (small numbers can identify children).

    Returns
    -------
    pandas.DataFrame
        origin_code, destination_code, placements (int), median_distance_km,
        distance_method, suppressed (bool) [, from_easting, from_northing,
        to_easting, to_northing]; sorted by placements, largest first.
    """
    known = distances.dropna(subset=["origin_code", "destination_code"])
    grouped = known.groupby(["origin_code", "destination_code"], sort=True)
    out = pd.DataFrame({
        "placements": grouped.size(),
        "median_distance_km": grouped["distance_km"].median(),
        "distance_method": grouped["distance_method"].agg(_method),
    }).reset_index()
    out["suppressed"] = out["placements"] < min_count
    if points is not None:
        xy = points.drop_duplicates("code").set_index("code")
        for prefix, column in (("from", "origin_code"), ("to", "destination_code")):
            out[f"{prefix}_easting"] = out[column].map(xy["easting"]).to_numpy(dtype="float64", na_value=np.nan)
            out[f"{prefix}_northing"] = out[column].map(xy["northing"]).to_numpy(dtype="float64", na_value=np.nan)
    return out.sort_values(["placements", "origin_code", "destination_code"],
                           ascending=[False, True, True], kind="stable").reset_index(drop=True)
