"""A commissioner's placement list: where children live and where they are placed.

:func:`read_placements` reads a CSV or XLSX with one row per placement. Header
names are matched loosely (case, spaces, punctuation ignored; see ``ALIASES``):

==============  ==========================================================
origin          required: child's home postcode, or an authority code (E06...)
destination     required: placement postcode, Ofsted URN, or authority code
responsible_la  optional: responsible authority code (else the origin's)
placement_type  optional: free text
start_date      optional: dd/mm/yyyy, yyyy-mm-dd or "5 Jan 2024"
end_date        optional: as start_date
==============  ==========================================================

Rows are set aside (never guessed) for: a missing origin/destination, a value
that is none of postcode/URN/code, a postcode not in the ONS directory, a URN
not in the providers list, an unknown authority code, a date not understood, or
an end before the start. A postcode missing from the directory whose sector or
district is known is used at that precision, recorded per row.

:func:`placement_distances` gives one row per placement (no postcodes or
coordinates, so it is safe to count from; still child-level: download only):
row, origin_code, destination_code, responsible_code, origin_precision,
destination_precision, placement_type, start_date, end_date, distance_km,
distance_miles, distance_method ("straight line"|"road"), band ("within 20
miles"|"over 20 miles"), inside_responsible_la (bool, <NA> when unknown).

An authority-coded end (or a URN, whose home address Ofsted redacts) sits at the
authority's representative point, precision "authority".
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from geo.distance import OVER, distance_table, straight_line_distances
from geo.errors import DuplicateColumnError, EmptyFileError, FileFormatError, MissingColumnError, Problem
from geo.geocode import geocode, normalise_postcode
from geo.reconcile import Reconciliation
from sufficiency.readers.tabular import check_xlsx_archive, decode_text

ALIASES = {
    "origin": ("origin", "home postcode", "child postcode", "origin postcode", "home", "from",
               "child home postcode", "childs home postcode", "home address postcode", "origin code", "origin authority"),
    "destination": ("destination", "placement postcode", "destination postcode", "placement", "to",
                    "urn", "ofsted urn", "provider urn", "placement urn", "destination code",
                    "placement authority"),
    "responsible_la": ("responsible la", "responsible authority", "responsible local authority",
                       "responsible la code", "la code"),
    "placement_type": ("placement type", "type", "setting type", "provision type"),
    "start_date": ("start date", "start", "placement start", "placement start date", "date started"),
    "end_date": ("end date", "end", "placement end", "placement end date", "date ended"),
}
REQUIRED = ("origin", "destination")
CODE = re.compile(r"^E(06|08|09|10)\d{6}$")
URN = re.compile(r"^(SC)?\d{6,7}$")


def _header_key(name: object) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name).lower().replace("'", "")).strip()


def _read_table(source: str | Path | IO[bytes], name: str) -> pd.DataFrame:
    data = source.read() if hasattr(source, "read") else Path(source).read_bytes()
    if not data.strip():
        raise EmptyFileError("the placements file is empty", file=name)
    try:
        if name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
            check_xlsx_archive(data, name)  # zip bombs
            table = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False)
        else:
            text, _ = decode_text(data, name)  # UTF-16, binary files, NUL bytes, mixed encodings
            table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    except (ValueError, KeyError, zipfile.BadZipFile, pd.errors.ParserError, OSError, csv.Error) as exc:
        raise FileFormatError(f"the placements file could not be read as CSV or XLSX ({exc})", file=name) from exc
    if table.empty:
        raise EmptyFileError("the placements file has a header but no rows", file=name)
    return table


def _columns(table: pd.DataFrame, name: str) -> dict[str, str]:
    """Map our column names to the file's, reporting all header problems at once."""
    lookup = {alias: ours for ours, aliases in ALIASES.items() for alias in aliases}
    found: dict[str, list[str]] = {}
    for column in table.columns:
        ours = lookup.get(_header_key(column)) or lookup.get(_header_key(column).replace(" ", "_"))
        if ours is None and _header_key(column).replace(" ", "_") in ALIASES:
            ours = _header_key(column).replace(" ", "_")
        if ours:
            found.setdefault(ours, []).append(str(column))
    dups = [Problem(f"columns {found[k]} all look like '{k}'; keep one", file=name, column=k)
            for k in found if len(found[k]) > 1]
    if dups:
        raise DuplicateColumnError(problems=dups)
    missing = [Problem(f"no '{k}' column (accepted names: {', '.join(ALIASES[k][:5])}, ...)", file=name, column=k)
               for k in REQUIRED if k not in found]
    if missing:
        raise MissingColumnError(problems=missing)
    return {k: v[0] for k, v in found.items()}


def _dates(text: pd.Series) -> pd.Series:
    """Parse dates: ISO (yyyy-mm-dd...) as such, everything else day first."""
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if iso.any():
        out[iso] = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    other = ~iso & text.ne("")
    if other.any():
        out[other] = pd.to_datetime(text[other], format="mixed", dayfirst=True, errors="coerce")
    return out


def _kind(text: pd.Series, allow_urn: bool) -> pd.Series:
    """'authority' | 'urn' | 'postcode' | '' (not recognised) for each value."""
    upper = text.str.upper().str.replace(r"\s+", "", regex=True)
    kind = pd.Series("", index=text.index, dtype="string")
    kind[normalise_postcode(text).notna()] = "postcode"
    if allow_urn:
        kind[upper.str.fullmatch(URN.pattern).fillna(False).astype(bool)] = "urn"
    kind[upper.str.fullmatch(CODE.pattern).fillna(False).astype(bool)] = "authority"
    return kind


def read_placements(source: str | Path | IO[bytes], *, file_name: str | None = None,
                    providers: pd.DataFrame | None = None, authority_codes: set[str] | None = None,
                    directory: pd.DataFrame | None = None) -> tuple[pd.DataFrame, Reconciliation]:
    """Read and check a placements file; geocode postcodes; resolve URNs.

    Parameters
    ----------
    source : path or binary file-like
        CSV (any common delimiter, UTF-8 or Windows-1252) or XLSX.
    file_name : str, optional
        Name for messages and the format (defaults to the path's name).
    providers : pandas.DataFrame, optional
        [urn, code]: Ofsted URN to authority code, for URN destinations.
    authority_codes : set of str, optional
        Codes accepted for authority-coded ends (e.g. the authority points'
        codes); any E06/E08/E09/E10 code when omitted.
    directory : pandas.DataFrame, optional
        Postcode directory for tests; the ONS directory when omitted.

    Returns
    -------
    (placements, reconciliation)
        placements: row (1-based file line), origin, origin_kind, origin_precision,
        origin_code, origin_easting, origin_northing (BNG m, NaN for authority
        ends), the same for destination, responsible_code, placement_type,
        start_date, end_date.
    """
    name = file_name or str(getattr(source, "name", None) or source)
    name = Path(name).name
    table = _read_table(source, name)
    cols = _columns(table, name)
    get = {k: table[v].astype("string").fillna("").str.strip() for k, v in cols.items()}
    n = len(table)
    out = pd.DataFrame({"row": np.arange(n) + 2})  # line 1 is the header
    reason = pd.Series("", index=table.index, dtype="string")
    bad_col = pd.Series("", index=table.index, dtype="string")
    bad_val = pd.Series("", index=table.index, dtype="string")

    def set_aside(mask: pd.Series, column: str, why: str, values: pd.Series) -> None:
        mask = mask & reason.eq("")
        reason[mask] = why
        bad_col[mask] = column
        bad_val[mask] = values[mask]

    for end in ("origin", "destination"):
        text = get[end]
        kind = _kind(text, allow_urn=end == "destination")
        out[end] = text.to_numpy()
        out[f"{end}_kind"] = kind.to_numpy()
        set_aside(text.eq(""), cols[end], f"{end} is empty", text)
        set_aside(kind.eq("") & text.ne(""), cols[end], "not a postcode, Ofsted URN or authority code"
                  if end == "destination" else "not a postcode or authority code", text)
        code = pd.Series(pd.NA, index=table.index, dtype="string")
        easting = np.full(n, np.nan)
        northing = np.full(n, np.nan)
        precision = pd.Series(pd.NA, index=table.index, dtype="string")
        is_pc = kind.eq("postcode").to_numpy()
        if is_pc.any():
            geo = geocode(text[is_pc], directory=directory)
            geo.index = table.index[is_pc]
            code[is_pc] = geo["authority_code"]
            easting[is_pc] = geo["easting"].to_numpy()
            northing[is_pc] = geo["northing"].to_numpy()
            precision[is_pc] = geo["precision"]
            set_aside(precision.eq("unknown").fillna(False), cols[end],
                      "postcode not in the ONS Postcode Directory", text)
        is_la = kind.eq("authority")
        code[is_la] = text[is_la].str.upper()
        precision[is_la] = "authority"
        if authority_codes is not None:
            set_aside(is_la & ~code.isin(authority_codes).fillna(False), cols[end], "unknown authority code", text)
        is_urn = kind.eq("urn")
        if is_urn.any():
            urn_key = text.str.upper().str.replace(r"\s+", "", regex=True)
            lookup = (pd.Series(dtype="string") if providers is None else
                      pd.Series(providers["code"].astype("string").to_numpy(),
                                index=providers["urn"].astype("string").str.upper().str.strip()))
            lookup = lookup[~lookup.index.duplicated()]
            code[is_urn] = urn_key[is_urn].map(lookup)
            precision[is_urn] = "authority"
            set_aside(is_urn & code.isna(), cols[end], "Ofsted URN not in the providers list", text)
        out[f"{end}_precision"] = precision.to_numpy()
        out[f"{end}_code"] = code.to_numpy()
        out[f"{end}_easting"] = easting
        out[f"{end}_northing"] = northing

    if "responsible_la" in cols:
        given = get["responsible_la"].str.upper()
        set_aside(given.ne("") & ~given.str.fullmatch(CODE.pattern).fillna(False).astype(bool),
                  cols["responsible_la"], "unknown authority code", get["responsible_la"])
        out["responsible_code"] = given.where(given.ne(""), out["origin_code"]).to_numpy()
    else:
        out["responsible_code"] = out["origin_code"]
    out["placement_type"] = get["placement_type"].to_numpy() if "placement_type" in get else ""
    for column in ("start_date", "end_date"):
        text = get.get(column, pd.Series("", index=table.index, dtype="string"))
        parsed = _dates(text)
        if column in cols:
            set_aside(text.ne("") & parsed.isna(), cols[column], "date not understood", text)
        out[column] = parsed.to_numpy()
    if "start_date" in cols and "end_date" in cols:
        backwards = pd.Series(out["end_date"] < out["start_date"], index=table.index)
        set_aside(backwards, cols["end_date"], "end date before start date", get["end_date"])

    keep = reason.eq("").to_numpy()
    aside = pd.DataFrame({"row": out["row"].to_numpy()[~keep], "column": bad_col.to_numpy()[~keep],
                          "reason": reason.to_numpy()[~keep], "value": bad_val.to_numpy()[~keep]})
    recon = Reconciliation(file=name, rows_in=n, rows_used=int(keep.sum()), set_aside=aside)
    return out.loc[keep].reset_index(drop=True), recon


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
    keep = ["row", "origin_code", "destination_code", "responsible_code", "origin_precision",
            "destination_precision", "placement_type", "start_date", "end_date"]
    out = placements[keep].reset_index(drop=True).copy()
    for column in ("distance_km", "distance_miles", "distance_method", "band"):
        out[column] = dist[column].to_numpy()
    if "drive_minutes" in dist.columns:
        out["drive_minutes"] = dist["drive_minutes"].to_numpy()
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
