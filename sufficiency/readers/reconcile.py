"""Reconciliation: every input row is used or set aside with a reason.

A :class:`Reconciliation` is returned beside the tidy frame by every reader.
``set_aside`` has one row per row not used, and ``flags`` one row per row used despite a
contradiction in it (which column was followed is in the reason), both with columns:

===========  =====================================================
row          1-based line number in the source file (int)
column       the column that caused it (str, may be empty)
reason       plain-English reason, from a short fixed vocabulary (str)
value        the offending value as text (str, may be empty)
===========  =====================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SET_ASIDE_COLUMNS = ["row", "column", "reason", "value"]


def empty_set_aside() -> pd.DataFrame:
    """An empty set-aside frame with the documented columns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in SET_ASIDE_COLUMNS})


def set_aside_rows(rows, column: str, reason, values=None) -> pd.DataFrame:
    """Set-aside rows [row, column, reason, value] for the rows given (the one builder).

    Parameters
    ----------
    rows : array-like of int, 1-based rows in the source file
    column : the column that caused it ("" when the whole row)
    reason : one reason for all rows, or one per row (array-like of str)
    values : the offending values (array-like, shown as text), or None for ""
    """
    rows = np.asarray(rows, dtype="int64")
    n = len(rows)
    reasons = np.full(n, reason, dtype=object) if isinstance(reason, str) else np.asarray(reason, dtype=object)
    shown = (np.full(n, "", dtype=object) if values is None
             else pd.Series(values).astype("string").fillna("").to_numpy(dtype=object))
    return pd.DataFrame({"row": rows, "column": column, "reason": reasons, "value": shown}, columns=SET_ASIDE_COLUMNS)


def stack_set_aside(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Several set-aside frames as one, sorted by row (an empty frame when none has rows)."""
    nonempty = [p[SET_ASIDE_COLUMNS] for p in parts if len(p)]
    if not nonempty:
        return empty_set_aside()
    return pd.concat(nonempty, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)


@dataclass
class Reconciliation:
    """Rows read, rows used, and rows set aside by reason, for one file."""

    file: str
    rows_in: int
    rows_used: int
    set_aside: pd.DataFrame = field(default_factory=empty_set_aside)
    flags: pd.DataFrame = field(default_factory=empty_set_aside)

    @property
    def rows_set_aside(self) -> int:
        return int(len(self.set_aside))

    @property
    def balanced(self) -> bool:
        """True when rows in = rows used + rows set aside."""
        return self.rows_in == self.rows_used + self.rows_set_aside

    def set_aside_later(self, rows: pd.DataFrame) -> None:
        """Move rows the reader used to the set-aside list (found unusable after reading,
        e.g. an authority name that matches no authority); keeps rows in = used + set aside."""
        if len(rows):
            self.rows_used -= len(rows)
            self.set_aside = stack_set_aside([self.set_aside, rows])

    def by_reason(self) -> pd.DataFrame:
        """Counts of set-aside rows per reason (columns: reason, rows)."""
        if self.set_aside.empty:
            return pd.DataFrame({"reason": pd.Series(dtype="object"), "rows": pd.Series(dtype="int64")})
        out = self.set_aside.groupby("reason", sort=True).size().rename("rows").reset_index()
        return out.sort_values("rows", ascending=False, kind="stable").reset_index(drop=True)

    def flag(self, rows: pd.DataFrame) -> None:
        """Record rows that are used although they contradict themselves (data-quality flags)."""
        if len(rows):
            self.flags = stack_set_aside([self.flags, rows])

    def summary(self) -> pd.DataFrame:
        """One-row-per-line summary: file, rows in, used, set aside per reason, flagged per reason."""
        rows = [{"file": self.file, "what": "rows read", "rows": self.rows_in},
                {"file": self.file, "what": "rows used", "rows": self.rows_used}]
        for rec in self.by_reason().itertuples(index=False):
            rows.append({"file": self.file, "what": f"set aside: {rec.reason}", "rows": int(rec.rows)})
        for reason, n in self.flags.groupby("reason", sort=True).size().items():
            rows.append({"file": self.file, "what": f"used, flagged: {reason}", "rows": int(n)})
        return pd.DataFrame(rows)


def combine_rows(reports: list[Reconciliation]) -> pd.DataFrame:
    """Every set-aside or flagged row of several reports: [file, row, column, reason, value]
    (a flagged row was used: its reason starts "used, flagged:")."""
    parts = [r.set_aside.assign(file=r.file) for r in reports if len(r.set_aside)]
    parts += [r.flags.assign(file=r.file, reason="used, flagged: " + r.flags["reason"]) for r in reports
              if len(r.flags)]
    if not parts:
        return pd.DataFrame(columns=["file", *SET_ASIDE_COLUMNS])
    return pd.concat(parts, ignore_index=True)[["file", *SET_ASIDE_COLUMNS]]


def combine(reports: list[Reconciliation]) -> pd.DataFrame:
    """Stack several reports' summaries into one table."""
    if not reports:
        return pd.DataFrame(columns=["file", "what", "rows"])
    return pd.concat([r.summary() for r in reports], ignore_index=True)
