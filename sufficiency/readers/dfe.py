"""Read DfE children-looked-after tables (SSDA903): demand side of the model.

Title and notes lines above the header (13 in the FOI files) are found by looking
for the header row, never by counting. Markers are never turned into 0: the value
is <NA> and ``<col>_marker`` holds the marker (see
:mod:`sufficiency.readers.markers`: c suppressed, z not applicable,
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

Rows set aside: "blank row", "more cells than the header (an unquoted comma?)",
"unknown geographic level: <value>", "year not understood", "not an English region code"
(a regional row whose code is not E12000001-E12000009, or E13000001-2 for Inner and
Outer London), "not England's code" (a national
row not E92000001), rows of another breakdown (a ``characteristic`` that is not the
table's own, e.g. "Placed inside the local authority boundary" rows in the placed-outside
table: "another breakdown, not read: <value>") and any bad number ("not a number in
<column>", "negative value in <column>", ...).

Content checks (:mod:`sufficiency.readers.content_checks`), before any figure is used,
each a clean error naming the file, row and column:

- the placed-outside percentage column must be percentages (0-100), not fractions (0.67);
- one row per geography and year (two tables pasted together, or a breakdown with no
  ``characteristic`` column, are refused, naming the rows);
- a ``characteristic`` column must hold the table's own rows: a file of which no row is
  "placed outside" (or "net gain") is another table;
- a net-gain file must look like one: no ``percentage`` column, a title (first line) that
  does not say "outside the local authority" (and the placed-outside title not "net gain"), and, with ten or more authorities, some negative values (in
  England net gains sum to about zero, so a table with none is the "placed outside" one).
"""

from __future__ import annotations

import pandas as pd

from sufficiency.errors import FileFormatError
from sufficiency.readers.content_checks import (
    check_implied_children,
    check_not_fractions,
    check_unique,
    check_years_said,
)
from sufficiency.readers.files import Source, source_name
from sufficiency.readers.reconcile import Reconciliation, set_aside_rows, stack_set_aside
from sufficiency.readers.tabular import RawTable, parse_counts, parse_numbers, read_table

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
SHIFTED = "more cells than the header (an unquoted comma?)"
REGION_CODE = r"E1200000[1-9]|E1300000[12]"  # the nine regions; Inner and Outer London
ENGLAND_CODE = "E92000001"
PLACED_OUTSIDE_TABLE = "DfE's 'children in children's homes placed outside the local authority' table"
NET_GAIN_TABLE = "DfE's 'net gain of children in children's homes' table"
#: Fewest authorities for which a net-gain table with no negative value is refused.
NET_GAIN_MIN_AUTHORITIES = 10


def _blank_rows(table: RawTable) -> pd.DataFrame:
    return set_aside_rows(table.blank_rows, "", "blank row")


def _finish(table: RawTable, frame: pd.DataFrame, drop: pd.Series, parts: list[pd.DataFrame]
            ) -> tuple[pd.DataFrame, Reconciliation]:
    rows = frame["source_row"]
    shifted = rows.isin(list(table.extra_cells))
    drop = drop | shifted
    shifted_rows = set_aside_rows(rows[shifted], "", SHIFTED, rows[shifted].map(table.extra_cells))
    parts = [_blank_rows(table), shifted_rows, *parts]
    nonempty = [p for p in parts if len(p)]
    set_aside = stack_set_aside(nonempty).drop_duplicates("row", keep="first").reset_index(drop=True)
    out = frame[~drop].reset_index(drop=True)
    out.attrs.update(encoding=table.encoding, file=table.file)
    return out, Reconciliation(file=table.file, rows_in=table.rows_in, rows_used=len(out), set_aside=set_aside)


def _level(raw: pd.Series, rows: pd.Series, column: str) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    level = raw.str.casefold().map(LEVELS)
    unknown = level.isna()
    shown = raw[unknown].mask(raw[unknown] == "", "(blank)")
    bad = set_aside_rows(rows[unknown], column, "unknown geographic level: " + shown, raw[unknown])
    return level.fillna("").astype("str"), unknown, bad


def _bad_value_rows(problems: pd.DataFrame) -> pd.DataFrame:
    if problems.empty:
        return problems
    return problems.assign(reason=problems["reason"] + " in " + problems["column"])


def _breakdown(df: pd.DataFrame, rows: pd.Series, own: str, table: str, file: str) -> tuple[pd.Series, pd.DataFrame]:
    """Rows of another breakdown (a ``characteristic`` that is not the table's own): set aside, reported.

    A file with one characteristic is taken as the table unless that one names another breakdown
    ("inside", or "outside" in a net-gain file); with several, only those naming ``own`` are read.

    Raises FileFormatError when no row is the table's own (the file is another table).
    """
    if "characteristic" not in df:
        return pd.Series(False, index=df.index), set_aside_rows([], "", "")
    text = df["characteristic"]
    key = text.str.casefold()
    says_own = key.str.contains(own, regex=False)
    wrong = key.str.contains("inside", regex=False) | (key.str.contains("outside|placed", regex=True)
                                                       if own == "net gain" else key.str.contains("net gain"))
    single = text[text != ""].nunique() <= 1
    mine = (~wrong | says_own & (own == "net gain")) if single else (says_own & ~wrong)
    if not mine.any():
        seen = ", ".join(repr(v) for v in sorted(set(text[text != ""]))[:5]) or "none"
        raise FileFormatError(f"no row is the table's own breakdown (characteristic: {seen}): this is not {table}",
                              file=file, column="characteristic", row=int(rows.iloc[0]))
    other = ~mine
    return other, set_aside_rows(rows[other], "characteristic", "another breakdown, not read: " + text[other],
                                 text[other])


def _check_geography(frame: pd.DataFrame, rows: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """Regional rows must carry one of the nine English region codes, national rows England's."""
    code = frame["code"]
    bad_region = (frame["level"] == "Regional") & ~code.str.fullmatch(REGION_CODE)
    bad_nation = (frame["level"] == "National") & (code != ENGLAND_CODE)
    parts = [set_aside_rows(rows[bad_region], "region_code", "not an English region code", code[bad_region]),
             set_aside_rows(rows[bad_nation], "country_code", "not England's code", code[bad_nation])]
    return bad_region | bad_nation, stack_set_aside(parts)


def _read_ees(source: Source, name: str | None, measures: dict[str, tuple[str, bool, float]], *,
              own: str, table_name: str) -> tuple[pd.DataFrame, Reconciliation, RawTable]:
    """Explore-education-statistics tidy layout: one measure per column."""
    required = dict(EES_IDS) | {out: (col,) for out, (col, _, _) in measures.items()}
    taken = {col for col, _, _ in measures.values()}
    optional = {c: (c,) for c in ("country_name", "characteristic", "percentage") if c not in taken}
    table = read_table(source, required=required, optional=optional, name=source_name(source, name))
    df = table.frame
    rows = df["source_row"]
    other, other_rows = _breakdown(df, rows, own, table_name, table.file)
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
    bad_rows = stack_set_aside(problems)
    bad_geo, geo_rows = _check_geography(frame, rows)
    drop = other | unknown | bad_year | rows.isin(bad_rows["row"]) | bad_geo
    year_rows = set_aside_rows(rows[bad_year], "time_period", "year not understood", df["time_period"][bad_year])
    out, rec = _finish(table, frame, drop, [other_rows, bad_level, year_rows, bad_rows, geo_rows])
    check_unique(out, ["year", "level", "code"], file=table.file, what="geography and year",
                 describe=["level", "code", "year"])
    check_years_said(out["year"], out["source_row"], title=table.title_lines[0] if table.title_lines else "",
                     file=table.file)
    return out, rec, table


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
    frame, rec, table = _read_ees(source, name, {"placed_outside": ("number", False, 1e6),
                                                 "placed_outside_pct": ("percentage", True, 100)},
                                  own="outside", table_name=PLACED_OUTSIDE_TABLE)
    if table.title_lines and "net gain" in table.title_lines[0].casefold():
        raise FileFormatError(f"the title says 'net gain': this is not {PLACED_OUTSIDE_TABLE} (give it as the "
                              "net-gain table)", file=table.file, row=1)
    column = table.columns_found.get("placed_outside_pct", "percentage")
    check_not_fractions(frame["placed_outside_pct"], frame["source_row"], file=table.file, column=column)
    la = frame["level"] == "Local authority"
    check_implied_children(frame.loc[la, "placed_outside"], frame.loc[la, "placed_outside_pct"],
                           frame.loc[la, "source_row"], file=table.file, column=column)
    return frame, rec


def read_net_gain(source: Source, *, name: str | None = None) -> tuple[pd.DataFrame, Reconciliation]:
    """Net gain of children in children's homes per LA (in from other LAs minus out), by year.

    Returns
    -------
    (frame, reconciliation) : identifying columns as :func:`read_placed_outside`, then
        ``net_gain`` (Int64, children) and ``net_gain_marker``.
    """
    frame, rec, table = _read_ees(source, name, {"net_gain": ("number", False, 1e6)}, own="net gain",
                                  table_name=NET_GAIN_TABLE)
    _check_net_gain(frame, table)
    return frame, rec


def _check_net_gain(frame: pd.DataFrame, table: RawTable) -> None:
    """Refuse a "net gain" file that is really another table (module docstring)."""
    file = table.file
    if "percentage" in table.frame:
        raise FileFormatError(f"the file has a percentage column ('{table.columns_found['percentage']}'); a net "
                              f"gain has none: this looks like {PLACED_OUTSIDE_TABLE}, not {NET_GAIN_TABLE}",
                              file=file, column=table.columns_found["percentage"], row=table.header_row)
    title = table.title_lines[0].casefold() if table.title_lines else ""
    if "outside the local authority" in title and "net gain" not in title:
        raise FileFormatError(f"the title says 'placed outside': this is {PLACED_OUTSIDE_TABLE}, not "
                              f"{NET_GAIN_TABLE}", file=file, row=1)
    la = frame[(frame["level"] == "Local authority") & frame["net_gain"].notna()]
    if la["code"].nunique() >= NET_GAIN_MIN_AUTHORITIES and not (la["net_gain"] < 0).any():
        raise FileFormatError(
            f"none of the {la['code'].nunique()} authorities has a negative net gain; in England net gains sum "
            f"to about zero, so this is not {NET_GAIN_TABLE} (the 'placed outside' numbers?)", file=file,
            column=table.columns_found.get("net_gain", "number"), row=int(la["source_row"].iloc[0]))
