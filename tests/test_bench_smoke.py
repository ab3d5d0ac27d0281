"""Smoke test of the benchmark script: ``python -m bench --quick`` runs, reports every row, with numbers.

Benchmarks are not unit tests (their figures depend on the machine); this only
keeps ``bench/`` from rotting. The quick run uses tiny sizes and skips the
browser; it writes to a temporary directory, never over ``bench/results.md``.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
APP_ROWS = {"app_start", "app_first_map", "app_later_map", "app_first_click", "app_click", "app_year_change",
            "app_measure_change", "app_first_scenario", "app_one_visitor_rss", "app_floor"}
# new-process end-to-end rows that --quick skips too (the browser and CLI tests run the same paths)
QUICK_SKIPPED = {*APP_ROWS, "profile_cli_html", "profile_cli_pdf", "app_script_first", "app_script_rerun"}
ROWS = {
    "model_cold", "load_embedded", "model_warm", "model_all_years", "cli_export", "map_html", "map_geojson",
    "allocation", "attr_authorities_1", "attr_authorities_2", "attr_authorities_3", "attr_authorities_growth",
    "attr_grid_1", "attr_grid_2", "attr_grid_3", "attr_grid_growth", "geocode_build", "geocode_cold",
    "geocode_lookup", "app_script_first", "app_script_rerun", "cli_export_ratio", "placements_small",
    "placements_large", "profile_cli_html", "profile_cli_pdf", "profile_all_html", "profile_pdf", *APP_ROWS,
}
# derived rows; and two pandas-heavy ones that --quick does not trace (tracemalloc makes them slow)
NO_MEMORY = {"map_geojson", "attr_authorities_growth", "attr_grid_growth", "model_all_years", "geocode_lookup",
             "profile_all_html", "map_html"}


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> tuple[dict, str]:
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(out / "results.md"),
                           "--json", str(out / "results.json")],
                          cwd=REPO, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((out / "results.json").read_text()), (out / "results.md").read_text()


def _finite(value) -> bool:
    return value is not None and math.isfinite(value)


def test_every_row_is_reported_once(quick):
    data, _ = quick
    keys = [r["key"] for r in data["results"]]
    assert sorted(keys) == sorted(ROWS)
    assert data["mode"] == "quick"


def test_numbers_are_finite_and_positive(quick):
    data, _ = quick
    for row in data["results"]:
        if row["key"] in QUICK_SKIPPED:  # the browser and new-process rows are skipped in quick mode, and say so
            assert row["note"] == "skipped: --quick" and row["runs"] == 0
            continue
        assert _finite(row["seconds"]) and row["seconds"] > 0, row
        assert row["runs"] >= 1, row
        if row["key"] not in NO_MEMORY:
            assert _finite(row["peak_mb"]) and row["peak_mb"] > 0, row


def test_ratios_and_real_values(quick):
    rows = {r["key"]: r for r in quick[0]["results"]}
    for key in ("attr_authorities_1", "attr_authorities_3", "attr_grid_2"):
        values = rows[key]["values"]
        assert _finite(values["ratio_query"]) and values["ratio_query"] > 0
        assert _finite(values["ratio_full"]) and values["ratio_full"] > 0
        assert values["same_count"] is True  # attribute_points and the raw query agree on every point
    assert _finite(rows["attr_grid_growth"]["values"]["growth"])
    # the England map page: hundreds of kB of GeoJSON (153 authorities, 9 regions), under the 1.5 MB target
    assert 300_000 < rows["map_geojson"]["values"]["bytes"] < rows["map_html"]["values"]["bytes"] < 1_500_000
    # every sampled postcode is in the directory: messy formatting must still match exactly
    assert rows["geocode_lookup"]["values"]["exact_share"] == 1.0
    assert rows["geocode_build"]["size"] == "2,264,892 postcodes"
    # England's children in homes (about 7,500 in 2024) all fit in its registered places
    assert 5_000 < rows["allocation"]["values"]["allocated"] < 12_000
    assert rows["model_warm"]["size"] == "153 authorities"


def test_markdown_has_machine_details_and_every_row(quick):
    data, text = quick
    for heading in ("## Machine", "## Results", "## Targets not met"):
        assert heading in text
    for field in ("**cpu**", "**cores**", "**ram**", "**python**", "**libraries**", "**date**"):
        assert field in text
    assert "shapely 2." in text and "pandas " in text
    for row in data["results"]:
        assert f"| {row['name']} |" in text.replace("\\|", "|")


def test_runs_as_a_file_too():
    proc = subprocess.run([sys.executable, "bench/run.py", "--help"], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and "--quick" in proc.stdout
