"""Read DfE's Local Authority Interactive Tool (LAIT) long table (``bds_long_0.parquet``).

LAIT publishes one long table of 434 indicators: ``Short Desc`` (indicator code),
``Data item`` (label, often only on the first year's rows), ``Years``, ``LA and Regions``
(name), ``Values`` (text; ``-`` = not available or suppressed), ``LA Number`` (DfE's
3-digit LA number; 970 England, 980-990 regions incl. Inner/Outer London 987/988) and
``Region``. :func:`read_lait` keeps the requested indicators (by default the five below)
and returns one row per indicator, geography and year:

===========  =======  ==============================================================
indicator    str      LAIT code (``Short Desc``), e.g. "LACDistance"
year         Int64    last year of the period: "2025" -> 2025, "2024-25" and
                      "2024/25" -> 2025, "2014-16" -> 2016 (a 31 March or a year
                      ending 31 March, as the indicator defines)
period       str      ``Years`` as published ("2025", "2024-25", "2025 (Rev)")
vintage      str      "" as published, or "revised" (Rev), "final", "provisional"
                      (prov); other bracketed tags lower-cased ("ot")
la_number    Int64    DfE number (970 England, 980-990 regions)
code         str      ONS code from ``data/reference/la_numbers.csv``
level        str      National | Regional | Local authority
name         str      ``LA and Regions`` as published
value        Float64  the figure (unit as the indicator: % 0-100, count, rate)
marker       str      "" or "x" where LAIT shows "-" (not available or suppressed:
                      LAIT does not say which)
source_row   int64    1-based position of the record in the parquet table
===========  =======  ==============================================================

Indicators read by default (:data:`INDICATORS`): ``LACDistance`` (% of children looked
after at 31 March placed more than 20 miles from home and outside the LA boundary),
``LACnum`` (number looked after at 31 March), ``LAC`` (rate per 10,000 children aged
under 18), ``Children_missing`` (% of children looked after during the year who went
missing), ``Children_Away`` (% away from placement without authorisation).

Where one indicator, geography and year appears in more than one vintage (e.g. "2025"
and "2025 (Rev)") the latest is used (provisional < as published < revised < final) and
the others set aside as "superseded by a later vintage". Rows set aside: "indicator not
selected" (value = the code), "year not understood", "no LA number", "superseded by a
later vintage", bad numbers ("not a number in Values", ...).

Content checks, raised before any figure is used: every requested indicator is in the
file with the expected label (else it is another table, or DfE reused a code), a
percentage indicator is not all fractions (0-1), one row per indicator per geography per
year after choosing the vintage, every LA number is known.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from sufficiency.errors import (
    BadValueError,
    FileFormatError,
    InputError,
    MissingColumnError,
    Problem,
    UnknownAuthorityError,
)
from sufficiency.readers.content_checks import check_not_fractions, check_unique
from sufficiency.readers.ees import load_la_numbers
from sufficiency.readers.files import Source, source_name
from sufficiency.readers.reconcile import SET_ASIDE_COLUMNS, Reconciliation
from sufficiency.readers.tabular import parse_numbers, read_table


@dataclass(frozen=True)
class Indicator:
    """One LAIT indicator: its unit and a pattern its published label must match."""

    kind: str  # "pct" (0-100), "count" or "rate"
    label: str  # regex, searched case-insensitively in ``Data item``


INDICATORS: dict[str, Indicator] = {
    "LACDistance": Indicator("pct", r"more than 20 miles.*outside (?:the )?LA boundary"),
    "LACnum": Indicator("count", r"number of looked after children"),
    "LAC": Indicator("rate", r"rate per 10,?000"),
    "Children_missing": Indicator("pct", r"missing"),
    "Children_Away": Indicator("pct", r"away from placement"),
}
COLUMNS = {"indicator": "Short Desc", "label": "Data item", "period": "Years", "name": "LA and Regions",
           "value": "Values", "la_number": "LA Number"}
OPTIONAL = {"Data item", "Region"}
VINTAGES = {"": ("", 1), "rev": ("revised", 2), "revised": ("revised", 2), "final": ("final", 3),
            "prov": ("provisional", 0), "provisional": ("provisional", 0)}
# "2025", "2024-25", "2015/16", "2014-16", "2013/14-15/16", each optionally followed by "(Rev)" etc.
PERIOD = re.compile(r"^(?P<start>(?:19|20)\d\d)(?:/\d\d(?=-))?(?:[-/](?:\d\d/)?(?P<end>\d{2}|\d{4}))?"
                    r"\s*(?:\((?P<tag>[^)]*)\))?$")
NOT_AVAILABLE = "-"
MAX_VALUE = {"pct": 100.0, "count": 1e6, "rate": 10000.0}


def _read_parquet(source: Source, file: str) -> pd.DataFrame:
    if isinstance(source, (str, os.PathLike)) and not os.path.isfile(source):
        raise InputError("file not found", file=file)
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        return pd.read_parquet(data)
    except Exception as exc:  # pyarrow raises several types for a file that is not parquet
        raise FileFormatError(f"not a readable Parquet file ({exc.__class__.__name__}): LAIT's bds_long_0.parquet "
                              "is expected", file=file) from exc


def _year_and_vintage(period: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(end year Int64, vintage text, vintage rank) of each ``Years`` label; year <NA> if not understood.

    Parsed once per distinct label (a few dozen among 641,070 rows).
    """
    codes, labels = pd.factorize(period, use_na_sentinel=False)
    year, vintage, rank = _parse_labels(pd.Series(labels, dtype="str"))
    return (pd.Series(year.to_numpy()[codes], index=period.index, dtype="Int64"),
            pd.Series(vintage.to_numpy()[codes], index=period.index, dtype="str"),
            pd.Series(rank.to_numpy()[codes], index=period.index, dtype="int64"))


def _parse_labels(period: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    parts = period.str.strip().str.extract(PERIOD)
    start = pd.to_numeric(parts["start"], errors="coerce")
    end = parts["end"]
    end_num = pd.to_numeric(end, errors="coerce")
    century = (start // 100) * 100
    short = century + end_num + 100 * (end_num < start % 100)  # "1999-00" ends in 2000
    year = start.where(end.isna(), end_num.where(end.str.len() == 4, short))
    tag = parts["tag"].fillna("").str.strip().str.casefold()
    known = tag.map({k: v[0] for k, v in VINTAGES.items()})
    vintage = known.where(known.notna(), tag)
    rank = tag.map({k: v[1] for k, v in VINTAGES.items()}).fillna(1)
    return year.astype("Int64"), vintage.astype("str"), rank.astype("int64")


def _level(number: pd.Series) -> pd.Series:
    lvl = pd.Series("Local authority", index=number.index, dtype="str")
    lvl = lvl.mask(number.between(980, 990), "Regional")
    return lvl.mask(number == 970, "National")


def read_lait(
    source: Source,
    *,
    indicators: Mapping[str, Indicator] | None = None,
    la_numbers: pd.DataFrame | None = None,
    name: str | None = None,
) -> tuple[pd.DataFrame, Reconciliation]:
    """Read the requested indicators from LAIT's long table.

    Parameters
    ----------
    source : path, bytes or binary file-like (``bds_long_0.parquet``)
    indicators : LAIT code -> :class:`Indicator`; :data:`INDICATORS` when None
    la_numbers : [la_number, code] (e.g. :func:`~sufficiency.readers.ees.load_la_numbers`);
        the shipped ``data/reference/la_numbers.csv`` when None
    name : file name to quote in messages

    Returns
    -------
    (frame, reconciliation) : columns in the module docstring, sorted by indicator,
        year, level and LA number.

    Raises
    ------
    FileFormatError, MissingColumnError, BadValueError, UnknownAuthorityError
    """
    file = source_name(source, name)
    wanted = dict(indicators or INDICATORS)
    raw = _read_parquet(source, file)
    missing = [c for c in COLUMNS.values() if c not in raw.columns and c not in OPTIONAL]
    if missing:
        raise MissingColumnError(problems=[Problem(f"required column missing: {c!r}", file=file, column=c)
                                           for c in missing]
                                 + [Problem(f"columns found: {', '.join(map(repr, raw.columns))}", file=file)])
    rows = pd.Series(range(1, len(raw) + 1), index=raw.index, dtype="int64")
    code = raw["Short Desc"].astype("str").str.strip()
    selected = code.isin(list(wanted))
    _check_labels(raw, code, wanted, file)

    year, vintage, rank = _year_and_vintage(raw["Years"].astype("str"))
    number = pd.to_numeric(raw["LA Number"], errors="coerce")
    bad_year = selected & year.isna()
    no_number = selected & ~bad_year & number.isna()
    ok = selected & ~bad_year & ~no_number
    number = number.round().astype("Int64")

    text = raw["Values"].astype("str").str.strip()
    dash = text == NOT_AVAILABLE
    kinds = code.map({k: v.kind for k, v in wanted.items()})
    values = pd.Series(pd.NA, index=raw.index, dtype="Float64")
    problems = []
    for kind, max_value in MAX_VALUE.items():
        part = ok & (kinds == kind) & ~dash
        v, _, probs = parse_numbers(text[part], rows[part], "Values", max_value=max_value)
        values[part] = v
        if len(probs):
            problems.append(probs.assign(reason=probs["reason"] + " in Values"))
    bad = pd.concat(problems, ignore_index=True) if problems else pd.DataFrame(columns=SET_ASIDE_COLUMNS)
    ok = ok & ~rows.isin(bad["row"])
    for ind in (k for k, v in wanted.items() if v.kind == "pct"):
        part = ok & (code == ind)
        check_not_fractions(values[part], rows[part], file=file, column=f"Values ({ind})")

    frame = pd.DataFrame({"indicator": code, "year": year, "period": raw["Years"].astype("str"), "vintage": vintage,
                          "la_number": number, "name": raw["LA and Regions"].astype("str"), "value": values,
                          "marker": dash.map({True: "x", False: ""}).astype("str"), "source_row": rows,
                          "_rank": rank})[ok]
    frame = frame.sort_values(["indicator", "la_number", "year", "_rank"], kind="stable")
    superseded = frame.duplicated(["indicator", "la_number", "year"], keep="last") & (
        frame["_rank"] < frame.groupby(["indicator", "la_number", "year"])["_rank"].transform("max"))
    later = frame[superseded]
    frame = frame[~superseded]
    check_unique(frame, ["indicator", "la_number", "year"], file=file, what="indicator, LA number and year",
                 describe=["indicator", "la_number", "year"])
    frame = _attach_codes(frame, la_numbers, file)

    parts = [
        pd.DataFrame({"row": rows[~selected].to_numpy(), "column": "Short Desc", "reason": "indicator not selected",
                      "value": code[~selected].to_numpy()}),
        pd.DataFrame({"row": rows[bad_year].to_numpy(), "column": "Years", "reason": "year not understood",
                      "value": raw["Years"][bad_year].astype("str").to_numpy()}),
        pd.DataFrame({"row": rows[no_number].to_numpy(), "column": "LA Number", "reason": "no LA number",
                      "value": ""}),
        bad,
        pd.DataFrame({"row": later["source_row"].to_numpy(), "column": "Years",
                      "reason": "superseded by a later vintage", "value": later["period"].to_numpy()}),
    ]
    nonempty = [p for p in parts if len(p)]
    set_aside = (pd.concat(nonempty, ignore_index=True) if nonempty else pd.DataFrame(columns=SET_ASIDE_COLUMNS))
    set_aside = set_aside[SET_ASIDE_COLUMNS]
    set_aside = set_aside.sort_values("row", kind="stable").reset_index(drop=True)
    out = frame[["indicator", "year", "period", "vintage", "la_number", "code", "level", "name", "value", "marker",
                 "source_row"]]
    out = out.sort_values(["indicator", "year", "la_number"], kind="stable").reset_index(drop=True)
    out.attrs.update(file=file)
    return out, Reconciliation(file=file, rows_in=len(raw), rows_used=len(out), set_aside=set_aside)


def _check_labels(raw: pd.DataFrame, code: pd.Series, wanted: Mapping[str, Indicator], file: str) -> None:
    """Every wanted indicator is present, and its published label (if any) matches."""
    problems = []
    labels = raw["Data item"].astype("str") if "Data item" in raw.columns else pd.Series("", index=raw.index)
    for ind, spec in wanted.items():
        mine = code == ind
        if not mine.any():
            problems.append(Problem(f"indicator {ind!r} is not in the file: this is not LAIT's long table "
                                    "(bds_long) or the indicator was renamed", file=file, column="Short Desc"))
            continue
        text = labels[mine & raw["Data item"].notna()] if "Data item" in raw.columns else labels[mine]
        wrong = ~text.str.contains(spec.label, case=False, regex=True)
        if len(text) and wrong.any():
            first = wrong[wrong].index[0]
            problems.append(Problem(f"indicator {ind!r} has the label {text[first]!r}, not the one expected "
                                    f"(/{spec.label}/): DfE may have reused the code", file=file,
                                    row=int(raw.index.get_loc(first)) + 1, column="Data item"))
    if problems:
        raise BadValueError(problems=problems)


def _attach_codes(frame: pd.DataFrame, la_numbers: pd.DataFrame | None, file: str) -> pd.DataFrame:
    ref = load_la_numbers() if la_numbers is None else la_numbers
    lookup = ref.drop_duplicates("la_number").set_index("la_number")["code"]
    codes = frame["la_number"].map(lookup)
    unknown = codes.isna()
    if unknown.any():
        nums = sorted(set(frame.loc[unknown, "la_number"].astype(str)))
        raise UnknownAuthorityError(
            f"{len(nums)} LA number(s) not in the reference list data/reference/la_numbers.csv: {', '.join(nums[:10])}",
            file=file, row=int(frame.loc[unknown, "source_row"].iloc[0]), column="LA Number")
    return frame.assign(code=codes.astype("str"), level=_level(frame["la_number"]))


def read_la_code_list(source: Source, *, name: str | None = None) -> pd.DataFrame:
    """LAIT's list of LA numbers (``la_code_list.xlsx``): [la_number (Int64), name, region, type].

    Type is UA, MD, SC (shire county), OLB, ILB, or NA for England (970), the regions
    (980-990) and "England (discontinued)" (1000).
    """
    table = read_table(source, required={"la_number": ("LA Number",), "name": ("LA Name",), "type": ("Type",)},
                       optional={"region": ("Region",)}, name=source_name(source, name))
    df = table.frame
    number = pd.to_numeric(df["la_number"], errors="coerce")
    if number.isna().any():
        bad = number.isna()
        raise BadValueError("LA Number is not a number", file=table.file, row=int(df["source_row"][bad].iloc[0]),
                            column="LA Number", value=str(df["la_number"][bad].iloc[0]))
    out = pd.DataFrame({"la_number": number.astype("Int64"), "name": df["name"],
                        "region": df.get("region", pd.Series("", index=df.index, dtype="str")), "type": df["type"]})
    check_unique(out.assign(source_row=df["source_row"]), ["la_number"], file=table.file, what="LA number")
    return out
