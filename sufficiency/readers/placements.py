"""Read a commissioner's placements list: one row per placement.

Read with :func:`sufficiency.readers.tabular.read_table` (CSV in any common encoding,
comma/semicolon/tab separated, or XLSX; title rows above the header allowed). Header
names are matched loosely (case, spaces and punctuation ignored; see ``ALIASES``):

==============  ==========================================================
origin          required: child's home postcode, or an authority code (E06...)
destination     required: placement postcode, Ofsted URN, or authority code
responsible_la  optional: responsible authority code (else the origin's)
placement_type  optional: free text
start_date      optional: dd/mm/yyyy, yyyy-mm-dd or "5 Jan 2024"
end_date        optional: as start_date
==============  ==========================================================

:func:`read_placements` returns one row per usable line, columns: row (1-based line
in the file), origin, origin_kind, destination, destination_kind ("postcode" |
"urn" | "authority"), responsible_la ("" when not given), placement_type,
start_date, end_date (datetime64, NaT when not given). Rows are set aside (never
guessed) for: a missing origin/destination, a value that is none of
postcode/URN/code, a responsible authority that is not shaped like a code, a date
not understood, or an end before the start. Finding where each end is (postcodes,
URNs, codes) is :func:`sufficiency.distances.placements.locate_placements`.
"""

from __future__ import annotations

import re

import pandas as pd

from geo.geocode import normalise_postcode
from sufficiency.errors import DuplicateColumnError, Problem
from sufficiency.readers.files import Source, source_name
from sufficiency.readers.reconcile import Reconciliation, set_aside_rows, stack_set_aside
from sufficiency.readers.tabular import LooseName, read_table

ALIASES = {
    "origin": ("origin", "home postcode", "child postcode", "origin postcode", "home", "from",
               "child home postcode", "childs home postcode", "home address postcode", "origin code", "origin authority"),
    "destination": ("destination", "placement postcode", "destination postcode", "placement", "to",
                    "urn", "ofsted urn", "provider urn", "placement urn", "destination code",
                    "placement authority"),
    "responsible_la": ("responsible la", "responsible authority", "responsible local authority",
                       "responsible la code", "la code"),
    "placement_type": ("placement type", "type", "setting type", "provision type"),
    "start_date": ("start date", "start", "placement start", "placement start date", "date started"),
    "end_date": ("end date", "end", "placement end", "placement end date", "date ended"),
}
REQUIRED = ("origin", "destination")
CODE = re.compile(r"^E(06|08|09|10)\d{6}$")
URN = re.compile(r"^(SC)?\d{6,7}$")


PATTERNS = {key: tuple(LooseName(a) for a in (key.replace("_", " "), *aliases)) for key, aliases in ALIASES.items()}


def _check_one_column_each(columns: list[str], file: str) -> None:
    """Refuse a file where two columns both look like the same field (which one to use?)."""
    problems = []
    for key, patterns in PATTERNS.items():
        hits = [c for c in columns if c != "source_row" and any(p.fullmatch(c.casefold()) for p in patterns)]
        if len(hits) > 1:
            problems.append(Problem(f"columns {hits} all look like '{key}'; keep one", file=file, column=key))
    if problems:
        raise DuplicateColumnError(problems=problems)


def parse_dates(text: pd.Series) -> pd.Series:
    """Parse dates: ISO (yyyy-mm-dd...) as such, everything else day first (NaT when not understood)."""
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if iso.any():
        out[iso] = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    other = ~iso & text.ne("")
    if other.any():
        out[other] = pd.to_datetime(text[other], format="mixed", dayfirst=True, errors="coerce")
    return out


def value_kind(text: pd.Series, allow_urn: bool) -> pd.Series:
    """'authority' | 'urn' | 'postcode' | '' (not recognised) for each value."""
    upper = text.str.upper().str.replace(r"\s+", "", regex=True)
    kind = pd.Series("", index=text.index, dtype="string")
    kind[normalise_postcode(text).notna()] = "postcode"
    if allow_urn:
        kind[upper.str.fullmatch(URN.pattern).fillna(False).astype(bool)] = "urn"
    kind[upper.str.fullmatch(CODE.pattern).fillna(False).astype(bool)] = "authority"
    return kind


def read_placements(source: Source, *, name: str | None = None) -> tuple[pd.DataFrame, Reconciliation]:
    """Read and check a placements file (module docstring).

    Parameters
    ----------
    source : path, bytes or binary file-like (CSV or XLSX)
    name : file name for messages (defaults to the path's name)

    Returns
    -------
    (placements, reconciliation) : every data row is used or set aside with its reason.

    Raises
    ------
    EmptyFileError, FileFormatError, MissingColumnError, DuplicateColumnError
    """
    file = source_name(source, name)
    required = {k: PATTERNS[k] for k in REQUIRED}
    optional = {k: v for k, v in PATTERNS.items() if k not in REQUIRED}
    table = read_table(source, required=required, optional=optional, name=file)
    _check_one_column_each(list(table.frame.columns), file)
    df = table.frame
    rows = df["source_row"]
    get = {k: df[k].astype("string").fillna("").str.strip() for k in PATTERNS if k in df}
    reason = pd.Series("", index=df.index, dtype="string")
    parts = [set_aside_rows(table.blank_rows, "", "blank row")]

    def set_aside(mask: pd.Series, column: str, why: str, values: pd.Series) -> None:
        mask = mask & reason.eq("")
        reason[mask] = why
        parts.append(set_aside_rows(rows[mask], table.columns_found.get(column, column), why, values[mask]))

    out = pd.DataFrame({"row": rows.to_numpy()})
    for end in REQUIRED:
        text = get[end]
        kind = value_kind(text, allow_urn=end == "destination")
        set_aside(text.eq(""), end, f"{end} is empty", text)
        set_aside(kind.eq(""), end, "not a postcode, Ofsted URN or authority code"
                  if end == "destination" else "not a postcode or authority code", text)
        out[end] = text.to_numpy()
        out[f"{end}_kind"] = kind.to_numpy()
    given = get.get("responsible_la", pd.Series("", index=df.index, dtype="string")).str.upper()
    set_aside(given.ne("") & ~given.str.fullmatch(CODE.pattern).fillna(False).astype(bool),
              "responsible_la", "responsible authority is not an authority code", given)
    out["responsible_la"] = given.to_numpy()
    out["placement_type"] = get["placement_type"].to_numpy() if "placement_type" in get else ""
    for column in ("start_date", "end_date"):
        text = get.get(column, pd.Series("", index=df.index, dtype="string"))
        parsed = parse_dates(text)
        set_aside(text.ne("") & parsed.isna(), column, "date not understood", text)
        out[column] = parsed.to_numpy()
    backwards = pd.Series(out["end_date"] < out["start_date"], index=df.index)
    set_aside(backwards, "end_date", "end date before start date", get.get("end_date", reason))
    keep = reason.eq("").to_numpy()
    recon = Reconciliation(file=file, rows_in=table.rows_in, rows_used=int(keep.sum()),
                           set_aside=stack_set_aside(parts))
    used = out.loc[keep].reset_index(drop=True)
    used.attrs["columns"] = dict(table.columns_found)
    return used, recon

