"""Content checks shared by the DfE benchmark readers (EES, LAIT, statistical neighbours).

A council may quote these figures in a published sufficiency statement, so a reader
checks that a file *is* the table it claims to be before any figure is used:

- :func:`check_not_fractions`: a percentage column whose values all lie in 0-1 holds
  fractions (0.18), not percentages (18): refused.
- :func:`check_unique`: one row per authority per year per measure; a second row for
  the same key means the file is not the table expected (or two tables pasted
  together): refused, naming every offending row.
- :func:`check_close`: a published figure that disagrees with the one recomputed from
  the same file's counts (a percentage of a total, a rate per 10,000, a net gain).
- :func:`check_present`: expected category values (indicator codes, breakdowns) are in
  the file.

Each raises :class:`~sufficiency.errors.BadValueError` (or :class:`FileFormatError` for a
wrong table) with file, row and column, collecting every problem first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from sufficiency.errors import BadValueError, FileFormatError, Problem


def check_not_fractions(values: pd.Series, rows: pd.Series, *, file: str, column: str) -> None:
    """Refuse a percentage column whose values all lie between 0 and 1.

    Parameters
    ----------
    values : Float64 percentages (0-100 expected); missing values are ignored
    rows : 1-based source rows aligned with ``values``
    file, column : quoted in the error

    Raises
    ------
    BadValueError
        Every non-missing value is in [0, 1] and at least one is above 0.
    """
    v = pd.to_numeric(values, errors="coerce").astype("float64")
    present = v.notna()
    if not present.any():
        return
    vals = v[present]
    if vals.between(0, 1).all() and (vals > 0).any():
        first = int(rows[present].iloc[0])
        raise BadValueError(
            f"every value in this percentage column lies between 0 and 1 ({int(present.sum()):,} values, largest "
            f"{vals.max():g}): they look like fractions, not percentages from 0 to 100, so this is not the "
            "table expected", file=file, row=first, column=column, value=f"{vals.iloc[0]:g}")


#: Children in children's homes one authority can plausibly have: the largest has a few hundred
#: (at most 226 in DfE's 2014-2024 table), England about 7,500 in all.
MAX_AUTHORITY_CHILDREN_IN_HOMES = 1_000


def check_implied_children(number: pd.Series, pct: pd.Series, rows: pd.Series, *, file: str, column: str) -> None:
    """Refuse a row whose percentage, under 1, is a fraction among percentages.

    Children in homes = ``number`` / (``pct`` / 100): one fraction among percentages (0.75
    for 75%) multiplies it by 100. A percentage under 1 is refused when the number of
    children in homes it implies is over :data:`MAX_AUTHORITY_CHILDREN_IN_HOMES` (a real
    0.5% of 200 children is kept). A whole column of fractions is :func:`check_not_fractions`.

    Parameters
    ----------
    number : children placed outside (Int64); pct : their percentage (Float64, 0-100)
    rows : 1-based source rows aligned with them; file, column : quoted in the error

    Raises
    ------
    BadValueError
        At the first such row (with how many there are).
    """
    n = pd.to_numeric(number, errors="coerce").astype("float64")
    p = pd.to_numeric(pct, errors="coerce").astype("float64")
    implied = (n * 100 / p.where(p > 0)).where(n > 0)
    bad = (implied > MAX_AUTHORITY_CHILDREN_IN_HOMES) & (p < 1)
    if not bad.any():
        return
    i = bad[bad].index[0]
    raise BadValueError(
        f"{n[i]:g} children placed outside at {p[i]:g}% would mean {implied[i]:,.0f} children in children's homes "
        f"in one authority (the largest has a few hundred): is {p[i]:g} a fraction among percentages from 0 to "
        f"100? Correct the row ({int(bad.sum())} row{'s' if bad.sum() != 1 else ''} like it)", file=file,
        row=int(rows[i]), column=column, value=f"{p[i]:g}")


_SPAN = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*(?:to|-|_|–)\s*((?:19|20)\d\d)(?!\d)")


def check_years_said(years: pd.Series, rows: pd.Series, *, title: str, file: str, column: str = "time_period") -> None:
    """Refuse a table whose title, file name and rows disagree on the years it covers.

    The title ("..., 2014 to 2024") and the file name (``..._2014_2024.csv``) each say a span
    when they hold one; the two must be the same span, and no row may lie outside it.

    Raises
    ------
    FileFormatError
        Title and file name give different spans (row 1), or a row's year is outside the span.
    """
    said_title = _SPAN.search(title or "")
    said_name = _SPAN.search(Path(file).name)
    spans = {k: (int(m.group(1)), int(m.group(2))) for k, m in (("title", said_title), ("name", said_name)) if m}
    if len(set(spans.values())) > 1:
        raise FileFormatError(f"the title says {spans['title'][0]} to {spans['title'][1]} but the file name says "
                              f"{spans['name'][0]} to {spans['name'][1]}: which is it? Correct the title or the file "
                              "name", file=file, row=1)
    if not spans:
        return
    (first, last), where = next(iter(spans.values())), next(iter(spans))
    y = pd.to_numeric(years, errors="coerce")
    outside = (y < first) | (y > last)
    if outside.any():
        i = outside[outside].index[0]
        raise FileFormatError(f"the {'title' if where == 'title' else 'file name'} says {first} to {last} but "
                              f"this row is about {int(y[i])}: is it the table the {where.replace('name', 'file name')} "
                              "describes?", file=file, row=int(rows[i]), column=column, value=str(int(y[i])))


def check_unique(frame: pd.DataFrame, keys: Sequence[str], *, file: str, what: str,
                 row_column: str = "source_row", describe: Sequence[str] | None = None) -> None:
    """Refuse a table with more than one row for the same key.

    Parameters
    ----------
    frame : rows to check, with ``row_column`` (1-based source rows)
    keys : columns that must identify one row (e.g. ["year", "code", "breakdown"])
    what : plain words for one key, e.g. "authority, year and breakdown"
    describe : columns shown in the message (defaults to ``keys``)

    Raises
    ------
    BadValueError
        One problem per duplicated key, naming its rows.
    """
    dup = frame.duplicated(list(keys), keep=False)
    if not dup.any():
        return
    shown = list(describe or keys)
    groups = frame[dup].groupby(list(keys), sort=True, dropna=False)
    problems = []
    for _, g in groups:
        rows = g[row_column].astype("int64").tolist()
        label = ", ".join(f"{c} {g[c].iloc[0]}" for c in shown)
        problems.append(Problem(
            f"{len(rows)} rows for the same {what} ({label}; rows {', '.join(map(str, rows[:10]))}): the file "
            "must have one row per authority per year per measure", file=file, row=rows[0]))
    raise BadValueError(problems=problems)


def check_close(published: pd.Series, expected: pd.Series, rows: pd.Series, *, file: str, column: str,
                tolerance: float, what: str) -> None:
    """Refuse published figures that differ from those recomputed from the file's own counts.

    Parameters
    ----------
    published, expected : aligned numbers; pairs with a missing value are skipped
    tolerance : largest difference accepted (in the figure's unit), for rounding
    what : plain words for the recomputation, e.g. "count / total x 100"
    """
    p = pd.to_numeric(published, errors="coerce").astype("float64")
    e = pd.to_numeric(expected, errors="coerce").astype("float64")
    bad = p.notna() & e.notna() & ((p - e).abs() > tolerance)
    if not bad.any():
        return
    problems = [Problem(f"published figure differs from {what} = {ev:.1f} by more than {tolerance:g}",
                        file=file, row=int(r), column=column, value=f"{pv:g}")
                for r, pv, ev in zip(rows[bad], p[bad], e[bad], strict=True)]
    raise BadValueError(problems=problems)


def check_present(found: Iterable[str], expected: Iterable[str], *, file: str, column: str, table: str) -> None:
    """Refuse a file that lacks expected category values: it is not ``table``.

    Raises
    ------
    FileFormatError
        Naming every expected value that is absent.
    """
    have = set(found)
    missing = [e for e in expected if e not in have]
    if missing:
        raise FileFormatError(problems=[
            Problem(f"no rows with {column} {m!r}: this is not {table}", file=file, column=column) for m in missing])
