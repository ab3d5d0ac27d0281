"""``python -m sufficiency`` with broken and hostile files: exit 2, one plain error, no traceback.

The corpus is tests/fixtures/bad/ (see make_corpus.py). The subprocesses run in
parallel (each loads the embedded data, ~1-2 s).
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import sufficiency.errors
from sufficiency import cli, service
from sufficiency.readers import files

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "fixtures" / "bad"
PYTHON = sys.executable

# (option, corpus file, exact error class name in sufficiency.errors, phrase the message must contain)
CASES = [
    ("--providers", "empty.csv", "EmptyFileError", "the file is empty"),
    ("--providers", "header_only.csv", "EmptyFileError", "header but no data rows"),
    ("--providers", "unclosed_quote.csv", "FileFormatError", "row 4: broken quoting"),
    ("--providers", "legacy.xls", "FileFormatError", "Excel 97-2003 (.xls)"),
    ("--providers", "image.csv", "FileFormatError", "PNG image, not a table"),
    ("--providers", "duplicate_columns.csv", "DuplicateColumnError", "appears twice (columns 6 and 7)"),
    ("--providers", "missing_columns.csv", "MissingColumnError", "required column missing: 'la_name'"),
    ("--providers", "xlsx_bomb.xlsx", "UnsafeArchiveError", "zip bomb"),
    ("--demand", "dfe_given_ofsted_file.csv", "MissingColumnError", "required column missing: 'time_period'"),
    ("--boundaries", "zip_slip.zip", "UnsafeArchiveError", "'../../evil.shp' points outside"),
    ("--boundaries", "zip_bomb.zip", "UnsafeArchiveError", "zip bomb"),
    ("--boundaries", "b_latlon_swapped.geojson", "CRSError", "latitude/longitude in the wrong order"),
    ("--boundaries", "b_no_crs_shapefile.zip", "CRSError", "does not say which coordinate reference system"),
    ("--boundaries", "b_duplicate_codes.geojson", "BoundaryError", "same code is given to different areas"),
]


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "sufficiency", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


# these run as real processes (python -m sufficiency ...); the rest through cli.run() in this process,
# which prints the same stderr and returns the same exit code (the suite stays fast)
IN_A_PROCESS = {"unclosed_quote.csv", "zip_slip.zip", "b_latlon_swapped.geojson"}


@pytest.fixture(scope="module")
def results() -> dict[str, subprocess.CompletedProcess]:
    procs = [c for c in CASES if c[1] in IN_A_PROCESS]
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = pool.map(lambda c: _run(["export", "--year", "2024", c[0], str(BAD / c[1])]), procs)
        return {case[1]: proc for case, proc in zip(procs, done, strict=True)}


def _run_here(args: list[str], capsys) -> subprocess.CompletedProcess:
    code = cli.run(args)
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.out, out.err)


def _check(proc: subprocess.CompletedProcess, file: str, phrase: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and proc.stdout == ""  # no half-written CSV either
    lines = proc.stderr.strip().splitlines()
    assert [line for line in lines if line.startswith("error: ")] == [lines[0]]  # one error, first
    assert all(line.startswith("  ") for line in lines[1:])  # the rest are its listed problems
    assert f"file '{file}'" in proc.stderr and phrase in proc.stderr, proc.stderr


@pytest.mark.parametrize(("option", "file", "error", "phrase"), CASES, ids=[c[1] for c in CASES])
def test_bad_file_exits_2_with_one_plain_error(results, capsys, option, file, error, phrase):
    proc = results.get(file) or _run_here(["export", "--year", "2024", option, str(BAD / file)], capsys)
    _check(proc, file, phrase)


@pytest.mark.parametrize(("option", "file", "error", "phrase"), CASES, ids=[c[1] for c in CASES])
def test_same_files_raise_the_exact_error_class_in_process(option, file, error, phrase):
    """The same cases through service.open_dataset (what the CLI and the app call), to see the exact class."""
    key = option.lstrip("-").replace("-", "_")
    given = service.UserFile.from_path(BAD / file)
    with pytest.raises(sufficiency.errors.InputError) as info:
        service.open_dataset(service.UserFiles(**{key: (given,) if key == "providers" else given}), geometry=False)
    assert type(info.value).__name__ == error
    assert type(info.value) is getattr(sufficiency.errors, error)


def test_file_far_larger_than_the_limit_sparse(tmp_path):
    big = tmp_path / "huge_providers.csv"
    with open(big, "wb") as f:  # sparse: no disk used, never read
        f.truncate(2 * files.MAX_INPUT_BYTES)
    proc = _run(["export", "--providers", str(big)])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: file '{big}': file is 419,430,400 bytes; the limit is 200 MiB")


def test_file_over_a_lowered_limit_is_file_too_large(monkeypatch, capsys):
    monkeypatch.setattr(files, "MAX_INPUT_BYTES", 100)
    assert cli.run(["export", "--providers", str(BAD / "bom.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: file '") and "bom.csv': file is " in err and "the limit is" in err

    from sufficiency.errors import FileTooLargeError

    with pytest.raises(FileTooLargeError) as info:
        files.check_size(BAD / "bom.csv")
    assert info.value.file.endswith("bom.csv")


def test_a_file_with_no_usable_row_is_refused_with_its_reasons():
    """An authority named with HTML is not guessed at: the row is set aside; with nothing left the
    file is refused (as the app refuses it), saying why."""
    proc = _run(["reconcile", "--providers", str(BAD / "html_names.csv")])
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == (
        "error: file 'html_names.csv': nothing in this file could be used: every row was set aside "
        "(local authority not an English children's services authority (1 rows))")


def test_net_gain_without_the_placed_outside_table_is_refused_like_the_app(tmp_path):
    """One rule for both: the CLI exits 2 with the sentence the app shows (service.NET_GAIN_ALONE)."""
    net = tmp_path / "net.csv"
    net.write_text("time_period\n2024\n")
    proc = _run(["export", "--net-gain", str(net)])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"error: file 'net.csv': {service.NET_GAIN_ALONE}"
    with pytest.raises(sufficiency.errors.InputError) as info:
        service.open_dataset(service.UserFiles(net_gain=service.UserFile("net.csv", net.read_bytes())))
    assert str(info.value) == f"file 'net.csv': {service.NET_GAIN_ALONE}"
