"""The embedded data is exactly what scripts/build_data.py makes from the raw files; every row counted."""

from pathlib import Path

import pandas as pd
from rawdata import RAW, needs_raw

from scripts.build_data import build

ROOT = Path(__file__).resolve().parent.parent


@needs_raw
def test_rebuild_reproduces_the_committed_tables(tmp_path):
    build(RAW, tmp_path)
    for name in ("authorities.csv", "supply.csv", "demand.csv", "demand_totals.csv", "reconciliation.csv",
                 "provider_authorities.csv", "supply_years.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name


def test_every_raw_row_is_used_or_set_aside():
    recon = pd.read_csv(ROOT / "data" / "reconciliation.csv")
    files = set(recon["file"])
    assert len(files) == 11  # 8 Ofsted 31 March files + Ofsted 30 September 2014 + 2 DfE children's-homes tables
    for name, rows in recon.groupby("file"):
        read = rows.loc[rows["what"] == "rows read", "rows"].item()
        used = rows.loc[rows["what"] == "rows used", "rows"].item()
        aside = rows.loc[rows["what"].str.startswith("set aside"), "rows"].sum()
        assert read == used + aside, name
    ofsted25 = recon[recon["file"] == "provider_at_march_2025.csv"].set_index("what")["rows"]
    assert ofsted25["rows read"] == 5600


@needs_raw
def test_rows_read_match_an_independent_count():
    import csv
    import io

    recon = pd.read_csv(ROOT / "data" / "reconciliation.csv").set_index(["file", "what"])["rows"]
    raw = (RAW / "dfe-cla-childrens-homes" / "placed_outside_la_childrens_homes_2014_2024.csv").read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "time_period")
    data_rows = [r for r in rows[header + 1:] if any(c.strip() for c in r)]
    assert recon[("placed_outside_la_childrens_homes_2014_2024.csv", "rows read")] == len(data_rows) == 1870
