"""The profile's HTML in headless Chromium with the network blocked: every drawing shows, nothing is fetched.

Also the app's detail panel: the button makes the profile and offers the same bytes as the service.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from sufficiency import service

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def page_html() -> str:
    p = service.authority_profile(service.embedded(), "E08000007", 2024)
    return service.profile_html(p).decode("utf-8")


@pytest.mark.browser
def test_every_drawing_renders_offline(offline_page, page_html, tmp_path):
    page = offline_page
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.set_content(page_html, wait_until="load")
    sizes = page.eval_on_selector_all("svg", "els => els.map(e => [e.getBoundingClientRect().width, "
                                             "e.getBoundingClientRect().height, e.querySelectorAll('*').length])")
    assert len(sizes) == 10  # 2 neighbour charts, 2 map panels, 4 trends, 2 bars
    assert all(w > 200 and h > 30 and n > 5 for w, h, n in sizes), sizes
    assert page.eval_on_selector_all("img", "els => els.filter(e => !(e.complete && e.naturalWidth)).length") == 0
    assert page.blocked == []
    assert page.title() == "Stockport: children's homes sufficiency profile, 31 March 2024"
    # printed from the browser: A4 pages, nothing fetched either
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and page.blocked == []


def test_the_app_button_offers_the_service_bytes(monkeypatch):
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes) and filename:
            seen[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180).run()
    at.selectbox(key="authority_pick").set_value("E08000007").run()
    assert "stockport-E08000007-2024.pdf" not in seen  # built only when asked for
    at.button(key="profile_make").click().run()
    p = service.authority_profile(service.embedded(), "E08000007", 2024)
    assert seen["stockport-E08000007-2024.html"] == service.profile_html(p)
    assert seen["stockport-E08000007-2024.pdf"] == service.profile_pdf(p)
    assert any("python -m sufficiency profile --authority E08000007" in c.value for c in at.code)
