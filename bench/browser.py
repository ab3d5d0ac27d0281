"""The Streamlit app in headless Chromium: server start, first map, click to detail.

Each cold round starts ``streamlit run app.py`` on a free port and measures

1. start -> ready: from launching the process to ``/_stcore/health`` answering 200;
2. ready -> first map: a new page opens the app and waits until every authority is
   drawn (``path.leaflet-interactive`` inside the folium iframe, one per authority).
   This is the first visitor: the server runs the script for the first time (its
   imports, the embedded data, the model, the map);
3. later visitor: another page (new browser context) on the same server;
4. click -> detail: click one authority's hexagon, until the detail panel's heading
   (the authority's name) is in the page; timed on the hex view, where every authority
   stays in view. The first click is reported apart;
5. year change and measure change -> new map: pick another year (then another
   measure) in the sidebar and wait until every shape is drawn with its new colours;
6. first scenario: open places in an authority on the Distances tab and wait for the
   before/after table.

The first map and the clicks are timed by the page itself (:data:`PAGE_MARKS`: from the
navigation's start, or the click event's time stamp, to the moment the shapes or the
heading are in the document), so Playwright's polling is not counted. The server is started the way the README's run command starts it (``python -m ui.serve``:
caches warmed before it listens). Its peak RSS is its ``VmHWM`` after the first visitor
(one visitor) and just before it is stopped (the whole round). Chromium (a grandchild,
started by Playwright's driver) is not counted.
"""

from __future__ import annotations

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.timing import Result, run_child, skipped, vm_hwm_mb, wait_with_rusage

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SHAPES = "path.leaflet-interactive"
# Large, compact authorities: the centre of each one's box lies inside it, so a click there hits it.
CLICKS = {"E10000016": "Kent", "E08000035": "Leeds", "E10000020": "Norfolk", "E08000025": "Birmingham",
          "E10000034": "Worcestershire", "E06000052": "Cornwall"}
FIRST_MAP_TARGET_S, LATER_MAP_TARGET_S, CLICK_TARGET_S, CHANGE_TARGET_S, SCENARIO_TARGET_S = 2.0, 1.5, 0.5, 1.0, 2.0
ONE_VISITOR_TARGET_MB = 500.0
POLL_S = 0.02
OFF_THE_MACHINE = re.compile(r"^(?!http://127\.0\.0\.1[:/]|data:|blob:|about:)")
MEASURE_LABEL = "Children in homes placed outside the authority"
TIMEOUT_S = 90.0
# Timed in the page, not by polling from Python (Playwright's waits poll, and each poll is a
# round trip: they added 0.05-0.45 s to a click measured that way). Added to the page before
# its own scripts: at every animation frame (~16 ms, as the page is drawn) the top window
# notes the first moment (epoch ms) the page holds its title, the map frame, every shape in
# that frame, or the heading asked for; and the time stamp of each click in the map frame.
# (Looked for from the top: a frame's first, blank document is replaced, and what a script
# set up in it stops with it.)
PAGE_MARKS = """(() => {
  if (window !== window.top) return;
  const marks = window.__benchMarks = {};
  const now = () => performance.timeOrigin + performance.now();
  // an event's time stamp counts from its own frame's time origin
  const onClick = e => { marks.click = e.target.ownerDocument.defaultView.performance.timeOrigin + e.timeStamp; };
  const check = () => {
    if (!marks.title && document.querySelector("h1")) marks.title = now();
    const frame = document.querySelector(%(frame)s);
    const inside = frame && frame.contentDocument;
    if (frame && !marks.frame) marks.frame = now();
    if (inside && !inside.__benchHooked) {
      inside.__benchHooked = true;
      inside.addEventListener("click", onClick, true);
    }
    if (inside && !marks.map && inside.querySelectorAll(%(shapes)s).length >= %(n)d) marks.map = now();
    const want = window.__benchHeading;
    if (want && !marks.heading) for (const h of document.querySelectorAll("h2")) {
      if (h.textContent.trim() === want) { marks.heading = now(); break; }
    }
  };
  const everyFrame = () => { check(); requestAnimationFrame(everyFrame); };
  requestAnimationFrame(everyFrame);
})();"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def _start_server(app: Path | None = None) -> tuple[subprocess.Popen, str, float, object]:
    """Launch the app as the README does (or ``streamlit run app``, from the app's folder);
    return (process, url, seconds to healthy, log file)."""
    port = _free_port()
    where = ["--server.port", str(port), "--server.address", "127.0.0.1"]
    cmd = [sys.executable, "-m", "ui.serve", *where] if app is None else [
        sys.executable, "-m", "streamlit", "run", str(app), *where, "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _stop_server
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO if app is None else app.parent, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    while not _healthy(url):
        if proc.poll() is not None or time.perf_counter() - start > TIMEOUT_S:
            proc.kill()
            log.seek(0)
            raise RuntimeError(f"streamlit did not become healthy: {log.read().decode(errors='replace')[-2000:]}")
        time.sleep(POLL_S)
    return proc, url, time.perf_counter() - start, log


def _stop_server(proc: subprocess.Popen, log) -> float:
    """Stop the server; return its peak RSS in MB (its VmHWM just before it is stopped)."""
    rss = vm_hwm_mb(proc.pid)
    proc.terminate()
    try:
        wait_with_rusage(proc, 15)
    except TimeoutError:
        pass
    log.close()
    return rss


def _page(browser, n_shapes: int = 0):
    """A new context (no cache, no cookies) and page; with ``n_shapes``, the page notes its own times
    (:data:`PAGE_MARKS`)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    if n_shapes:
        context.add_init_script(PAGE_MARKS % {"frame": json.dumps(MAP_FRAME), "shapes": json.dumps(SHAPES),
                                              "n": n_shapes})
    # only the app itself: nothing may wait on the internet. Only other addresses are routed:
    # a routed request waits for this Python process to answer it, which a visitor's would not.
    context.route(OFF_THE_MACHINE, lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_S * 1000)
    return context, page


def _marks(page) -> dict[str, float]:
    return page.evaluate("() => window.__benchMarks || {}")


def _wait_for_mark(page, name: str, what: str) -> dict[str, float]:
    """The page's marks once ``name`` is among them (waited for in the page, not polled from here)."""
    try:
        page.wait_for_function(f"() => window.__benchMarks && {json.dumps(name)} in window.__benchMarks",
                               polling=POLL_S * 1000, timeout=TIMEOUT_S * 1000)
    except Exception as exc:  # playwright's TimeoutError
        raise TimeoutError(f"{what} did not happen in {TIMEOUT_S:.0f} s") from exc
    return _marks(page)


def _first_map(page, url: str, n_shapes: int) -> tuple[float, float, float]:
    """Seconds from the navigation's start to: every shape drawn, the page title (the script is
    running), the map iframe — as the page itself saw them (:data:`PAGE_MARKS`)."""
    page.goto(url)
    marks = _wait_for_mark(page, "map", f"drawing {n_shapes} shapes")
    origin = page.evaluate("() => performance.timeOrigin")  # the navigation's start, epoch ms
    return tuple((marks.get(m, float("nan")) - origin) / 1000 for m in ("map", "title", "frame"))


def _settle(page, code: str) -> None:
    """Wait until the map stops moving (fitBounds, layout) so a click lands where aimed."""
    shape, before = page.frame_locator(MAP_FRAME).locator(f"path.la-{code}"), None
    for _ in range(40):
        page.wait_for_timeout(150)
        now = shape.bounding_box()
        if now is not None and now == before:
            return
        before = now


def _click_detail(page, code: str, name: str) -> float:
    """Seconds from clicking ``code``'s hexagon to its detail heading.

    Clicks are timed on the hex view, where every authority stays in view: the geographic
    map zooms to the authority chosen, so the next one may be off screen."""
    shape = page.frame_locator(MAP_FRAME).locator(f"path.la-{code}")
    page.evaluate("(name) => { const m = window.__benchMarks; delete m.click; delete m.heading; "
                  "window.__benchHeading = name; }", name)
    shape.click()
    marks = _wait_for_mark(page, "heading", f"the heading {name!r} after a click")
    _settle(page, code)
    return (marks["heading"] - marks["click"]) / 1000


def _to_hex(page, url: str, n_shapes: int) -> None:
    """Open the hex view (untimed) and wait until it has drawn."""
    page.goto(url + "/?view=hex")
    shapes = page.frame_locator(MAP_FRAME).locator(SHAPES)
    deadline = time.perf_counter() + TIMEOUT_S
    while shapes.count() < n_shapes and time.perf_counter() < deadline:
        time.sleep(POLL_S)


def _fills(page) -> list[str]:
    return page.frame_locator(MAP_FRAME).locator(SHAPES).evaluate_all("els => els.map(e => e.getAttribute('fill'))")


def _change(page, label: str, option: str, n_shapes: int) -> float:
    """Seconds from choosing ``option`` in the sidebar select ``label`` to every shape redrawn in new colours."""
    before = _fills(page)
    box = page.locator('[data-testid="stSidebar"]').get_by_label(label, exact=True).first
    box.click()
    start = time.perf_counter()
    page.get_by_role("option", name=option, exact=True).click()
    while True:
        now = _fills(page)
        if len(now) >= n_shapes and now != before:
            return time.perf_counter() - start
        if time.perf_counter() - start > TIMEOUT_S:
            raise TimeoutError(f"the map did not redraw after choosing {option!r}")
        time.sleep(POLL_S)


def fill_scenario(page, authority: str, places: int) -> None:
    """On the "Distances and scenarios" tab, choose ``authority`` (by name, as typed) and the
    places to open (negative: close), ready for "Add to the scenario"."""
    page.get_by_role("tab", name="Distances and scenarios").click()
    page.get_by_label("Authority", exact=True).click()
    page.keyboard.type(authority)
    page.keyboard.press("Enter")
    box = page.get_by_label("Places (+ open, − close)")
    box.fill(str(places))
    box.press("Enter")


def _first_scenario(page) -> float:
    """Seconds from 'Add to the scenario' (open 20 places in Bradford) to the before/after table."""
    fill_scenario(page, "Bradford", 20)
    page.wait_for_timeout(500)
    start = time.perf_counter()
    page.get_by_role("button", name="Add to the scenario").click()
    page.get_by_role("button", name="Download the scenario table (CSV)").wait_for(timeout=TIMEOUT_S * 1000)
    return time.perf_counter() - start


FLOOR_APP = 'import streamlit as st\n\nst.title("An empty page")\n'


def _floor(browser, visits: int) -> list[float]:
    """Seconds from the navigation's start to the title of an empty Streamlit page (``st.title``
    only), each in a new context: what Streamlit's own page costs this machine, before any app."""
    with tempfile.TemporaryDirectory() as folder:
        app = Path(folder) / "empty_page.py"
        app.write_text(FLOOR_APP, encoding="utf-8")
        proc, url, _, log = _start_server(app)
        try:
            seconds = []
            for _ in range(visits):
                context, page = _page(browser, n_shapes=1)
                page.goto(url)
                marks = _wait_for_mark(page, "title", "the empty page's title")
                seconds.append((marks["title"] - page.evaluate("() => performance.timeOrigin")) / 1000)
                context.close()
            return seconds
        finally:
            _stop_server(proc, log)


def _n_shapes() -> int:
    import geopandas as gpd

    return len(gpd.read_file(REPO / "data" / "authorities.geojson", columns=["code"]))


def script_runs(repeats: int) -> list[Result]:
    """The app script's first run and reruns on the server side (AppTest, own process)."""
    wall, rss, stdout = run_child([sys.executable, "-m", "bench.script_child", str(repeats)], str(REPO), 300)
    f = json.loads(stdout.strip().splitlines()[-1])
    if f["exceptions"]:
        raise RuntimeError(f"app.py raised: {f['exceptions'][0]}")
    return [Result("app_script_first", "App script, first run on the server (AppTest, no browser)", "app.py",
                   f["first_s"], 1, rss, "RSS", note="imports, embedded data with geometry, model, map"),
            Result("app_script_rerun", "App script, rerun on the server (AppTest, no browser)", "app.py",
                   f["rerun_s"], f["runs"], rss, "RSS", note="what a widget change or a click costs the server")]


APP_ROWS = [("app_start", "App: streamlit run -> server ready"),
            ("app_first_map", "App: ready -> first map drawn (first visitor)"),
            ("app_later_map", "App: page load -> map drawn (later visitor)"),
            ("app_first_click", "App: first click -> detail panel"),
            ("app_click", "App: click -> detail panel (later clicks)"),
            ("app_year_change", "App: year change -> new map"),
            ("app_measure_change", "App: measure change -> new map"),
            ("app_first_scenario", "App: first scenario -> before/after table"),
            ("app_one_visitor_rss", "App: server peak memory with one visitor"),
            ("app_floor", "App floor: an empty Streamlit page (st.title only) -> title")]


def app_benchmarks(rounds: int, clicks: int) -> list[Result]:
    """Run ``rounds`` cold server starts; in each, a first and a later visitor and ``clicks`` clicks."""
    if not CHROMIUM.exists():
        return skipped(APP_ROWS, f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return skipped(APP_ROWS, "the playwright package is not installed")
    n_shapes = _n_shapes()
    start_s, first_s, later_s, first_click, later_click, rss = [], [], [], [], [], []
    year_s, measure_s, scenario_s, one_visitor = [], [], [], []
    first_parts, later_parts = [], []
    picks = list(CLICKS.items())[: max(2, clicks + 1)]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            for _ in range(max(1, rounds)):
                proc, url, ready_s, log = _start_server()
                try:
                    start_s.append(ready_s)
                    context, page = _page(browser, n_shapes)
                    total, *parts = _first_map(page, url, n_shapes)
                    first_s.append(total)
                    first_parts.append(parts)
                    one_visitor.append(vm_hwm_mb(proc.pid))
                    context.close()
                    context, page = _page(browser, n_shapes)
                    total, *parts = _first_map(page, url, n_shapes)
                    later_s.append(total)
                    later_parts.append(parts)
                    year_s.append(_change(page, "Year (31 March)", "2023", n_shapes))
                    measure_s.append(_change(page, "Measure", MEASURE_LABEL, n_shapes))
                    _to_hex(page, url, n_shapes)
                    _settle(page, picks[0][0])
                    for i, (code, name) in enumerate(picks):
                        (first_click if i == 0 else later_click).append(_click_detail(page, code, name))
                    scenario_s.append(_first_scenario(page))
                    context.close()
                finally:
                    rss.append(_stop_server(proc, log))
            floor_s = _floor(browser, max(3, rounds))
        finally:
            browser.close()
    peak = max(rss)
    n = len(start_s)
    med = statistics.median
    first = med(first_s)

    floor = med(floor_s)

    def milestones(parts: list[list[float]], total: float) -> str:
        return (f"title at {med(p[0] for p in parts):.2f} s, map iframe at {med(p[1] for p in parts):.2f} s; "
                f"{total / floor:.2f}× an empty Streamlit page's title ({floor:.2f} s, last row)")

    return [
        Result("app_start", "App: streamlit run -> server ready", "app.py", med(start_s), n, peak, "RSS",
               note="peak RSS of the server over the whole session"),
        Result("app_first_map", "App: ready -> first map drawn (first visitor)", f"{n_shapes} shapes", first, n,
               peak, "RSS", target=f"≤ {FIRST_MAP_TARGET_S} s", met=first <= FIRST_MAP_TARGET_S,
               note="includes the script's first run on the server; " + milestones(first_parts, first)),
        Result("app_later_map", "App: page load -> map drawn (later visitor)", f"{n_shapes} shapes",
               med(later_s), n, peak, "RSS", target=f"≤ {LATER_MAP_TARGET_S} s",
               met=med(later_s) <= LATER_MAP_TARGET_S, note=milestones(later_parts, med(later_s))),
        Result("app_first_click", "App: first click -> detail panel", picks[0][1], med(first_click),
               len(first_click), peak, "RSS", target=f"≤ {CLICK_TARGET_S} s", met=med(first_click) <= CLICK_TARGET_S),
        Result("app_click", "App: click -> detail panel (later clicks)", ", ".join(n for _, n in picks[1:]),
               med(later_click), len(later_click), peak, "RSS", target=f"≤ {CLICK_TARGET_S} s",
               met=med(later_click) <= CLICK_TARGET_S),
        Result("app_year_change", "App: year change -> new map", "2024 -> 2023", med(year_s), len(year_s), peak,
               "RSS", target=f"≤ {CHANGE_TARGET_S} s", met=med(year_s) <= CHANGE_TARGET_S),
        Result("app_measure_change", "App: measure change -> new map", f"-> {MEASURE_LABEL}", med(measure_s),
               len(measure_s), peak, "RSS", target=f"≤ {CHANGE_TARGET_S} s", met=med(measure_s) <= CHANGE_TARGET_S),
        Result("app_first_scenario", "App: first scenario -> before/after table", "open 20 in Bradford",
               med(scenario_s), len(scenario_s), peak, "RSS", target=f"≤ {SCENARIO_TARGET_S} s",
               met=med(scenario_s) <= SCENARIO_TARGET_S),
        Result("app_one_visitor_rss", "App: server peak memory with one visitor", "after the first map",
               float("nan"), len(one_visitor), max(one_visitor), "RSS", target=f"≤ {ONE_VISITOR_TARGET_MB:.0f} MB",
               met=max(one_visitor) <= ONE_VISITOR_TARGET_MB),
        Result("app_floor", "App floor: an empty Streamlit page (st.title only) -> title", "1 heading", floor,
               len(floor_s), float("nan"), "", note="plain streamlit run, new browser context each time: "
               "Streamlit's own page files and start-up on this machine, before any app"),
    ]
