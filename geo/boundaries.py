"""Read authority boundary files of any ONS vintage into one tidy frame.

:func:`read_boundaries` reads anything pyogrio reads (GeoJSON, GeoPackage, Shapefile, a
zipped Shapefile, from a path or a file-like upload) and returns, in EPSG:27700:

========  ===================================================
code      str, ONS area code, 9 characters (E06.., E08.., E09.., E10.., E07..)
name      str, area name from the file ("" when the file has none)
geometry  Polygon or MultiPolygon, EPSG:27700 metres, valid
========  ===================================================

Rules, so nothing is lost or silent:

- code and name columns are found by their ONS names (``CTYUA19CD``, ``UTLA22CD``,
  ``LAD24CD``, ``ctyua17cd``..., then ``code``/``name``) and the codes must look like codes;
- rows with no geometry, or codes of Wales, Scotland or Northern Ireland, are set aside
  in the :class:`~sufficiency.readers.reconcile.Reconciliation` with their reason;
- invalid geometries are repaired (``shapely.make_valid``, polygonal parts kept);
- several rows with the same code *and* the same name are parts of one area: dissolved
  (each such row counts as used, so ``rows_used`` can exceed the rows returned);
- the same code under different names, non-polygon geometries or values that are not
  ONS codes are errors: every one is listed in one :class:`~sufficiency.errors.BoundaryError`.

Zip archives are opened safely (:func:`sufficiency.readers.files.safe_extract`, the one
archive guard): members with absolute paths or ``..`` are refused, and so are archives
expanding past size or ratio limits; a Mac's ``__MACOSX`` entries are ignored.
"""

from __future__ import annotations

import io
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo import BNG
from geo.crs import to_bng
from sufficiency.errors import (
    BoundaryError,
    EmptyFileError,
    FileFormatError,
    MissingColumnError,
    Problem,
    UnknownAuthorityError,
)
from sufficiency.readers.files import safe_extract
from sufficiency.readers.reconcile import Reconciliation, set_aside_rows, stack_set_aside

READABLE = (".shp", ".gpkg", ".geojson", ".json", ".fgb", ".gml", ".kml")

CODE_PATTERN = re.compile(r"^[EWSN]\d{8}$")
_PREFIX = r"(?:ctyua|utla|ltla|lad|cty|ua|lau\d?|cauth|la)"
_CODE_COL = re.compile(rf"^{_PREFIX}\d{{2}}cd$", re.IGNORECASE)
_NAME_COL = re.compile(rf"^{_PREFIX}\d{{2}}nm$", re.IGNORECASE)
_CODE_FALLBACK = re.compile(r"^(code|area_?code|gss_?code|.*_code)$", re.IGNORECASE)
_NAME_FALLBACK = re.compile(r"^(name|area_?name|.*_name)$", re.IGNORECASE)
OUTSIDE_ENGLAND = "outside England"


def _spatial_layers(path_or_bytes) -> list[str]:
    """Names of the layers with geometry in one file (a GeoPackage may hold several)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL notes about file extensions of in-memory files
        layers = pyogrio.list_layers(path_or_bytes)
    return [str(name) for name, geometry in layers if geometry is not None]


def _choose(names: list[str], layer: str | None, source: str, what: str) -> str | None:
    """The one of ``names`` to read: the only one, or ``layer``; several and no choice is an error."""
    if layer is not None:
        for name in names:
            if layer in (name, Path(name).name, Path(name).stem):
                return name
        raise BoundaryError(f"no {what} named '{layer}': the file holds {', '.join(names)}", file=source,
                            value=layer)
    if len(names) > 1:
        raise BoundaryError(f"the file holds {len(names)} {what}s ({', '.join(names)}): say which one holds the "
                            "authorities (--layer on the command line, the layer choice in the app)", file=source)
    return names[0] if names else None


def list_layers(path_or_filelike: str | Path | IO[bytes]) -> list[str]:
    """The boundary layers of a file: a zip's layer files, else a GeoPackage's spatial layers.

    Raises FileFormatError, UnsafeArchiveError (see :func:`read_boundaries`).
    """
    source = str(getattr(path_or_filelike, "name", path_or_filelike))
    data = path_or_filelike.read() if hasattr(path_or_filelike, "read") else Path(path_or_filelike).read_bytes()
    try:
        if zipfile.is_zipfile(io.BytesIO(data)):
            with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(io.BytesIO(data)) as archive:
                files = safe_extract(archive, Path(tmp), source)
                members = sorted(p.relative_to(tmp).as_posix() for p in files if p.suffix.lower() in READABLE)
                if len(members) != 1:
                    return members
                return [members[0]] if len(_spatial_layers(Path(tmp) / members[0])) <= 1 else [
                    f"{members[0]}:{name}" for name in _spatial_layers(Path(tmp) / members[0])]
        return _spatial_layers(data)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise FileFormatError(UNREADABLE, file=source) from exc


UNREADABLE = ("the file cannot be read as a boundary layer (expected GeoJSON, GeoPackage, Shapefile, or a zip "
              "holding one)")


def _read_one(path_or_bytes, layer: str | None, source: str) -> gpd.GeoDataFrame:
    names = _spatial_layers(path_or_bytes)
    chosen = _choose(names, layer, source, "layer") if len(names) > 1 or layer else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL: an in-memory GeoPackage has no file extension
        return pyogrio.read_dataframe(path_or_bytes, layer=chosen)


def _read_layer(src: str | Path | IO[bytes], layer: str | None, source: str) -> gpd.GeoDataFrame:
    """The one layer to read; a file (or zip) holding several needs ``layer`` (never the first silently)."""
    data = src.read() if hasattr(src, "read") else None
    is_zip = zipfile.is_zipfile(io.BytesIO(data)) if data is not None else zipfile.is_zipfile(src)
    try:
        if is_zip:
            with tempfile.TemporaryDirectory() as tmp:
                with zipfile.ZipFile(io.BytesIO(data) if data is not None else src) as archive:
                    files = safe_extract(archive, Path(tmp), source)
                layers = sorted(p for p in files if p.suffix.lower() in READABLE)
                if not layers:
                    raise FileFormatError("the zip archive holds no boundary layer (.shp, .gpkg, .geojson)",
                                          file=source)
                names = [p.relative_to(tmp).as_posix() for p in layers]
                member, inner = layer, None
                if layer is not None and ":" in layer and layer.split(":", 1)[0] in names:
                    member, inner = layer.split(":", 1)
                if len(names) == 1 and member is not None and member not in (names[0], Path(names[0]).name,
                                                                            Path(names[0]).stem):
                    member, inner = None, layer  # a layer inside the zip's one GeoPackage
                chosen = _choose(names, member, source, "boundary layer")
                return _read_one(layers[names.index(chosen)], inner, source)
        return _read_one(data if data is not None else src, layer, source)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise FileFormatError(UNREADABLE, file=source) from exc


def _looks_like_codes(values: pd.Series) -> bool:
    text = values.dropna().astype(str).str.strip()
    return len(text) > 0 and text.str.match(CODE_PATTERN).mean() >= 0.5


def _find_column(frame: pd.DataFrame, given: str | None, primary: re.Pattern, fallback: re.Pattern,
                 what: str, source: str, check_codes: bool) -> str | None:
    cols = [c for c in frame.columns if c != frame.geometry.name]
    if given is not None:
        if given not in cols:
            raise MissingColumnError(f"the file has no {what} column '{given}'", file=source, column=given)
        return given
    candidates = [c for c in cols if primary.match(c)] + [c for c in cols if fallback.match(c)]
    if check_codes:
        candidates = [c for c in candidates if _looks_like_codes(frame[c])]
        candidates += [c for c in cols if c not in candidates and _looks_like_codes(frame[c])]
    return candidates[0] if candidates else None


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Repair geometries and keep their polygonal parts (None when there are none)."""
    fixed = shapely.make_valid(geoms)
    out = np.empty(len(fixed), dtype=object)
    for i, g in enumerate(fixed):  # loop over features (hundreds), not rows of a big table
        if g is None or g.is_empty:
            out[i] = None
        elif isinstance(g, shapely.Polygon | shapely.MultiPolygon):
            out[i] = g
        else:
            parts = [p for p in shapely.get_parts(g) if isinstance(p, shapely.Polygon | shapely.MultiPolygon)]
            out[i] = shapely.union_all(parts) if parts else None
    return out


def read_boundaries(
    path_or_filelike: str | Path | IO[bytes],
    *,
    code_column: str | None = None,
    name_column: str | None = None,
    layer: str | None = None,
    assume_crs: str | None = None,
    fix_swapped: bool = False,
    classify: Callable[[pd.Series, str], pd.Series] | None = None,
) -> tuple[gpd.GeoDataFrame, Reconciliation]:
    """Read an authority boundary file into ``[code, name, geometry]`` in EPSG:27700.

    Parameters
    ----------
    path_or_filelike : str, Path or binary file-like
        GeoJSON, GeoPackage, Shapefile or a zip holding one of them.
    code_column, name_column : str, optional
        Column names, when detection by ONS naming is not enough.
    layer : str, optional
        Layer of a multi-layer file (GeoPackage), or the file of one layer in a zip holding
        several; a file holding several layers without ``layer`` is refused, naming them.
    assume_crs, fix_swapped
        Passed to :func:`geo.crs.to_bng`.
    classify : callable, optional
        ``classify(codes, code_column) -> reasons``: why each English code is not an area
        the caller can use ("" where it is), e.g. a region (E12) in an authority file; those
        rows are set aside with the reason (the registry's rules live with the caller).

    Returns
    -------
    (geopandas.GeoDataFrame, Reconciliation)
        One row per English area (schema in the module docstring), and the row accounting
        (``row`` is the 1-based feature number).

    Raises
    ------
    EmptyFileError, FileFormatError, UnsafeArchiveError, MissingColumnError, CRSError, BoundaryError
    """
    source = str(getattr(path_or_filelike, "name", path_or_filelike))
    raw = _read_layer(path_or_filelike, layer, source)
    if raw.empty:
        raise EmptyFileError("the boundary file has no features", file=source)
    code_col = _find_column(raw, code_column, _CODE_COL, _CODE_FALLBACK, "code", source, True)
    if code_col is None:
        raise MissingColumnError(
            "no column of ONS area codes found (such as CTYUA23CD, UTLA22CD or LAD24CD, with values "
            "like E06000001); name it with code_column=", file=source)
    name_col = _find_column(raw, name_column, _NAME_COL, _NAME_FALLBACK, "name", source, False)
    bng = to_bng(raw, source, assume=assume_crs, fix_swapped=fix_swapped)

    rows = np.arange(1, len(bng) + 1)
    code = bng[code_col].astype("string").str.strip().fillna("")
    name = bng[name_col].astype("string").str.strip().fillna("") if name_col else pd.Series([""] * len(bng))
    geoms = _polygonal(bng.geometry.values)
    frame = pd.DataFrame({"row": rows, "code": code.to_numpy(), "name": name.to_numpy(), "geometry": geoms})

    problems: list[Problem] = []
    aside = []
    no_geom = frame["geometry"].isna().to_numpy()
    aside.append(set_aside_rows(rows[no_geom], "geometry", "no geometry"))
    bad_code = ~frame["code"].str.match(CODE_PATTERN).to_numpy(dtype=bool)
    problems += [Problem("not an ONS area code", file=source, row=int(r), column=code_col, value=v)
                 for r, v in zip(rows[bad_code], frame["code"][bad_code], strict=True)]
    outside = ~bad_code & ~frame["code"].str.startswith("E").to_numpy(dtype=bool)
    aside.append(set_aside_rows(rows[outside & ~no_geom], code_col, OUTSIDE_ENGLAND,
                                frame["code"][outside & ~no_geom]))
    usable = ~(no_geom | bad_code | outside)
    if classify is not None and usable.any():
        why = pd.Series("", index=frame.index, dtype="string")
        why[usable] = classify(frame.loc[usable, "code"], code_col).to_numpy()
        other = usable & why.ne("").to_numpy(dtype=bool)
        aside.append(set_aside_rows(rows[other], code_col, why[other], frame["code"][other]))
        usable &= ~other
    keep = frame[usable]
    names_per_code = keep.groupby("code")["name"].nunique()
    for dup in names_per_code[names_per_code > 1].index:
        clash = keep[keep["code"] == dup]
        problems.append(Problem(
            f"the same code is given to different areas: {', '.join(sorted(set(clash['name'])))} "
            f"(rows {', '.join(map(str, clash['row']))})", file=source, column=code_col, value=dup))
    if problems:
        raise BoundaryError(problems=problems)
    if keep.empty:
        found = stack_set_aside(aside)
        counts = found.groupby("reason").size().sort_values(ascending=False)
        why = "; ".join(f"{r} ({n} rows)" for r, n in counts.head(3).items())
        raise BoundaryError("the boundary file has no English areas with a geometry" +
                            (f" that the tool can use: {why}" if why else ""), file=source)

    merged = keep.groupby(["code", "name"], sort=True)["geometry"].agg(
        lambda g: g.iloc[0] if len(g) == 1 else shapely.union_all(g.to_numpy()))
    out = gpd.GeoDataFrame(merged.reset_index(), geometry="geometry", crs=BNG)
    rec = Reconciliation(source, rows_in=len(frame), rows_used=len(keep), set_aside=stack_set_aside(aside))
    return out, rec


def dissolve_to_authorities(gdf: gpd.GeoDataFrame, lad_to_utla: dict[str, str],
                            names: dict[str, str]) -> gpd.GeoDataFrame:
    """Dissolve district (LAD) boundaries into upper-tier authorities.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        ``[code, name, geometry]`` as from :func:`read_boundaries`, district codes.
    lad_to_utla : dict
        ``{district code: authority code}`` (the registry's
        :func:`sufficiency.registry.lad_to_upper_tier`). Codes that are already
        authority codes (values of the mapping) map to themselves.
    names : dict
        ``{authority code: name}`` for the result.

    Returns
    -------
    geopandas.GeoDataFrame
        ``[code, name, geometry]``, one row per authority, same CRS as ``gdf``.

    Raises
    ------
    UnknownAuthorityError
        Listing every district code the mapping does not know.
    """
    mapping = dict(lad_to_utla)
    mapping.update({v: v for v in set(mapping.values()) if v not in mapping})
    target = gdf["code"].map(mapping)
    unknown = sorted(gdf.loc[target.isna(), "code"].astype(str).unique())
    if unknown:
        raise UnknownAuthorityError(problems=[
            Problem("district code not in the district to authority lookup", column="code", value=c)
            for c in unknown])
    work = gpd.GeoDataFrame({"code": target.to_numpy()}, geometry=gdf.geometry.values, crs=gdf.crs)
    out = work.dissolve(by="code", sort=True, as_index=False)
    out["name"] = out["code"].map(names).fillna("")
    return out[["code", "name", "geometry"]]

