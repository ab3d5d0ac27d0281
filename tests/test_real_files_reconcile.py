"""Every real raw file: every data row is used or set aside, row by row, nothing lost.

tests/test_readers_*.py check totals and published values; here, for every raw file
(all Ofsted years, both DfE children's-homes tables, the SFR41/SFR50 CLA and Missing
tables), the rows used plus the rows set aside are exactly the file's data rows as the
``csv`` module counts them (same row numbers, none twice), and the committed
data/reconciliation.csv balances and agrees with the readers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from rawcount import csv_records

from sufficiency.readers import (
    read_cla_la_table,
    read_cla_missing_table,
    read_net_gain,
    read_ofsted_providers,
    read_placed_outside,
)

RAW = Path("/work/shared/data/raw")
RECONCILIATION = Path(__file__).resolve().parent.parent / "data" / "reconciliation.csv"
needs_raw = pytest.mark.skipif(not RAW.exists(), reason=f"raw published files not available at {RAW}")

# file -> (reader, a cell of the header row, as the csv module sees it)
FILES = {
    **{f"ofsted-providers/provider_at_march_{y}.csv": (read_ofsted_providers, "URN")
       for y in (2015, 2019, 2020, 2021, 2022, 2023, 2024, 2025)},
    "dfe-cla-childrens-homes/placed_outside_la_childrens_homes_2014_2024.csv": (read_placed_outside, "time_period"),
    "dfe-cla-childrens-homes/net_gain_childrens_homes_2014_2024.csv": (read_net_gain, "time_period"),
    "dfe-cla-la-tables/SFR41_CLA2016.csv": (read_cla_la_table, "geog_l"),
    "dfe-cla-la-tables/SFR50_CLA2017.csv": (read_cla_la_table, "geog_l"),
    "dfe-cla-la-tables/SFR41_Missing2016.csv": (read_cla_missing_table, "geog_l"),
    "dfe-cla-la-tables/SFR50_Missing_2017.csv": (read_cla_missing_table, "geog_l"),
}


def _data_row_numbers(path: Path, first_cell: str) -> list[int]:
    """Spreadsheet row numbers of the records below the header, counted by the csv module."""
    records = csv_records(path)
    header = next(i for i, r in enumerate(records) if first_cell.casefold() in [c.strip().casefold() for c in r])
    return list(range(header + 2, len(records) + 1))  # record i (0-based) is row i + 1


@pytest.fixture(scope="module")
def read_all():
    if not RAW.exists():
        pytest.skip(f"raw published files not available at {RAW}")
    return {rel: reader(RAW / rel) for rel, (reader, _) in FILES.items()}


def test_every_raw_file_is_listed():
    """A raw file added later must be added here too (or the test says which)."""
    if not RAW.exists():
        pytest.skip(f"raw published files not available at {RAW}")
    found = {str(p.relative_to(RAW)) for p in RAW.glob("*/*.csv") if p.parent.name != "ons-lookups"}
    assert found == set(FILES)


@needs_raw
@pytest.mark.parametrize("rel", sorted(FILES))
def test_rows_in_equal_used_plus_set_aside_row_by_row(rel, read_all):
    frame, rec = read_all[rel]
    rows = _data_row_numbers(RAW / rel, FILES[rel][1])
    assert rec.rows_in == len(rows) == rec.rows_used + rec.rows_set_aside
    assert rec.rows_used == len(frame)
    used = frame["source_row"].astype(int).tolist()
    aside = rec.set_aside["row"].astype(int).tolist()
    assert sorted(used + aside) == rows  # each data row exactly once: used or set aside
    assert rec.set_aside["reason"].str.len().gt(0).all()  # every row set aside says why
    assert rec.file == Path(rel).name


@needs_raw
def test_set_aside_reasons_on_the_real_files(read_all):
    """The only reasons the real files give: nothing is set aside for a bad number."""
    reasons = pd.concat([rec.set_aside.assign(file=Path(rel).name) for rel, (_, rec) in read_all.items()])
    kinds = set(reasons["reason"].str.replace(r":.*", "", regex=True))
    assert kinds == {"provision type out of scope", "not active", "blank row", "unknown geographic level"}
    blank_level = reasons[reasons["reason"] == "unknown geographic level: (blank)"]
    assert blank_level[["file", "row"]].values.tolist() == [["SFR50_CLA2017.csv", 83]]  # Isles of Scilly


def _reconciliation() -> pd.DataFrame:
    return pd.read_csv(RECONCILIATION, dtype={"file": "string", "what": "string", "rows": "int64"})


def test_committed_reconciliation_balances_per_file():
    table = _reconciliation()
    assert list(table.columns) == ["file", "what", "rows"]
    assert table["what"].isin(["rows read", "rows used"]).groupby(table["file"]).sum().eq(2).all()
    for file, rows in table.groupby("file"):
        got = dict(zip(rows["what"], rows["rows"], strict=True))
        aside = sum(n for what, n in got.items() if what.startswith("set aside: "))
        assert set(got) - {"rows read", "rows used"} == {w for w in got if w.startswith("set aside: ")}, file
        assert got["rows read"] == got["rows used"] + aside, file
    assert set(table["file"]) == {Path(rel).name for rel in FILES}  # every raw file the model reads


@needs_raw
def test_committed_reconciliation_agrees_with_the_readers(read_all):
    """Rows read and every reader reason match; the rest are the model's own reasons."""
    table = _reconciliation()
    by_name = {Path(rel).name: rec for rel, (_, rec) in read_all.items()}
    for file, rows in table.groupby("file"):
        rec = by_name[file]
        got = dict(zip(rows["what"], rows["rows"], strict=True))
        assert got["rows read"] == rec.rows_in, file
        reader_reasons = {f"set aside: {r}": int(n) for r, n in zip(rec.by_reason()["reason"],
                                                                     rec.by_reason()["rows"], strict=True)}
        assert {k: got.get(k) for k in reader_reasons} == reader_reasons, file
        later = sum(n for k, n in got.items() if k.startswith("set aside: ") and k not in reader_reasons)
        assert rec.rows_used - got["rows used"] == later, file
