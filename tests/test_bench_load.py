"""The load and isolation test (bench/load.py): its results section, and a 2-session, 5-second smoke run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import load, report

ROOT = Path(__file__).resolve().parent.parent


def test_the_section_is_replaced_in_place_and_kept_by_the_benchmark_report(tmp_path):
    path = tmp_path / "results.md"
    path.write_text("# Benchmark results\n\ntable\n")
    load.write_section(f"{load.START}\nfirst\n{load.END}\n", path)
    load.write_section(f"{load.START}\nsecond\n{load.END}\n", path)
    assert path.read_text() == f"# Benchmark results\n\ntable\n\n{load.START}\nsecond\n{load.END}\n"
    rewritten = report.keep_sections("# Benchmark results\n\nnew table\n", path)
    assert rewritten == f"# Benchmark results\n\nnew table\n\n{load.START}\nsecond\n{load.END}\n"
    assert report.keep_sections("# x\n", tmp_path / "absent.md") == "# x\n"


def test_upload_files_have_distinct_leeds_figures(tmp_path):
    from sufficiency import service

    figures = []
    for i in range(2):
        path = load.upload_file(tmp_path, i)
        ds = service.open_dataset(service.UserFiles(providers=(service.UserFile(path.name, path.read_bytes()),)),
                                  geometry=False)
        measures = service.year_view(ds, 2024, distances=False).measures.set_index("code")
        assert ds.notices == () and (measures.drop(index=load.LEEDS)["places"] == 3).all()
        figures.append(measures.loc[load.LEEDS, "places"])
    assert figures == [7077, 7177]


@pytest.mark.browser
@pytest.mark.slow
def test_two_sessions_for_five_seconds(tmp_path):
    if not load.CHROMIUM.exists():
        pytest.skip(f"no Chromium at {load.CHROMIUM}")
    out = tmp_path / "results.md"
    proc = subprocess.run([sys.executable, "-m", "bench.load", "--sessions", "2", "--seconds", "5", "--uploaders",
                           "1", "--years", "2024", "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = out.read_text()
    assert text.startswith(load.START) and text.rstrip().endswith(load.END)
    assert "- **result**: passed" in text and "**errors**: 0; **isolation failures**: 0" in text
    assert "**tracebacks in the server log**: 0" in text and "(2 of 2 sessions opened)" in text
