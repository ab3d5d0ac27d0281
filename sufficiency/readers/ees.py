"""Read DfE Explore Education Statistics (EES) files of "Children looked after in England".

Tidy EES layout: identifying columns ``time_period, time_identifier, geographic_level,
country_code, country_name, region_code, region_name, old_la_code, la_name,
new_la_code`` then one category column or two and the figures. Markers (``c``
suppressed, ``z`` not applicable, ``k`` below 0.5 %, ``x`` not available) become <NA>
with the marker kept in ``<col>_marker``, never 0.

Every reader returns ``(frame, reconciliation)``: one output row per geography and
year (wide), and every input row either used or set aside with its 1-based row and a
reason. Identifying columns of every frame:

============  =======  =========================================================
year          Int64    ``time_period`` (the year ending 31 March)
level         str      National | Regional | Local authority
code          str      ONS code as published: new_la_code (LA), region_code
                       (region, incl. Inner/Outer London E13), country_code
la_number     Int64    DfE's 3-digit LA number (``old_la_code``); <NA> above LA
name          str      la_name / region_name / country_name as published
region_code   str      region of the row ("" for England)
input_rows    Int64    rows of the file this row was built from (reconciliation)
============  =======  =========================================================

:func:`read_new_placements` (``la_cla_during_year_new_placements.csv``, 2022 naming
``cla_group, characteristic, number, percentage`` or 2025 naming ``characteristic,
breakdown, children_count, children_percent``): placements *starting* during the year
(a flow, not the 31 March stock). ``new_placements`` (children's placements, Int64),
then for each part ``inside_la_under_20_miles``, ``inside_la_over_20_miles``,
``outside_la_under_20_miles``, ``outside_la_over_20_miles``, ``distance_unknown``: the
count (Int64) and DfE's percentage of new placements ``<part>_pct`` (Float64, 0-100,
whole numbers as published), each with ``_marker``. Rows of the other group ("Reason for
placement change during the year") are set aside as "<group> (not used)".

:func:`read_cla_numbers` (``cla_number_and_rate_per_10k_children.csv``): rows with
population_type "Children looked after on 31 March each year": ``children_looked_after``
(Int64), ``cla_rate_per_10k`` (Float64, per 10,000 children aged under 18),
``population_under_18`` (Int64, ONS mid-year estimate), each with ``_marker``; the
starting/ceasing rows are set aside as "population type not used: <type>".

:func:`read_placement_net_gain` (``la_cla_on_31_march_la_of_placement_net_gain.csv`` and
the 2024 ``..._netgain.csv``): children looked after at 31 March in ALL placement types:
``placed_in_from_other_las`` (other LAs' children placed inside this LA),
``placed_outside_la`` (this LA's children placed outside it), ``net_gain`` (in - out,
negative = net exporter), Int64 with ``_marker``.

Content checks (:mod:`sufficiency.readers.content_checks`) before any figure is used: the
expected category values are present (else it is another table), one row per geography
per year per category, no percentage column of fractions, DfE's percentages agree with
count / total (within 1 point), rates with count / population x 10,000 (within 1), net
gain with in - out (exactly for LAs; within 20 for rounded regional/national figures).

:func:`la_numbers_from_ees` builds DfE LA number -> ONS code from these frames;
:func:`load_la_numbers` reads the shipped ``data/reference/la_numbers.csv``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency.errors import BadValueError, MissingColumnError, Problem
from sufficiency.readers.content_checks import check_close, check_not_fractions, check_present, check_unique
from sufficiency.readers.dfe import LEVELS
from sufficiency.readers.files import Source, source_name
from sufficiency.readers.reconcile import SET_ASIDE_COLUMNS, Reconciliation
from sufficiency.readers.tabular import RawTable, parse_counts, parse_numbers, read_table

LA_NUMBERS_CSV = Path(__file__).resolve().parents[2] / "data" / "reference" / "la_numbers.csv"
LA_NUMBER_COLUMNS = ["la_number", "code", "name", "level"]
IDS = {c: (c,) for c in ("time_period", "time_identifier", "geographic_level", "country_code", "region_code",
                         "region_name", "old_la_code", "la_name", "new_la_code")}
ID_COLUMNS = ["year", "level", "code", "la_number", "name", "region_code"]
LEVEL_ORDER = {"National": 0, "Regional": 1, "Local authority": 2}
REPORTING_YEAR = "reporting year"
SHIFTED = "more cells than the header (an unquoted comma?)"

LOCATION_GROUP = "Location of new placements during the year"
BREAKDOWNS = {
    "placed inside la boundary less than 20 miles from home": "inside_la_under_20_miles",
    "placed inside la boundary more than 20 miles from home": "inside_la_over_20_miles",
    "placed outside la boundary less than 20 miles from home": "outside_la_under_20_miles",
    "placed outside la boundary more than 20 miles from home": "outside_la_over_20_miles",
    "distance not known or not recorded": "distance_unknown",
    "total new placements": "new_placements",
}
NEW_PLACEMENTS_TABLE = "DfE's new placements table (la_cla_during_year_new_placements)"
CLA_31_MARCH = "Children looked after on 31 March each year"
CLA_TABLE = "DfE's CLA number and rate table (cla_number_and_rate_per_10k_children)"
NET_GAIN_ITEMS = {
    "1. children who are the responsibility of other las placed within this la boundary": "placed_in_from_other_las",
    "2. children who are the responsibility of this la placed outside the la boundary": "placed_outside_la",
    "net gain of children by responsible la": "net_gain",
}
NET_GAIN_TABLE = "DfE's LA of placement net gain table (la_cla_on_31_march_la_of_placement_net_gain)"


def _key(s: pd.Series) -> pd.Series:
    """Case-folded, apostrophe- and space-normalised text for matching categories."""
    return s.astype("str").str.replace("\u2019", "'", regex=False).str.split().str.join(" ").str.casefold()


def _aside(rows: pd.Series, mask: pd.Series, column: str, reason: str | pd.Series, value: pd.Series
           ) -> pd.DataFrame:
    r = reason[mask].to_numpy() if isinstance(reason, pd.Series) else reason
    return pd.DataFrame({"row": rows[mask].to_numpy(), "column": column, "reason": r,
                         "value": value[mask].astype("str").to_numpy()})


def _identify(table: RawTable) -> tuple[pd.DataFrame, pd.Series, list[pd.DataFrame]]:
    """Identifying columns, a mask of rows that cannot be used, and their set-aside rows."""
    df, rows = table.frame, table.frame["source_row"]
    level = _key(df["geographic_level"]).map(LEVELS)
    year = pd.to_numeric(df["time_period"].where(df["time_period"].str.fullmatch(r"\d{4}")), errors="coerce")
    shifted = rows.isin(list(table.extra_cells))
    unknown = ~shifted & level.isna()
    bad_year = ~shifted & ~unknown & year.isna()
    other_time = ~shifted & ~unknown & ~bad_year & (_key(df["time_identifier"]) != REPORTING_YEAR)
    la = level == "Local authority"
    country_name = df.get("country_name", pd.Series("England", index=df.index, dtype="str"))
    ids = pd.DataFrame({
        "year": year.astype("Int64"),
        "level": level.fillna("").astype("str"),
        "code": df["new_la_code"].where(la, df["region_code"].where(level == "Regional", df["country_code"])),
        "la_number": pd.to_numeric(df["old_la_code"].where(la), errors="coerce").astype("Int64"),
        "name": df["la_name"].where(la, df["region_name"].where(level == "Regional", country_name)),
        "region_code": df["region_code"],
        "source_row": rows,
    })
    parts = [
        pd.DataFrame({"row": table.blank_rows, "column": "", "reason": "blank row", "value": ""}),
        _aside(rows, shifted, "", SHIFTED, rows.map(table.extra_cells)),
        _aside(rows, unknown, "geographic_level",
               "unknown geographic level: " + df["geographic_level"].mask(df["geographic_level"] == "", "(blank)"),
               df["geographic_level"]),
        _aside(rows, bad_year, "time_period", "year not understood", df["time_period"]),
        _aside(rows, other_time, "time_identifier", "time identifier not used: " + df["time_identifier"],
               df["time_identifier"]),
    ]
    bad_la = la & ~shifted & ids["la_number"].isna()
    if bad_la.any():
        raise BadValueError("a local authority row without a 3-digit DfE LA number", file=table.file,
                            row=int(rows[bad_la].iloc[0]), column="old_la_code",
                            value=str(df["old_la_code"][bad_la].iloc[0]))
    return ids, shifted | unknown | bad_year | other_time, parts


def _parse(values: pd.Series, rows: pd.Series, column: str, *, pct: bool = False, max_value: float = 1e6,
           allow_negative: bool = False) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    parse = parse_numbers if pct else parse_counts
    vals, marks, probs = parse(values, rows, column, max_value=max_value, allow_negative=allow_negative)
    if len(probs):
        probs = probs.assign(reason=probs["reason"] + " in " + probs["column"])
    return vals, marks, probs


def _finish(table: RawTable, wide: pd.DataFrame, used: pd.Series, parts: list[pd.DataFrame]
            ) -> tuple[pd.DataFrame, Reconciliation]:
    nonempty = [p for p in parts if len(p)]
    set_aside = pd.concat(nonempty, ignore_index=True) if nonempty else pd.DataFrame(columns=SET_ASIDE_COLUMNS)
    set_aside = (set_aside[SET_ASIDE_COLUMNS].drop_duplicates("row", keep="first")
                 .sort_values("row", kind="stable").reset_index(drop=True))
    order = wide["level"].map(LEVEL_ORDER)
    wide = (wide.assign(_o=order).sort_values(["year", "_o", "code"], kind="stable")
            .drop(columns="_o").reset_index(drop=True))
    wide.attrs.update(file=table.file, encoding=table.encoding, release=int(wide["year"].max()) if len(wide) else None)
    rec = Reconciliation(file=table.file, rows_in=table.rows_in, rows_used=int(used.sum()), set_aside=set_aside)
    return wide, rec


def _widen(ids: pd.DataFrame, item: pd.Series, columns: dict[str, pd.Series], names: Sequence[str]) -> pd.DataFrame:
    """One row per geography and year; ``<item><suffix>`` columns for each ``columns`` suffix."""
    long = ids[ID_COLUMNS].reset_index(drop=True).assign(
        _item=item.to_numpy(), **{f"_{k}": v.reset_index(drop=True) for k, v in columns.items()})
    keys = ["year", "level", "code"]
    base = long.drop_duplicates(keys)[ID_COLUMNS].set_index(keys)
    out = [base, long.groupby(keys).size().astype("Int64").rename("input_rows")]
    for name in names:
        part = long[long["_item"] == name].set_index(keys)
        for suffix in columns:
            col = part[f"_{suffix}"].rename(f"{name}{suffix}")
            out.append(col)
    wide = pd.concat(out, axis=1).reset_index()
    for c in wide.columns:
        if c.endswith("_marker"):
            wide[c] = wide[c].fillna("").astype("str")
    return wide


def _check_complete(ids: pd.DataFrame, item: pd.Series, expected: Sequence[str], *, file: str, what: str) -> None:
    """Every geography-year has a row for each expected item."""
    have = ids.assign(_item=item.to_numpy()).groupby(["year", "level", "code"])["_item"].nunique()
    short = have[have < len(expected)]
    if len(short):
        first = ids.set_index(["year", "level", "code"]).loc[short.index[0], "source_row"]
        row = int(np.min(first))
        problems = [Problem(f"{what}: {n} of the {len(expected)} expected rows for {lvl} {code} in {yr}",
                            file=file, row=row) for (yr, lvl, code), n in short.items()]
        raise BadValueError(problems=problems)


def read_new_placements(source: Source, *, name: str | None = None) -> tuple[pd.DataFrame, Reconciliation]:
    """New placements during the year by inside/outside the LA x under/over 20 miles.

    Parameters
    ----------
    source : path, bytes or binary file-like (EES CSV, 2022 or 2025 column naming)
    name : file name to quote in messages

    Returns
    -------
    (frame, reconciliation) : columns in the module docstring; ``frame.attrs["release"]``
        is the latest year in the file.
    """
    optional = {c: (c,) for c in ("country_name", "cla_group", "characteristic", "breakdown", "number",
                                  "percentage", "children_count", "children_percent")}
    table = read_table(source, required=IDS, optional=optional, name=source_name(source, name))
    df, file = table.frame, table.file
    if {"breakdown", "children_count", "children_percent", "characteristic"} <= set(df.columns):
        group_col, item_col, count_col, pct_col = "characteristic", "breakdown", "children_count", "children_percent"
    elif {"cla_group", "characteristic", "number", "percentage"} <= set(df.columns):
        group_col, item_col, count_col, pct_col = "cla_group", "characteristic", "number", "percentage"
    else:
        raise MissingColumnError(
            "neither the 2025 columns (characteristic, breakdown, children_count, children_percent) nor the "
            f"earlier ones (cla_group, characteristic, number, percentage): this is not {NEW_PLACEMENTS_TABLE}",
            file=file)
    ids, unusable, parts = _identify(table)
    rows = df["source_row"]
    group = _key(df[group_col])
    check_present(group[~unusable], [_key(pd.Series([LOCATION_GROUP])).iloc[0]], file=file, column=group_col,
                  table=NEW_PLACEMENTS_TABLE)
    loc = ~unusable & (group == _key(pd.Series([LOCATION_GROUP])).iloc[0])
    other = ~unusable & ~loc
    parts.append(_aside(rows, other, group_col, df[group_col] + " (not used)", df[group_col]))
    item = _key(df[item_col]).map(BREAKDOWNS)
    unknown = loc & item.isna()
    if unknown.any():
        raise BadValueError(problems=[Problem(f"unexpected breakdown of {LOCATION_GROUP!r}: the table's categories "
                                              "have changed", file=file, row=int(r), column=item_col, value=v)
                                      for r, v in zip(rows[unknown], df[item_col][unknown], strict=True)])
    check_present(item[loc], list(BREAKDOWNS.values()), file=file, column=item_col, table=NEW_PLACEMENTS_TABLE)
    check_unique(ids[loc].assign(breakdown=item[loc]), ["year", "level", "code", "breakdown"], file=file,
                 what="geography, year and breakdown", describe=["level", "code", "year", "breakdown"])
    _check_complete(ids[loc], item[loc], list(BREAKDOWNS.values()), file=file, what="incomplete table")

    count, count_m, p1 = _parse(df[count_col].where(loc, ""), rows, count_col)
    pct, pct_m, p2 = _parse(df[pct_col].where(loc, ""), rows, pct_col, pct=True, max_value=100)
    bad = pd.concat([p1, p2], ignore_index=True)
    parts.append(bad)
    used = loc & ~rows.isin(bad["row"])
    parts_only = used & (item != "new_placements")
    check_not_fractions(pct[parts_only], rows[parts_only], file=file, column=pct_col)
    total = ids.assign(_c=count.astype("Float64"), _i=item)[used & (item == "new_placements")]
    total = total.set_index(["year", "level", "code"])["_c"]
    key = pd.MultiIndex.from_frame(ids[["year", "level", "code"]])
    denom = pd.Series(total.reindex(key).to_numpy(), index=df.index, dtype="Float64")
    expected = (count.astype("Float64") / denom.where(denom > 0) * 100)
    check_close(pct.where(parts_only), expected.where(parts_only), rows, file=file, column=pct_col, tolerance=1.0,
                what=f"{count_col} / total new placements x 100")

    wide = _widen(ids[used], item[used], {"": count[used], "_marker": count_m[used], "_pct": pct[used],
                                          "_pct_marker": pct_m[used]}, list(BREAKDOWNS.values()))
    wide = wide.drop(columns=["new_placements_pct", "new_placements_pct_marker"])
    first = ["new_placements", "new_placements_marker"]
    wide = wide[ID_COLUMNS + first + [c for c in wide.columns if c not in ID_COLUMNS + first]]
    return _finish(table, wide, used, parts)


def read_cla_numbers(source: Source, *, name: str | None = None) -> tuple[pd.DataFrame, Reconciliation]:
    """Children looked after at 31 March: number and rate per 10,000 children, per LA/region/England.

    Returns
    -------
    (frame, reconciliation) : identifying columns, ``children_looked_after``,
        ``cla_rate_per_10k``, ``population_under_18``, each with ``_marker``.
    """
    required = dict(IDS) | {c: (c,) for c in ("population_type", "population_estimate", "children_count",
                                             "rate_per_10000")}
    table = read_table(source, required=required, optional={"country_name": ("country_name",)},
                       name=source_name(source, name))
    df, file, rows = table.frame, table.file, table.frame["source_row"]
    ids, unusable, parts = _identify(table)
    ptype = _key(df["population_type"])
    target = _key(pd.Series([CLA_31_MARCH])).iloc[0]
    check_present(ptype[~unusable], [target], file=file, column="population_type", table=CLA_TABLE)
    use = ~unusable & (ptype == target)
    parts.append(_aside(rows, ~unusable & ~use, "population_type", "population type not used: " + df["population_type"],
                        df["population_type"]))
    check_unique(ids[use], ["year", "level", "code"], file=file, what="geography and year",
                 describe=["level", "code", "year"])
    count, count_m, p1 = _parse(df["children_count"].where(use, ""), rows, "children_count")
    rate, rate_m, p2 = _parse(df["rate_per_10000"].where(use, ""), rows, "rate_per_10000", pct=True, max_value=10000)
    pop, pop_m, p3 = _parse(df["population_estimate"].where(use, ""), rows, "population_estimate", max_value=2e7)
    bad = pd.concat([p1, p2, p3], ignore_index=True)
    parts.append(bad)
    used = use & ~rows.isin(bad["row"])
    expected = count.astype("Float64") / pop.astype("Float64").where(pop > 0) * 10000
    check_close(rate.where(used), expected.where(used), rows, file=file, column="rate_per_10000", tolerance=1.0,
                what="children_count / population_estimate x 10,000")
    wide = ids[used][ID_COLUMNS].assign(
        children_looked_after=count[used], children_looked_after_marker=count_m[used],
        cla_rate_per_10k=rate[used], cla_rate_per_10k_marker=rate_m[used],
        population_under_18=pop[used], population_under_18_marker=pop_m[used], input_rows=1)
    wide["input_rows"] = wide["input_rows"].astype("Int64")
    return _finish(table, wide, used, parts)


def read_placement_net_gain(source: Source, *, name: str | None = None) -> tuple[pd.DataFrame, Reconciliation]:
    """Net gain of children looked after at 31 March, all placement types, per LA/region/England.

    Returns
    -------
    (frame, reconciliation) : identifying columns, ``placed_in_from_other_las``,
        ``placed_outside_la``, ``net_gain`` (Int64, children), each with ``_marker``.
    """
    required = dict(IDS) | {"characteristic": ("characteristic",), "number": ("number",)}
    table = read_table(source, required=required, optional={"country_name": ("country_name",)},
                       name=source_name(source, name))
    df, file, rows = table.frame, table.file, table.frame["source_row"]
    ids, unusable, parts = _identify(table)
    item = _key(df["characteristic"]).map(NET_GAIN_ITEMS)
    check_present(item[~unusable].dropna(), list(NET_GAIN_ITEMS.values()), file=file, column="characteristic",
                  table=NET_GAIN_TABLE)
    unknown = ~unusable & item.isna()
    if unknown.any():
        raise BadValueError(problems=[Problem(f"unexpected characteristic: this is not {NET_GAIN_TABLE}", file=file,
                                              row=int(r), column="characteristic", value=v)
                                      for r, v in zip(rows[unknown], df["characteristic"][unknown], strict=True)])
    use = ~unusable
    check_unique(ids[use].assign(item=item[use]), ["year", "level", "code", "item"], file=file,
                 what="geography, year and characteristic", describe=["level", "code", "year", "item"])
    _check_complete(ids[use], item[use], list(NET_GAIN_ITEMS.values()), file=file, what="incomplete table")
    number, marks, bad = _parse(df["number"].where(use, ""), rows, "number", allow_negative=True)
    negative = use & (item != "net_gain") & (number < 0).fillna(False)
    bad = pd.concat([bad, _aside(rows, negative, "number", "negative value in number", df["number"])],
                    ignore_index=True)
    parts.append(bad)
    used = use & ~rows.isin(bad["row"])
    wide = _widen(ids[used], item[used], {"": number[used], "_marker": marks[used]}, list(NET_GAIN_ITEMS.values()))
    expected = wide["placed_in_from_other_las"].astype("Float64") - wide["placed_outside_la"].astype("Float64")
    first_row = ids[used].groupby(["year", "level", "code"])["source_row"].min()
    wrows = pd.Series(first_row.reindex(pd.MultiIndex.from_frame(wide[["year", "level", "code"]])).to_numpy())
    la = wide["level"] == "Local authority"
    for mask, tol in ((la, 0.0), (~la, 20.0)):
        check_close(wide["net_gain"].where(mask), expected.where(mask), wrows, file=file, column="number",
                    tolerance=tol, what="children placed in - children placed out")
    return _finish(table, wide, used, parts)


def la_numbers_from_ees(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """DfE 3-digit LA number -> ONS code and name, from the LA rows of EES reader frames.

    The code of the latest year (and, for the same year, of the latest release) wins
    for each number: North Yorkshire 815 is E10000023 in the 2022 release, E06000065
    from 2023 (and for all years in the 2025 release). Raises :class:`BadValueError`
    when one file gives one number two codes in the same year, or when one code ends
    up belonging to two numbers.

    Returns
    -------
    DataFrame [la_number (Int64), code, name], sorted by la_number.
    """
    parts = []
    for frame in frames:
        la = frame.loc[frame["level"] == "Local authority", ["year", "la_number", "code", "name"]].drop_duplicates()
        pairs = la.drop_duplicates(["year", "la_number", "code"])
        clash = pairs.duplicated(["year", "la_number"], keep=False)
        if clash.any():
            first = pairs[clash].iloc[0]
            codes = pairs.loc[clash & (pairs["la_number"] == first["la_number"]) & (pairs["year"] == first["year"]),
                              "code"]
            raise BadValueError(f"LA number {first['la_number']} has two codes in {first['year']}: "
                                f"{', '.join(codes)}", file=frame.attrs.get("file"), column="new_la_code")
        parts.append(la.assign(_release=frame.attrs.get("release") or 0))
    la = pd.concat(parts, ignore_index=True)
    latest = la.sort_values(["la_number", "year", "_release"], kind="stable").drop_duplicates("la_number", keep="last")
    shared = latest.duplicated("code", keep=False)
    if shared.any():
        code = latest["code"][shared].iloc[0]
        raise BadValueError(f"code {code} belongs to more than one DfE LA number: "
                            f"{', '.join(latest.loc[latest['code'] == code, 'la_number'].astype(str))}",
                            column="new_la_code")
    return latest[["la_number", "code", "name"]].reset_index(drop=True)


def load_la_numbers(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``data/reference/la_numbers.csv`` [la_number, code, name, level] (England, regions, 158 LAs).

    Raises
    ------
    MissingColumnError
        The file lacks one of the columns.
    """
    path = Path(path) if path is not None else LA_NUMBERS_CSV
    frame = pd.read_csv(path, dtype={"la_number": "Int64", "code": "str", "name": "str", "level": "str"},
                        keep_default_na=False)
    missing = [c for c in LA_NUMBER_COLUMNS if c not in frame.columns]
    if missing:
        raise MissingColumnError(f"required column missing: {missing[0]!r}", file=path.name, column=missing[0])
    return frame[LA_NUMBER_COLUMNS]
