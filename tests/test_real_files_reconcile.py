"""Every real raw file: every data row is used or set aside, row by row, nothing lost.

tests/test_readers_*.py check totals and published values; here, for every raw file
the build reads (all Ofsted years, both DfE children's-homes tables), the rows used plus the rows set aside are exactly the file's data rows as the
``csv`` module counts them (same row numbers, none twice), and the committed
data/reconciliation.csv balances and agrees with the readers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from rawdata import RAW, csv_records, needs_raw

from sufficiency.readers.dfe import read_net_gain, read_placed_outside
from sufficiency.readers.ofsted import read_ofsted_providers

RECONCILIATION = Path(__file__).resolve().parent.parent / "data" / "reconciliation.csv"

# file -> (reader, a cell of the header row, as the csv module sees it)
FILES = {
    **{f"ofsted-providers/provider_at_march_{y}.csv": (read_ofsted_providers, "URN")
       for y in (2015, 2019, 2020, 2021, 2022, 2023, 2024, 2025)},
    "ofsted-providers-extra/providers_at_sept_14.csv": (read_ofsted_providers, "URN"),
    "dfe-cla-childrens-homes/placed_outside_la_childrens_homes_2014_2024.csv": (read_placed_outside, "time_period"),
    "dfe-cla-childrens-homes/net_gain_childrens_homes_2014_2024.csv": (read_net_gain, "time_period"),
}
# raw CSV files the build deliberately does not read, and why
NOT_READ = {
    "dfe-cla-la-tables/SFR41_CLA2016.csv": "all looked-after children 2016: superseded by DfE's LAIT series",
    "dfe-cla-la-tables/SFR50_CLA2017.csv": "all looked-after children 2017: superseded by DfE's LAIT series",
    "dfe-cla-la-tables/SFR41_Missing2016.csv": "missing from care 2016: superseded by DfE's LAIT series",
    "dfe-cla-la-tables/SFR50_Missing_2017.csv": "missing from care 2017: superseded by DfE's LAIT series",
    "ons-lookups/LTLA16_UTLA16_lookup_EW.csv": "2016 districts: the registry uses the 2021 lookup from PyPI",
    "dfe-lait/lait_data_dictionary.csv": "LAIT's indicator definitions: quoted in data/README.md, not figures",
    **{f"dfe-ees-cla/release_{name}": "England-only table: DfE's national figures, not per authority" for name in (
        "2022/national_cla_on_31_march_by_characteristics.csv",
        "2022/national_cla_on_31_march_by_placement_distance_and_locality_of_placement.csv",
        "2024/national_cla_during_year_by_placement_type_and_locality_of_placement.csv",
        "2024/national_cla_on_31_march_by_characteristics.csv",
        "2024/national_cla_on_31_march_by_placement_distance_and_placement_locality.csv",
        "2024/national_cla_on_31_march_by_placement_provider_placement_type_and_locality.csv")},
}
# read by scripts/build_dfe_series.py, row accounting in data/dfe_reconciliation.csv (tests/test_readers_ees.py ...)
DFE_SERIES = {
    "dfe-statistical-neighbours/sn_model_2025_wide.csv",
    "dfe-ees-cla/release_2022/la_cla_during_year_new_placements.csv",
    "dfe-ees-cla/release_2022/la_cla_on_31_march_la_of_placement_net_gain.csv",
    "dfe-ees-cla/release_2024/la_cla_on_31_march_la_of_placement_netgain.csv",
    "dfe-ees-cla/release_2025/cla_number_and_rate_per_10k_children.csv",
    "dfe-ees-cla/release_2025/la_cla_during_year_new_placements.csv",
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
    found = {p.relative_to(RAW).as_posix() for p in RAW.rglob("*.csv")}
    assert found == set(FILES) | set(NOT_READ) | DFE_SERIES


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
    assert kinds == {"provision type out of scope", "not active", "blank row"}


def _reconciliation() -> pd.DataFrame:
    return pd.read_csv(RECONCILIATION, dtype={"file": "string", "what": "string", "rows": "int64"})


def test_committed_reconciliation_balances_per_file():
    table = _reconciliation()
    assert list(table.columns) == ["file", "what", "rows"]
    assert table["what"].isin(["rows read", "rows used"]).groupby(table["file"]).sum().eq(2).all()
    for file, rows in table.groupby("file"):
        got = dict(zip(rows["what"], rows["rows"], strict=True))
        aside = sum(n for what, n in got.items() if what.startswith("set aside: "))
        assert set(got) - {"rows read", "rows used"} == {w for w in got if w.startswith(("set aside: ",
                                                                                      "used, flagged: "))}, file
        assert got["rows read"] == got["rows used"] + aside, file
    # the one home whose authority and region columns disagree (SC475703, 2025): used, flagged, authority followed
    flags = table[table["what"].str.startswith("used, flagged: ")]
    assert flags["file"].tolist() == ["provider_at_march_2025.csv"] and flags["rows"].tolist() == [1]
    assert "Lancashire" in flags["what"].iloc[0] and "the Local authority column was followed" in flags["what"].iloc[0]
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
