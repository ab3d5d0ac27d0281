"""EES CLA files, the LA number reference and the DfE series build: real values, bad files."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sufficiency.errors import BadValueError, FileFormatError, MissingColumnError
from sufficiency.readers.ees import (
    load_la_numbers,
    read_cla_numbers,
    read_new_placements,
    read_placement_net_gain,
)

REPO = Path(__file__).resolve().parent.parent
RAW = Path(os.environ.get("SUFFICIENCY_RAW", REPO.parent / "shared" / "data" / "raw"))
EES = RAW / "dfe-ees-cla"
FIX = REPO / "tests" / "fixtures" / "dfe_series"
DATA = REPO / "data"
needs_raw = pytest.mark.skipif(not EES.exists(), reason=f"raw published files not available at {EES}")
OUTPUTS = ["dfe_indicators.csv", "dfe_neighbours.csv", "dfe_reconciliation.csv", "reference/la_numbers.csv"]


def _records(path: Path) -> list[dict[str, str]]:
    """A published CSV read with the csv module (not our readers)."""
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def _indicators() -> pd.DataFrame:
    return pd.read_csv(DATA / "dfe_indicators.csv", dtype="str", keep_default_na=False)


# --- hand-made files ---------------------------------------------------------------------------------------------

def test_new_placements_hand_made_wide_row():
    frame, rec = read_new_placements(FIX / "new_placements_2025.csv")
    assert rec.rows_in == 21 and rec.rows_used == 18 and rec.balanced
    assert set(rec.set_aside["reason"]) == {"Reason for placement change during the year (not used)"}
    barnet = frame[frame["la_number"] == 302].iloc[0]
    assert (barnet["code"], barnet["new_placements"], barnet["outside_la_over_20_miles"]) == ("E09000003", 100, 21)
    assert barnet["outside_la_over_20_miles_pct"] == 21 and barnet["input_rows"] == 6
    assert pd.isna(barnet["inside_la_over_20_miles"]) and barnet["inside_la_over_20_miles_marker"] == "c"
    assert frame["level"].tolist() == ["National", "Regional", "Local authority"]
    assert frame.loc[1, "code"] == "E13000002" and pd.isna(frame.loc[1, "la_number"])


def test_2022_naming_reads_the_same():
    new, _ = read_new_placements(FIX / "new_placements_2025.csv")
    old, _ = read_new_placements(FIX / "new_placements_2022_naming.csv")
    pd.testing.assert_frame_equal(new, old)


def test_fractions_for_percentages_are_refused():
    with pytest.raises(BadValueError, match="look like fractions") as info:
        read_new_placements(FIX / "new_placements_fractions.csv")
    err = info.value
    assert (err.file, err.row, err.column) == ("new_placements_fractions.csv", 2, "children_percent")


def test_two_rows_per_la_year_are_refused():
    with pytest.raises(BadValueError, match="2 rows for the same geography, year and breakdown") as info:
        read_new_placements(FIX / "new_placements_two_rows_per_la_year.csv")
    assert info.value.row == 21 and "rows 21, 23" in str(info.value)


def test_wrong_tables_given_as_others():
    with pytest.raises(FileFormatError, match="this is not DfE's LA of placement net gain table"):
        read_placement_net_gain(FIX / "new_placements_2022_naming.csv")
    with pytest.raises(MissingColumnError, match="this is not DfE's new placements table"):
        read_new_placements(FIX / "net_gain_2024.csv")
    with pytest.raises(MissingColumnError, match="'population_type'"):
        read_cla_numbers(FIX / "new_placements_2025.csv")
    with pytest.raises(FileFormatError, match="no rows with population_type"):
        read_cla_numbers(_replace(FIX / "cla_number_and_rate_2025.csv", "on 31 March each", "in the"))


def _replace(path: Path, old: str, new: str) -> bytes:
    text = path.read_bytes().decode("utf-8-sig")
    assert old in text
    return text.replace(old, new).encode("utf-8")


def test_published_percentage_must_agree_with_the_counts():
    bad = _replace(FIX / "new_placements_2025.csv", "more than 20 miles from home,21,21", "more than 20 miles from home,21,31")
    with pytest.raises(BadValueError, match="differs from children_count / total new placements") as info:
        read_new_placements(bad, name="np.csv")
    assert info.value.row == 19 and info.value.column == "children_percent"


def test_net_gain_hand_made_and_arithmetic_check():
    frame, rec = read_placement_net_gain(FIX / "net_gain_2024.csv")
    barnet = frame[(frame["la_number"] == 302) & (frame["year"] == 2024)].iloc[0]
    assert (barnet["placed_in_from_other_las"], barnet["placed_outside_la"], barnet["net_gain"]) == (136, 216, -80)
    y23 = frame[(frame["la_number"] == 302) & (frame["year"] == 2023)].iloc[0]
    assert y23["net_gain_marker"] == "c" and pd.isna(y23["net_gain"]) and y23["placed_outside_la"] == 200
    assert rec.rows_used == 9 and rec.balanced
    with pytest.raises(BadValueError, match="children placed in - children placed out"):
        read_placement_net_gain(_replace(FIX / "net_gain_2024.csv", ",-80", ",-70"), name="ng.csv")


def test_cla_numbers_hand_made_and_rate_check():
    frame, rec = read_cla_numbers(FIX / "cla_number_and_rate_2025.csv")
    assert frame.set_index("code")["children_looked_after"].to_dict() == {"E92000001": 81770, "E09000003": 343}
    assert rec.rows_used == 2 and rec.rows_set_aside == 2
    with pytest.raises(BadValueError, match="population_estimate x 10,000"):
        read_cla_numbers(_replace(FIX / "cla_number_and_rate_2025.csv", "343,36", "343,63"), name="cla.csv")


# --- real files --------------------------------------------------------------------------------------------------

@needs_raw
def test_real_new_placements_match_published_checks():
    frame, rec = read_new_placements(EES / "release_2025" / "la_cla_during_year_new_placements.csv")
    assert rec.balanced and rec.rows_in == len(_records(EES / "release_2025" / "la_cla_during_year_new_placements.csv"))
    y = frame[frame["year"] == 2025].set_index("name")
    assert (y.loc["Barnet", "new_placements"], y.loc["Barnet", "outside_la_under_20_miles"],
            y.loc["Barnet", "outside_la_over_20_miles"]) == (355, 121, 79)
    assert (y.loc["Cambridgeshire", "new_placements"], y.loc["Cambridgeshire", "outside_la_over_20_miles"]) == (705, 240)
    assert y.loc["England", "new_placements"] == 90_930 and y.loc["England", "outside_la_over_20_miles"] == 14_560
    assert frame.groupby("year").size().tolist() == [167] * 5  # 155 LA entities + 11 regions + England


@needs_raw
def test_real_net_gain_2024():
    frame, rec = read_placement_net_gain(EES / "release_2024" / "la_cla_on_31_march_la_of_placement_netgain.csv")
    y = frame[frame["year"] == 2024].set_index("name")
    cols = ["placed_in_from_other_las", "placed_outside_la", "net_gain"]
    assert y.loc["Barnet", cols].tolist() == [136, 216, -80]
    assert y.loc["Cambridgeshire", cols].tolist() == [308, 354, -46]
    assert y.loc["Liverpool", cols].tolist() == [375, 684, -309]
    la = frame[(frame["year"] == 2024) & (frame["level"] == "Local authority")]
    assert int(la["placed_outside_la"].sum()) == 37_492 and rec.balanced


@needs_raw
def test_la_numbers_reference_matches_every_ees_code_pair():
    ref = load_la_numbers()
    las = ref[ref["level"] == "Local authority"]
    assert len(las) == 158 and len(ref) == 170
    authorities = pd.read_csv(DATA / "authorities.csv", dtype="str")
    assert set(las["code"]) == set(authorities["code"])
    pre = las.set_index("la_number")["code"]
    assert pre[[835, 836, 837, 909, 928]].tolist() == ["E10000009", "E06000029", "E06000028", "E10000006", "E10000021"]
    rows = _records(EES / "release_2025" / "cla_number_and_rate_per_10k_children.csv")
    pairs = {(int(r["old_la_code"]), r["new_la_code"]) for r in rows if r["geographic_level"] == "Local authority"}
    assert pairs <= set(zip(las["la_number"], las["code"], strict=True))
    assert ref.set_index("la_number").loc[[970, 987, 988], "code"].tolist() == ["E92000001", "E13000001", "E13000002"]


@needs_raw
def test_indicators_table_against_raw_files():
    table = _indicators()
    rows = _records(EES / "release_2025" / "cla_number_and_rate_per_10k_children.csv")
    stockport = next(r for r in rows if r["la_name"] == "Stockport" and r["time_period"] == "2025"
                     and r["population_type"] == "Children looked after on 31 March each year")
    mine = table[(table["la_number"] == "356") & (table["year"] == "2025")].iloc[0]
    assert mine["children_looked_after"] == stockport["children_count"] == "485"
    assert mine["cla_rate_per_10k"] == stockport["rate_per_10000"] and mine["children_looked_after_source"] == "EES 2025"
    england = table[table["la_number"] == "970"].set_index("year")
    assert england.loc[[str(y) for y in range(2016, 2026)], "placed_over_20_miles_outside_pct"].tolist() == [
        "14", "14", "15", "16", "16", "17", "17", "17", "18", "18"]
    assert england.loc[[str(y) for y in range(2018, 2026)], "new_placements"].tolist() == [
        "85790", "88150", "89040", "81950", "87650", "92530", "100250", "90930"]
    assert england.loc["2018", "new_placements_source"] == "EES 2022"
    assert england.loc["2021", "new_placements_source"] == "EES 2025"
    la25 = table[(table["level"] == "Local authority") & (table["year"] == "2025")]
    assert pd.to_numeric(la25["children_looked_after"]).sum() == 81_766
    assert (table.loc[table["children_looked_after_marker"] != "", "children_looked_after"] == "").all()
    assert table.groupby(["la_number", "year"]).size().max() == 1 and len(table) == 1700


# --- the build ---------------------------------------------------------------------------------------------------

def _run_build(out: Path, raw: Path = RAW) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "scripts" / "build_dfe_series.py"), "--raw", str(raw),
                           "--out", str(out)], capture_output=True, text=True, timeout=120)


def _out_dir(tmp_path: Path) -> Path:
    out = tmp_path / "data"
    (out / "reference").mkdir(parents=True)
    shutil.copy(DATA / "authorities.csv", out)
    aliases = DATA / "reference" / "code_aliases.csv"
    shutil.copy(aliases if aliases.exists() else DATA / "code_aliases.csv", out / "reference" / "code_aliases.csv")
    return out


@needs_raw
def test_build_reproduces_the_committed_tables_byte_for_byte(tmp_path):
    out = _out_dir(tmp_path)
    proc = _run_build(out)
    assert proc.returncode == 0, proc.stderr
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (DATA / name).read_bytes(), name
    rec = pd.read_csv(out / "dfe_reconciliation.csv")
    for file, g in rec.groupby("file"):
        counts = g.set_index("what")["rows"]
        aside = counts[counts.index.str.startswith("set aside: ")].sum()
        assert counts["rows read"] == counts["rows used"] + aside, file


@needs_raw
def test_build_exits_2_with_one_sentence_on_bad_input(tmp_path):
    proc = _run_build(_out_dir(tmp_path), raw=tmp_path / "nowhere")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "does not exist" in proc.stderr
    raw = tmp_path / "raw"
    shutil.copytree(RAW / "dfe-ees-cla", raw / "dfe-ees-cla", ignore=shutil.ignore_patterns("*.txt"))
    target = raw / "dfe-ees-cla" / "release_2025" / "la_cla_during_year_new_placements.csv"
    target.chmod(0o644)
    shutil.copy(FIX / "new_placements_fractions.csv", target)
    proc = _run_build(_out_dir(tmp_path / "b"), raw=raw)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "look like fractions" in proc.stderr and "release_2025/la_cla_during_year_new_placements.csv" in proc.stderr
