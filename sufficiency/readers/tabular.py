"""Low-level reading of published tables (CSV or Excel) into plain text frames.

Published statistics arrive with title and notes rows above the header, two-row
headers (group labels over column names), line breaks inside quoted header names,
a byte-order mark or a Windows (cp1252) encoding, and DfE/ONS markers in place of
numbers. :func:`read_table` deals with the layout; :func:`parse_counts` and
:func:`parse_numbers` turn text cells into numbers while keeping every marker.

A :class:`RawTable` holds, for one file:

============  ==============================================================
frame         every data row below the header, all cells as stripped text
              (``str``), columns renamed to the caller's canonical names where
              matched, plus ``source_row``: the 1-based row as a spreadsheet
              user counts it (a record with a line break inside a quoted cell
              is still one row)
header_row    1-based row of the header
title_lines   text of the rows above the header (titles, notes, group labels)
encoding      "utf-8", "utf-8-sig" (byte-order mark), "utf-16" (Excel's
              "Unicode text"), "cp1252" or "xlsx"
delimiter     ",", ";", "\\t" (``None`` for Excel)
blank_rows    1-based rows below the header that are entirely empty (not in
              ``frame``; readers set them aside as "blank row")
extra_cells   1-based row -> text of the non-empty cells beyond the header's
              last column (in ``frame``, cut to the header's width; readers set
              them aside: an unquoted comma has shifted the row's values)
columns_found canonical name -> the header as written in the file (for messages)
============  ==============================================================

Bytes are read and decoded by :mod:`sufficiency.readers.files` (binary files, broken
encodings and zip bombs are refused there); a quoted cell that is never closed is refused
here. Markers (:mod:`sufficiency.readers.markers`: c, x, z, k, low, u, ":", ".", "..")
become missing values and are kept in a ``<col>_marker`` column, never turned into 0.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sufficiency.errors import (
    DuplicateColumnError,
    EmptyFileError,
    FileFormatError,
    MissingColumnError,
    Problem,
)
from sufficiency.readers.files import Source, check_xlsx_archive, decode_text, read_bytes, source_name
from sufficiency.readers.markers import MARKERS
from sufficiency.readers.reconcile import set_aside_rows

DELIMITERS = (",", ";", "\t")
#: A number as written in a published table (see :func:`_parse`); [0-9], not \d, which matches any script.
NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:[ \u00a0][0-9]{3})+|[0-9]+|(?=\.))"
                    r"(?:\.[0-9]+)?%?")
HEADER_SEARCH_ROWS = 40


@dataclass
class RawTable:
    """One published table, as text, with where every row came from."""

    file: str
    frame: pd.DataFrame
    header_row: int
    title_lines: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str | None = ","
    blank_rows: list[int] = field(default_factory=list)
    extra_cells: dict[int, str] = field(default_factory=dict)
    columns_found: dict[str, str] = field(default_factory=dict)

    @property
    def rows_in(self) -> int:
        """Data rows below the header, blank ones included."""
        return len(self.frame) + len(self.blank_rows)


def normalise_name(name: object) -> str:
    """Strip a header name and collapse whitespace and line breaks to single spaces."""
    return " ".join(str(name if name is not None else "").split())


def _rows_from_text(text: str, delimiter: str) -> tuple[list[list[str]], tuple[int, str] | None]:
    """Rows split on ``delimiter``, and (line, message) of the first quoting error, if any.

    Parsed leniently, then checked strictly: a quote that is never closed would otherwise
    swallow the rest of the file into one cell without a word.
    """
    lenient = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [list(r) for r in lenient]
    except csv.Error as exc:  # a cell longer than csv.field_size_limit(): refuse, never a traceback
        raise FileFormatError(
            f"a cell is longer than {csv.field_size_limit():,} characters ({exc}): this is not a table of "
            "figures (a quote that is never closed, or a whole text pasted into one cell?)",
            file=None, row=lenient.line_num) from exc
    strict = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for _ in strict:
            pass
    except csv.Error as exc:
        return rows, (strict.line_num, str(exc))
    return rows, None


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def xlsx_rows(raw: bytes, sheet: str | None, file: str) -> list[list[str]]:
    """Every row of a workbook's sheet (first sheet if None) as text cells, after the archive guard."""
    import openpyxl

    check_xlsx_archive(raw, file)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad workbook
        raise FileFormatError(f"not a readable Excel workbook ({exc.__class__.__name__})", file=file) from exc
    if sheet is not None and sheet not in wb.sheetnames:
        raise FileFormatError(f"no sheet named {sheet!r}; sheets are {wb.sheetnames}", file=file)
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    rows = [[_cell_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


class LooseName:
    """A header name matched ignoring case, spaces and punctuation: ``LooseName("childs home postcode")``
    matches "Child's Home Postcode" and "child_home_postcode"... Usable wherever a name or a regex is."""

    def __init__(self, text: str) -> None:
        self.pattern = text  # shown in messages as the accepted name
        self._key = _squash(text)

    def fullmatch(self, name: str) -> bool:
        return _squash(name) == self._key


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.casefold())


def _match_header(cells: Sequence[str], columns: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Canonical name -> position for every canonical column found in ``cells``."""
    norm = [normalise_name(c).casefold() for c in cells]
    found: dict[str, int] = {}
    for canon, aliases in columns.items():
        for alias in aliases:
            pat = alias if hasattr(alias, "fullmatch") else None
            for i, n in enumerate(norm):
                if (pat is not None and pat.fullmatch(n)) or (pat is None and n == normalise_name(alias).casefold()):
                    found[canon] = i
                    break
            if canon in found:
                break
    return found


def _find_header(rows: list[list[str]], required: Mapping[str, Sequence[str]]) -> tuple[int, dict[str, int]]:
    """Index of the first row holding the most required columns (within the first rows)."""
    best, best_found = -1, {}
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = _match_header(row, required)
        if len(found) > len(best_found):
            best, best_found = i, found
            if len(found) == len(required):
                break
    return best, best_found


def read_table(
    source: Source,
    *,
    required: Mapping[str, Sequence[str | re.Pattern]],
    optional: Mapping[str, Sequence[str | re.Pattern]] | None = None,
    name: str | None = None,
    sheet: str | None = None,
) -> RawTable:
    """Read a CSV or .xlsx table whose header row holds the ``required`` columns.

    Parameters
    ----------
    source : path, bytes or binary file-like
    required : canonical column name -> accepted header names (compared after
        :func:`normalise_name`, case-insensitive) or compiled regexes (fullmatch on the
        case-folded normalised name). The header row is the first row holding all.
    optional : same, for columns that may be absent (absent ones are not in the frame).
    name : file name to quote in errors (defaults to the path's name).
    sheet : Excel sheet name (first sheet if None).

    Raises
    ------
    EmptyFileError, FileFormatError, MissingColumnError, DuplicateColumnError
    """
    file = source_name(source, name)
    raw = read_bytes(source, file)
    if not raw.strip():
        raise EmptyFileError("the file is empty", file=file)
    if raw[:4] == b"PK\x03\x04":
        rows, encoding, delim = xlsx_rows(raw, sheet, file), "xlsx", None
        hdr, found = _find_header(rows, required)
    else:
        text, encoding = decode_text(raw, file)
        hdr, found, rows, delim, quoting = -1, {}, [], ",", None
        for d in DELIMITERS:
            try:
                r, q = _rows_from_text(text, d)
            except FileFormatError as exc:
                raise FileFormatError(exc.reason, file=file, row=exc.row) from exc
            h, f = _find_header(r, required)
            if len(f) > len(found) or not rows:
                hdr, found, rows, delim, quoting = h, f, r, d, q
        if max((len(r) for r in rows), default=0) <= 1:
            raise FileFormatError(
                "the file could not be split into columns (expected comma, semicolon or tab separated values)",
                file=file,
            )
        if quoting is not None:
            raise FileFormatError(
                f"broken quoting ({quoting[1]}): a quoted cell is never closed or has text after its "
                "closing quote, so the rows below it cannot be told apart", file=file, row=quoting[0])
    if len(found) < len(required):
        missing = [c for c in required if c not in found]
        if hdr < 0:  # nothing matched: show the widest of the first rows, most likely the header
            widths = [sum(1 for c in r if c.strip()) for r in rows[:HEADER_SEARCH_ROWS]]
            hdr = widths.index(max(widths)) if widths else -1
        header = rows[hdr] if hdr >= 0 else []
        seen = ", ".join(repr(normalise_name(c)) for c in header if normalise_name(c))
        raise MissingColumnError(
            problems=[Problem(f"required column missing: {c!r} (accepted names: "
                              f"{', '.join(str(getattr(a, 'pattern', a)) for a in required[c])})",
                              file=file, column=c) for c in missing]
            + [Problem(f"columns found: {seen or 'none'}", file=file, row=(hdr + 1 if hdr >= 0 else None))]
        )
    header = [normalise_name(c) for c in rows[hdr]]
    _check_duplicates(header, file, hdr + 1)
    found.update(_match_header(header, optional or {}))
    return _build(file, rows, hdr, header, found, encoding, delim)


def _check_duplicates(header: list[str], file: str, row: int) -> None:
    seen: dict[str, int] = {}
    problems = []
    for i, h in enumerate(header):
        if not h:
            continue
        key = h.casefold()
        if key in seen:
            problems.append(Problem(f"column name appears twice (columns {seen[key] + 1} and {i + 1})",
                                    file=file, row=row, column=h))
        else:
            seen[key] = i
    if problems:
        raise DuplicateColumnError(problems=problems)


def _build(file: str, rows: list[list[str]], hdr: int, header: list[str], found: dict[str, int],
           encoding: str, delim: str | None) -> RawTable:
    width = len(header)
    body = rows[hdr + 1:]
    lines = np.arange(hdr + 2, hdr + 2 + len(body))
    padded = [(r + [""] * width)[:width] for r in body]
    blank = np.array([not any(c.strip() for c in r) for r in body], dtype=bool)
    extra = {int(line): ", ".join(c.strip() for c in r[width:] if c.strip())
             for line, r in zip(lines, body, strict=True) if len(r) > width and any(c.strip() for c in r[width:])}
    if not body or blank.all():
        raise EmptyFileError("the file has a header but no data rows", file=file, row=hdr + 1)
    names = [h if h else f"column_{i + 1}" for i, h in enumerate(header)]
    renamed = {found[c]: c for c in found}
    names = [renamed.get(i, n) for i, n in enumerate(names)]
    # keep first occurrence if a renamed canonical name collides with an original name
    keep = [i for i, n in enumerate(names) if i in renamed or n not in renamed.values()]
    data = np.array(padded, dtype=object)[~blank][:, keep] if padded else np.empty((0, len(keep)))
    frame = pd.DataFrame(data, columns=[names[i] for i in keep], dtype="str")
    frame = frame.apply(lambda s: s.str.strip())
    frame["source_row"] = lines[~blank].astype("int64")
    titles = [", ".join(c.strip() for c in r if c.strip()) for r in rows[:hdr]]
    return RawTable(file=file, frame=frame.reset_index(drop=True), header_row=hdr + 1,
                    title_lines=[t for t in titles if t], encoding=encoding, delimiter=delim,
                    blank_rows=[int(x) for x in lines[blank]], extra_cells=extra,
                    columns_found={c: header[i] for c, i in found.items()})


def _split_markers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(cleaned text for numbers, marker or "")."""
    s = text.fillna("").astype("str").str.strip()
    low = s.str.lower()
    is_marker = low.isin(list(MARKERS))
    marker = low.where(is_marker, "")
    cleaned = s.where(~is_marker, "").str.replace(r"[,\s\u00a0]", "", regex=True)
    return cleaned, marker


def _problems(rows: pd.Series, column: str, mask: pd.Series, values: pd.Series, reason: str) -> pd.DataFrame:
    return set_aside_rows(rows[mask], column, reason, values[mask])


def parse_counts(
    text: pd.Series, rows: pd.Series, column: str, *, max_value: float = 1e7, allow_negative: bool = False
) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """Parse whole counts, tolerating "1,020" and spaces, keeping markers.

    Returns
    -------
    values : Int64, <NA> for markers, blanks and bad values (never 0 for a marker)
    markers : str, the marker ("c", "x", ...) or ""
    problems : DataFrame [row, column, reason, value] for non-numbers, fractions,
        negative (unless ``allow_negative``) or absurd (> ``max_value``) values.
    """
    nums, markers, problems = _parse(text, rows, column, max_value, allow_negative)
    frac = nums.notna() & (nums != nums.round())
    if frac.any():
        problems = pd.concat([problems, _problems(rows, column, frac, text, "not a whole number")],
                             ignore_index=True)
        nums = nums.mask(frac)
    return nums.round().astype("Int64"), markers, problems


def parse_numbers(
    text: pd.Series, rows: pd.Series, column: str, *, max_value: float = 1e7, allow_negative: bool = False
) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """Like :func:`parse_counts` for decimals (e.g. percentages); values are Float64."""
    nums, markers, problems = _parse(text, rows, column, max_value, allow_negative)
    return nums.astype("Float64"), markers, problems


def _parse(text, rows, column, max_value, allow_negative):
    cleaned, markers = _split_markers(text)
    written = text.fillna("").astype("str").str.strip().where(markers == "", "")
    # Only numbers as people write them in these tables: ASCII digits, commas (or spaces) between
    # thousands, a decimal point, a trailing %. Python's float() would also take "1_000", "1e12",
    # "nan", "inf" and other scripts' digits ("١٢"): each is refused as "not a number", never read.
    shaped = written.str.fullmatch(NUMBER) | written.eq("")
    cleaned = cleaned.str.rstrip("%").where(shaped, "")
    nums = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce").astype("float64")
    bad = ~shaped | ((cleaned != "") & nums.isna())
    neg = (nums < 0) & (not allow_negative)
    absurd = nums.abs() > max_value
    parts = [_problems(rows, column, bad, text, "not a number"),
             _problems(rows, column, neg, text, "negative value"),
             _problems(rows, column, absurd, text, f"absurd value (more than {max_value:,.0f})")]
    problems = pd.concat(parts, ignore_index=True)
    nums = nums.mask(neg | absurd)
    return nums, markers.astype("str"), problems
