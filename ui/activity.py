"""Whether a visitor's page is being computed right now (for background work to keep out of the way).

The app's script marks each run (:func:`page_run`); :func:`wait_until_quiet` lets the
warming thread of :mod:`ui.serve` wait until no run is going on, none has ended for a
while, and the rest of the process has been idle for as long (the server's own thread
serves a new visitor's ~140 page files before any run starts). Python threads share one
interpreter lock, so warming while a page runs or loads would slow that page down
(measured: the first visitor's map 1.7 s later; a later visitor's page files 0.5 s later).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Iterator

_LOCK = threading.Lock()
_RUNNING = 0
_LAST_END = 0.0  # time.monotonic() when the last run ended; 0 before any
#: of one core: the rest of the process using less than this counts as idle. An idle server uses
#: under 1 %; serving a new visitor's page files (before its first run) about 5–15 % over 1.5 s
IDLE_SHARE = 0.03


@contextlib.contextmanager
def page_run() -> Iterator[None]:
    """Mark one run of the app's script (re-entrant across sessions: runs are counted)."""
    global _RUNNING, _LAST_END
    with _LOCK:
        _RUNNING += 1
    try:
        yield
    finally:
        with _LOCK:
            _RUNNING -= 1
            _LAST_END = time.monotonic()


def quiet_for(seconds: float) -> bool:
    """No run is going on, and none has ended in the last ``seconds`` seconds."""
    with _LOCK:
        return _RUNNING == 0 and time.monotonic() - _LAST_END >= seconds


#: Per calling thread (the warming thread; "others" differ per thread, and a thread's storage goes
#: with it): ``window``, the (time.monotonic(), others_cpu_s()) samples of :func:`wait_until_quiet`
_SAMPLES = threading.local()


def others_cpu_s() -> float:
    """CPU seconds used so far by every thread of this process but the calling one."""
    return time.process_time() - time.thread_time()


def wait_until_quiet(seconds: float, poll_s: float = 0.1, idle_share: float = IDLE_SHARE) -> None:
    """Block until :func:`quiet_for` ``seconds`` holds and, over the last ``seconds``, the process's
    other threads used under ``idle_share`` of one core (no page files or messages being served)."""
    # kept between calls: one piece of warming after another needs no new wait
    if not hasattr(_SAMPLES, "window"):
        _SAMPLES.window = deque()
    window: deque[tuple[float, float]] = _SAMPLES.window
    while True:
        now, cpu = time.monotonic(), others_cpu_s()
        if window and now - window[-1][0] > 2 * seconds:
            window.clear()  # too old to say what the process is doing now
        window.append((now, cpu))
        while len(window) > 1 and now - window[1][0] >= seconds:
            window.popleft()  # the oldest kept sample is the last one at least ``seconds`` old
        start, cpu0 = window[0]
        idle = now - start >= seconds and cpu - cpu0 <= idle_share * (now - start)
        if idle and quiet_for(seconds):
            return
        time.sleep(poll_s)


def wait_for_a_first_page(timeout_s: float, poll_s: float = 0.1) -> None:
    """Block until some page has been computed (a first visitor came), or ``timeout_s`` passed."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with _LOCK:
            if _LAST_END:
                return
        time.sleep(poll_s)
