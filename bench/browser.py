"""The Streamlit app in headless Chromium: server start, first map, click to detail.

Each cold round starts ``streamlit run app.py`` on a free port and measures

1. start -> ready: from launching the process to ``/_stcore/health`` answering 200;
2. ready -> first map: a new page opens the app and waits until every authority is
   drawn (``path.leaflet-interactive`` inside the folium iframe, one per authority).
   This is the first visitor: the server runs the script for the first time (its
   imports, the embedded data, the model, the map);
3. later visitor: another page (new browser context) on the same server;
4. click -> detail: click one authority's polygon, wait for the detail panel's
   heading (the authority's name). The first click also works out every year's
   measures (``measures_all_years``, cached afterwards), so it is reported apart.

The server's peak RSS is its ``VmHWM`` just before it is stopped. Chromium (a
grandchild, started by Playwright's driver) is not counted.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.timing import Result, run_child, vm_hwm_mb, wait_with_rusage

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SHAPES = "path.leaflet-interactive"
# Large, compact authorities: the centre of each one's box lies inside it, so a click there hits it.
CLICKS = {"E10000016": "Kent", "E08000035": "Leeds", "E10000020": "Norfolk", "E08000025": "Birmingham",
          "E10000034": "Worcestershire", "E06000052": "Cornwall"}
FIRST_MAP_TARGET_S = 3.0
POLL_S = 0.02
TIMEOUT_S = 90.0


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


def _start_server() -> tuple[subprocess.Popen, str, float, object]:
    """Launch streamlit; return (process, url, seconds to healthy, log file)."""
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _stop_server
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
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


def _page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    # only the app itself: nothing may wait on the internet
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1", "data:", "blob:", "about:")) else route.abort())
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_S * 1000)
    return context, page


def _first_map(page, url: str, n_shapes: int) -> tuple[float, float, float]:
    """Seconds from navigation to: the page title (the script is running), the map iframe, every shape."""
    start = time.perf_counter()
    page.goto(url)
    title, frame = page.locator("h1"), page.locator(MAP_FRAME)
    shapes = page.frame_locator(MAP_FRAME).locator(SHAPES)
    title_s = frame_s = float("nan")
    while True:
        now = time.perf_counter() - start
        if title_s != title_s and title.count():
            title_s = now
        if frame_s != frame_s and frame.count():
            frame_s = now
        if frame_s == frame_s and shapes.count() >= n_shapes:
            return now, title_s, frame_s
        if now > TIMEOUT_S:
            raise TimeoutError(f"the map drew {shapes.count()} of {n_shapes} shapes in {TIMEOUT_S:.0f} s")
        time.sleep(POLL_S)


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
    """Seconds from clicking ``code``'s polygon to its detail heading."""
    shape = page.frame_locator(MAP_FRAME).locator(f"path.la-{code}")
    heading = page.get_by_role("heading", name=name, exact=True)
    start = time.perf_counter()
    shape.click()
    heading.wait_for(timeout=TIMEOUT_S * 1000)
    return time.perf_counter() - start


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


def _skipped(reason: str) -> list[Result]:
    nan = float("nan")
    rows = [("app_start", "App: streamlit run -> server ready"),
            ("app_first_map", "App: ready -> first map drawn (first visitor)"),
            ("app_later_map", "App: page load -> map drawn (later visitor)"),
            ("app_first_click", "App: first click -> detail panel"),
            ("app_click", "App: click -> detail panel (later clicks)")]
    return [Result(k, n, "", nan, 0, nan, "RSS", note=f"skipped: {reason}") for k, n in rows]


def app_benchmarks(rounds: int, clicks: int) -> list[Result]:
    """Run ``rounds`` cold server starts; in each, a first and a later visitor and ``clicks`` clicks."""
    if not CHROMIUM.exists():
        return _skipped(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return _skipped("the playwright package is not installed")
    n_shapes = _n_shapes()
    start_s, first_s, later_s, first_click, later_click, rss = [], [], [], [], [], []
    first_parts, later_parts = [], []
    picks = list(CLICKS.items())[: max(2, clicks + 1)]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            for _ in range(max(1, rounds)):
                proc, url, ready_s, log = _start_server()
                try:
                    start_s.append(ready_s)
                    context, page = _page(browser)
                    total, *parts = _first_map(page, url, n_shapes)
                    first_s.append(total)
                    first_parts.append(parts)
                    context.close()
                    context, page = _page(browser)
                    total, *parts = _first_map(page, url, n_shapes)
                    later_s.append(total)
                    later_parts.append(parts)
                    _settle(page, picks[0][0])
                    for i, (code, name) in enumerate(picks):
                        (first_click if i == 0 else later_click).append(_click_detail(page, code, name))
                    context.close()
                finally:
                    rss.append(_stop_server(proc, log))
        finally:
            browser.close()
    peak = max(rss)
    n = len(start_s)
    med = statistics.median
    first = med(first_s)

    def milestones(parts: list[list[float]]) -> str:
        return (f"title at {med(p[0] for p in parts):.2f} s, map iframe at {med(p[1] for p in parts):.2f} s")

    return [
        Result("app_start", "App: streamlit run -> server ready", "app.py", med(start_s), n, peak, "RSS",
               note="peak RSS of the server over the whole session"),
        Result("app_first_map", "App: ready -> first map drawn (first visitor)", f"{n_shapes} shapes", first, n,
               peak, "RSS", target="≤ 3 s", met=first <= FIRST_MAP_TARGET_S,
               note="includes the script's first run on the server; " + milestones(first_parts)),
        Result("app_later_map", "App: page load -> map drawn (later visitor)", f"{n_shapes} shapes",
               med(later_s), n, peak, "RSS", target="≤ 3 s", met=med(later_s) <= FIRST_MAP_TARGET_S,
               note=milestones(later_parts)),
        Result("app_first_click", "App: first click -> detail panel", picks[0][1], med(first_click),
               len(first_click), peak, "RSS", note="includes measures_all_years (cached afterwards)"),
        Result("app_click", "App: click -> detail panel (later clicks)", ", ".join(n for _, n in picks[1:]),
               med(later_click), len(later_click), peak, "RSS"),
    ]
