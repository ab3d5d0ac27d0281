"""Shared fixtures: a running Streamlit app and a headless Chromium driven by Playwright.

The browser tests (``@pytest.mark.browser``) need the Debian ``chromium`` package at
``/usr/bin/chromium`` (or ``CHROMIUM_PATH``) and the ``playwright`` Python package;
without them they skip with the reason. The browser may reach only the app on
127.0.0.1: every other request is aborted and recorded, so a test can prove that
the page needs no internet.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # ui/ and app.py live at the repo root, outside the installed packages
    sys.path.insert(0, str(REPO))
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STARTUP_TIMEOUT_S = 90


def free_port() -> int:
    """A TCP port nobody is listening on (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def run_streamlit(script: Path, cwd: Path = REPO, timeout_s: float = STARTUP_TIMEOUT_S) -> Iterator[str]:
    """Run the app (or another ``script``) on a free port; yield its URL; stop it afterwards.

    ``app.py`` is started as the README starts it, ``python -m ui.serve`` (caches warmed
    before the server listens); another script with ``streamlit run``. Raises
    ``RuntimeError`` with the server's output when it is not healthy within ``timeout_s`` seconds.
    """
    port = free_port()
    options = ["--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    launcher = ["-m", "ui.serve"] if Path(script).resolve() == REPO / "app.py" else ["-m", "streamlit", "run",
                                                                                     str(script)]
    cmd = [sys.executable, *launcher, *options]
    log = tempfile.NamedTemporaryFile("w+", prefix="streamlit-test-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                out = Path(log.name).read_text()
                raise RuntimeError(f"streamlit did not become healthy (exit {proc.poll()}):\n{out[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        Path(log.name).unlink(missing_ok=True)


def _need_browser() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (install the Debian package 'chromium' or set CHROMIUM_PATH)")
    pytest.importorskip("playwright.sync_api", reason="the 'playwright' Python package is not installed")


@pytest.fixture(scope="session")
def ds():
    """The embedded tables, without geometry (test modules that draw load their own)."""
    from sufficiency.dataset import load_embedded

    return load_embedded(geometry=False)


@pytest.fixture(scope="session")
def m2024(ds):
    """The national model for 31 March 2024 on the embedded data."""
    from sufficiency.model.measures import authority_measures

    return authority_measures(ds, 2024)


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (Playwright), shared by the session."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def offline_page(browser):
    """A fresh page that may reach 127.0.0.1 only; ``page.blocked`` lists what it tried elsewhere."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    def gate(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    page.blocked = blocked
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """URL of ``streamlit run app.py`` (repo root), started once per session."""
    _need_browser()
    with run_streamlit(REPO / "app.py") as url:
        yield url


SCRIPT_STATE = "document.querySelector('[data-test-script-state]')?.getAttribute('data-test-script-state')"


def wait_idle(page, timeout_ms: float = 60_000) -> None:
    """Wait until the app's script is not running (a rerun made by the map reporting back, say)."""
    page.wait_for_function(f"{SCRIPT_STATE} === 'notRunning'", timeout=timeout_ms)


def switch_on(page, label: str) -> int:
    """Turn on the sidebar toggle ``label`` once the app is idle; return the clicks it took.

    A click made while a rerun replaces the sidebar can be lost (Streamlit redraws the
    widget from the server's state), as a person would see and click again: at most 3 clicks.
    """
    box = page.get_by_label(label)
    for clicks in (1, 2, 3):
        wait_idle(page)
        page.get_by_text(label, exact=True).click()
        try:
            page.wait_for_function("el => el.checked", arg=box.element_handle(), timeout=5_000)
            wait_idle(page)
            if box.is_checked():
                return clicks
        except Exception:  # noqa: BLE001 - not checked within 5 s: click again
            continue
    raise AssertionError(f"the toggle {label!r} did not stay on after 3 clicks")


def as_shown(markdown: str) -> str:
    """What a reader sees of an escaped Markdown message (``ui.text.plain``): backslash escapes and the
    invisible word joiners (U+2060) that keep addresses from becoming links removed."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown).replace("  \n", "\n").replace("\u2060", "")
