"""The shortfall table and the CLI: filters, ordering, identical bytes from CLI and function."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sufficiency.cli import run
from sufficiency.errors import BadValueError
from sufficiency.export import export_csv
from sufficiency.model.shortfall import SHORTFALL_COLUMNS, shortfall_table

ROOT = Path(__file__).resolve().parent.parent


def test_sorted_by_gap_with_missing_last(m2024):
    t = shortfall_table(m2024)
    assert list(t.columns) == SHORTFALL_COLUMNS and len(t) == 153
    gaps = t["local_bed_gap"].dropna()
    assert gaps.is_monotonic_decreasing
    assert t["local_bed_gap"].iloc[len(gaps):].isna().all()
    assert t.iloc[0]["name"] == "Bradford" and t.iloc[0]["rank"] == 1


def test_region_filter(m2024):
    t = shortfall_table(m2024, "North West")
    assert len(t) == 24 and set(t["region"]) == {"North West"}
    assert t.iloc[0]["name"] == "Wirral"
    with pytest.raises(BadValueError, match="Narnia"):
        shortfall_table(m2024, "Narnia")


def test_cli_export_is_byte_identical_to_the_function(tmp_path, m2024, capsys):
    out = tmp_path / "nw.csv"
    assert run(["export", "--year", "2024", "--region", "North West", "--out", str(out)]) == 0
    assert out.read_bytes() == export_csv(shortfall_table(m2024, "North West"))
    frame = pd.read_csv(out)
    assert len(frame) == 24 and frame.loc[0, "code"] == "E08000015"


def test_cli_disclosure_option(tmp_path, m2024):
    out = tmp_path / "r.csv"
    assert run(["export", "--year", "2024", "--disclosure", "round10", "--out", str(out)]) == 0
    assert out.read_bytes() == export_csv(shortfall_table(m2024), "round10")
    assert "round10" in out.read_text().splitlines()[1]


def test_cli_summary_prints_regions(capsys):
    assert run(["summary", "--year", "2024"]) == 0
    text = capsys.readouterr().out
    assert "North West" in text and "England" in text and "5,760" in text  # the app's number format


@pytest.mark.parametrize(("args", "message"), [
    (["export", "--year", "2031"], "no data for 2031"),
    (["export", "--region", "Narnia"], "'Narnia' is not an English region"),
    (["export", "--providers", "/no/such/file.csv"], "file not found"),
    (["export", "--categories", "hotels"], "unknown category hotels"),
])
def test_cli_bad_input_exits_2_with_a_sentence(args, message, capsys):
    assert run(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_python_dash_m_runs():
    proc = subprocess.run([sys.executable, "-m", "sufficiency", "export", "--year", "2024", "--region", "London"],
                          cwd=ROOT, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(b"\n") == 34  # header + 33 London authorities


def test_cli_writes_the_reconciliation_report(tmp_path):
    report = tmp_path / "recon.csv"
    providers = ROOT.parent / "shared" / "data" / "raw" / "ofsted-providers" / "provider_at_march_2025.csv"
    if not providers.exists():
        pytest.skip(f"raw Ofsted file not found at {providers}")
    # the file is about 31 March 2025: --year 2024 with it is refused (tests/test_file_years.py)
    assert run(["export", "--year", "2025", "--providers", str(providers), "--out", str(tmp_path / "x.csv"),
                "--report", str(report)]) == 0
    recon = pd.read_csv(report).set_index("what")["rows"]
    assert recon["rows read"] == 5600
    assert recon["rows read"] == recon["rows used"] + recon[recon.index.str.startswith("set aside")].sum()
