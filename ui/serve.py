"""Start the app with its caches warm: ``python -m ui.serve [streamlit options]``.

Streamlit runs ``app.py`` for each visitor and has no start-up hook, so the first visitor
would pay for the imports, the embedded data, the default year's model and shapes, the
fixed colour classes and every year's trends. This launcher does that work once, in the
server's own process, *before* the server listens, then runs ``streamlit run app.py`` in
the same process: the process-wide caches of :mod:`ui.cached` (``st.cache_resource``)
are already filled when the first page arrives.

The folium map's Streamlit component is not imported here: a component registers its
files with the server only when first imported inside a page's run.

After the server is up, a background thread (lowest CPU priority) warms what a visitor
asks for next: every other year's view and shapes, the fixed classes of every measure,
and the default year's scenario base. It works only while no page is being computed
(:mod:`ui.activity`: no page computed or loading), one piece at a time, so it never slows a
visitor down. What was warmed is then frozen out of the garbage collector's full passes
(:func:`_freeze_what_is_warm`). Nothing here is specific to one visitor, and every
cache is keyed by the data's content key, so warming never mixes datasets.

Any ``streamlit run`` option may follow (``--server.port 8502``); ``--no-warm`` starts
without warming (for measuring the difference).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"
DEFAULT_MEASURE = "local_bed_gap"
DEFAULT_SCHEME, DEFAULT_K = "Quantiles", 6
QUIET_S = 1.5  # seconds with no page computed before the background warming does a piece
FIRST_VISIT_WAIT_S = 20.0  # the background warming starts after the first page, or this long after start


def _log(message: str) -> None:
    print(f"[warm] {message}", file=sys.stderr, flush=True)


def warm_first_visit() -> float:
    """What every first page needs: imports, data, the default year's view, shapes, classes, trends, a map.

    Returns the seconds it took.
    """
    start = time.perf_counter()
    from sufficiency import service
    from ui import cached, leaflet_offline
    from ui import map as umap

    leaflet_offline.install_leaflet()
    ds = service.embedded()
    cats = service.CATEGORIES_DEFAULT
    view, shapes, points = _warm_year(ds, service.default_year(ds), cats)
    breaks, note = cached.fixed_breaks(ds.key, DEFAULT_MEASURE, cats, DEFAULT_SCHEME, DEFAULT_K, ds)
    cached.all_years(ds.key, cats, ds)
    cached.zoom_places(ds.key, ds)
    fmap = umap.choropleth_map(shapes, view.measures, DEFAULT_MEASURE, service.MEASURES[DEFAULT_MEASURE],
                               scheme=DEFAULT_SCHEME, k=DEFAULT_K, regions=ds.regions, points=points,
                               breaks=breaks, fixed_note=note)
    umap.map_html(fmap)  # folium's templates compiled once
    _import_the_page_modules()
    _freeze_what_is_warm()
    seconds = time.perf_counter() - start
    _log(f"first visit ready in {seconds:.1f} s")
    return seconds


def _year_pieces(ds, year: int, categories: tuple[str, ...]) -> list[Callable[[], object]]:
    """The pieces of warming one year, in order, each a call of one cache (the longest, the year's
    model, about 0.2 s; a whole year was 0.3–0.6 s), so a visitor who arrives while one runs waits
    little: the view, its shapes (geographic and hex), tiny authorities and the per-year parts of
    every authority's benchmarks (a first click)."""
    from ui import cached

    def view():
        return cached.year_view(ds.key, year, categories, ds)

    return [view, *(lambda f=f: f(view().key, ds, view()) for f in (
        cached.year_shapes, cached.hex_shapes, cached.tiny_codes, cached.regional_summary,
        cached.year_benchmark_rows))]


def _warm_year(ds, year: int, categories: tuple[str, ...]) -> tuple:
    """Every piece of one year (:func:`_year_pieces`) at once; returns (view, shapes, points)."""
    from ui import cached

    for work in _year_pieces(ds, year, categories):
        work()
    view = cached.year_view(ds.key, year, categories, ds)
    shapes, points = cached.year_shapes(view.key, ds, view)
    return view, shapes, points


def _import_the_page_modules() -> None:
    """The page's own modules and their libraries (altair, folium.plugins: 0.3 s on a first run).

    Not ``streamlit_folium`` or the panels that import it: a component registers with the
    server only when first imported inside a page's run (``declare_component``).
    """
    import altair  # noqa: F401
    import folium.plugins  # noqa: F401

    from ui.panels import compare_tab, detail, regions_tab, shortfall_tab, sidebar  # noqa: F401


def _freeze_what_is_warm() -> None:
    """Move every object made so far out of the garbage collector's sight (``gc.freeze``).

    Streamlit runs a full ``gc.collect()`` after every script run (``runner.postScriptGC``);
    with the warm data, shapes and modules in view that took 75–160 ms of every click.
    What is frozen lives as long as the server (the process-wide caches); objects made
    later (each visitor's session) are still collected as before.
    """
    import gc

    gc.collect()
    gc.freeze()


def warm_the_rest() -> None:
    """Every other year, every measure's fixed classes and the default scenario base (background, low priority)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # this thread only (Linux)
    except (AttributeError, OSError):
        pass
    from sufficiency import service
    from ui import activity, cached

    start = time.perf_counter()
    ds = service.embedded()
    cats = service.CATEGORIES_DEFAULT

    def piece(work) -> None:  # each piece waits for a quiet moment (no page computed or loading for QUIET_S)
        activity.wait_until_quiet(QUIET_S)
        work()

    activity.wait_for_a_first_page(FIRST_VISIT_WAIT_S)  # a first visitor's page load comes first
    for y in sorted(service.years(ds), reverse=True):
        for work in _year_pieces(ds, y, cats):
            piece(work)
    for measure in service.MEASURES:
        piece(lambda m=measure: cached.fixed_breaks(ds.key, m, cats, DEFAULT_SCHEME, DEFAULT_K, ds))
    view = cached.year_view(ds.key, service.default_year(ds), cats, ds)
    piece(lambda: service.run_scenario(ds, view, []))  # solves and keeps the default year's base problem
    piece(_freeze_what_is_warm)  # the years just warmed, too (once: a visitor's session frozen now is never freed)
    _log(f"every year and measure warm {time.perf_counter() - start:.1f} s after the server started")


def options_to_environment(args: list[str]) -> list[str]:
    """Move ``--section.option value`` flags into ``STREAMLIT_SECTION_OPTION`` variables (Streamlit's own
    way of setting options), so the configuration is the same when warming and when serving.

    Returns the arguments left (anything that is not such a flag).
    """
    rest, i = [], 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--") and "." in arg.split("=")[0]:
            name, _, value = arg[2:].partition("=")
            if not _:
                i += 1
                value = args[i] if i < len(args) else ""
            os.environ["STREAMLIT_" + name.replace(".", "_").replace("-", "_").upper()] = value
        else:
            rest.append(arg)
        i += 1
    return rest


def _expected_outside_a_page(record) -> bool:
    message = record.getMessage()
    return not ("missing ScriptRunContext" in message or "No runtime found" in message
                or "[server] config option section was detected" in message)


def _quiet() -> None:
    """Warming runs outside any page, before the server: Streamlit's notices about that are expected
    (no script context, no runtime yet, options read again with the command line's flags)."""
    import logging

    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context",
                 "streamlit.runtime.caching.cache_data_api", "streamlit.config"):
        logging.getLogger(name).addFilter(_expected_outside_a_page)


def main(argv: list[str] | None = None) -> None:
    """Warm, then run ``streamlit run app.py`` with the given options in this process."""
    args = list(sys.argv[1:] if argv is None else argv)
    warm = "--no-warm" not in args
    args = options_to_environment([a for a in args if a != "--no-warm"])
    _quiet()
    if warm:
        warm_first_visit()
        threading.Thread(target=warm_the_rest, name="warm-the-rest", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *args]
    cli.main()


if __name__ == "__main__":
    main()
