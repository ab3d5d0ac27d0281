"""Every authority reachable, selections kept and shown, and no serious accessibility fault, in Chromium.

- at 1400x900, in the default view of the geographic map, every authority has a clickable
  area of at least 100 px², or gets one after the map's "Zoom to" control (London, or its
  region); on the hex map every hexagon has it at once;
- an authority chosen with the keyboard (the search box) is outlined on the map, and stays
  selected when the year changes to one where it did not exist, and back;
- one Enter in Compare adds one authority;
- axe-core (the npm package ``axe-core``, injected into the page and the map's frame) finds
  no serious or critical violation on any tab.

Skips (with the reason) when Chromium, Playwright or axe-core cannot be had; see conftest.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import wait_idle

from sufficiency import service

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
AXE_DIR = REPO / ".cache" / "npm"  # git-ignored; axe-core comes from npm, never committed
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
MIN_AREA_PX2 = 100
BCP, DORSET_2019, KENT, EAST_RIDING = "E06000058", "E10000009", "E10000016", "E06000011"
TABS = ["Map", "Compare", "Regions", "Shortfall table", "Distances and scenarios"]

# Clickable pixels of each authority: the points of its bounding box (inside the map) where
# the browser's hit test finds that very shape (or its dot) on top, every ``step`` px (each point
# stands for step² px²). Whatever covers a shape (legend, zoom buttons) is not counted: it cannot
# be clicked there. Step 2 where the 100 px² threshold is close; coarser where shapes are big.
AREAS_JS = """(_, [codes, step]) => {
  const box = document.querySelector('.leaflet-container').getBoundingClientRect(), out = {};
  for (const p of document.querySelectorAll('path.authority-shape')) {
    const code = [...p.classList].find(c => c.startsWith('la-')).slice(3);
    if (codes && !codes.includes(code)) { continue; }
    let hits = 0;
    for (const el of document.querySelectorAll('.la-' + code)) {
      const r = el.getBoundingClientRect();
      for (let y = Math.max(r.top, box.top) + step / 2; y < Math.min(r.bottom, box.bottom); y += step) {
        for (let x = Math.max(r.left, box.left) + step / 2; x < Math.min(r.right, box.right); x += step) {
          if (document.elementFromPoint(x, y) === el) { hits += 1; }
        }
      }
    }
    out[code] = step * step * hits;
  }
  return out;
}"""


@pytest.fixture(scope="module")
def page(browser):
    """One page at 1400x900 for this module (the app is loaded afresh by each test)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def measures():
    return service.year_view(service.embedded(), 2024).measures


def load(page, url: str):
    """Open the app and wait until the map has drawn and stopped moving."""
    page.goto(url)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.authority-shape").first.wait_for(state="attached", timeout=60_000)
    settle(page, frame)
    return frame


def settle(page, frame) -> None:
    """Wait until the map's shapes stop moving (the app's maps do not animate; the first fit may take a moment)."""
    before = None
    for _ in range(60):
        page.wait_for_timeout(120)
        now = frame.locator("svg").first.evaluate("s => s.getAttribute('viewBox') + '|' + s.style.transform")
        if now == before:
            return
        before = now


def areas(frame, codes: list[str] | None = None, step: int = 2) -> dict[str, int]:
    return frame.locator("body").evaluate(AREAS_JS, [codes, step])


def test_every_authority_has_a_clickable_area_or_is_reached_by_zoom_to(page, app_url, measures):
    frame = load(page, app_url)
    seen = areas(frame)
    assert len(seen) == 153
    small = sorted(c for c, a in seen.items() if a < MIN_AREA_PX2)
    region = measures.set_index("code")["region"]
    london = [c for c in small if region[c] == "London"]
    assert len(london) >= 20  # the reason for the London button: most boroughs are specks at first
    frame.get_by_role("button", name="London", exact=True).click()
    settle(page, frame)
    still = {c: a for c, a in areas(frame, london, step=3).items() if a < MIN_AREA_PX2}
    # every other region through the "Zoom to a region" list, as a keyboard user would choose it
    # (the map does not animate zooms, so each view is measured as soon as it is chosen)
    others = {r: [c for c in small if region[c] == r] for r in sorted({region[c] for c in small} - {"London"})}
    found = frame.locator("body").evaluate("""(_, todo) => {
        const pick = document.querySelector('select.zoom-to-region'), out = {};
        for (const [name, codes] of Object.entries(todo)) {
            pick.value = name;
            pick.dispatchEvent(new Event('change'));
            Object.assign(out, (""" + AREAS_JS + """)(null, [codes, 2]));
        }
        return out;
    }""", others)
    still.update({c: a for c, a in found.items() if a < MIN_AREA_PX2})
    assert still == {}, f"too small to click even after Zoom to: {still}"
    assert set(found) == {c for codes in others.values() for c in codes}
    frame.get_by_role("button", name="All England").click()
    settle(page, frame)
    back = areas(frame, [KENT])[KENT]
    assert abs(back - seen[KENT]) <= 0.1 * seen[KENT]  # back to the first view of the whole country
    # a long tooltip (East Riding: DfE suppressed its figure) near the legend stays in the map, beside it
    frame.locator(f"path.la-{EAST_RIDING}").hover()
    tip = frame.locator(".leaflet-tooltip").filter(has_text="East Riding")
    tip.wait_for()
    t, whole = tip.bounding_box(), frame.locator(".leaflet-container").bounding_box()
    assert whole["x"] <= t["x"] and t["x"] + t["width"] <= whole["x"] + whole["width"] + 1
    assert whole["y"] <= t["y"] and t["y"] + t["height"] <= whole["y"] + whole["height"] + 1
    for control in (frame.locator(".sufficiency-legend"), frame.locator(".zoom-to")):
        c = control.bounding_box()
        overlap_x = min(t["x"] + t["width"], c["x"] + c["width"]) - max(t["x"], c["x"])
        overlap_y = min(t["y"] + t["height"], c["y"] + c["height"]) - max(t["y"], c["y"])
        assert overlap_x <= 0 or overlap_y <= 0, (t, c)  # not under the legend or the zoom buttons
    # the hex view: 153 cells, every one big enough at once, in the same place as the map
    page.get_by_text("Hex map (every authority the same size)").click()
    page.wait_for_function("() => location.search.includes('view=hex')")
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.authority-shape").nth(152).wait_for(state="attached")
    settle(page, frame)
    assert frame.locator("path.authority-shape").count() == 153
    cells = areas(frame, step=4)  # hexagons of about 700 px²
    assert len(cells) == 153 and min(cells.values()) >= MIN_AREA_PX2, sorted(cells.items(), key=lambda kv: kv[1])[:5]
    assert frame.locator(".hex-label").count() == 153


def test_keyboard_selection_is_outlined_kept_across_years_and_one_enter_adds_one(page, app_url):
    frame = load(page, f"{app_url}/?year=2024")
    # the search box is the keyboard path to every authority on the map
    box = page.get_by_label("Find an authority", exact=True)
    box.click()
    page.keyboard.type("Bournemouth")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Bournemouth, Christchurch and Poole").wait_for()
    frame.locator(f"path.selected-outline-{BCP}").wait_for(state="attached")
    page.wait_for_function(f"() => location.search.includes('la={BCP}')")
    year = page.locator('[data-testid="stSidebar"]').get_by_label("Year (31 March)", exact=True).first
    year.click()
    page.locator('[role="option"]').filter(has_text="2019").first.click()
    page.get_by_text("has no figures for 31 March 2019", exact=False).wait_for()  # kept, with a note
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(f"path.selected-outline-{DORSET_2019}").wait_for(state="attached")  # its area in 2019
    assert f"la={BCP}" in page.url
    year.click()
    page.locator('[role="option"]').filter(has_text="2024").first.click()
    page.wait_for_function("() => location.search.includes('year=2024')")
    page.frame_locator(MAP_FRAME).first.locator(f"path.selected-outline-{BCP}").wait_for(state="attached")
    page.get_by_role("table").filter(has_text="Registered places").first.wait_for()  # its figures again
    assert f"la={BCP}&" in page.url + "&"
    # one Enter in Compare adds one authority (the detail panel's button added the first)
    page.get_by_role("button", name="Add to comparison").click()
    page.wait_for_function(f"() => location.search.includes('compare={BCP}')")
    page.get_by_role("tab", name="Compare").click()
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Authorities to compare")
    box.locator("input").click()
    page.keyboard.type("Kent")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => location.search.includes('compare={BCP}%2C{KENT}')")
    page.wait_for_timeout(500)
    chips = box.locator('[aria-label="Selected values"]').first.locator("[data-tag]").evaluate_all(
        "tags => tags.map(t => t.getAttribute('aria-label'))")
    assert chips == ["Bournemouth, Christchurch and Poole", "Kent"]  # not Kensington, not Stoke-on-Trent
    assert f"compare={BCP}%2C{KENT}&" in page.url + "&"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed with npm into .cache/npm (git-ignored) when missing."""
    if not AXE_JS.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("axe-core is not installed and npm is not available to install it")
        done = subprocess.run([npm, "install", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund", "axe-core@4"],
                              capture_output=True, text=True, timeout=180)
        if done.returncode != 0 or not AXE_JS.is_file():
            pytest.skip(f"could not install axe-core with npm: {done.stderr.strip()[-300:]}")
    return AXE_JS.read_text(encoding="utf-8")


def axe_faults(page, source: str) -> list[str]:
    """Serious and critical axe-core violations (WCAG 2.1 A and AA rules) of the page and its map frames."""
    for frame in page.frames:
        if not frame.is_detached():
            frame.evaluate(source)
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations'],
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target).join(' | '));
    }""")


#: what each tab shows once it has drawn (so axe checks it whole)
TAB_READY = {"Map": "The map as a table", "Compare": "difference from Kent", "Regions": "location quotient above 1",
             "Shortfall table": "largest local bed gap first", "Distances and scenarios": "What if we opened"}


def test_axe_finds_no_serious_violation_on_any_tab(page, app_url, axe_source):
    load(page, f"{app_url}/?la={KENT}&compare={KENT},E06000035,E10000030")
    faults = {}
    for tab in TABS:
        page.get_by_role("tab", name=tab).click()
        page.get_by_text(TAB_READY[tab], exact=False).first.wait_for()
        wait_idle(page)  # only the tab shown runs: the one left is taken off the page
        if tab == "Distances and scenarios":  # with a scenario, so its table and map are checked too
            page.get_by_label("Authority", exact=True).click()
            page.keyboard.type("Kent")
            page.keyboard.press("Enter")
            page.get_by_label("Places (+ open, − close)").fill("-10")
            page.get_by_role("button", name="Add to the scenario").click()
            page.get_by_text("Authorities that change", exact=False).wait_for(timeout=60_000)
            page.frame_locator(MAP_FRAME).last.locator("path.authority-shape").first.wait_for(state="attached")
        faults[tab] = axe_faults(page, axe_source)
    assert faults == {tab: [] for tab in TABS}
