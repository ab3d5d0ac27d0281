"""Read DfE's children's services statistical neighbours (LAIT ``sn_*.xlsx`` or DfE's wide CSV).

For each upper-tier authority DfE lists its 10 nearest statistical neighbours in order
(SN1 nearest) with a closeness band. Two layouts:

- LAIT workbook (``sn_may_2025.xlsx``, ``sn_april_2021.xlsx``, sheet "LA SN Groups"):
  two helper rows, then ``LA num, LA Name, LA number, GOInd, GOReg, SN1, SNP, SN2, SNP,
  ...``: each ``SNP`` is the band of the ``SNk`` before it. A row ``Old SNs:`` starts a
  block of abolished authorities' old groups: that row and all below it are set aside.
- DfE's CSV (``sn_model_2025_wide.csv``): ``old_la_code, la_name, region_ind,
  region_name, SN_1, SN_1P, ..., SN_10, SN_10P`` (bands may carry trailing spaces).

Authorities are identified by DfE's old 3-digit LA numbers only; ONS codes come from
``data/reference/la_numbers.csv`` (built from the EES files' old/new code pairs).

Output (one row per authority and rank):

===================  =====  =====================================================
vintage              str    "May 2025", "April 2021" (from the file name or given)
la_number            Int64  the authority's DfE number
code                 str    its ONS code
name                 str    its name as published in this file
rank                 Int64  1 (nearest) .. 10
neighbour_la_number  Int64  the neighbour's DfE number
neighbour_code       str    the neighbour's ONS code
neighbour_name       str    the neighbour's name as published in this file
closeness            str    DfE's band, case normalised: "Extremely close",
                            "Very close", "Close", "Somewhat close", "Not close"
source_row           int64  1-based row of the authority in the file
===================  =====  =====================================================

Rows set aside: "blank row", "section heading 'Old SNs:'", "below 'Old SNs:' (old
groups of authorities that no longer exist)", "no neighbours published ('-')" (2021:
Cumberland, Westmorland and Furness).

Content checks (raised, naming file, row and column): every kept row has 10 neighbours
with a band each, 10 distinct neighbours, none the authority itself, bands that never get
closer as the rank goes down, one row per authority, every neighbour one of the
authorities listed, and every number known to the reference list.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from sufficiency.errors import BadValueError, InputError, Problem, UnknownAuthorityError
from sufficiency.readers.content_checks import check_unique
from sufficiency.readers.ees import load_la_numbers
from sufficiency.readers.files import Source, read_bytes, source_name
from sufficiency.readers.reconcile import SET_ASIDE_COLUMNS, Reconciliation
from sufficiency.readers.tabular import HEADER_SEARCH_ROWS, normalise_name, read_table, xlsx_rows

RANKS = range(1, 11)
BANDS = ["Extremely close", "Very close", "Close", "Somewhat close", "Not close"]
BAND_ORDER = {b: i for i, b in enumerate(BANDS)}
REQUIRED = ({"la_number": ("LA num", "old_la_code"), "name": ("LA Name", "la_name")}
            | {f"sn{k}": (f"SN{k}", f"SN_{k}") for k in RANKS}
            | {f"band{k}": (f"SN{k}P", f"SN_{k}P") for k in RANKS})
OPTIONAL = {"la_number_again": ("LA number",), "region": ("GOReg", "region_name")}
OLD_BLOCK = re.compile(r"^\s*old sns\s*:?\s*$", re.I)
NO_NEIGHBOURS = {"", "-"}
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december")
VINTAGE = re.compile(rf"({MONTHS})[ _-]*((?:19|20)\d\d)", re.I)


def _vintage(file: str, vintage: str | None) -> str:
    if vintage:
        return vintage
    m = VINTAGE.search(file)
    if m:
        return f"{m.group(1).capitalize()} {m.group(2)}"
    raise InputError("could not tell which statistical neighbour groups these are (e.g. 'May 2025') from the "
                     "file name; give the vintage", file=file)


def _workbook_as_csv(raw: bytes, file: str) -> bytes:
    """The workbook's cells as CSV, each ``SNP`` header renamed ``SN<k>P`` after the ``SN<k>`` it follows."""
    rows = xlsx_rows(raw, None, file)
    for row in rows[:HEADER_SEARCH_ROWS]:
        norm = [normalise_name(c).casefold() for c in row]
        if "snp" in norm and "sn1" in norm:
            for i, cell in enumerate(norm):
                if cell == "snp" and i > 0 and re.fullmatch(r"sn\d+", norm[i - 1]):
                    row[i] = f"{normalise_name(row[i - 1])}P"
            break
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _band(text: pd.Series) -> pd.Series:
    return text.str.split().str.join(" ").str.casefold().str.capitalize()


def read_statistical_neighbours(
    source: Source,
    *,
    vintage: str | None = None,
    la_numbers: pd.DataFrame | None = None,
    name: str | None = None,
) -> tuple[pd.DataFrame, Reconciliation]:
    """Read one vintage of DfE's statistical neighbours.

    Parameters
    ----------
    source : path, bytes or binary file-like (LAIT .xlsx or DfE's wide CSV)
    vintage : e.g. "May 2025"; read from the file name ("sn_may_2025") when None
    la_numbers : [la_number, code]; the shipped ``data/reference/la_numbers.csv`` when None
    name : file name to quote in messages

    Returns
    -------
    (frame, reconciliation) : frame as in the module docstring, sorted by la_number and
        rank; the reconciliation counts authorities' rows (one row = ten neighbours).
    """
    file = source_name(source, name)
    raw = read_bytes(source, file)
    data = _workbook_as_csv(raw, file) if raw[:4] == b"PK\x03\x04" else raw
    table = read_table(data, required=REQUIRED, optional=OPTIONAL, name=file)
    df, rows = table.frame, table.frame["source_row"]
    label = _vintage(file, vintage)

    heading = df["name"].str.fullmatch(OLD_BLOCK.pattern, case=False) | df["la_number"].str.fullmatch(
        OLD_BLOCK.pattern, case=False)
    below = heading.cummax() & ~heading
    sn_text = df[[f"sn{k}" for k in RANKS]]
    empty = sn_text.isin(NO_NEIGHBOURS).all(axis=1) & df[[f"band{k}" for k in RANKS]].isin(NO_NEIGHBOURS).all(axis=1)
    no_sn = ~heading & ~below & empty
    keep = ~heading & ~below & ~no_sn
    parts = [
        pd.DataFrame({"row": table.blank_rows, "column": "", "reason": "blank row", "value": ""}),
        pd.DataFrame({"row": rows[heading], "column": "LA Name", "reason": "section heading 'Old SNs:'",
                      "value": df["name"][heading]}),
        pd.DataFrame({"row": rows[below], "column": "LA num",
                      "reason": "below 'Old SNs:' (old groups of authorities that no longer exist)",
                      "value": df["la_number"][below]}),
        pd.DataFrame({"row": rows[no_sn], "column": "SN1", "reason": "no neighbours published ('-')",
                      "value": df["la_number"][no_sn]}),
    ]
    kept = df[keep]
    long = _long(kept, file)
    _check(kept, long, file)
    long = _codes(long, la_numbers, file)
    long.insert(0, "vintage", label)
    set_aside = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=SET_ASIDE_COLUMNS)
    set_aside = set_aside[SET_ASIDE_COLUMNS].sort_values("row", kind="stable").reset_index(drop=True)
    long = long.sort_values(["la_number", "rank"], kind="stable").reset_index(drop=True)
    long.attrs.update(file=file, vintage=label)
    return long, Reconciliation(file=file, rows_in=table.rows_in, rows_used=int(keep.sum()), set_aside=set_aside)


def _number(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text.where(text.str.fullmatch(r"\d{3}")), errors="coerce").astype("Int64")


def _long(kept: pd.DataFrame, file: str) -> pd.DataFrame:
    """One row per authority and rank, with every unusable cell reported at once."""
    problems = []
    number = _number(kept["la_number"])
    for r, v in zip(kept["source_row"][number.isna()], kept["la_number"][number.isna()], strict=True):
        problems.append(Problem("not a 3-digit DfE LA number", file=file, row=int(r), column="LA num", value=v))
    if "la_number_again" in kept:
        differ = number.notna() & (_number(kept["la_number_again"]) != number).fillna(True)
        for r, v in zip(kept["source_row"][differ], kept["la_number_again"][differ], strict=True):
            problems.append(Problem("'LA number' differs from 'LA num' in the same row", file=file, row=int(r),
                                    column="LA number", value=v))
    parts = []
    for k in RANKS:
        nb = _number(kept[f"sn{k}"])
        band = _band(kept[f"band{k}"])
        for r, v in zip(kept["source_row"][nb.isna()], kept[f"sn{k}"][nb.isna()], strict=True):
            problems.append(Problem(f"neighbour {k} is missing or not a 3-digit LA number: every authority needs "
                                    "10 neighbours", file=file, row=int(r), column=f"SN{k}", value=v))
        bad_band = ~band.isin(BANDS)
        for r, v in zip(kept["source_row"][bad_band], kept[f"band{k}"][bad_band], strict=True):
            problems.append(Problem(f"closeness band of neighbour {k} is not one of {', '.join(BANDS)}", file=file,
                                    row=int(r), column=f"SN{k}P", value=v))
        parts.append(pd.DataFrame({"la_number": number, "name": kept["name"], "rank": k, "neighbour_la_number": nb,
                                   "closeness": band, "source_row": kept["source_row"]}))
    if problems:
        raise BadValueError(problems=sorted(problems, key=lambda p: (p.row or 0)))
    long = pd.concat(parts, ignore_index=True)
    long["rank"] = long["rank"].astype("Int64")
    names = kept.assign(n=number).drop_duplicates("n").set_index("n")["name"]
    long["neighbour_name"] = long["neighbour_la_number"].map(names).astype("str")
    return long


def _check(kept: pd.DataFrame, long: pd.DataFrame, file: str) -> None:
    """One row per authority; 10 distinct neighbours, none itself, bands in order, all listed."""
    check_unique(long[long["rank"] == 1], ["la_number"], file=file, what="authority", describe=["la_number"])
    problems = []
    itself = long["neighbour_la_number"] == long["la_number"]
    for r, k in zip(long["source_row"][itself], long["rank"][itself], strict=True):
        problems.append(Problem("an authority is listed as its own neighbour", file=file, row=int(r),
                                column=f"SN{k}"))
    twice = long.duplicated(["la_number", "neighbour_la_number"], keep="first")
    for r, k, n in zip(long["source_row"][twice], long["rank"][twice], long["neighbour_la_number"][twice], strict=True):
        problems.append(Problem(f"neighbour {n} appears twice: 10 distinct neighbours are needed", file=file,
                                row=int(r), column=f"SN{k}", value=str(n)))
    order = long.sort_values(["la_number", "rank"], kind="stable")
    closer = order["closeness"].map(BAND_ORDER).groupby(order["la_number"]).diff() < 0
    for r, k, b in zip(order["source_row"][closer], order["rank"][closer], order["closeness"][closer], strict=True):
        problems.append(Problem(f"neighbour {k} is closer ({b}) than neighbour {k - 1}: the bands are out of order",
                                file=file, row=int(r), column=f"SN{k}P", value=b))
    unlisted = ~long["neighbour_la_number"].isin(long["la_number"])
    for r, k, n in zip(long["source_row"][unlisted], long["rank"][unlisted], long["neighbour_la_number"][unlisted],
                       strict=True):
        problems.append(Problem("neighbour is not one of the authorities listed in the file", file=file, row=int(r),
                                column=f"SN{k}", value=str(n)))
    if problems:
        raise BadValueError(problems=sorted(problems, key=lambda p: (p.row or 0)))


def _codes(long: pd.DataFrame, la_numbers: pd.DataFrame | None, file: str) -> pd.DataFrame:
    ref = load_la_numbers() if la_numbers is None else la_numbers
    lookup = ref.drop_duplicates("la_number").set_index("la_number")["code"]
    code, nb_code = long["la_number"].map(lookup), long["neighbour_la_number"].map(lookup)
    unknown = code.isna() | nb_code.isna()
    if unknown.any():
        nums = sorted(set(long.loc[code.isna(), "la_number"].astype(str))
                      | set(long.loc[nb_code.isna(), "neighbour_la_number"].astype(str)))
        raise UnknownAuthorityError(f"LA number(s) not in the reference list data/reference/la_numbers.csv: "
                                    f"{', '.join(nums[:10])}", file=file,
                                    row=int(long.loc[unknown, "source_row"].iloc[0]))
    long = long.assign(code=code.astype("str"), neighbour_code=nb_code.astype("str"))
    return long[["la_number", "code", "name", "rank", "neighbour_la_number", "neighbour_code", "neighbour_name",
                 "closeness", "source_row"]]
