"""Build the project's authority and region shapes from the official ONS boundary file.

Writes (into ``--out``, default ``data/``):

- ``authorities.geojson``: the 153 current upper-tier authorities [code, name], EPSG:4326,
  coordinates rounded to :data:`DECIMALS` decimals (about 1 m), exterior rings
  anticlockwise (RFC 7946).
- ``regions.geojson``: the nine English regions [region_code, region_name], EPSG:4326,
  dissolved from the authority shapes (so region outlines lie exactly on authority edges).
- ``authority_points.csv``: [code, easting, northing, postcodes], EPSG:27700 metres:
  each authority's postcode-density centroid snapped to its nearest own postcode
  (from the ONS Postcode Directory; skipped with ``--no-points``).

Source of the shapes: ONS "Counties and Unitary Authorities (December 2024) Boundaries UK
BUC" (ultra generalised 500 m, clipped to the coastline), read from ``--ons FILE`` or found
under ``../shared/data/raw/ons-boundaries/`` (or ``$SUFFICIENCY_RAW/ons-boundaries/``).
Recipe, all measured in EPSG:27700 metres:

1. keep England (codes E06/E08/E09/E10); check every current code of
   ``data/authorities.csv`` is there exactly once, with a valid polygon, and that the
   shapes form a coverage (no overlaps);
2. simplify as a coverage (:func:`shapely.coverage_simplify`, tolerance
   :data:`TOLERANCE_M`): neighbours keep sharing their edges, so no gaps or overlaps;
3. back to EPSG:4326 and round *as a coverage* (:func:`round_coverage`): the shared
   linework is snap-rounded once, dissolved and re-polygonised, so rounding cannot open slivers or
   make a polygon invalid (rounding each polygon on its own does both);
4. names and regions from ``data/authorities.csv`` (DfE's spelling, as everywhere in the app).

Deterministic: same inputs, same bytes. ``--from-postcodes`` keeps the earlier recipe
(polygons derived from postcode locations, :mod:`geo.areas`) as a fallback for when no
ONS file is at hand, e.g. a reorganisation that ONS has not yet published: those shapes
are 1.3-1.7 times too large on the coast and leave about 500 km² of land in no shape.
Run as ``python scripts/build_geometry.py --out data/``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo import BNG, WGS84  # noqa: E402
from sufficiency.errors import BoundaryError, Problem  # noqa: E402

ENGLAND_PREFIXES = ("E06", "E08", "E09", "E10")
ONS_PATTERN = "Counties_and_Unitary_Authorities_*_Boundaries_UK_BUC*.geojson"
TOLERANCE_M = 100.0  # coverage simplification, metres; the source is already generalised to 500 m
DECIMALS = 5  # EPSG:4326 decimals: 1e-5 degree is 1.1 m north-south, 0.7 m east-west
POSTCODE_CELL_M = 250.0  # --from-postcodes only (geo.areas parameters)
POSTCODE_KEEP_WITHIN_M = 1500.0
POSTCODE_CLOSE_M = 2000.0
POSTCODE_TOLERANCE_M = 300.0


def default_ons_file(root: Path = ROOT) -> Path | None:
    """The ONS CTYUA BUC GeoJSON under the shared raw folder, or None when absent.

    Looks in ``$SUFFICIENCY_RAW/ons-boundaries/`` when that variable is set, else in
    ``<root>/../shared/data/raw/ons-boundaries/``; the newest vintage (by file name) wins.
    """
    raw = Path(os.environ["SUFFICIENCY_RAW"]) if os.environ.get("SUFFICIENCY_RAW") else root.parent / "shared/data/raw"
    found = sorted((raw / "ons-boundaries").glob(ONS_PATTERN))
    return found[-1] if found else None


def current_authorities(authorities_csv: Path) -> pd.DataFrame:
    """Current authorities of ``data/authorities.csv``: [code, name, region_code, region_name], sorted by code."""
    table = pd.read_csv(authorities_csv, dtype=str, keep_default_na=False)
    table = table[table["current"] == "True"].rename(columns={"region": "region_name"})
    return table[["code", "name", "region_code", "region_name"]].sort_values("code").reset_index(drop=True)


def read_ons_authorities(path: Path, expected: pd.Series) -> gpd.GeoDataFrame:
    """England's upper-tier authorities from an ONS CTYUA boundary file, checked.

    Parameters
    ----------
    path : Path
        Any ONS "Counties and Unitary Authorities" boundary file (any vintage, any format
        pyogrio reads) with a ``CTYUAyyCD`` code column and a CRS.
    expected : pandas.Series of str
        The authority codes that must be present, each exactly once.

    Returns
    -------
    geopandas.GeoDataFrame
        ``[code, geometry]`` sorted by code, EPSG:27700.

    Raises
    ------
    BoundaryError
        Listing every problem found: no code column, no CRS, missing, unexpected or
        repeated codes, empty or invalid geometries, overlapping neighbours.
    """
    name = str(path)
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises several types for unreadable files
        raise BoundaryError(f"cannot read the boundary file ({error})", file=name) from error
    codes = [c for c in frame.columns if c.upper().startswith("CTYUA") and c.upper().endswith("CD")]
    if len(codes) != 1:
        raise BoundaryError("no single CTYUAyyCD code column (ONS Counties and Unitary Authorities)", file=name)
    if frame.crs is None:
        raise BoundaryError("the file has no coordinate reference system", file=name)
    frame = frame.rename(columns={codes[0]: "code"})[["code", "geometry"]]
    frame = frame[frame["code"].str[:3].isin(ENGLAND_PREFIXES)].sort_values("code").reset_index(drop=True)
    problems = []
    want = set(expected)
    for code in sorted(want - set(frame["code"])):
        problems.append(Problem("authority missing from the boundary file", file=name, column=codes[0], value=code))
    for code in sorted(set(frame["code"]) - want):
        problems.append(Problem("not a current authority of data/authorities.csv", file=name, column=codes[0],
                                value=code))
    for code in sorted(frame.loc[frame["code"].duplicated(), "code"].unique()):
        problems.append(Problem("authority appears more than once", file=name, column=codes[0], value=code))
    geoms = frame.geometry.values
    bad = frame["code"][geoms.isna() | geoms.is_empty | ~geoms.is_valid
                        | ~np.isin(geoms.geom_type, ["Polygon", "MultiPolygon"])]
    for code in bad:
        problems.append(Problem("missing, empty, invalid or non-polygon geometry", file=name, value=code))
    if not problems:
        frame = frame.to_crs(BNG)
        if not shapely.coverage_is_valid(np.asarray(frame.geometry.values)):
            edges = shapely.coverage_invalid_edges(np.asarray(frame.geometry.values))
            for code in frame["code"][~shapely.is_empty(edges)]:
                problems.append(Problem("shape overlaps or misaligns with a neighbour", file=name, value=code))
    if problems:
        raise BoundaryError(problems=problems)
    return frame


def round_coverage(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round a coverage's coordinates to ``decimals`` places, keeping it a valid coverage.

    All boundaries are noded, snap-rounded and dissolved together in one overlay on the
    ``10**-decimals`` grid (:func:`shapely.union_all` with ``grid_size``), re-polygonised
    into faces, and each face goes to the polygon it overlaps most. Faces mostly outside
    every polygon (holes of the coverage) are dropped.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely (Multi)Polygons
        A coverage (no overlaps), any CRS (here EPSG:4326 degrees).
    decimals : int
        Decimal places of the output coordinates.

    Returns
    -------
    numpy.ndarray of shapely geometries
        Same order as ``geoms``; an empty geometry where a polygon collapsed.
    """
    geoms = np.asarray(geoms, dtype=object)
    lines = shapely.union_all(shapely.boundary(geoms), grid_size=10.0**-decimals)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    face_i, geom_i = shapely.STRtree(geoms).query(faces, predicate="intersects")
    pairs = pd.DataFrame({"face": face_i, "geom": geom_i,
                          "overlap": shapely.area(shapely.intersection(faces[face_i], geoms[geom_i]))})
    covered = pairs.groupby("face")["overlap"].sum()
    inside = covered.index[covered >= 0.5 * shapely.area(faces[covered.index])]
    best = (pairs[pairs["face"].isin(inside)]
            .sort_values(["face", "overlap", "geom"], ascending=[True, False, True], kind="stable")
            .drop_duplicates("face"))
    groups = best.groupby("geom")["face"].apply(np.asarray)
    out = np.array([shapely.Polygon()] * len(geoms), dtype=object)
    for k, idx in groups.items():
        out[k] = shapely.coverage_union_all(faces[idx])
    return out


def check_output(shapes: gpd.GeoDataFrame, source: gpd.GeoDataFrame, *, max_change_share: float = 0.01) -> None:
    """Raise BoundaryError unless ``shapes`` are valid, non-empty, a coverage, and each within
    ``max_change_share`` of its ``source`` area (both [code, geometry], any CRS; areas in EPSG:27700)."""
    geoms = np.asarray(shapes.geometry.values)
    problems = [Problem("empty or invalid shape after simplifying and rounding", value=c)
                for c in shapes["code"][shapely.is_empty(geoms) | ~shapely.is_valid(geoms)]]
    if not problems and not shapely.coverage_is_valid(geoms):
        problems.append(Problem("simplified shapes are no longer a coverage (gaps or overlaps)"))
    area = shapes.to_crs(BNG).area.to_numpy()
    official = source.to_crs(BNG).area.to_numpy()
    change = np.abs(area / official - 1)
    problems += [Problem(f"area changed by {100 * ch:.1f} % in simplifying", value=c)
                 for c, ch in zip(shapes["code"], change, strict=True) if ch > max_change_share]
    if problems:
        raise BoundaryError(problems=problems)


def authority_shapes(ons_file: Path, authorities_csv: Path, *, tolerance_m: float = TOLERANCE_M,
                     decimals: int = DECIMALS) -> gpd.GeoDataFrame:
    """The embedded authority shapes from the ONS file: [code, name, region_code, region_name, geometry].

    Simplified as a coverage in EPSG:27700 (``tolerance_m`` metres), returned in EPSG:4326
    rounded to ``decimals`` places (see the module docstring). Raises BoundaryError.
    """
    table = current_authorities(authorities_csv)
    official = read_ons_authorities(ons_file, table["code"])
    simple = shapely.coverage_simplify(np.asarray(official.geometry.values), tolerance_m, simplify_boundary=True)
    wgs = np.asarray(gpd.GeoSeries(simple, crs=BNG).to_crs(WGS84).values)
    rounded = shapely.orient_polygons(round_coverage(wgs, decimals), exterior_cw=False)
    shapes = gpd.GeoDataFrame(table, geometry=list(rounded), crs=WGS84)
    check_output(shapes, official)
    return shapes


def region_shapes(shapes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve authority shapes [region_code, region_name, geometry] (a coverage) into regions, same CRS."""
    rows = []
    for (code, name), part in shapes.groupby(["region_code", "region_name"], sort=True):
        union = shapely.coverage_union_all(np.asarray(part.geometry.values))
        rows.append((code, name, shapely.orient_polygons(union, exterior_cw=False)))
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=["region_code", "region_name", "geometry"]),
                            geometry="geometry", crs=shapes.crs)


def write_geojson(gdf: gpd.GeoDataFrame, path: Path, decimals: int = DECIMALS) -> int:
    """Write compact GeoJSON in EPSG:4326, coordinates rounded to ``decimals``; returns bytes written.

    Properties are written as strings in column order, features in frame order, no
    whitespace: the same frame gives the same bytes. Geometries should already be on the
    ``decimals`` grid (textual rounding here only shortens float representations).
    """
    wgs = gdf.to_crs(WGS84)
    props = [c for c in wgs.columns if c != wgs.geometry.name]
    features = [{"type": "Feature", "properties": {k: str(v) for k, v in rec.items()},
                 "geometry": json.loads(shapely.to_geojson(geom),
                                        parse_float=lambda s: round(float(s), decimals))}
                for rec, geom in zip(wgs[props].to_dict("records"), wgs.geometry.values, strict=True)]
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def postcode_shapes(authorities_csv: Path) -> gpd.GeoDataFrame:
    """Fallback: shapes derived from postcode locations (:mod:`geo.areas`), same columns as
    :func:`authority_shapes`, EPSG:4326. Approximate; see the module docstring."""
    from geo.areas import area_polygons
    from geo.postcodes import load_postcodes
    from sufficiency.registry import lad_to_upper_tier

    pc = load_postcodes()
    code = pc["lad_code"].astype(str).map(lad_to_upper_tier())
    areas = area_polygons(pc["easting"].to_numpy(), pc["northing"].to_numpy(), code.to_numpy(),
                          cell_m=POSTCODE_CELL_M, keep_within_m=POSTCODE_KEEP_WITHIN_M,
                          close_m=POSTCODE_CLOSE_M, tolerance_m=POSTCODE_TOLERANCE_M)
    table = current_authorities(authorities_csv).merge(areas, on="code", how="inner", validate="one_to_one")
    wgs = np.asarray(gpd.GeoSeries(table["geometry"], crs=BNG).to_crs(WGS84).values)
    table["geometry"] = shapely.orient_polygons(round_coverage(wgs, DECIMALS), exterior_cw=False)
    return gpd.GeoDataFrame(table, geometry="geometry", crs=WGS84)


def write_points(out: Path) -> int:
    """Write ``authority_points.csv`` from the ONS Postcode Directory; returns rows written."""
    from geo.areas import representative_points
    from geo.postcodes import load_postcodes
    from sufficiency.registry import lad_to_upper_tier

    pc = load_postcodes()
    lookup = lad_to_upper_tier()
    code = pc["lad_code"].astype(str).map(lookup)
    if code.isna().any():
        unknown = sorted(pc.loc[code.isna(), "lad_code"].astype(str).unique())
        sys.exit(f"districts with no authority in the registry (data/reference/district_changes.csv): {', '.join(unknown)}")
    points = representative_points(pc["easting"].to_numpy(), pc["northing"].to_numpy(), code.to_numpy())
    points["easting"] = points["easting"].round().astype("int64")
    points["northing"] = points["northing"].round().astype("int64")
    points.to_csv(out / "authority_points.csv", index=False, lineterminator="\n")
    return len(points)


def build(out: Path, ons_file: Path | None, *, authorities_csv: Path | None = None, points: bool = True,
          from_postcodes: bool = False) -> dict[str, int]:
    """Build and write the files; returns ``{file name: bytes}`` and prints sizes and timings."""
    t0 = time.perf_counter()
    authorities_csv = authorities_csv or ROOT / "data" / "authorities.csv"
    if from_postcodes:
        shapes = postcode_shapes(authorities_csv)
    elif ons_file is None:
        raise BoundaryError("no ONS boundary file: give --ons FILE (or --from-postcodes for derived shapes)")
    else:
        shapes = authority_shapes(ons_file, authorities_csv)
    out.mkdir(parents=True, exist_ok=True)
    sizes = {"authorities.geojson": write_geojson(shapes[["code", "name", "geometry"]], out / "authorities.geojson"),
             "regions.geojson": write_geojson(region_shapes(shapes), out / "regions.geojson")}
    print(f"shapes from {'postcodes' if from_postcodes else ons_file} ({time.perf_counter() - t0:.1f} s)")
    if points:
        rows = write_points(out)
        sizes["authority_points.csv"] = (out / "authority_points.csv").stat().st_size
        print(f"authority_points.csv: {rows} rows ({time.perf_counter() - t0:.1f} s)")
    for name, size in sizes.items():
        print(f"{name}: {size:,} bytes")
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    parser.add_argument("--ons", type=Path, default=None,
                        help="ONS Counties and Unitary Authorities boundary file (default: found under "
                             "../shared/data/raw/ons-boundaries/)")
    parser.add_argument("--authorities", type=Path, default=ROOT / "data" / "authorities.csv",
                        help="data/authorities.csv: current codes, DfE names, regions")
    parser.add_argument("--no-points", action="store_true", help="do not rebuild authority_points.csv")
    parser.add_argument("--from-postcodes", action="store_true",
                        help="fallback: derive approximate shapes from postcode locations instead")
    args = parser.parse_args(argv)
    ons = args.ons or (None if args.from_postcodes else default_ons_file())
    try:
        build(args.out, ons, authorities_csv=args.authorities, points=not args.no_points,
              from_postcodes=args.from_postcodes)
    except BoundaryError as error:
        sys.exit(f"build_geometry: {error}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
