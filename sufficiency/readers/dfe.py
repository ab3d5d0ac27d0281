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
"unknown geographic level: <value>", "year not
understood", and any bad number ("not a number in <column>", "negative value in
<column>", ...).
"""

from __future__ import annotations

import pandas as pd

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
    bad_rows = stack_set_aside(problems)
    drop = unknown | bad_year | rows.isin(bad_rows["row"])
    year_rows = set_aside_rows(rows[bad_year], "time_period", "year not understood", df["time_period"][bad_year])
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
