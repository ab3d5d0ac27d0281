"""Read DfE children-looked-after tables (SSDA903): demand side of the model.

Title and notes lines above the header (13 in the FOI files) are found by looking
for the header row, never by counting. Markers are never turned into 0: the value
is <NA> and ``<col>_marker`` holds the marker (see
:data:`sufficiency.readers.tabular.MARKERS`: c suppressed, z not applicable,
x suppressed/not available, ":" "." ".." not available, ...).

:func:`read_placed_outside` (``placed_outside_la_childrens_homes_2014_2024.csv``):

=========================  =======  ==============================================
year                       Int64    31 March of the year (``time_period``)
level                      str      National | Regional | Local authority
code                       str      new_la_code (LA), region_code (region),
                                    country_code (England)
old_la_code                str      3-digit DfE LA code ("" above LA level)
name                       str      la_name / region_name / country_name
region_code, region        str      region of the row ("" for England)
placed_outside             Int64    children in children's homes placed outside
                                    their responsible LA's boundary (children;
                                    national/regional rounded to the nearest 10)
placed_outside_marker      str      "" or the marker (c, z, ...)
placed_outside_pct         Float64  percentage of the LA's children in homes (%)
placed_outside_pct_marker  str      "" or the marker
source_row                 int64    1-based row in the file
=========================  =======  ==============================================

:func:`read_net_gain` (``net_gain_childrens_homes_2014_2024.csv``): the same
identifying columns, then ``net_gain`` (Int64, children; negative = net exporter)
and ``net_gain_marker``.

:func:`read_cla_la_table` (``SFR41_CLA2016.csv``, ``SFR50_CLA2017.csv``) and
:func:`read_cla_missing_table` (``SFR41_Missing2016.csv``, ``SFR50_Missing_2017.csv``):
year, level (from ``geog_l``: NATIONAL/REGION/LA), code (``New_geog_code``),
old_code (``geog_c``), name (``geog_n``), then every numeric column as published
(e.g. ``CLA_Mar2017``, ``CLA_Secure``, ``CLA_Ores``; meanings in
``SFR50_2017_MetaData.txt``) as Int64 with a ``<col>_marker`` column, and source_row.

Rows set aside: "blank row", "more cells than the header (an unquoted comma?)",
"unknown geographic level: <value>", "year not
understood", and any bad number ("not a number in <column>", "negative value in
<column>", ...).
"""

from __future__ import annotations

import re

import pandas as pd

from geo.reconcile import SET_ASIDE_COLUMNS, Reconciliation
from sufficiency.errors import InputError
from sufficiency.readers.tabular import RawTable, Source, parse_counts, parse_numbers, read_table, source_name

LEVELS = {
    "national": "National",
    "regional": "Regional",
    "region": "Regional",
    "local authority": "Local authority",
    "la": "Local authority",
}
EES_IDS = {
    "time_period": ("time_period",),
    "geographic_level": ("geographic_level",),
    "country_code": ("country_code",),
    "region_code": ("region_code",),
    "region_name": ("region_name",),
    "old_la_code": ("old_la_code",),
    "la_name": ("la_name",),
    "new_la_code": ("new_la_code",),
}
SFR_IDS = {
    "code": ("New_geog_code",),
    "geog_l": ("geog_l",),
    "old_code": ("geog_c",),
    "name": ("geog_n",),
}
SFR_NOT_NUMERIC = {"la_order", "source_row"}
SHIFTED = "more cells than the header (an unquoted comma?)"


def _blank_rows(table: RawTable) -> pd.DataFrame:
    return pd.DataFrame({"row": table.blank_rows, "column": "", "reason": "blank row", "value": ""})


def _finish(table: RawTable, frame: pd.DataFrame, drop: pd.Series, parts: list[pd.DataFrame]
            ) -> tuple[pd.DataFrame, Reconciliation]:
    rows = frame["source_row"]
    shifted = rows.isin(list(table.extra_cells))
    drop = drop | shifted
    shifted_rows = pd.DataFrame({"row": rows[shifted].to_numpy(), "column": "", "reason": SHIFTED,
                                 "value": rows[shifted].map(table.extra_cells).to_numpy()})
    parts = [_blank_rows(table), shifted_rows, *parts]
    nonempty = [p for p in parts if len(p)]
    set_aside = (pd.concat(nonempty, ignore_index=True) if nonempty else pd.DataFrame(columns=SET_ASIDE_COLUMNS))
    set_aside = (set_aside[SET_ASIDE_COLUMNS].drop_duplicates("row", keep="first")
                 .sort_values("row", kind="stable").reset_index(drop=True))
    out = frame[~drop].reset_index(drop=True)
    out.attrs.update(encoding=table.encoding, file=table.file)
    return out, Reconciliation(file=table.file, rows_in=table.rows_in, rows_used=len(out), set_aside=set_aside)


def _level(raw: pd.Series, rows: pd.Series, column: str) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    level = raw.str.casefold().map(LEVELS)
    unknown = level.isna()
    bad = pd.DataFrame({"row": rows[unknown].to_numpy(), "column": column,
                        "reason": ("unknown geographic level: " + raw[unknown].mask(raw[unknown] == "", "(blank)")
                                   ).to_numpy(), "value": raw[unknown].to_numpy()})
    return level.fillna("").astype("str"), unknown, bad


def _bad_value_rows(problems: pd.DataFrame) -> pd.DataFrame:
    if problems.empty:
        return problems
    return problems.assign(reason=problems["reason"] + " in " + problems["column"])


def _read_ees(source: Source, name: str | None, measures: dict[str, tuple[str, bool, float]]
              ) -> tuple[pd.DataFrame, Reconciliation]:
    """Explore-education-statistics tidy layout: one measure per column."""
    required = dict(EES_IDS) | {out: (col,) for out, (col, _, _) in measures.items()}
    table = read_table(source, required=required, optional={"country_name": ("country_name",)},
                       name=source_name(source, name))
    df = table.frame
    rows = df["source_row"]
    level, unknown, bad_level = _level(df["geographic_level"], rows, "geographic_level")
    year = pd.to_numeric(df["time_period"].where(df["time_period"].str.fullmatch(r"\d{4}")), errors="coerce")
    bad_year = year.isna() & ~unknown
    country_name = df.get("country_name", pd.Series("England", index=df.index, dtype="str"))
    code = df["new_la_code"].where(level == "Local authority",
                                   df["region_code"].where(level == "Regional", df["country_code"]))
    name_col = df["la_name"].where(level == "Local authority",
                                   df["region_name"].where(level == "Regional", country_name))
    frame = pd.DataFrame({
        "year": year.astype("Int64"), "level": level, "code": code.astype("str"),
        "old_la_code": df["old_la_code"], "name": name_col.astype("str"),
        "region_code": df["region_code"], "region": df["region_name"],
    })
    problems = []
    for out, (col, is_pct, max_value) in measures.items():
        parse = parse_numbers if is_pct else parse_counts
        vals, marks, probs = parse(df[out], rows, col, max_value=max_value, allow_negative=out == "net_gain")
        frame[out], frame[f"{out}_marker"] = vals, marks
        problems.append(_bad_value_rows(probs))
    frame["source_row"] = rows
    bad_rows = pd.concat(problems, ignore_index=True)
    drop = unknown | bad_year | rows.isin(bad_rows["row"])
    year_rows = pd.DataFrame({"row": rows[bad_year].to_numpy(), "column": "time_period",
                              "reason": "year not understood", "value": df["time_period"][bad_year].to_numpy()})
    return _finish(table, frame, drop, [bad_level, year_rows, bad_rows])


def read_placed_outside(source: Source, *, name: str | None = None) -> tuple[pd.DataFrame, Reconciliation]:
    """Children in children's homes placed outside their LA, by LA/region/England and year.

    Parameters
    ----------
    source : path, bytes or binary file-like (the DfE FOI CSV)
    name : file name to quote in messages

    Returns
    -------
    (frame, reconciliation) : columns in the module docstring.
    """
    return _read_ees(source, name, {"placed_outside": ("number", False, 1e6),
                                     "placed_outside_pct": ("percentage", True, 100)})


def read_net_gain(source: Source, *, name: str | None = None) -> tuple[pd.DataFrame, Reconciliation]:
    """Net gain of children in children's homes per LA (in from other LAs minus out), by year.

    Returns
    -------
    (frame, reconciliation) : identifying columns as :func:`read_placed_outside`, then
        ``net_gain`` (Int64, children) and ``net_gain_marker``.
    """
    return _read_ees(source, name, {"net_gain": ("number", False, 1e6)})


def _sfr_year(table: RawTable, year: int | None) -> int:
    if year is not None:
        return int(year)
    for col in table.frame.columns:
        m = re.fullmatch(r"CLA_Mar((?:19|20)\d\d)", col)
        if m:
            return int(m.group(1))
    m = re.search(r"((?:19|20)\d\d)", table.file)
    if m:
        return int(m.group(1))
    raise InputError("could not tell the year of this file from its columns or name; give the year",
                     file=table.file)


def _read_sfr(source: Source, year: int | None, name: str | None) -> tuple[pd.DataFrame, Reconciliation]:
    table = read_table(source, required=SFR_IDS, name=source_name(source, name))
    df = table.frame
    rows = df["source_row"]
    level, unknown, bad_level = _level(df["geog_l"], rows, "geog_l")
    frame = pd.DataFrame({"year": pd.Series(_sfr_year(table, year), index=df.index, dtype="Int64"),
                          "level": level, "code": df["code"], "old_code": df["old_code"], "name": df["name"]})
    numeric = [c for c in df.columns if c not in SFR_IDS and c.casefold() not in SFR_NOT_NUMERIC
               and not c.startswith("column_")]
    problems = []
    for col in numeric:
        # net gain is a difference: negative is meaningful there
        vals, marks, probs = parse_counts(df[col], rows, col, max_value=1e6,
                                          allow_negative="netgain" in col.casefold().replace("_", ""))
        frame[col], frame[f"{col}_marker"] = vals, marks
        problems.append(_bad_value_rows(probs))
    frame["source_row"] = rows
    bad_rows = pd.concat(problems, ignore_index=True) if problems else pd.DataFrame(columns=SET_ASIDE_COLUMNS)
    return _finish(table, frame, unknown | rows.isin(bad_rows["row"]), [bad_level, bad_rows])


def read_cla_la_table(source: Source, *, year: int | None = None, name: str | None = None
                      ) -> tuple[pd.DataFrame, Reconciliation]:
    """DfE "Children looked after" LA table (SFR41_CLA2016, SFR50_CLA2017 layout).

    Parameters
    ----------
    source : path, bytes or binary file-like
    year : 31 March year; from a ``CLA_MarYYYY`` column or the file name when None.
    name : file name to quote in messages

    Returns
    -------
    (frame, reconciliation) : year, level, code, old_code, name, then each numeric
        column (children, Int64) with ``<col>_marker``, and source_row.
    """
    return _read_sfr(source, year, name)


def read_cla_missing_table(source: Source, *, year: int | None = None, name: str | None = None
                           ) -> tuple[pd.DataFrame, Reconciliation]:
    """DfE table of children who went missing or away from placement (SFR41/SFR50 Missing files).

    Same layout and output as :func:`read_cla_la_table` (counts of children and of
    incidents during the year, Int64, with ``<col>_marker``); year from the file name
    unless given.
    """
    return _read_sfr(source, year, name)
