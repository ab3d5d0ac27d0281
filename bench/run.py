"""Run every benchmark, print the table and write ``bench/results.md``.

Usage (from the repository root)::

    python -m bench                 # full run, ~4 minutes on 2 cores
    python -m bench --quick         # tiny sizes, under a minute, no browser
    python bench/run.py --out /tmp/results.md --json /tmp/results.json

=====================  ======================================================
row key                what
=====================  ======================================================
model_cold             new process: imports, load_embedded, authority_measures
load_embedded          reading the embedded tables (warm)
model_warm             authority_measures for 2024, in-process (target ≤ 1 s)
model_all_years        measures_all_years (the app's detail panel needs it)
cli_export             python -m sufficiency export --year 2024 --out file
cli_export_ratio       the same cold export ÷ a bare import geopandas, pandas in the same run
placements_small/large python -m sufficiency placements: 2 rows (≤ 2 s, ≤ 400 MB), 100,000 rows (≤ 10 s)
profile_cli_html/pdf   python -m sufficiency profile --authority Stockport, HTML and PDF (< 5 s after the first)
profile_all_html       every authority's profile as HTML in-process (≤ 20 s); profile_pdf: one PDF
map_html, map_geojson  bytes of the England map page and of its GeoJSON (≤ 1.5 MB)
app_script_*           app.py run by AppTest (server side only): first run, rerun
app_*                  python -m ui.serve in Chromium: ready, first and later map, click to detail,
                       year and measure change, first scenario, server memory with one visitor
attr_<layer>_<i>       attribute_points against raw STRtree.query (≤ 1.5×)
attr_<layer>_growth    t(largest N) / t(middle N) / (size ratio): 1 = linear
geocode_*              postcode index build (one-off), cold 2-postcode process, geocode of N postcodes
allocation             optimal_allocation, national 2024
=====================  ======================================================
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import browser, geo_cases, model_cases, placement_cases, report, report_cases  # noqa: E402
from bench.timing import Result, skipped  # noqa: E402

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Plan:
    """Sizes and repeats of one run."""

    mode: str
    repeats: int  # for the fast in-process cases
    child_repeats: int  # for the cases that start a new Python process
    attribution_sizes: tuple[int, ...]
    grid_cell_m: float
    attribution_repeats: int  # at the smallest sizes (fewer for large ones, at least 3)
    geocode_n: int
    placements_n: int
    app_rounds: int  # cold server starts; 0 skips the browser
    app_clicks: int
    trace_slow: bool = True  # tracemalloc runs of the pandas-heavy cases (slow under tracing)


FULL = Plan("full", repeats=7, child_repeats=5, attribution_sizes=(10_000, 100_000, 1_000_000), grid_cell_m=2000.0,
            attribution_repeats=15, geocode_n=100_000, placements_n=100_000, app_rounds=3, app_clicks=4)
QUICK = Plan("quick", repeats=2, child_repeats=1, attribution_sizes=(1_000, 5_000, 20_000), grid_cell_m=10_000.0,
             attribution_repeats=3, geocode_n=2_000, placements_n=2_000, app_rounds=0, app_clicks=0,
             trace_slow=False)


# end-to-end rows a --quick run leaves out (each 3-6 s of new processes; the tests run the same paths)
PROFILE_CLI_ROWS = [("profile_cli_html", "CLI profile end to end, HTML (Stockport 2024)"),
                    ("profile_cli_pdf", "CLI profile end to end, PDF (Stockport 2024)")]
SCRIPT_ROWS = [("app_script_first", "App script, first run on the server (AppTest, no browser)"),
               ("app_script_rerun", "App script, rerun on the server (AppTest, no browser)")]


def _exports(repeats: int) -> list[Result]:
    """``cli_export`` and ``cli_export_ratio`` from one set of export runs."""
    export = model_cases.cli_export(repeats)
    return [export, placement_cases.cli_export_ratio(repeats, export)]


def cases(plan: Plan) -> list[tuple[str, Callable[[], Result | list[Result]]]]:
    """The benchmark cases of a plan, in the order they run (label, function)."""
    app: Callable[[], list[Result]]
    if plan.app_rounds:
        def app() -> list[Result]:
            return browser.app_benchmarks(plan.app_rounds, plan.app_clicks)
    else:
        def app() -> list[Result]:
            return skipped(browser.APP_ROWS, "--quick")
    return [
        ("national model, cold", lambda: model_cases.model_cold(plan.child_repeats)),
        ("national model, warm", lambda: model_cases.model_warm(plan.repeats, plan.trace_slow)),
        ("CLI export, and against bare imports", lambda: _exports(plan.child_repeats)),
        ("map payload", lambda: model_cases.map_payload(plan.repeats, plan.trace_slow)),
        ("optimal allocation", lambda: model_cases.allocation(plan.repeats)),
        ("point attribution", lambda: geo_cases.attribution(list(plan.attribution_sizes),
                                                            plan.attribution_repeats, plan.grid_cell_m)),
        ("postcode geocoding", lambda: geo_cases.geocoding(plan.geocode_n, max(1, plan.repeats // 2),
                                                                   plan.trace_slow)),
        ("placements CLI", lambda: placement_cases.placements(plan.child_repeats, plan.placements_n)),
        ("profile CLI", lambda: report_cases.profile_cli(plan.child_repeats, plan.mode == "quick")
         if plan.mode == "full" else skipped(PROFILE_CLI_ROWS, "--quick")),
        ("every authority's profile", lambda: report_cases.profile_all(plan.repeats, plan.mode == "quick")),
        ("app script (server side)", lambda: browser.script_runs(max(2, plan.repeats))
         if plan.mode == "full" else skipped(SCRIPT_ROWS, "--quick")),
        ("app in Chromium", app),
    ]


def run(plan: Plan, log=sys.stderr) -> tuple[list[Result], list[str]]:
    """Run every case; a case that fails gives one row saying so (and its error), the others still run."""
    results: list[Result] = []
    failures: list[str] = []
    for label, fn in cases(plan):
        start = time.perf_counter()
        print(f"[bench] {label} …", file=log, flush=True)
        try:
            out = fn()
        except Exception as exc:  # a benchmark must report, not stop the others
            traceback.print_exc(file=log)
            failures.append(f"{label}: {exc}")
            out = Result(label.replace(" ", "_"), label, "", math.nan, 0, note=f"failed: {exc}")
        results.extend(out if isinstance(out, list) else [out])
        print(f"[bench] {label}: {time.perf_counter() - start:.1f} s", file=log, flush=True)
    return results, failures


def main(argv: list[str] | None = None) -> None:
    """Command line entry point; exits 1 when a case failed."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run each, no browser (< 60 s)")
    parser.add_argument("--no-app", action="store_true", help="skip the Streamlit/Chromium part")
    parser.add_argument("--out", type=Path, help="Markdown file to write (default: bench/results.md; "
                        "a --quick run writes nothing unless given)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.no_app:
        plan = Plan(**{**plan.__dict__, "app_rounds": 0})
    info = report.machine()
    start = time.perf_counter()
    results, failures = run(plan)
    total = time.perf_counter() - start
    info["load average"] += f" at the start; {report.machine()['load average']} at the end"
    text = report.markdown(results, info, plan.mode, total)
    print(report.table(results))
    out = args.out or (None if args.quick else HERE / "results.md")
    if out:
        out.write_text(report.keep_sections(text, out), encoding="utf-8")  # the load test's section stays
        print(f"wrote {out}", file=sys.stderr)
    if args.json:
        args.json.write_text(report.to_json(results, info, plan.mode), encoding="utf-8")
    if failures:
        print("failed: " + "; ".join(failures), file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
