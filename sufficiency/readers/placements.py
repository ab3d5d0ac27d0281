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
end_date        optional: as start_date; empty, or a word such as "ongoing", "open",
                "current", "n/a" (``OPEN_WORDS``): the placement is open (kept)
child_ref       optional: the user's own identifier of the child ("child ref", "child
                id", "ID"...), carried into the child-level file as written
==============  ==========================================================

:func:`read_placements` returns one row per usable line, columns: row (1-based line
in the file), origin, origin_kind, destination, destination_kind ("postcode" |
"urn" | "authority"), responsible_la ("" when not given), placement_type,
start_date, end_date (datetime64, NaT when not given or open), open_placement
(boolean: no end date; <NA> when the file has no end-date column), child_ref ("" when
the file has none). Rows are set aside (never guessed), each with its row number and
reason: a missing origin/destination, a value that is none of postcode/URN/code, a
responsible authority that is not shaped like a code, a date not understood, a date
after the collection date (``as_at``, default today) or more than
:data:`MAX_YEARS_BACK` years before it, an end before the start, and, when the file has
a child reference column, the same placement as an earlier row (:data:`SAME_PLACEMENT`
compared as read, so a date written another way is still the same: "the same placement as
row N ... counted once"); a child placed twice at the same time is counted and flagged.
Without a child reference a repeated row may be two children placed together: it is
counted and flagged (``reconciliation.flags``: "used, flagged: the same ends and dates as
row N: counted as its own placement ..."). Finding where each
end is (postcodes, URNs, codes) is :func:`sufficiency.distances.placements.locate_placements`.
"""

from __future__ import annotations

import datetime as dt
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
    "child_ref": ("child ref", "child reference", "child id", "child identifier", "child number", "child no",
                  "child", "person id", "person ref", "case id", "case ref", "client id", "id", "ref",
                  "reference", "la child id", "lac id", "cla id", "unique id", "upn"),
}
REQUIRED = ("origin", "destination")
#: End-date words that mean the placement has not ended (compared case-folded, spaces squashed).
OPEN_WORDS = frozenset({"ongoing", "on going", "open", "current", "n/a", "na", "none", "-", "still placed",
                        "continuing", "present", "live", "active", "not ended", "tbc"})
#: Dates earlier than this many years before the collection date are refused (children are under 18).
MAX_YEARS_BACK = 25
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


def read_placements(source: Source, *, name: str | None = None,
                    as_at: dt.date | None = None) -> tuple[pd.DataFrame, Reconciliation]:
    """Read and check a placements file (module docstring).

    Parameters
    ----------
    source : path, bytes or binary file-like (CSV or XLSX)
    name : file name for messages (defaults to the path's name)
    as_at : the collection date of the list (default: today): no date may be after it, nor
        more than :data:`MAX_YEARS_BACK` years before it

    Returns
    -------
    (placements, reconciliation) : every data row is used or set aside with its reason.

    Raises
    ------
    EmptyFileError, FileFormatError, MissingColumnError, DuplicateColumnError
    """
    file = source_name(source, name)
    as_at = as_at or dt.date.today()
    required = {k: PATTERNS[k] for k in REQUIRED}
    optional = {k: v for k, v in PATTERNS.items() if k not in REQUIRED}
    table = read_table(source, required=required, optional=optional, name=file)
    _check_one_column_each(list(table.frame.columns), file)
    df = table.frame
    rows = df["source_row"]
    get = {k: df[k].astype("string").fillna("").str.strip() for k in PATTERNS if k in df}
    reason = pd.Series("", index=df.index, dtype="string")
    parts = [set_aside_rows(table.blank_rows, "", "blank row")]

    def set_aside(mask: pd.Series, column: str, why: str | pd.Series, values: pd.Series) -> None:
        mask = mask & reason.eq("")
        reason[mask] = why if isinstance(why, str) else why[mask]
        parts.append(set_aside_rows(rows[mask], table.columns_found.get(column, column),
                                    why if isinstance(why, str) else why[mask], values[mask]))

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
    end_text = get.get("end_date", pd.Series("", index=df.index, dtype="string"))
    is_open = end_text.eq("") | end_text.str.casefold().str.split().str.join(" ").isin(OPEN_WORDS)
    earliest = pd.Timestamp(as_at) - pd.DateOffset(years=MAX_YEARS_BACK)
    for column in ("start_date", "end_date"):
        text = get.get(column, pd.Series("", index=df.index, dtype="string"))
        if column == "end_date":
            text = text.where(~is_open, "")
        parsed = parse_dates(text)
        set_aside(text.ne("") & parsed.isna(), column, "date not understood", text)
        set_aside(parsed > pd.Timestamp(as_at), column, f"date after the collection date ({as_at:%d %B %Y})", text)
        set_aside(parsed < earliest, column, f"date more than {MAX_YEARS_BACK} years before the collection date "
                  f"({as_at:%d %B %Y})", text)
        out[column] = parsed.to_numpy()
    backwards = pd.Series(out["end_date"] < out["start_date"], index=df.index)
    set_aside(backwards, "end_date", "end date before start date", get.get("end_date", reason))
    out["open_placement"] = pd.array(is_open.to_numpy() if "end_date" in get else [pd.NA] * len(df),
                                     dtype="boolean")
    out["child_ref"] = get["child_ref"].to_numpy() if "child_ref" in get else ""
    out.index = df.index
    first = _duplicates(out, reason)
    again = first.notna()
    empty = pd.Series("", index=df.index, dtype="string")
    if "child_ref" in get:  # the same child, the same placement (however its cells are written): one placement
        set_aside(again, "", "the same placement as row " + first.astype("string") + " (the same child reference, "
                  "ends and dates: counted once)", empty)
    keep = reason.eq("").to_numpy()
    recon = Reconciliation(file=file, rows_in=table.rows_in, rows_used=int(keep.sum()),
                           set_aside=stack_set_aside(parts))
    if "child_ref" not in get:  # siblings placed together look the same: counted, and said
        recon.flag(set_aside_rows(rows[again], "", "the same ends and dates as row " + first[again].astype("string")
                                  + ": counted as its own placement (without a child reference column, a repeated "
                                  "row cannot be told from children placed together)"))
    else:
        clash = _overlapping(out, reason.eq(""), pd.Timestamp(as_at))
        recon.flag(set_aside_rows(rows[clash.notna()], table.columns_found.get("child_ref", "child_ref"),
                                  "child " + out.loc[clash.notna(), "child_ref"] + " is also placed, at the same "
                                  "time, by row " + clash.dropna().astype("string") + " (a child has one placement "
                                  "at a time): both counted", out.loc[clash.notna(), "child_ref"]))
    out = out.reset_index(drop=True)
    used = out.loc[keep].reset_index(drop=True)
    used.attrs["columns"] = dict(table.columns_found)
    used.attrs["as_at"] = as_at
    return used, recon


#: What makes two rows the same placement, compared after reading (dates parsed, codes and
#: postcodes in capitals without spaces): "05/01/2024" and "2024-01-05" are the same day.
SAME_PLACEMENT = ("child_ref", "origin", "destination", "start_date", "end_date", "open_placement",
                  "responsible_la", "placement_type")


def _duplicates(out: pd.DataFrame, reason: pd.Series) -> pd.Series:
    """For each usable row the same placement as an earlier usable row (:data:`SAME_PLACEMENT`,
    as read): that row's number, else <NA>."""
    usable = reason.eq("")
    keys = pd.DataFrame({c: out.loc[usable, c].astype("string").fillna("").str.casefold()
                         .str.replace(r"\s+", "", regex=True) for c in SAME_PLACEMENT})
    again = keys.duplicated(keep="first")
    first = out.loc[usable, "row"].groupby([keys[c] for c in SAME_PLACEMENT], sort=False).transform("first")
    return first.where(again).reindex(out.index).astype("Int64")


def _overlapping(out: pd.DataFrame, usable: pd.Series, as_at: pd.Timestamp) -> pd.Series:
    """For each usable row whose child (``child_ref``) is placed elsewhere at the same time by an
    earlier-starting row: that row's number, else <NA>. An open placement lasts to ``as_at``;
    a placement ending the day the next starts is a move, not an overlap; rows without a
    start date or a child reference are not compared."""
    rows = out[usable & out["child_ref"].ne("") & out["start_date"].notna()]
    rows = rows.assign(child=rows["child_ref"].str.casefold(),
                       until=rows["end_date"].fillna(as_at)).sort_values(["child", "start_date", "row"])
    before = rows.groupby("child", sort=False)
    clash = (rows["start_date"] < before["until"].shift()) & rows["child"].eq(rows["child"].shift())
    return rows["row"].shift().where(clash).reindex(out.index).astype("Int64")
