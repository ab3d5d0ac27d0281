"""Benchmarks of point attribution (10k to 1M points) and postcode geocoding.

Geocoding (:func:`geocoding`, each step in its own process, see
:mod:`bench.geocode_child`): the one-off build of the memory-mapped postcode index,
a new process that geocodes 2 postcodes (imports included) against a bare
``python -c "import pandas, numpy"`` in the same run, and N postcodes in one call.

Attribution: uniform random points (fixed seed) in the bounding box of England's
authority polygons (``data/authorities.geojson`` reprojected to EPSG:27700), timed
two ways against shapely's raw ``STRtree.query(points, predicate="within")`` on the
same points in the same run:

- *strict* (the target is judged on it): :meth:`geo.attribution.AreaIndex.attribute`
  with its default edge rule (within, then intersects for the points left) on
  shapely points, index built beforehand, against the raw query alone, tree built
  beforehand;
- *from x/y*: :func:`geo.attribution.attribute_points` (``predicate="within"``),
  which builds points and tree each call, against points+tree+query.

The second polygon set is a 2 km square grid over England (the squares that touch
an authority), about 35,000 small polygons.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.timing import Result, run_child, traced_peak_mb

REPO = Path(__file__).resolve().parent.parent
SEED = 20240331
ATTRIBUTION_TARGET = 1.5
BARE = "import pandas, numpy"  # the floor a new process geocoding postcodes is compared with
COLD_TARGET_S, COLD_TARGET_MB = 2.0, 400.0
LOOKUP_TARGET_S = 10.0


def authority_polygons():
    """England's children's services authorities in EPSG:27700, [code, geometry]."""
    import geopandas as gpd

    return gpd.read_file(REPO / "data" / "authorities.geojson", columns=["code"]).to_crs("EPSG:27700")


def grid_polygons(authorities, cell_m: float):
    """Square cells of ``cell_m`` metres over England's bounds that touch an authority."""
    import geopandas as gpd
    import shapely

    x0, y0, x1, y1 = authorities.total_bounds
    xs, ys = np.meshgrid(np.arange(x0, x1, cell_m), np.arange(y0, y1, cell_m))
    cells = shapely.box(xs.ravel(), ys.ravel(), xs.ravel() + cell_m, ys.ravel() + cell_m)
    tree = shapely.STRtree(np.asarray(authorities.geometry.array))
    touching = np.unique(tree.query(cells, predicate="intersects")[0])
    cells = cells[touching]
    codes = np.char.add("cell", np.arange(len(cells)).astype(str)).astype(object)
    return gpd.GeoDataFrame({"code": codes}, geometry=cells, crs="EPSG:27700")


def random_points(bounds: np.ndarray, n: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniform points (BNG metres) in the box ``bounds`` = (minx, miny, maxx, maxy)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(bounds[0], bounds[2], n), rng.uniform(bounds[1], bounds[3], n)


def _one_size(polygons, x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    """Median seconds of attribute_points (within, intersects) and the raw STRtree steps."""
    import shapely

    from geo.attribution import AreaIndex, attribute_points

    times: dict[str, list[float]] = {"within": [], "intersects": [], "build": [], "query": [], "index": []}
    geoms = np.asarray(polygons.geometry.array)
    codes = pairs = None
    index = AreaIndex.from_polygons(polygons)
    pts0 = shapely.points(x, y)
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        codes = index.attribute(pts0)  # same points as the raw query; index built once, like the tree
        times["index"].append(time.perf_counter() - start)
        start = time.perf_counter()
        attribute_points(x, y, polygons, predicate="within")
        times["within"].append(time.perf_counter() - start)
        start = time.perf_counter()
        attribute_points(x, y, polygons)
        times["intersects"].append(time.perf_counter() - start)
        start = time.perf_counter()
        pts = shapely.points(x, y)
        tree = shapely.STRtree(geoms)
        times["build"].append(time.perf_counter() - start)
        start = time.perf_counter()
        pairs = tree.query(pts, predicate="within")
        times["query"].append(time.perf_counter() - start)
        del pts, tree
    med = {k: statistics.median(v) for k, v in times.items()}
    med["raw_full"] = med["build"] + med["query"]
    med["attributed"] = int(np.count_nonzero(codes != None))  # noqa: E711 - elementwise on an object array
    med["raw_matched"] = len(np.unique(pairs[0]))
    return med


def _raw_peak(polygons, x, y) -> float:
    import shapely

    return traced_peak_mb(lambda: shapely.STRtree(np.asarray(polygons.geometry.array)).query(
        shapely.points(x, y), predicate="within"))


def repeats_for(n: int, most: int) -> int:
    """More runs for small, noisy sizes: ``most`` up to 10,000 points, then fewer (at least 3)."""
    return max(3, min(most, int(3e5 // max(n, 1)) + 3))


def attribution(sizes: list[int], most_repeats: int, cell_m: float = 2000.0) -> list[Result]:
    """Rows for each polygon set and size, and the growth from the middle to the largest size.

    ``sizes`` are numbers of points, smallest first (at least two); ``most_repeats``
    is the number of timed runs at the smallest sizes (fewer for large ones).
    """
    from geo.attribution import attribute_points

    authorities = authority_polygons()
    layers = {"authorities": authorities, "grid": grid_polygons(authorities, cell_m)}
    rows = []
    for layer, polygons in layers.items():
        label = (f"{len(polygons)} authorities" if layer == "authorities"
                 else f"{len(polygons):,} {cell_m / 1000:g} km squares")
        per_n = {}
        for i, n in enumerate(sizes, start=1):
            x, y = random_points(authorities.total_bounds, n)
            repeats = repeats_for(n, most_repeats)
            m = _one_size(polygons, x, y, repeats)
            per_n[n] = m
            strict, full = m["index"] / m["query"], m["within"] / m["raw_full"]
            peak = traced_peak_mb(lambda x=x, y=y, p=polygons: attribute_points(x, y, p, predicate="within"))
            rows.append(Result(
                f"attr_{layer}_{i}", f"AreaIndex.attribute → {label}", f"{n:,} points", m["index"], repeats, peak,
                measure=(f"{strict:.2f}× raw within-query ({m['query']:.3f} s); from x/y with "
                         f"attribute_points {full:.2f}× points+tree+query ({m['raw_full']:.3f} s); "
                         f"one-pass intersects {m['intersects']:.3f} s; "
                         f"{m['attributed'] / n:.1%} in a polygon"),
                target="≤ 1.5× raw", met=strict <= ATTRIBUTION_TARGET,
                note=f"raw query traced peak {_raw_peak(polygons, x, y):.1f} MB (GEOS memory not traced)",
                values={"ratio_query": strict, "ratio_full": full, "raw_query_s": m["query"],
                        "raw_full_s": m["raw_full"], "intersects_s": m["intersects"],
                        "same_count": m["attributed"] == m["raw_matched"]}))
        big, mid = sizes[-1], sizes[-2]
        scale = big / mid
        growth = per_n[big]["index"] / per_n[mid]["index"] / scale
        raw_growth = per_n[big]["query"] / per_n[mid]["query"] / scale
        rows.append(Result(
            f"attr_{layer}_growth", f"Growth with N → {label}: t({big:,})/t({mid:,})/{scale:g}",
            f"{mid:,} → {big:,}", per_n[big]["index"], repeats_for(big, most_repeats), float("nan"),
            measure=f"{growth:.2f} (raw query {raw_growth:.2f}); µs per point {1e6 * per_n[mid]['index'] / mid:.2f}"
                    f" → {1e6 * per_n[big]['within'] / big:.2f}",
            target="≈ 1 (linear)", met=growth <= 1.25, values={"growth": growth, "raw_growth": raw_growth}))
    return rows


def _geocode_child(mode: str, cache: str, *args: str, timeout_s: float = 300) -> tuple[float, float, dict]:
    """Run one :mod:`bench.geocode_child` mode; (wall seconds, peak RSS MB, its JSON)."""
    wall, rss, stdout = run_child([sys.executable, "-m", "bench.geocode_child", mode, cache, *args], str(REPO),
                                  timeout_s=timeout_s)
    return wall, rss, json.loads(stdout.strip().splitlines()[-1])


def _index_build(cache: str, fresh: bool) -> Result:
    """The one-off index build: timed now in a new process (``fresh``), else as recorded in meta.json."""
    from geo import postcodes

    if fresh:
        wall, rss, meta = _geocode_child("build", cache)
        how = f"built now into an empty cache folder; {wall:.1f} s wall for the whole child (imports included)"
    else:
        folder = postcodes.build_index(postcodes.index_folder(), quiet=True)  # no-op when built
        meta = {**postcodes.read_meta(folder), "bytes": sum(f.stat().st_size for f in folder.iterdir())}
        rss = meta["build_peak_rss_mb"] if meta["build_peak_rss_mb"] is not None else float("nan")
        how = (f"as recorded when the cached index was built ({meta['built_at']}; peak RSS of the process that "
               "built it); not rebuilt (--quick)")
    return Result("geocode_build", "Postcodes: one-off index build (ONS directory → .npy, letter by letter)",
                  f"{meta['postcodes']:,} postcodes", meta["build_seconds"], 1, rss, "RSS",
                  measure=(f"{meta['bytes'] / 1e6:.1f} MB on disk; {meta['sectors']:,} sectors, "
                           f"{meta['outward_codes']:,} postcode districts, {meta['lad_codes']} LA districts"),
                  note=how, values={"bytes": meta["bytes"], "fresh": fresh})


def _cold(cache: str, repeats: int) -> Result:
    """New process geocoding 2 postcodes, against a bare ``import pandas, numpy`` in the same run (interleaved)."""
    runs: dict[str, list[tuple[float, float]]] = {"cold": [], "bare": []}
    inner = None
    for _ in range(max(1, repeats)):
        wall, rss, inner = _geocode_child("cold", cache, timeout_s=120)
        runs["cold"].append((wall, rss))
        runs["bare"].append(run_child([sys.executable, "-c", BARE], str(REPO), timeout_s=120)[:2])
    cold_s, bare_s = (statistics.median(w for w, _ in runs[k]) for k in ("cold", "bare"))
    cold_mb, bare_mb = (max(m for _, m in runs[k]) for k in ("cold", "bare"))
    return Result("geocode_cold", "Postcodes: new process geocodes 2 postcodes (imports included)", "2 postcodes",
                  cold_s, len(runs["cold"]), cold_mb, "RSS",
                  measure=(f"{cold_s / bare_s:.2f}× the time and {cold_mb / bare_mb:.2f}× the RSS of a bare "
                           f"python -c \"{BARE}\" ({bare_s:.2f} s, {bare_mb:.0f} MB); in the child: imports "
                           f"{inner['import_s']:.2f} s, geocode {inner['geocode_s']:.3f} s"),
                  target="≤ 2 s, ≤ 400 MB", met=cold_s <= COLD_TARGET_S and cold_mb <= COLD_TARGET_MB,
                  note="index already built; wall time of the whole child process",
                  values={"ratio_time": cold_s / bare_s, "ratio_rss": cold_mb / bare_mb, "bare_s": bare_s,
                          "bare_mb": bare_mb, "geocode_s": inner["geocode_s"], "import_s": inner["import_s"]})


def geocoding(n: int, repeats: int, trace: bool = True, fresh_build: bool | None = None) -> list[Result]:
    """Index build, a new process geocoding 2 postcodes, and ``n`` postcodes geocoded in one call.

    ``fresh_build`` (default: the same as ``trace``, so full runs rebuild and
    ``--quick`` does not) times a new build into a temporary cache folder and runs
    the other cases on it; otherwise the cached index is used (built if missing) and
    its recorded build figures are reported.
    """
    from geo import postcodes

    fresh = trace if fresh_build is None else fresh_build
    with tempfile.TemporaryDirectory(prefix="bench-postcodes-") as tmp:
        cache = tmp if fresh else str(postcodes.cache_dir())
        rows = [_index_build(cache, fresh), _cold(cache, repeats)]
        _, _, f = _geocode_child("lookup", cache, str(n), str(repeats), *([] if trace else ["--no-trace"]))
    rows.append(Result(
        "geocode_lookup", "Postcodes: geocode (one call, index already open)", f"{n:,} postcodes", f["lookup_s"],
        repeats, float("nan") if f["lookup_traced"] is None else f["lookup_traced"],
        measure=(f"{f['exact']:.1%} matched exactly; {1e6 * f['lookup_s'] / n:.1f} µs per postcode; "
                 f"100 postcodes take {f['fixed_s']:.3f} s; first call {f['first_call_s']:.2f} s"),
        target="≤ 10 s for 100,000" if n >= 100_000 else "", met=f["lookup_s"] <= LOOKUP_TARGET_S if n >= 100_000
        else None,
        note="two thirds in messy formatting; memory: " + ("traced peak of one call" if trace else
                                                          "not traced (--quick)"),
        values={"exact_share": f["exact"], "fixed_s": f["fixed_s"], "first_call_s": f["first_call_s"]}))
    return rows
