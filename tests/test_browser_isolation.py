"""Two people on one server: one uploads a provider file, the other does not; neither sees the other's figures.

Session A uploads a hand-made national 2024 provider file (Bradford 500 places) and runs a scenario (open 20
places in Bradford); session B, at the same time on the same server, stays on the embedded data and
runs the same scenario. B's shortfall download and scenario table show the embedded figures
(Bradford 103 places at 31 March 2024); A's show its own (500). The caches are keyed by the data.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from bench.browser import fill_scenario

pytestmark = pytest.mark.browser

UPLOAD = Path(__file__).parent / "fixtures" / "isolation" / "provider_at_march_2024.csv"
BRADFORD = "E08000032"


def _session(browser, app_url: str):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{app_url}/?year=2024")
    page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first.locator("path.authority-shape").first.wait_for()
    return context, page


def _download(page, button: str) -> pd.DataFrame:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return pd.read_csv(io.BytesIO(Path(info.value.path()).read_bytes()), dtype={"code": str})


def _scenario(page) -> pd.DataFrame:
    fill_scenario(page, "Bradford", 20)
    page.get_by_role("button", name="Add to the scenario").click()
    page.get_by_role("button", name="Download the scenario table (CSV)").wait_for()
    return _download(page, "Download the scenario table (CSV)")


def _shortfall(page) -> pd.DataFrame:
    page.get_by_role("tab", name="Shortfall table").click()
    return _download(page, "Download CSV")


def test_an_upload_in_one_session_never_reaches_another(browser, app_url):
    a_context, a = _session(browser, app_url)
    b_context, b = _session(browser, app_url)
    try:
        a.locator('[data-testid="stSidebar"]').get_by_text("Use your own data").click()
        uploader = a.locator('[data-testid="stFileUploader"]').filter(has_text="Ofsted provider file")
        uploader.locator('input[type="file"]').set_input_files(UPLOAD)
        a.get_by_text("Using your files").wait_for()
        a_scenario, b_scenario = _scenario(a), _scenario(b)
        assert a_scenario.set_index("code").loc[BRADFORD, "places_before"] == 500
        assert b_scenario.set_index("code").loc[BRADFORD, "places_before"] == 103
        assert b_scenario.set_index("code").loc[BRADFORD, "places_after"] == 123
        a_table, b_table = _shortfall(a), _shortfall(b)
        assert a_table.set_index("code").loc[BRADFORD, "places"] == 500
        assert b_table.set_index("code").loc[BRADFORD, "places"] == 103
        # and B, asking again after A, still gets the embedded figures
        assert _shortfall(b).set_index("code").loc[BRADFORD, "places"] == 103
    finally:
        a_context.close()
        b_context.close()
