"""Build DfE's own benchmark tables in ``data/`` from the published raw files.

Usage::

    python scripts/build_dfe_series.py [--raw ../shared/data/raw] [--out data]

Reads DfE's statistical neighbours (LAIT workbooks, May 2025 and April 2021, cross-checked
against DfE's 2025 CSV), LAIT's long table (``bds_long_0.parquet``) and the Explore
Education Statistics files of "Children looked after in England" (new placements,
number and rate, net gain), and writes:

- ``reference/la_numbers.csv``: DfE 3-digit LA number -> ONS code, name, level (158
  authorities incl. 5 abolished ones, England, 11 regions);
- ``dfe_neighbours.csv``: both vintages of the statistical neighbours;
- ``dfe_indicators.csv``: one row per authority, region or England per year, each
  measure with ``<col>_marker`` (DfE marker) and ``<col>_source`` (which file);
- ``dfe_reconciliation.csv``: per file, rows read, used and set aside by reason.

Same input, same bytes. Exits 2 with one plain sentence if an input cannot be used.
See ``data/DFE_SERIES.md`` for what every column means.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sufficiency.errors import BadValueError, InputError, SufficiencyError  # noqa: E402
from sufficiency.readers.ees import (  # noqa: E402
    la_numbers_from_ees,
    read_cla_numbers,
    read_new_placements,
    read_placement_net_gain,
)
from sufficiency.readers.lait import read_la_code_list, read_lait  # noqa: E402
from sufficiency.readers.neighbours import read_statistical_neighbours  # noqa: E402
from sufficiency.readers.reconcile import Reconciliation  # noqa: E402
from sufficiency.registry import reference_table  # noqa: E402

SN = "dfe-statistical-neighbours"
NEIGHBOURS = [(f"{SN}/sn_may_2025.xlsx", "May 2025"), (f"{SN}/sn_april_2021.xlsx", "April 2021")]
NEIGHBOURS_CSV = (f"{SN}/sn_model_2025_wide.csv", "May 2025")  # DfE's CSV of the same 2025 groups: a cross-check
LA_CODE_LIST = f"{SN}/la_code_list.xlsx"
LAIT = "dfe-lait/bds_long_0.parquet"
EES = "dfe-ees-cla"
NEW_PLACEMENTS = [f"{EES}/release_2022/la_cla_during_year_new_placements.csv",
                  f"{EES}/release_2025/la_cla_during_year_new_placements.csv"]
CLA_NUMBERS = [f"{EES}/release_2025/cla_number_and_rate_per_10k_children.csv"]
NET_GAIN = [f"{EES}/release_2022/la_cla_on_31_march_la_of_placement_net_gain.csv",
            f"{EES}/release_2024/la_cla_on_31_march_la_of_placement_netgain.csv"]

LAIT_COLUMNS = {"LACDistance": "placed_over_20_miles_outside_pct", "LACnum": "children_looked_after",
                "LAC": "cla_rate_per_10k", "Children_missing": "missing_from_care_pct",
                "Children_Away": "away_from_placement_pct"}
EES_COLUMNS = {
    "new_placements": {"new_placements": "new_placements",
                       "outside_la_over_20_miles": "new_placements_outside_over_20_miles",
                       "outside_la_over_20_miles_pct": "new_placements_outside_over_20_miles_pct",
                       "distance_unknown_pct": "new_placements_distance_unknown_pct"},
    "cla_numbers": {"children_looked_after": "children_looked_after", "cla_rate_per_10k": "cla_rate_per_10k"},
    "net_gain": {"placed_in_from_other_las": "placed_in_from_other_las", "placed_outside_la": "placed_outside_la",
                 "net_gain": "net_gain_all_placements"},
}
MEASURES = ["placed_over_20_miles_outside_pct", "children_looked_after", "cla_rate_per_10k", "missing_from_care_pct",
            "away_from_placement_pct", "new_placements", "new_placements_outside_over_20_miles",
            "new_placements_outside_over_20_miles_pct", "new_placements_distance_unknown_pct",
            "placed_in_from_other_las", "placed_outside_la", "net_gain_all_placements"]
COUNTS = {"children_looked_after", "new_placements", "new_placements_outside_over_20_miles",
          "placed_in_from_other_las", "placed_outside_la", "net_gain_all_placements"}
LEVEL_ORDER = {"National": 0, "Regional": 1, "Local authority": 2}
CSV_OPTIONS = {"index": False, "lineterminator": "\n", "float_format": "%.10g"}


def _region_key(names: pd.Series) -> pd.Series:
    """'London (Inner)' and 'Inner London' -> 'inner london'; 'the' case folded."""
    s = names.astype("str").str.casefold().str.replace("&", "and", regex=False).str.split().str.join(" ")
    return s.str.replace(r"^(.*) \((inner|outer)\)$", r"\2 \1", regex=True)


def build_la_numbers(ees: list[pd.DataFrame], code_list: pd.DataFrame, authorities: pd.DataFrame) -> pd.DataFrame:
    """[la_number, code, name, level]: LAs from the EES code pairs, England and regions by name."""
    las = la_numbers_from_ees(ees)
    unknown = ~las["code"].isin(authorities["code"])
    if unknown.any():
        raise BadValueError(f"EES code {las['code'][unknown].iloc[0]} (LA number {las['la_number'][unknown].iloc[0]}) "
                            "is not in data/authorities.csv", file="authorities.csv")
    las = las.assign(name=las["code"].map(authorities.set_index("code")["name"]), level="Local authority")
    listed = set(code_list.loc[code_list["type"].str.upper() != "NA", "la_number"])
    if listed != set(las["la_number"]):
        diff = sorted(listed ^ set(las["la_number"]))
        raise BadValueError(f"LAIT's LA code list and the EES files disagree on LA numbers {diff[:10]}",
                            file=Path(LA_CODE_LIST).name)
    above = pd.concat([f.loc[f["level"] != "Local authority", ["code", "name", "level"]] for f in ees])
    above = above.drop_duplicates("code").assign(key=lambda f: _region_key(f["name"]))
    areas = code_list[code_list["la_number"].between(970, 990)].assign(key=lambda f: _region_key(f["name"]))
    areas = areas.merge(above[["key", "code", "name", "level"]], on="key", how="left", suffixes=("_lait", ""))
    if areas["code"].isna().any():
        raise BadValueError(f"no EES region or country named like LAIT's {areas['name_lait'][areas['code'].isna()].iloc[0]!r}",
                            file=Path(LA_CODE_LIST).name)
    out = pd.concat([las, areas[["la_number", "code", "name", "level"]]], ignore_index=True)
    return out.sort_values("la_number", kind="stable").reset_index(drop=True)


def _read_ees(raw: Path) -> dict[str, list[tuple[pd.DataFrame, Reconciliation]]]:
    readers = {"new_placements": (read_new_placements, NEW_PLACEMENTS), "cla_numbers": (read_cla_numbers, CLA_NUMBERS),
               "net_gain": (read_placement_net_gain, NET_GAIN)}
    return {k: [fn(raw / f, name=f) for f in files] for k, (fn, files) in readers.items()}


def _ees_series(results: list[tuple[pd.DataFrame, Reconciliation]], la_numbers: pd.DataFrame,
                aliases: pd.DataFrame, columns: dict[str, str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per (la_number, year): the latest release wins. Also input rows superseded per file."""
    number_by_code = la_numbers.set_index("code")["la_number"]
    ref_code = la_numbers.set_index("la_number")["code"]
    alias = dict(zip(aliases["alias_code"], aliases["code"], strict=True))
    parts = []
    for frame, rec in results:
        f = frame.copy()
        f["la_number"] = f["la_number"].fillna(f["code"].map(number_by_code)).astype("Int64")
        if f["la_number"].isna().any():
            raise BadValueError(f"EES code {f['code'][f['la_number'].isna()].iloc[0]} has no DfE LA number",
                                file=rec.file)
        published = f["code"].replace(alias)
        wrong = published != f["la_number"].map(ref_code)
        if wrong.any():
            raise BadValueError(f"LA {f['la_number'][wrong].iloc[0]} has code {f['code'][wrong].iloc[0]} in "
                                f"{f['year'][wrong].iloc[0]}, not {ref_code[f['la_number'][wrong].iloc[0]]}",
                                file=rec.file, column="new_la_code")
        f["_source"] = f"EES {frame.attrs['release']}"
        f["_release"], f["_file"] = frame.attrs["release"], rec.file
        parts.append(f)
    both = pd.concat(parts, ignore_index=True).sort_values(["la_number", "year", "_release"], kind="stable")
    later = both.duplicated(["la_number", "year"], keep="last")
    superseded = both[later].groupby("_file")["input_rows"].sum().astype(int).to_dict()
    keep = both[~later]
    out = keep[["la_number", "year"]].copy()
    for src, dst in columns.items():
        out[dst], out[f"{dst}_marker"] = keep[src], keep[f"{src}_marker"]
        out[f"{dst}_source"] = keep["_source"].where((keep[f"{src}_marker"] != "") | keep[src].notna(), "")
    return out.reset_index(drop=True), superseded


def _lait_series(lait: pd.DataFrame) -> pd.DataFrame:
    out = None
    for ind, col in LAIT_COLUMNS.items():
        part = lait[lait["indicator"] == ind]
        wide = pd.DataFrame({"la_number": part["la_number"], "year": part["year"], col: part["value"],
                             f"{col}_marker": part["marker"],
                             f"{col}_source": ("LAIT " + part["vintage"]).str.strip()})
        out = wide if out is None else out.merge(wide, on=["la_number", "year"], how="outer")
    return out


def build_indicators(lait: pd.DataFrame, ees: dict[str, pd.DataFrame], la_numbers: pd.DataFrame
                     ) -> tuple[pd.DataFrame, int]:
    """The wide indicator table; EES number/rate replace LAIT's where EES has the year (checked equal).

    Returns (table, LAIT rows replaced by EES).
    """
    table = _lait_series(lait)
    cla = ees["cla_numbers"]
    merged = table.merge(cla, on=["la_number", "year"], how="left", suffixes=("", "_ees"))
    replaced = 0
    for col in ("children_looked_after", "cla_rate_per_10k"):
        mine, theirs = merged[col], merged[f"{col}_ees"]
        differ = mine.notna() & theirs.notna() & (mine.astype("Float64") != theirs.astype("Float64"))
        if differ.any():
            r = merged[differ].iloc[0]
            raise BadValueError(f"LAIT {col} for LA {r['la_number']} in {r['year']} is {r[col]} but the EES "
                                f"release says {r[f'{col}_ees']}", file=LAIT)
        has = merged[f"{col}_source_ees"].fillna("") != ""
        replaced += int(has.sum())
        for suffix in ("", "_marker", "_source"):
            merged[f"{col}{suffix}"] = merged[f"{col}{suffix}_ees"].where(has, merged[f"{col}{suffix}"])
    table = merged[[c for c in merged.columns if not c.endswith("_ees")]]
    extra = cla.merge(table[["la_number", "year"]], on=["la_number", "year"], how="left", indicator=True)
    table = pd.concat([table, extra[extra["_merge"] == "left_only"].drop(columns="_merge")], ignore_index=True)
    for key in ("new_placements", "net_gain"):
        table = table.merge(ees[key], on=["la_number", "year"], how="outer")
    ref = la_numbers.set_index("la_number")
    table.insert(1, "code", table["la_number"].map(ref["code"]))
    table.insert(2, "level", table["la_number"].map(ref["level"]))
    table.insert(3, "name", table["la_number"].map(ref["name"]))
    for m in MEASURES:
        table[m] = table[m].astype("Int64" if m in COUNTS else "Float64")
        for s in ("_marker", "_source"):
            table[f"{m}{s}"] = table[f"{m}{s}"].fillna("").astype("str")
    cols = ["la_number", "code", "level", "name", "year"] + [f"{m}{s}" for m in MEASURES
                                                              for s in ("", "_marker", "_source")]
    table = table.assign(_o=table["level"].map(LEVEL_ORDER))[cols + ["_o"]]
    table = table.sort_values(["_o", "la_number", "year"], kind="stable").drop(columns="_o")
    return table.reset_index(drop=True), replaced


def _cross_check_neighbours(xlsx: pd.DataFrame, csv: pd.DataFrame, file: str) -> None:
    keys = ["la_number", "rank", "neighbour_la_number", "closeness"]
    a = xlsx[keys].sort_values(keys[:2]).reset_index(drop=True)
    b = csv[keys].sort_values(keys[:2]).reset_index(drop=True)
    if not a.equals(b):
        diff = a.merge(b, how="outer", indicator=True)
        first = diff[diff["_merge"] != "both"].iloc[0]
        raise BadValueError(f"DfE's CSV and LAIT's workbook disagree for LA {first['la_number']} neighbour "
                            f"{first['rank']}", file=file)


def _with_later(rec: Reconciliation, later: dict[str, int]) -> pd.DataFrame:
    """The reader's summary, with rows set aside by the build (superseded ...) moved out of 'rows used'."""
    summary = rec.summary()
    moved = sum(later.values())
    summary.loc[summary["what"] == "rows used", "rows"] -= moved
    extra = pd.DataFrame([{"file": rec.file, "what": f"set aside: {reason}", "rows": n}
                          for reason, n in sorted(later.items()) if n])
    return pd.concat([summary, extra], ignore_index=True) if len(extra) else summary


def build(raw: Path, out: Path) -> pd.DataFrame:
    """Write the tables; return the reconciliation summary (file, what, rows)."""
    if not raw.is_dir():
        raise InputError(f"the raw data folder {raw} does not exist (give --raw)")
    authorities = pd.read_csv(out / "authorities.csv", dtype="str", keep_default_na=False)
    aliases = reference_table("code_aliases")

    ees = _read_ees(raw)
    code_list = read_la_code_list(raw / LA_CODE_LIST, name=LA_CODE_LIST)
    la_numbers = build_la_numbers([f for results in ees.values() for f, _ in results], code_list, authorities)

    neighbours, reports = [], []
    for path, vintage in NEIGHBOURS:
        frame, rec = read_statistical_neighbours(raw / path, vintage=vintage, la_numbers=la_numbers, name=path)
        neighbours.append(frame)
        reports.append(rec.summary())
    check, rec = read_statistical_neighbours(raw / NEIGHBOURS_CSV[0], vintage=NEIGHBOURS_CSV[1],
                                             la_numbers=la_numbers, name=NEIGHBOURS_CSV[0])
    _cross_check_neighbours(neighbours[0], check, NEIGHBOURS_CSV[0])
    reports.append(pd.concat([rec.summary(), pd.DataFrame([{
        "file": rec.file, "what": f"rows identical to {Path(NEIGHBOURS[0][0]).name} (used as a cross-check)",
        "rows": rec.rows_used}])], ignore_index=True))

    lait, lait_rec = read_lait(raw / LAIT, la_numbers=la_numbers, name=LAIT)
    series = {}
    for key, results in ees.items():
        series[key], later = _ees_series(results, la_numbers, aliases, EES_COLUMNS[key])
        reports += [_with_later(rec, {"superseded by a later release": later.get(rec.file, 0)})
                    for _, rec in results]
    indicators, replaced = build_indicators(lait, series, la_numbers)
    reports.append(_with_later(lait_rec, {"replaced by the EES figure (checked equal)": replaced}))

    (out / "reference").mkdir(parents=True, exist_ok=True)
    la_numbers.to_csv(out / "reference" / "la_numbers.csv", **CSV_OPTIONS)
    sn = pd.concat(neighbours, ignore_index=True).drop(columns=["source_row", "neighbour_name"])
    sn.to_csv(out / "dfe_neighbours.csv", **CSV_OPTIONS)
    indicators.to_csv(out / "dfe_indicators.csv", **CSV_OPTIONS)
    summary = pd.concat(reports, ignore_index=True)
    summary.to_csv(out / "dfe_reconciliation.csv", **CSV_OPTIONS)
    return summary


def _sentence(exc: Exception) -> str:
    if isinstance(exc, InputError) and len(exc.problems) > 1:
        return f"{exc.problems[0]} (and {len(exc.problems) - 1} more problems like it)"
    return str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_raw = Path(os.environ.get("SUFFICIENCY_RAW", ROOT.parent / "shared" / "data" / "raw"))
    parser.add_argument("--raw", type=Path, default=default_raw)
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)
    try:
        summary = build(args.raw, args.out)
    except (SufficiencyError, FileNotFoundError) as exc:
        print(f"error: {_sentence(exc)}", file=sys.stderr)
        return 2
    print(summary.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
