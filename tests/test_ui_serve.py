"""ui/serve.py: the launcher warms what the first page needs, so the first visitor's run computes nothing."""

from __future__ import annotations

import os
import sys

import pytest
from streamlit.testing.v1 import AppTest

from sufficiency import service
from ui import serve


def test_after_warming_the_first_page_computes_no_model_no_shapes_no_trends(monkeypatch):
    serve.warm_first_visit()
    calls: list[str] = []
    for name in ("year_view", "year_shapes", "all_years", "open_dataset"):
        real = getattr(service, name)
        monkeypatch.setattr(service, name, lambda *a, _real=real, _name=name, **k: (calls.append(_name),
                                                                                       _real(*a, **k))[1])
    at = AppTest.from_file(str(serve.APP), default_timeout=120).run()
    assert not at.exception
    assert calls == []  # every figure of the default page came from the warm caches
    assert any(s.value for s in at.title)
    import gc

    assert gc.get_freeze_count() > 100_000  # the warm data is out of the collector's full passes
    gc.unfreeze()  # the rest of this test process collects as usual


def test_streamlit_options_become_environment_variables(monkeypatch):
    for name in ("STREAMLIT_SERVER_PORT", "STREAMLIT_SERVER_ADDRESS", "STREAMLIT_SERVER_HEADLESS"):
        monkeypatch.delenv(name, raising=False)
    rest = serve.options_to_environment(["--server.port", "8502", "--server.address=127.0.0.1", "--other",
                                         "--server.headless", "true"])
    assert rest == ["--other"]
    assert os.environ["STREAMLIT_SERVER_PORT"] == "8502" and os.environ["STREAMLIT_SERVER_ADDRESS"] == "127.0.0.1"
    assert os.environ["STREAMLIT_SERVER_HEADLESS"] == "true"


@pytest.mark.parametrize("flag", ["--no-warm"])
def test_no_warm_is_understood(flag, monkeypatch):
    started = []
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(serve, "warm_first_visit", lambda: started.append("warm"))
    import streamlit.web.cli as cli

    monkeypatch.setattr(cli, "main", lambda: started.append("serve"))
    serve.main([flag])
    assert started == ["serve"]


def test_background_warming_waits_while_a_page_is_computed():
    import threading
    import time

    from ui import activity

    entered, release = threading.Event(), threading.Event()

    def page():
        with activity.page_run():
            entered.set()
            release.wait(5)

    visitor = threading.Thread(target=page)
    visitor.start()
    entered.wait(5)
    assert not activity.quiet_for(0)  # a run is going on
    waited = threading.Thread(target=activity.wait_until_quiet, args=(0.2,))
    waited.start()
    time.sleep(0.3)
    assert waited.is_alive()  # still waiting: the page is being computed
    release.set()
    visitor.join(5)
    assert not activity.quiet_for(0.2)  # it has only just ended
    waited.join(5)
    assert not waited.is_alive() and activity.quiet_for(0.2)
    activity.wait_for_a_first_page(0.01)  # a page has been computed: returns at once


def test_background_warming_waits_while_the_server_is_busy_outside_a_page():
    """Serving a new visitor's page files (no script run yet) keeps the warming waiting too."""
    import threading
    import time

    from ui import activity

    stop = threading.Event()

    def serve_files():  # CPU work in another thread, as the server's own thread serving files
        while not stop.is_set():
            sum(range(10_000))

    busy = threading.Thread(target=serve_files)
    busy.start()
    waited = threading.Thread(target=activity.wait_until_quiet, args=(0.2,), kwargs={"poll_s": 0.02})
    waited.start()
    time.sleep(0.6)
    assert waited.is_alive()  # no page run, but the process is busy: still waiting
    stop.set()
    busy.join(5)
    waited.join(5)
    assert not waited.is_alive()  # idle again: the warming goes on


def test_one_piece_of_warming_after_another_waits_once_when_all_is_quiet():
    import time

    from ui import activity

    start = time.monotonic()
    activity.wait_until_quiet(0.3, poll_s=0.02)
    first = time.monotonic() - start
    start = time.monotonic()
    activity.wait_until_quiet(0.3, poll_s=0.02)  # the samples of the first wait still say "quiet"
    assert first >= 0.3 and time.monotonic() - start < 0.15
