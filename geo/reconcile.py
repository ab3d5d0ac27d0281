"""Reconciliation: every input row is used or set aside with a reason.

A :class:`Reconciliation` is returned beside the tidy frame by every reader.
``set_aside`` has one row per row not used, columns:

===========  =====================================================
row          1-based line number in the source file (int)
column       the column that caused it (str, may be empty)
reason       plain-English reason, from a short fixed vocabulary (str)
value        the offending value as text (str, may be empty)
===========  =====================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

SET_ASIDE_COLUMNS = ["row", "column", "reason", "value"]


def empty_set_aside() -> pd.DataFrame:
    """An empty set-aside frame with the documented columns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in SET_ASIDE_COLUMNS})


@dataclass
class Reconciliation:
    """Rows read, rows used, and rows set aside by reason, for one file."""

    file: str
    rows_in: int
    rows_used: int
    set_aside: pd.DataFrame = field(default_factory=empty_set_aside)

    @property
    def rows_set_aside(self) -> int:
        return int(len(self.set_aside))

    @property
    def balanced(self) -> bool:
        """True when rows in = rows used + rows set aside."""
        return self.rows_in == self.rows_used + self.rows_set_aside

    def by_reason(self) -> pd.DataFrame:
        """Counts of set-aside rows per reason (columns: reason, rows)."""
        if self.set_aside.empty:
            return pd.DataFrame({"reason": pd.Series(dtype="object"), "rows": pd.Series(dtype="int64")})
        out = self.set_aside.groupby("reason", sort=True).size().rename("rows").reset_index()
        return out.sort_values("rows", ascending=False, kind="stable").reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """One-row-per-line summary: file, rows in, used, set aside per reason."""
        rows = [{"file": self.file, "what": "rows read", "rows": self.rows_in},
                {"file": self.file, "what": "rows used", "rows": self.rows_used}]
        for rec in self.by_reason().itertuples(index=False):
            rows.append({"file": self.file, "what": f"set aside: {rec.reason}", "rows": int(rec.rows)})
        return pd.DataFrame(rows)


def combine(reports: list[Reconciliation]) -> pd.DataFrame:
    """Stack several reports' summaries into one table."""
    if not reports:
        return pd.DataFrame(columns=["file", "what", "rows"])
    return pd.concat([r.summary() for r in reports], ignore_index=True)
