"""Build the project's authority and region geometry from the ONS Postcode Directory.

Writes (into ``--out``, default ``data/``):

- ``authorities.geojson``: the 153 current upper-tier authorities [code, name], EPSG:4326,
  coordinates rounded to 4 decimals (about 10 m).
- ``regions.geojson``: the nine English regions [region_code, region_name], EPSG:4326.
- ``authority_points.csv``: [code, easting, northing, postcodes], EPSG:27700 metres:
  each authority's postcode-density centroid snapped to its nearest own postcode.

Polygons are *derived* from postcode locations (see :mod:`geo.areas`): they follow real
boundaries to within a few hundred metres where people live and are approximate across
empty uplands. Deterministic: same inputs, same bytes. Run as
``python scripts/build_geometry.py --out data/``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import BNG, WGS84
from geo.areas import area_polygons, representative_points, simplify_coverage
from geo.postcodes import load_postcodes
from sufficiency.registry import lad_to_upper_tier

CELL_M = 250.0
KEEP_WITHIN_M = 1500.0
CLOSE_M = 2000.0
AUTHORITY_TOLERANCE_M = 300.0
REGION_TOLERANCE_M = 600.0
DECIMALS = 4


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> int:
    """Write a GeoDataFrame as compact GeoJSON in EPSG:4326, rounded; returns bytes written."""
    wgs = gdf.to_crs(WGS84)
    geoms = shapely.set_precision(wgs.geometry.values, 10**-DECIMALS, mode="pointwise")
    geoms = shapely.make_valid(geoms)
    features = []
    props = [c for c in wgs.columns if c != wgs.geometry.name]
    for rec, geom in zip(wgs[props].to_dict("records"), geoms, strict=True):
        features.append({
            "type": "Feature",
            "properties": {k: str(v) for k, v in rec.items()},
            "geometry": json.loads(shapely.to_geojson(geom)),
        })
    doc = {"type": "FeatureCollection", "features": features}
    text = json.dumps(doc, separators=(",", ":"))
    # to_geojson writes full floats; round again textually via a float hook
    text = json.dumps(json.loads(text, parse_float=lambda s: round(float(s), DECIMALS)),
                      separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    return len(text) + 1


def _names(out: Path) -> pd.DataFrame:
    """Current authorities' DfE names and regions, from data/authorities.csv."""
    table = pd.read_csv(out / "authorities.csv", dtype="string")
    current = table[table["current"] == "True"]
    return current[["code", "name", "region_code", "region"]].rename(columns={"region": "region_name"})


def build(out: Path) -> None:
    """Build and write the three files; prints timings and sizes."""
    t0 = time.perf_counter()
    pc = load_postcodes()
    lookup = lad_to_upper_tier()
    code = pc["lad_code"].astype(str).map(lookup)
    if code.isna().any():
        unknown = sorted(pc.loc[code.isna(), "lad_code"].astype(str).unique())
        sys.exit(f"districts with no authority in geo.lookup: {', '.join(unknown)}")
    e, n = pc["easting"].to_numpy(), pc["northing"].to_numpy()
    print(f"postcodes: {len(pc):,} ({time.perf_counter() - t0:.1f} s)")

    names = _names(out)
    areas = area_polygons(e, n, code.to_numpy(), cell_m=CELL_M, keep_within_m=KEEP_WITHIN_M,
                          close_m=CLOSE_M, tolerance_m=AUTHORITY_TOLERANCE_M)
    areas = areas.merge(names, on="code", how="left", validate="one_to_one")
    print(f"authority polygons: {len(areas)} ({time.perf_counter() - t0:.1f} s)")

    regions = areas.dissolve(by=["region_code", "region_name"], as_index=False, sort=True)
    regions = regions[["region_code", "region_name", "geometry"]]
    regions["geometry"] = simplify_coverage(regions.geometry.values, REGION_TOLERANCE_M)
    regions = gpd.GeoDataFrame(regions, geometry="geometry", crs=BNG)

    points = representative_points(e, n, code.to_numpy())

    out.mkdir(parents=True, exist_ok=True)
    size_a = write_geojson(areas[["code", "name", "geometry"]], out / "authorities.geojson")
    size_r = write_geojson(regions, out / "regions.geojson")
    points["easting"] = points["easting"].round().astype("int64")
    points["northing"] = points["northing"].round().astype("int64")
    points.to_csv(out / "authority_points.csv", index=False, lineterminator="\n")
    size_p = (out / "authority_points.csv").stat().st_size
    print(f"authorities.geojson: {size_a / 1024:.0f} KB, {len(areas)} features")
    print(f"regions.geojson: {size_r / 1024:.0f} KB, {len(regions)} features")
    print(f"authority_points.csv: {size_p / 1024:.1f} KB, {len(points)} rows")
    print(f"done in {time.perf_counter() - t0:.1f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    args = parser.parse_args(argv)
    build(args.out)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
