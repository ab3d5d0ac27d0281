"""Load and isolation test: many browser sessions on one real server, mixed interactions, no leaks.

``python -m bench.load`` starts the app as the README does (``python -m ui.serve``) itself, opens ``--sessions`` headless
Chromium sessions (one browser, one context each: separate cookies, separate Streamlit
sessions) and, for ``--seconds``, has each one do a seeded random mix of what people do:
change the year or the measure, click an authority (detail panel), add it to the
comparison, download the shortfall CSV, run a scenario (open 20 places in Leeds) and
download its table. ``--uploaders`` of the sessions first upload their own national 2024
provider file with distinctive figures (Leeds: 7,077, 7,177, ... places).

Checked, and each failure counted:

- errors: an interaction that times out or fails, a Streamlit exception box on a page, an
  "unexpected problem" message, a request for anything but 127.0.0.1;
- isolation: every CSV a session downloads must be byte-identical to what
  :mod:`sufficiency.service` gives for *that session's* data (the embedded data, or its own
  upload) and year, and no other session's Leeds figure may appear on its page;
- tracebacks: "Traceback" anywhere in the server's log.

Response time of an interaction: from the input to the end of the server's rerun it caused
(the page's ``data-test-script-state`` going back to "notRunning"), or to the download. The
figures (p50/p95 per kind, errors, peak server RSS) go into ``bench/results.md`` between
``<!-- load -->`` and ``<!-- /load -->`` (``bench/report.py`` keeps that section when it
rewrites the file). Exits 1 when anything failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CLICKS,
    MAP_FRAME,
    OFF_THE_MACHINE,
    REPO,
    _free_port,
    _healthy,
)
from bench.load_page import (
    DRAWN,
    STATE,
    TIMEOUT_MS,
    WATCH,
    Runs,
    count_runs,
    download,
    idle,
    pick,
    rerun,
    settle,
)
from bench.load_report import END, START, summarise, write_section
from bench.timing import vm_hwm_mb

__all__ = ["END", "START", "main", "upload_file", "write_section"]

RESULTS = REPO / "bench" / "results.md"
LEEDS = "E08000035"
SCENARIO = (LEEDS, 20)
MEASURES = ["Registered places", "Children's homes", "Local bed gap (children in homes − local places)"]
BLANK_MAP = ("the map is blank on coming back to the Map tab (not drawn 120 s after the tab was opened: "
             "its frame 0 px high, or no shape drawn on it)")
BLANK_AFTER_MS = TIMEOUT_MS  # as long as any interaction may take: slower is slow (timed), not blank


def leeds_places(i: int) -> int:
    """Uploader ``i``'s Leeds places: distinctive, and never a figure of the embedded data."""
    return 7077 + 100 * i


def upload_file(folder: Path, i: int) -> Path:
    """A national 31 March 2024 provider file: one 3-place home per authority, Leeds with its own figure."""
    import pandas as pd

    names = pd.read_csv(REPO / "data" / "authorities.csv").query("current")["name"]
    rows = [f'SC{500000 + k},Children\'s home,Active,"{n}",Private,3' for k, n in enumerate(names) if n != "Leeds"]
    left, k = leeds_places(i), 0
    while left > 0:
        rows.append(f"SC{600000 + k},Children's home,Active,Leeds,Private,{min(left, 1500)}")
        left, k = left - min(left, 1500), k + 1
    path = folder / f"provider_at_march_2024_load_{i}.csv"
    path.write_text("Children's social care data in England 2024 - Provider level as at 31 March 2024\n"
                    "URN,Provision type,Registration status,Local authority,Sector,Places\n" + "\n".join(rows) + "\n")
    return path


def expected_bytes(uploads: list[Path], years: list[int]) -> dict:
    """(dataset label, year, what) -> the CSV bytes the service gives: what each session must download."""
    from sufficiency import service

    datasets = {"embedded": service.embedded()}
    for i, path in enumerate(uploads):
        datasets[f"upload{i}"] = service.open_dataset(service.UserFiles(
            providers=(service.UserFile(path.name, path.read_bytes()),)))
    out = {}
    for label, ds in datasets.items():
        for year in years:
            view = service.year_view(ds, year)
            out[label, year, "shortfall"] = service.shortfall_csv(view, "England", "none")
            out[label, year, "scenario"] = service.scenario_csv(service.run_scenario(ds, view, [SCENARIO]))
    return out


@dataclass
class Session:
    """One browser session's plan and what happened to it."""

    index: int
    label: str  # "embedded" or "upload<i>"
    upload: Path | None
    rng: random.Random
    year: int = 2024
    measure: str = "Local bed gap (children in homes − local places)"
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    isolation: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    by_name: int = 0  # authorities chosen in "Find an authority" (none of CLICKS was on the zoomed map)
    runs: Runs = field(default_factory=Runs)  # runs the server has finished for its page

    def took(self, kind: str, seconds: float) -> None:
        self.times.setdefault(kind, []).append(seconds)


async def _on_screen(page, s: Session) -> tuple[str | None, str]:
    """An authority of :data:`CLICKS` whose shape is on the map's screen (the map zooms to a choice),
    in the session's random order; (None, a name) when none is."""
    frame = await page.locator(MAP_FRAME).first.bounding_box()
    picks = s.rng.sample(list(CLICKS.items()), len(CLICKS))
    for code, name in picks:
        box = await page.frame_locator(MAP_FRAME).first.locator(f"path.la-{code}").bounding_box()
        if frame and box and frame["x"] + 10 < box["x"] + box["width"] / 2 < frame["x"] + frame["width"] - 10 \
                and frame["y"] + 10 < box["y"] + box["height"] / 2 < frame["y"] + frame["height"] - 10:
            return code, name
    return None, picks[0][1]


async def _act(s: Session, page, kind: str, expected: dict, years: list[int], markers: list[str]) -> None:
    await idle(page)
    if kind == "year" and len(years) > 1:
        s.year = s.rng.choice([y for y in years if y != s.year])
        s.took(kind, await rerun(page, s.runs, lambda: pick(page, "Year (31 March)", str(s.year))))
    elif kind == "measure":
        s.measure = s.rng.choice([m for m in MEASURES if m != s.measure])
        s.took(kind, await rerun(page, s.runs, lambda: pick(page, "Measure", s.measure)))
    elif kind in ("click", "compare"):
        await page.get_by_role("tab", name="Map").click()
        start = time.perf_counter()
        # the Map tab runs when opened: its frame mounts 0 px high and the shapes are drawn once it has its
        # size. Still blank after BLANK_AFTER_MS (0 px high, or no shape on screen, all "M0 0"):
        # drawn while hidden, which only the tab shown running rules out
        try:
            await page.wait_for_function(DRAWN, arg=[MAP_FRAME], timeout=BLANK_AFTER_MS)
        except Exception as exc:  # noqa: BLE001 - a timeout is the blank map, named as such
            state = await page.evaluate(STATE, [MAP_FRAME, next(iter(CLICKS))])
            if os.environ.get("LOAD_SHOTS"):
                await page.screenshot(path=f"{os.environ['LOAD_SHOTS']}/blank-{s.index}-{time.time():.0f}.png")
            raise AssertionError(f"{BLANK_MAP}; {state}") from exc
        code, name = await _on_screen(page, s)
        heading = page.get_by_role("heading", name=name, exact=True)
        if code is None:  # the map is zoomed to another authority: find one by name, as a person would
            await page.get_by_label("Find an authority").click()
            await page.keyboard.type(name)
            await page.keyboard.press("Enter")
            s.by_name += 1
        else:
            shape = page.frame_locator(MAP_FRAME).first.locator(f"path.la-{code}")
            await settle(shape)
            await shape.click(timeout=TIMEOUT_MS)
        await heading.wait_for(timeout=TIMEOUT_MS)
        s.took("click", time.perf_counter() - start)
        await idle(page)
        text = await page.locator('[data-testid="stMain"]').inner_text()
        own = f"{leeds_places(int(s.label[6:])):,}" if s.upload else None
        s.isolation += [f"session {s.index} saw {m}" for m in markers if m in text and m != own]
        if kind == "compare":
            s.took(kind, await rerun(page, s.runs, lambda: page.get_by_role("button", name="Add to comparison").click()))
    elif kind == "download":
        await page.get_by_role("tab", name="Shortfall table").click()
        data, seconds = await download(page, "Download CSV")
        s.took(kind, seconds)
        if data != expected[s.label, s.year, "shortfall"]:
            s.isolation.append(f"session {s.index} ({s.label}, {s.year}): shortfall CSV differs from its own data")
    elif kind == "scenario":
        await page.get_by_role("tab", name="Distances and scenarios").click()

        async def add():
            await page.get_by_label("Authority", exact=True).click()
            await page.keyboard.type("Leeds")
            await page.keyboard.press("Enter")
            places = page.get_by_label("Places (+ open, − close)")
            await places.fill(str(SCENARIO[1]))
            await places.press("Enter")
            await page.get_by_role("button", name="Add to the scenario").click()
            await page.get_by_role("button", name="Download the scenario table (CSV)").wait_for(timeout=TIMEOUT_MS)

        s.took(kind, await rerun(page, s.runs, add))
        data, seconds = await download(page, "Download the scenario table (CSV)")
        s.took("download", seconds)
        if data != expected[s.label, s.year, "scenario"]:
            s.isolation.append(f"session {s.index} ({s.label}, {s.year}): scenario CSV differs from its own data")
        s.took("scenario_clear", await rerun(page, s.runs, lambda: page.get_by_role("button", name="Clear the scenario")
                                              .click()))


@dataclass
class Start:
    """Sessions open a few at a time (``opening``), then all interact together from one moment."""

    opening: asyncio.Semaphore
    total: int
    ready: int = 0
    go: asyncio.Event = field(default_factory=asyncio.Event)
    at: float = 0.0

    def one_ready(self) -> None:
        self.ready += 1
        if self.ready == self.total:
            self.at = time.perf_counter()
            self.go.set()


async def _open(s: Session, page, url: str) -> None:
    """The first map, then the upload if planned (timed)."""
    start = time.perf_counter()
    await page.goto(f"{url}/?year={s.year}")
    await page.frame_locator(MAP_FRAME).first.locator("path.authority-shape").first.wait_for(timeout=TIMEOUT_MS)
    s.took("first_map", time.perf_counter() - start)
    if s.upload is not None:
        await idle(page)
        await page.locator('[data-testid="stSidebar"]').get_by_text("Use your own data").click()
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Ofsted provider file")
        s.took("upload", await rerun(page, s.runs, lambda: uploader.locator('input[type="file"]').set_input_files(
            s.upload)))
        await page.get_by_text("Using your files").wait_for(timeout=TIMEOUT_MS)


async def run_session(s: Session, browser, url: str, seconds: float, expected: dict, years: list[int],
                      markers: list[str], start: Start) -> None:
    """Open the app (a few sessions at a time), wait for every session, then interact until the deadline."""
    context = await browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})

    async def refuse(route):  # only requests off the machine are routed (bench.browser.OFF_THE_MACHINE)
        s.blocked.append(route.request.url)
        await route.abort()

    await context.route(OFF_THE_MACHINE, refuse)
    await context.add_init_script(WATCH)
    page = await context.new_page()
    count_runs(page, s.runs)
    page.set_default_timeout(TIMEOUT_MS)
    opened = False
    try:
        async with start.opening:
            try:
                await _open(s, page, url)
                opened = True
            except Exception as exc:
                s.errors.append(f"session {s.index} start: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        start.one_ready()
        await start.go.wait()
        kinds = ["year", "measure", "click", "compare", "download", "scenario"]
        while opened and time.perf_counter() < start.at + seconds:
            kind = s.rng.choice(kinds)
            try:
                await _act(s, page, kind, expected, years, markers)
            except Exception as exc:  # every failure is counted, the session goes on
                s.errors.append(f"session {s.index} {kind}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        if await page.locator('[data-testid="stException"]').count():
            s.errors.append(f"session {s.index}: a Streamlit exception is shown on the page")
        if await page.get_by_text("unexpected problem").count():
            s.errors.append(f"session {s.index}: 'unexpected problem' shown")
    finally:
        await context.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (its threads included), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _sample_rss(pid: int, peak: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], vm_hwm_mb(pid))
        await asyncio.sleep(1.0)


async def drive(url: str, pid: int, sessions: list[Session], seconds: float, expected: dict,
                years: list[int], opening: int, cpu: list[float]) -> tuple[float, float]:
    """Open every session (``opening`` at a time), then run them all at once; return (seconds of
    the interaction phase, peak server RSS MB)."""
    from playwright.async_api import async_playwright

    markers = [f"{leeds_places(int(s.label[6:])):,}" for s in sessions if s.upload]
    peak, stop = [0.0], asyncio.Event()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        sampler = asyncio.create_task(_sample_rss(pid, peak, stop))
        start = Start(asyncio.Semaphore(opening), len(sessions))
        runs = [asyncio.create_task(run_session(s, browser, url, seconds, expected, years, markers, start))
                for s in sessions]
        await start.go.wait()
        cpu_at_start = cpu_seconds(pid)
        await asyncio.gather(*runs)
        wall = time.perf_counter() - start.at
        cpu[0] = cpu_seconds(pid) - cpu_at_start
        stop.set()
        await sampler
        await browser.close()
    return wall, max(peak[0], vm_hwm_mb(pid))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--uploaders", type=int, default=4)
    parser.add_argument("--opening", type=int, default=4, help="sessions opening the app at the same time")
    parser.add_argument("--years", default="2022,2023,2024", help="years the sessions switch between")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (the load section is replaced)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"no Chromium at {CHROMIUM}")
    years = [int(y) for y in args.years.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        uploads = [upload_file(Path(tmp), i) for i in range(args.uploaders)]
        print("[load] expected downloads ...", file=sys.stderr, flush=True)
        expected = expected_bytes(uploads, years)
        sessions = [Session(i, f"upload{i}" if i < args.uploaders else "embedded",
                            uploads[i] if i < args.uploaders else None, random.Random(args.seed * 1000 + i))
                    for i in range(args.sessions)]
        log = open(Path(tmp) / "server.log", "w+b")  # noqa: SIM115 - closed below
        port = _free_port()
        cmd = [sys.executable, "-m", "ui.serve", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        cpu = [float("nan")]
        try:
            deadline = time.monotonic() + 120
            while not _healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("streamlit did not become healthy")
                time.sleep(0.2)
            print(f"[load] {args.sessions} sessions for {args.seconds:g} s ...", file=sys.stderr, flush=True)
            wall, rss = asyncio.run(drive(url, proc.pid, sessions, args.seconds, expected, years, args.opening,
                                          cpu))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.seek(0)
            server_log = log.read().decode(errors="replace")
            log.close()
    tracebacks = server_log.count("Traceback")
    section, ok = summarise(sessions, wall, rss, tracebacks, args, cpu[0])
    write_section(section, args.out)
    print(section)
    if tracebacks:
        print(server_log[server_log.index("Traceback"):][:3000], file=sys.stderr)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
