"""Tests for sufficiency.readers.tabular: layout, encodings, headers, markers."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from sufficiency.errors import DuplicateColumnError, EmptyFileError, FileFormatError, MissingColumnError
from sufficiency.readers.files import decode
from sufficiency.readers.tabular import normalise_name, parse_counts, parse_numbers, read_table

FIX = Path(__file__).parent / "fixtures" / "readers"
REQ = {"urn": ("URN",), "status": ("Registration status",), "places": ("Places",)}


def test_title_rows_are_skipped_and_rows_keep_their_line_numbers():
    t = read_table(FIX / "ofsted_title_rows.csv", required=REQ)
    assert t.header_row == 4
    assert t.title_lines[0].startswith("Children's social care data in England 2030")
    assert t.encoding == "utf-8" and t.delimiter == ","
    assert t.frame["source_row"].tolist()[:3] == [5, 6, 7]
    assert t.frame.loc[0, "urn"] == "SC000001"
    # the all-empty row is line 14 and is counted, not dropped silently
    assert t.blank_rows == [14]
    assert t.rows_in == 11


def test_two_row_header_uses_the_row_with_the_column_names():
    t = read_table(FIX / "provider_at_march_2031.csv", required=REQ)
    assert t.header_row == 2
    assert t.title_lines == ["Provider information, Latest Full Inspection"]
    assert t.encoding == "utf-8-sig"
    assert t.frame["source_row"].tolist() == [3, 4]


def test_cp1252_is_detected_and_decoded():
    t = read_table(FIX / "ofsted_cp1252.csv", required=REQ)
    assert t.encoding == "cp1252"
    assert t.frame.loc[0, "Provision type"] == "Children\u2019s home"
    assert "\u2013" in t.title_lines[0]


def test_bom_and_line_breaks_inside_quoted_header_names():
    t = read_table(FIX / "ofsted_bom_linebreaks.csv", required=REQ)
    assert t.encoding == "utf-8-sig"
    assert t.frame["status"].tolist() == ["Active", "Active"]
    assert t.frame["places"].tolist() == ["4", "3"]
    # a header spanning three physical lines is still one spreadsheet row
    assert t.header_row == 4 and t.frame["source_row"].tolist() == [5, 6]


def test_semicolon_delimited_file_is_parsed():
    t = read_table(FIX / "ofsted_semicolon.csv", required=REQ)
    assert t.delimiter == ";"
    assert t.frame["urn"].tolist() == ["SC000001", "SC000002", "SC000003"]


def test_single_column_text_raises_file_format_error():
    with pytest.raises(FileFormatError, match="could not be split into columns"):
        read_table(b"just some words\nand more words\n", required=REQ, name="notes.txt")


def test_empty_and_header_only_files():
    with pytest.raises(EmptyFileError, match="empty"):
        read_table(FIX / "empty.csv", required=REQ)
    with pytest.raises(EmptyFileError, match="no data rows") as info:
        read_table(FIX / "header_only.csv", required=REQ)
    assert info.value.file == "header_only.csv" and info.value.row == 1


def test_missing_columns_are_listed_together_with_the_columns_found():
    with pytest.raises(MissingColumnError) as info:
        read_table(FIX / "missing_columns.csv", required=REQ)
    msg = str(info.value)
    assert "'status'" in msg and "'places'" in msg and "'urn'" not in msg.split("columns found")[0]
    assert "columns found: 'Web link', 'URN', 'Name', 'Town'" in msg
    assert len(info.value.problems) == 3


def test_duplicate_columns_are_reported():
    with pytest.raises(DuplicateColumnError) as info:
        read_table(FIX / "duplicate_columns.csv", required=REQ)
    assert info.value.column == "Places" and "columns 13 and 15" in str(info.value)


def test_file_like_and_bytes_sources():
    raw = (FIX / "ofsted_title_rows.csv").read_bytes()
    a = read_table(io.BytesIO(raw), required=REQ, name="upload.csv")
    b = read_table(raw, required=REQ)
    assert a.file == "upload.csv" and b.file == "uploaded file"
    assert a.frame["urn"].tolist() == b.frame["urn"].tolist()


def test_xlsx_first_and_named_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["Nothing here"])
    data = wb.create_sheet("Providers")
    data.append(["Title row"])
    data.append(["URN", "Registration status", "Places"])
    data.append(["SC1", "Active", 4])
    data.append(["SC2", "Active", 12.0])
    path = tmp_path / "providers.xlsx"
    wb.save(path)
    t = read_table(path, required=REQ, sheet="Providers")
    assert t.encoding == "xlsx" and t.delimiter is None
    assert t.frame["places"].tolist() == ["4", "12"]
    assert t.frame["source_row"].tolist() == [3, 4]
    with pytest.raises(MissingColumnError):
        read_table(path, required=REQ)  # first sheet has no such columns
    from sufficiency.errors import FileFormatError as FFE
    with pytest.raises(FFE, match="no sheet named"):
        read_table(path, required=REQ, sheet="Missing")


def test_decode_variants():
    assert decode("Children\u2019s".encode("utf-8")) == ("Children\u2019s", "utf-8")
    assert decode(b"\xef\xbb\xbfURN") == ("URN", "utf-8-sig")
    assert decode(b"Children\x92s") == ("Children\u2019s", "cp1252")


def test_normalise_name():
    assert normalise_name("\nLatest Full inspection\r\n event  type ") == "Latest Full inspection event type"


def test_parse_counts_keeps_markers_and_reports_bad_values():
    text = pd.Series(["1,020", " 12 ", "c", "x", "z", "k", "low", ":", ".", "..", "u", "", "-3", "abc",
                      "2.5", "99999999", "1 200"])
    rows = pd.Series(range(10, 10 + len(text)))
    vals, marks, probs = parse_counts(text, rows, "Places")
    assert vals.tolist()[:2] == [1020, 12]
    assert vals[2:12].isna().all()          # markers and blank are missing, never 0
    assert vals[16] == 1200
    assert marks.tolist()[2:12] == ["c", "x", "z", "k", "low", ":", ".", "..", "u", ""]
    assert probs[["row", "reason"]].values.tolist() == [
        [23, "not a number"], [22, "negative value"], [25, "absurd value (more than 10,000,000)"],
        [24, "not a whole number"]]
    assert probs["column"].eq("Places").all()


def test_parse_numbers_percentages_and_negative_allowed():
    vals, marks, probs = parse_numbers(pd.Series(["67", "54.5", "c", "101%"]), pd.Series([1, 2, 3, 4]),
                                       "percentage", max_value=100)
    assert vals.tolist()[:2] == [67.0, 54.5] and marks.tolist() == ["", "", "c", ""]
    assert probs["row"].tolist() == [4]
    vals, _, probs = parse_counts(pd.Series(["-300"]), pd.Series([1]), "net_gain", allow_negative=True)
    assert vals.tolist() == [-300] and probs.empty
