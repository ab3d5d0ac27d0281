"""Whether a visitor's page is being computed right now (for background work to keep out of the way).

The app's script marks each run (:func:`page_run`); :func:`wait_until_quiet` lets the
warming thread of :mod:`ui.serve` wait until no run is going on and none has ended for a
while. Python threads share one interpreter lock, so warming while a page runs would slow
that page down (measured: the first visitor's map 1.7 s later).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

_LOCK = threading.Lock()
_RUNNING = 0
_LAST_END = 0.0  # time.monotonic() when the last run ended; 0 before any


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


def wait_until_quiet(seconds: float, poll_s: float = 0.1) -> None:
    """Block until :func:`quiet_for` ``seconds`` holds."""
    while not quiet_for(seconds):
        time.sleep(poll_s)


def wait_for_a_first_page(timeout_s: float, poll_s: float = 0.1) -> None:
    """Block until some page has been computed (a first visitor came), or ``timeout_s`` passed."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with _LOCK:
            if _LAST_END:
                return
        time.sleep(poll_s)
