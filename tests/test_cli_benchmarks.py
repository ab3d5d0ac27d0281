"""DfE's benchmarks through the command line, checked against the raw DfE files read independently.

- ``neighbours --out`` equals DfE's May 2025 statistical neighbours for all 153 authorities x 10 ranks
  (read here with the csv module from DfE's own CSV of the groups);
- ``export --year 2024`` carries LAIT's published LACDistance, missing-from-care and away-from-placement
  figures (read here with pandas straight from LAIT's parquet, by DfE LA number);
- ``export --year 2025`` carries every 2025 figure that exists (places; DfE's looked-after numbers) and
  leaves the bed gap empty, since DfE has published no 2025 children-in-homes figures;
- ``export --layout ees`` is DfE's tidy layout with England and region rows.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from rawdata import raw_file

from sufficiency.cli import run


def _csv(capsys, argv: list[str]) -> pd.DataFrame:
    assert run(argv) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)


def _la_numbers(ds) -> dict[str, str]:
    ref = pd.read_csv(ds_path("reference/la_numbers.csv"), dtype=str)
    return dict(zip(ref["la_number"], ref["code"], strict=True))


def ds_path(name: str):
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "data" / name


def test_neighbours_equal_dfes_may_2025_groups(capsys):
    path = raw_file("dfe-statistical-neighbours/sn_model_2025_wide.csv")
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    codes = _la_numbers(None)
    expected = sorted((codes[r["old_la_code"]], k, codes[r[f"SN_{k}"]], r[f"SN_{k}P"].strip().capitalize())
                      for r in rows for k in range(1, 11))
    got = _csv(capsys, ["neighbours"])
    assert list(got.columns) == ["code", "name", "rank", "neighbour_code", "neighbour_name", "closeness"]
    assert len(got) == 1530 and got["code"].nunique() == 153
    assert sorted(zip(got["code"], got["rank"].astype(int), got["neighbour_code"], got["closeness"],
                      strict=True)) == expected


def test_stockports_ten_dfe_neighbours_by_name(capsys):
    got = _csv(capsys, ["neighbours", "--authority", "Stockport"])
    assert got["neighbour_name"].tolist() == [
        "Solihull", "Trafford", "Cheshire West and Chester", "Gloucestershire", "Hertfordshire", "West Sussex",
        "Warwickshire", "North Somerset", "South Gloucestershire", "Cambridgeshire"]
    assert set(got["closeness"]) == {"Very close"}


def _lait(indicator: str, year: int) -> dict[str, str]:
    """LAIT's published values for one indicator and year, by ONS code (pandas on the raw parquet);
    a revised year ("2024 (Rev)") wins over the first figure."""
    table = pd.read_parquet(raw_file("dfe-lait/bds_long_0.parquet"))
    years = table["Years"].astype(str)
    rows = table[(table["Short Desc"] == indicator) & years.str.fullmatch(rf"{year}( \(Rev\))?")]
    rows = rows.assign(rev=rows["Years"].astype(str).str.contains("Rev")).sort_values("rev")
    rows = rows[rows["LA Number"].notna()].drop_duplicates("LA Number", keep="last")
    codes = _la_numbers(None)
    return {codes[str(int(n))]: str(v).strip() for n, v in zip(rows["LA Number"], rows["Values"], strict=True)
            if str(int(n)) in codes}


@pytest.mark.parametrize(("indicator", "column"), [("LACDistance", "placed_over_20_miles_outside_pct"),
                                                   ("Children_missing", "missing_from_care_pct"),
                                                   ("Children_Away", "away_from_placement_pct")])
def test_export_2024_carries_lait_values(capsys, indicator, column):
    published = _lait(indicator, 2024)
    got = _csv(capsys, ["export", "--year", "2024"]).set_index("code")[column]
    compared = 0
    for code, value in got.items():
        lait = published.get(code)
        if lait is None or lait in ("-", ""):
            assert value == "", (code, value)  # not published: empty, never 0
            continue
        assert float(value) == float(lait), (code, value, lait)
        compared += 1
    assert compared >= 120  # LAIT publishes "-" for the rest (checked above: empty here)


def test_export_2025_has_every_figure_that_exists(capsys):
    got = _csv(capsys, ["export", "--year", "2025"]).set_index("code")
    assert len(got) == 153
    assert (got["local_bed_gap"] == "").all() and (got["children_in_homes"] == "").all()
    assert got["demand_note"].eq("DfE has not published children in children's homes by authority for 2025").all()
    assert got["places"].astype(float).sum() == 14244  # Ofsted, 31 March 2025
    # DfE's 2025 release: Stockport 485 children looked after (cla_number_and_rate_per_10k_children.csv)
    assert got.loc["E08000007", "children_looked_after"] == "485"
    assert got["placed_over_20_miles_outside_pct"].ne("").sum() == 151  # LAIT 2025: all but 2 ("-")


def test_ees_layout_has_england_and_region_rows(capsys):
    got = _csv(capsys, ["export", "--year", "2024", "--layout", "ees"])
    assert list(got.columns[:10]) == ["time_period", "time_identifier", "geographic_level", "country_code",
                                      "country_name", "region_code", "region_name", "new_la_code", "old_la_code",
                                      "la_name"]
    levels = got["geographic_level"].value_counts().to_dict()
    assert levels == {"National": 1, "Regional": 9, "Local authority": 153}
    england = got[got["geographic_level"] == "National"].iloc[0]
    assert england["placed_outside"] == "5760" and england["placed_outside_pct"] == "67"  # DfE's published figures
    assert england["placed_over_20_miles_outside_pct"] == "18"  # LAIT 2024 (revised from the 2025 release)
    stockport = got[got["new_la_code"] == "E08000007"].iloc[0]
    assert stockport["old_la_code"] == "356" and stockport["la_name"] == "Stockport"
    # suppressed children's figures are DfE's marker c, never blank or 0
    suppressed = got[(got["geographic_level"] == "Local authority") & (got["children_in_homes"] == "c")]
    assert len(suppressed) == 42 and (suppressed["local_bed_gap"] == "c").all()
