"""What a load session does to its page and waits for (:mod:`bench.load`): its runs counted
from the server's own messages, the script state shown, a choice made in a sidebar select,
a download, a shape that has stopped moving."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_MS = 120_000

DRAWN = """([frame]) => { const f = document.querySelector(frame);  // some shape on screen (those off it are "M0 0")
    return !!(f && f.offsetHeight > 0 && f.contentDocument && [...f.contentDocument.querySelectorAll('path.authority-shape')]
        .some(p => p.getAttribute('d') !== 'M0 0')); }"""
STATE = """([frame, code]) => { const f = document.querySelector(frame);
    const d = f && f.contentDocument && f.contentDocument.querySelector('path.la-' + code);
    const tab = document.querySelector('[role=tab][aria-selected=true]');
    return `frames ${document.querySelectorAll(frame).length}, first ${f ? f.offsetHeight + ' px high' : 'absent'}, `
        + `shape ${d ? d.getAttribute('d').slice(0, 12) : 'absent'}, tab ${tab ? tab.innerText : '?'}, `
        + `script ${document.querySelector('[data-test-script-state]')?.getAttribute('data-test-script-state')}`; }"""
# the script state the page shows (for idle(); runs are counted from the server's messages, count_runs)
WATCH = """
window.__state = 'initial';
new MutationObserver(ms => { for (const m of ms) window.__state = m.target.getAttribute('data-test-script-state'); })
  .observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
"""


@dataclass
class Runs:
    """Runs the server has finished for one page (:func:`count_runs`)."""

    finished: int = 0


async def rerun(page, runs: Runs, action) -> float:
    """Seconds from ``action`` until the server has finished the rerun it starts.

    Counted from the server's own "script finished" messages on the page's websocket
    (:func:`count_runs`): the script state the page shows is not enough, as a quick rerun
    whose start and end reach a busy browser together is drawn without ever showing "running".
    """
    before = runs.finished
    start = time.perf_counter()
    await action()
    while runs.finished <= before:
        if time.perf_counter() - start > TIMEOUT_MS / 1000:
            raise TimeoutError(f"no rerun finished in {TIMEOUT_MS / 1000:.0f} s")
        await asyncio.sleep(0.02)
    return time.perf_counter() - start


def count_runs(page, runs: Runs) -> None:
    """Count the runs the server finishes for ``page`` in ``runs``, from its websocket."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    whole = {ForwardMsg.ScriptFinishedStatus.Value(n)
             for n in ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")}

    def frame(payload) -> None:
        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished in whole:
            runs.finished += 1

    page.on("websocket", lambda ws: ws.on("framereceived", frame))


async def idle(page) -> None:
    """Wait until no rerun is running (an action on a page mid-rerun may hit widgets about to be replaced)."""
    await page.wait_for_function("window.__state === 'notRunning'", timeout=TIMEOUT_MS)


async def settle(shape) -> None:
    """Wait until a map shape has stopped moving (the map redraws after each rerun), at most a minute."""
    before = None
    for _ in range(200):
        now = await shape.bounding_box()
        if now is not None and now == before:
            return
        before = now
        await asyncio.sleep(0.3)


async def pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the sidebar's selectbox ``label`` as a person does: open it, type, Enter."""
    await page.locator('[data-testid="stSidebar"]').get_by_label(label, exact=True).first.click()
    await page.keyboard.type(option)
    await page.keyboard.press("Enter")


async def download(page, button: str) -> tuple[bytes, float]:
    start = time.perf_counter()
    async with page.expect_download(timeout=TIMEOUT_MS) as info:
        await page.get_by_role("button", name=button).click()
    download = await info.value
    return Path(await download.path()).read_bytes(), time.perf_counter() - start
