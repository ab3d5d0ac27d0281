"""Benchmarks of the national model, the CLI export, the map payload and the allocation.

All on the embedded data in ``data/`` (153 children's services authorities).
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from pathlib import Path

from bench.timing import Result, child_median, median_time, traced_peak_mb

REPO = Path(__file__).resolve().parent.parent
YEAR = 2024
COLD_MODEL = ("from sufficiency.dataset import load_embedded; from sufficiency.model.measures import authority_measures; "
              f"authority_measures(load_embedded(geometry=False), {YEAR})")
MODEL_TARGET_S = 1.0
PAYLOAD_TARGET_BYTES = 1_500_000


def model_cold(repeats: int) -> Result:
    """New Python process: imports, reading ``data/`` and the model for one year."""
    seconds, rss, runs = child_median([sys.executable, "-c", COLD_MODEL], str(REPO), repeats)
    return Result("model_cold", f"National model, cold (new process incl. imports), {YEAR}", "153 authorities",
                  seconds, runs, rss, "RSS", note="python -c: imports + load_embedded + "
                  "authority_measures")


def model_warm(repeats: int, trace_slow: bool = True) -> list[Result]:
    """``authority_measures`` in-process on already loaded data; and ``measures_all_years``.

    ``trace_slow=False`` skips the tracemalloc run of ``measures_all_years`` (slow under tracing).
    """
    from sufficiency.dataset import load_embedded
    from sufficiency.model.measures import authority_measures, measures_all_years

    ds = load_embedded(geometry=False)
    seconds, _, table = median_time(lambda: authority_measures(ds, YEAR), repeats, warmup=1)
    peak = traced_peak_mb(lambda: authority_measures(ds, YEAR))
    warm = Result("model_warm", f"National model, warm (authority_measures, {YEAR})", f"{len(table)} authorities",
                  seconds, repeats, peak, target="≤ 1 s", met=seconds <= MODEL_TARGET_S)
    load_s, _, _ = median_time(lambda: load_embedded(geometry=False), repeats)
    load = Result("load_embedded", "Read embedded tables (load_embedded, no geometry)", "data/*.csv",
                  load_s, repeats, traced_peak_mb(lambda: load_embedded(geometry=False)))
    years_repeats = max(1, repeats // 3)
    all_s, _, stacked = median_time(lambda: measures_all_years(ds), years_repeats)
    n_years = stacked["year"].nunique()
    peak = traced_peak_mb(lambda: measures_all_years(ds)) if trace_slow else float("nan")
    every = Result("model_all_years", "All years (measures_all_years; first click in the app)",
                   f"{n_years} years × 153", all_s, years_repeats, peak, measure=f"{all_s / n_years:.3f} s per year",
                   note="" if trace_slow else "memory not traced (--quick)")
    return [load, warm, every]


def cli_export(repeats: int) -> Result:
    """``python -m sufficiency export --year 2024 --out file.csv`` end to end."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "shortfall.csv"
        cmd = [sys.executable, "-m", "sufficiency", "export", "--year", str(YEAR), "--out", str(out)]
        seconds, rss, runs = child_median(cmd, str(REPO), repeats)
        rows = out.read_bytes().count(b"\n") - 1
    return Result("cli_export", f"CLI export end to end (python -m sufficiency export --year {YEAR})",
                  f"{rows} rows", seconds, runs, rss, "RSS", measure=f"{rows} rows written")


def _app_map():
    """The England map as app.py draws it on first load (default widgets)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from sufficiency.dataset import load_embedded
    from sufficiency.model.measures import MEASURES, authority_measures
    from ui import classes as uclasses
    from ui import map as umap

    ds = load_embedded()
    measures = authority_measures(ds, YEAR)
    measure = "local_bed_gap"
    palette = next(iter(uclasses.DIVERGING if MEASURES[measure]["diverging"] else uclasses.SEQUENTIAL))

    def build():
        return umap.choropleth_map(ds.boundaries, measures, measure, MEASURES[measure], scheme="Quantiles", k=6,
                                   palette=palette, regions=ds.regions, points=ds.points, show_symbols=False,
                                   tiles=False)

    return build


def map_payload(repeats: int, trace: bool = True) -> list[Result]:
    """Bytes of the map HTML (folium render) and of its GeoJSON layers; build and render time.

    ``trace=False`` (``--quick``) skips the tracemalloc run of build + render."""
    import folium

    build = _app_map()
    build_s, _, fmap = median_time(build, repeats, warmup=1)
    render_s, _, page = median_time(lambda: fmap.get_root().render(), repeats)
    html_bytes = len(page.encode())
    def geojson_in(element) -> list:  # the GeoJSON layers, also those inside the data FeatureGroup
        found = []
        for child in element._children.values():
            found += [child] if isinstance(child, folium.GeoJson) else geojson_in(child)
        return found

    layers = geojson_in(fmap)
    geo = {c.layer_name: len(json.dumps(c.data).encode()) for c in layers}
    geo_total = sum(geo.values())
    ok = html_bytes <= PAYLOAD_TARGET_BYTES
    html_row = Result("map_html", "Map payload: HTML (choropleth_map + render, as app.py)", "153 authorities",
                      build_s + render_s, repeats,
                      traced_peak_mb(lambda: build().get_root().render()) if trace else float("nan"),
                      measure=f"{html_bytes:,} bytes ({len(gzip.compress(page.encode())):,} gzipped)",
                      target="≤ 1.5 MB", met=ok, values={"bytes": html_bytes},
                      note=f"build {build_s:.3f} s + render {render_s:.3f} s")
    parts = ", ".join(f"{k} {v:,}" for k, v in geo.items())
    geo_row = Result("map_geojson", "Map payload: GeoJSON layers in it", f"{len(layers)} layers", render_s,
                     repeats, float("nan"), measure=f"{geo_total:,} bytes ({parts})", target="≤ 1.5 MB",
                     met=geo_total <= PAYLOAD_TARGET_BYTES, values={"bytes": geo_total},
                     note="time column: render only")
    return [html_row, geo_row]


def allocation(repeats: int) -> Result:
    """``optimal_allocation`` on 2024 measures with the authorities' representative points."""
    from sufficiency.dataset import load_embedded
    from sufficiency.distances.allocation import optimal_allocation
    from sufficiency.model.measures import authority_measures

    ds = load_embedded(geometry=False)
    table = authority_measures(ds, YEAR)[["code", "places", "children_in_homes"]].merge(
        ds.points[["code", "easting", "northing"]], on="code", how="inner")
    seconds, _, (flows, summary) = median_time(lambda: optimal_allocation(table), repeats, warmup=1)
    peak = traced_peak_mb(lambda: optimal_allocation(table))
    placed = int(summary["allocated"].sum())
    return Result("allocation", f"Optimal allocation (HiGHS LP), national {YEAR}", f"{len(table)}×{len(table)}",
                  seconds, repeats, peak, measure=f"{placed:,} children allocated, {len(flows)} flows",
                  values={"allocated": placed, "flows": len(flows)})
