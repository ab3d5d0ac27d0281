"""The app shows a file's words as plain text and every command shell-quoted (issue 10).

The browser test uploads a provider file whose header cells are Markdown and HTML pointing
at a tiny HTTP server on 127.0.0.1 (the page may reach 127.0.0.1, so a fetch would arrive
there): the error must show the characters, and the server must receive nothing.
"""

from __future__ import annotations

import http.server
import shlex
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import as_shown

from ui.text import export_command, plain

BEACON = "![x](http://127.0.0.1:{port}/beacon.png)"
PHISH = "[Click here to log in again](http://127.0.0.1:{port}/login)"
IMG = '<img src="http://127.0.0.1:{port}/img.png">'


def test_plain_escapes_every_markdown_and_html_character():
    text = "![x](http://h/b.png) [a](http://h) <b>bold</b> *e* _u_ `c` # h | t ~s~ $x$"
    escaped = plain(text)
    j = "\u2060"
    assert escaped == (f"\\!\\[x\\]\\(http\\:{j}\\/\\/h\\/b\\.png\\) \\[a\\]\\(http\\:{j}\\/\\/h\\) \\<b\\>bold\\<\\/b\\> "
                       "\\*e\\* \\_u\\_ \\`c\\` \\# h \\| t \\~s\\~ \\$x\\$")
    assert plain("www.x.org a@b.org") == f"www{j}\\.x\\.org a\\@{j}b\\.org"
    assert as_shown(escaped) == text
    assert plain("two\nlines") == "two  \nlines"


def test_export_command_quotes_every_argument_and_runs_nothing(tmp_path):
    names = ("$(touch pwned).csv", "a b; rm -rf x.csv", "`touch backtick`.csv", "it's.csv")
    command = export_command(2024, "North West", "suppress", ("childrens_home",), ("childrens_home",),
                             {"providers": names, "boundaries": ("--out evil.geojson",)}, layer="la's; layer")
    parts = shlex.split(command)
    assert parts[parts.index("--layer") + 1] == "la's; layer"  # the layer read, so the command reads the same
    assert parts[:6] == ["python", "-m", "sufficiency", "export", "--year", "2024"]
    assert [parts[i + 1] for i, p in enumerate(parts) if p == "--providers"] == list(names)
    assert parts[parts.index("--boundaries") + 1] == "--out evil.geojson"
    assert parts[-2:] == ["--out", "shortfall.csv"] and "'$(touch pwned).csv'" in command
    # a real shell: the words arrive as written, no command runs
    shown = subprocess.run(["bash", "-c", "printf '%s\\n' " + command], cwd=tmp_path, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    assert shown == parts and list(tmp_path.iterdir()) == []


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server name
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def beacon_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_markdown_in_an_uploaded_files_header_is_shown_never_fetched(offline_page, app_url, beacon_server, tmp_path):
    port = beacon_server
    cells = [BEACON.format(port=port), PHISH.format(port=port), IMG.format(port=port), "https://example.com/x.png"]
    upload = tmp_path / "provider_at_march_2024.csv"
    upload.write_text(",".join(f'"{c}"' if "," in c or '"' in c else c for c in [
        *(c.replace('"', '""') for c in cells), "Local authority"]) + "\nSC1,a,b,c,Leeds\n", encoding="utf-8")
    offline_page.goto(app_url)
    offline_page.get_by_text("Use your own data").click()
    uploader = offline_page.locator('[data-testid="stFileUploader"]').filter(has_text="Ofsted provider file")
    uploader.locator('input[type="file"]').set_input_files(upload)
    alert = offline_page.locator('[data-testid="stAlert"]').filter(has_text="required column missing")
    alert.wait_for(timeout=60_000)
    offline_page.wait_for_timeout(1500)  # time for any image to be fetched
    shown = alert.inner_text().replace("\u2060", "")  # the invisible joiners that keep addresses unlinked
    assert BEACON.format(port=port) in shown and PHISH.format(port=port) in shown and "<img src=" in shown
    assert alert.locator("img").count() == 0 and alert.locator("a").count() == 0
    assert _Recorder.hits == []
    assert not [u for u in offline_page.blocked if "example.com" in u or str(port) in u]


V = Path(__file__).parent / "fixtures" / "validation"


@pytest.mark.browser
def test_a_two_layer_file_asks_for_its_layer_and_placements_list_their_set_aside_rows(offline_page, app_url):
    page = offline_page
    page.goto(app_url)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Use your own data").click()
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Authority boundaries")
    uploader.locator('input[type="file"]').set_input_files(V / "b_two_layers.gpkg")
    sidebar.locator('[data-testid="stAlert"]').filter(has_text="the file holds 2 layers").wait_for(timeout=60_000)
    sidebar.get_by_label("Layer holding the authorities").click()
    page.keyboard.type("authorities")
    page.keyboard.press("Enter")
    sidebar.get_by_text("Using your files: b_two_layers.gpkg").wait_for(timeout=60_000)
    page.get_by_role("tab", name="Distances and scenarios").click()
    placements = page.locator('[data-testid="stFileUploader"]').filter(has_text="Placements")
    placements.locator('input[type="file"]').set_input_files(V / "placements_faults.csv")
    # dated against today: 2031 and 1900 starts and a 2030 end, the duplicate, the unknown responsible code;
    # flagged: a child placed twice at the same time
    page.get_by_text("5 row(s) of your file were set aside and 1 used but flagged: each is listed below",
                     exact=False).wait_for(
        timeout=60_000)
    page.get_by_text("Rows set aside (row numbers as in your file)").wait_for()  # listed, open, not a count
    assert page.blocked == []


@pytest.mark.browser
def test_the_map_is_drawn_after_a_year_chosen_in_another_tab(offline_page, app_url):
    """Found by bench/load.py: a rerun made while another tab was shown drew the map 0 px high
    (fixed: only the tab shown runs, so the map is drawn when its tab is opened)."""
    page = offline_page
    frame = 'iframe[title="streamlit_folium.st_folium"]'
    page.goto(f"{app_url}/?year=2024")
    page.frame_locator(frame).first.locator("path.authority-shape").first.wait_for(timeout=60_000)
    page.get_by_role("tab", name="Shortfall table").click()
    page.locator('[data-testid="stSidebar"]').get_by_label("Year (31 March)", exact=True).first.click()
    page.keyboard.type("2022")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('year=2022')", timeout=30_000)
    page.wait_for_timeout(3000)
    page.get_by_role("tab", name="Map").click()
    page.wait_for_timeout(2000)
    assert page.evaluate(f"document.querySelector('{frame}').offsetHeight") > 0
