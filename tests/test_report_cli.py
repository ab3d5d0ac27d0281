"""``python -m sufficiency profile``: formats from the ending, several authorities, the checks on outputs.

In-process (``sufficiency.cli.run``) so the embedded data loads once; one subprocess
checks the command end to end.
"""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest

from sufficiency import cli, service

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SUFFICIENCY_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


def test_one_authority_both_formats(tmp_path, capsys):
    html, pdf = tmp_path / "stockport.html", tmp_path / "out" / "stockport.pdf"
    assert cli.run(["profile", "--authority", "Stockport", "--year", "2024", "--out", str(html),
                    "--out", str(pdf)]) == 0
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<h1>Stockport</h1>" in page
    assert pdf.read_bytes().startswith(b"%PDF-")
    expected = service.profile_html(service.authority_profile(service.embedded(), "E08000007", 2024))
    assert html.read_bytes() == expected  # the same bytes as the service (and the app's button)
    assert f"wrote {pdf} (Stockport, E08000007, 31 March 2024)" in capsys.readouterr().err


def test_several_authorities_by_pattern_and_by_folder(tmp_path):
    assert cli.run(["profile", "--authority", "Stockport", "--authority", "E06000001", "--year", "2024",
                    "--out", str(tmp_path / "{name}-{code}.html")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hartlepool-E06000001.html", "stockport-E08000007.html"]
    folder = tmp_path / "all"
    assert cli.run(["profile", "--authority", "Cumbria", "--authority", "Northamptonshire", "--year", "2021",
                    "--out-dir", str(folder), "--format", "pdf"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["cumbria-E10000006-2021.pdf",
                                                        "northamptonshire-E10000021-2021.pdf"]


@pytest.mark.parametrize(("args", "message"), [
    (["--authority", "Stockport", "--authority", "Salford", "--out", "x.pdf"], "put {name} or {code}"),
    (["--authority", "Stockport", "--out", "x.docx"], "the file must end .html or .pdf"),
    (["--authority", "Stockport"], "give --out FILE.html or --out FILE.pdf"),
    (["--authority", "Nowhere", "--authority", "Elsewhere", "--out", "{code}.pdf"], "'Elsewhere'"),
    (["--authority", "Cumberland", "--year", "2022", "--out", "x.pdf"], "its area was Cumbria (E10000006)"),
    (["--authority", "Stockport", "--out", "x.pdf", "--disclosure", "none", "--close", "E08000007:-5"],
     "no sign inside the number"),
])
def test_bad_arguments_exit_2_with_one_sentence(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.run(["profile", "--year", "2024", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing written


def test_an_output_never_overwrites_the_placements_file(tmp_path, capsys):
    placements = tmp_path / "placements.pdf"
    placements.write_text("origin,destination\nE08000007,E08000006\n")
    assert cli.run(["profile", "--authority", "Stockport", "--placements", str(placements),
                    "--out", str(placements)]) == 2
    assert "same file as the input given with --placements" in capsys.readouterr().err
    assert placements.read_text().startswith("origin")


def test_placements_and_scenario_reach_the_report(tmp_path):
    rows = ["origin,destination"] + ["E08000007,E08000006"] * 7 + ["E08000007,E10000003", "E08000007,E08000007"] * 3
    (tmp_path / "placements.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "s.html"
    assert cli.run(["profile", "--authority", "E08000007", "--year", "2024", "--placements",
                    str(tmp_path / "placements.csv"), "--close", "E08000007:100", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Your placements list (placements.csv)" in page and "Salford" in page
    assert 'id="scenario"' in page and "--placements placements.csv --close E08000007:100" in page
    # 13 placements: 7 to Salford shown; 3 each to Cambridgeshire and Stockport itself: hidden (1-5)
    assert '<td class="child" data-measure="placements">7</td>' in page
    assert "2 other authorities with 5 or fewer placements each" in page


def test_the_command_end_to_end(tmp_path):
    out = tmp_path / "p.pdf"
    proc = subprocess.run([sys.executable, "-m", "sufficiency", "profile", "--authority", "Stockport", "--year",
                           "2024", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    from pypdf import PdfReader

    assert len(PdfReader(BytesIO(out.read_bytes())).pages) >= 2
