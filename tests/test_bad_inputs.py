"""Every file of the broken/hostile corpus in tests/fixtures/bad/ (see make_corpus.py).

A file the tools cannot use must raise one exact :mod:`sufficiency.errors` class whose message
names the file, the problem and, where there is one, the row and column. A file that
can be used (BOM, UTF-16, "1,020", markers, EPSG:3857...) must give exact values and a
balanced reconciliation. Nothing may fail with a bare traceback.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from geo.boundaries import read_boundaries
from sufficiency.distances.placements import locate_placements
from sufficiency.errors import (
    BoundaryError,
    CRSError,
    DuplicateColumnError,
    EmptyFileError,
    FileFormatError,
    InputError,
    MissingColumnError,
    UnsafeArchiveError,
)
from sufficiency.export import export_csv
from sufficiency.readers.dfe import read_placed_outside
from sufficiency.readers.ofsted import read_ofsted_providers
from sufficiency.readers.placements import read_placements

BAD = Path(__file__).parent / "fixtures" / "bad"
HTML = "<img src=x onerror=alert(1)>"
SHIFTED = "more cells than the header (an unquoted comma?)"


def ofsted(name: str):
    return read_ofsted_providers(BAD / name, year=2030)


def boundaries(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's note that a .shp has no .prj: we raise our own error
        return read_boundaries(BAD / name)


# file -> (reader, exact error class, row, column, phrases the message must contain)
ERRORS = {
    "empty.csv": (ofsted, EmptyFileError, None, None, ["the file is empty"]),
    "whitespace_only.csv": (ofsted, EmptyFileError, None, None, ["the file is empty"]),
    "header_only.csv": (ofsted, EmptyFileError, 1, None, ["row 1", "header but no data rows"]),
    "header_then_blank_rows.csv": (ofsted, EmptyFileError, 1, None, ["header but no data rows"]),
    "pipe_delimited.csv": (ofsted, FileFormatError, None, None,
                           ["could not be split into columns", "comma, semicolon or tab"]),
    "only_title_rows.csv": (ofsted, MissingColumnError, None, "urn",
                            ["required column missing: 'urn'", "columns found: 'Name', 'Age'"]),
    "bom_then_cp1252.csv": (ofsted, FileFormatError, None, None,
                            ["UTF-8 byte-order mark", "byte 161 is not UTF-8", "save it again as CSV UTF-8"]),
    "image.csv": (ofsted, FileFormatError, None, None, ["PNG image, not a table"]),
    "legacy.xls": (ofsted, FileFormatError, None, None, ["Excel 97-2003 (.xls)", "save it as .xlsx or CSV"]),
    "nul_bytes.csv": (ofsted, FileFormatError, 3, None, ["row 3", "binary data (NUL bytes)"]),
    "unclosed_quote.csv": (ofsted, FileFormatError, 4, None, ["broken quoting", "never closed"]),
    "duplicate_columns.csv": (ofsted, DuplicateColumnError, 2, "Places",
                              ["row 2", "column 'Places'", "appears twice (columns 6 and 7)"]),
    "missing_columns.csv": (ofsted, MissingColumnError, None, "la_name",
                            ["required column missing: 'la_name' (accepted names: Local authority)",
                             "required column missing: 'sector'",
                             "columns found: 'URN', 'Provision type', 'Registration status', 'Places'"]),
    "not_a_workbook.xlsx": (ofsted, FileFormatError, None, None, ["not a readable Excel workbook"]),
    "xlsx_bomb.xlsx": (ofsted, UnsafeArchiveError, None, None,
                       ["would expand to 31,457,288 bytes from 30,596", "zip bomb"]),
    "dfe_given_ofsted_file.csv": (lambda n: read_placed_outside(BAD / n), MissingColumnError, None, "time_period",
                                  ["required column missing: 'time_period'", "columns found: 'URN'"]),
    "b_latlon_swapped.geojson": (boundaries, CRSError, None, None, ["latitude/longitude in the wrong order"]),
    "b_bng_numbers_as_wgs84.geojson": (boundaries, CRSError, None, None,
                                       ["longitude/latitude degrees", "reach 450,000, 535,000", "look like metres"]),
    "b_no_crs_shapefile.zip": (boundaries, CRSError, None, None,
                               ["does not say which coordinate reference system"]),
    "b_all_empty.geojson": (boundaries, BoundaryError, None, None, ["no English areas with a geometry"]),
    "b_wales_only.geojson": (boundaries, BoundaryError, None, None, ["no English areas with a geometry"]),
    "b_duplicate_codes.geojson": (boundaries, BoundaryError, None, "CTYUA19CD",
                                  ["same code is given to different areas: Hartlepool, Middlesbrough",
                                   "rows 1, 2", "'E06000001'"]),
    "b_bad_codes.geojson": (boundaries, BoundaryError, 3, "CTYUA19CD",
                            ["row 3", "not an ONS area code", "'E0600000X'"]),
    "b_no_code_column.geojson": (boundaries, MissingColumnError, None, None, ["no column of ONS area codes"]),
    "b_no_features.geojson": (boundaries, EmptyFileError, None, None, ["has no features"]),
    "b_not_geojson.geojson": (boundaries, FileFormatError, None, None, ["cannot be read as a boundary layer"]),
    "zip_slip.zip": (boundaries, UnsafeArchiveError, None, None, ["'../../evil.shp' points outside"]),
    "zip_absolute_path.zip": (boundaries, UnsafeArchiveError, None, None, ["'/tmp/evil.geojson' points outside"]),
    "zip_bomb.zip": (boundaries, UnsafeArchiveError, None, None,
                     ["would expand to 31,457,280 bytes from 30,586", "zip bomb"]),
    "zip_no_layer.zip": (boundaries, FileFormatError, None, None, ["holds no boundary layer"]),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_unusable_file_raises_one_named_error(name):
    reader, cls, row, column, phrases = ERRORS[name]
    with pytest.raises(InputError) as info:
        reader(name)
    err = info.value
    assert type(err) is cls, f"{name}: {type(err).__name__}: {err}"
    assert err.file == name and f"file '{name}'" in str(err)
    assert err.row == row and err.column == column
    for phrase in phrases:
        assert phrase in str(err), (phrase, str(err))
    assert "Traceback" not in str(err) and str(BAD) not in str(err)  # no internals, no server paths


def test_a_missing_file_or_a_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file 'nowhere.csv': file not found"):
        read_ofsted_providers(tmp_path / "nowhere.csv")
    with pytest.raises(InputError, match="this is a folder, not a file"):
        read_placed_outside(tmp_path)


def test_the_zip_slip_member_is_never_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UnsafeArchiveError):
        read_boundaries(BAD / "zip_slip.zip")
    assert not (tmp_path.parent / "evil.shp").exists() and not list(tmp_path.rglob("evil.shp"))


# ------------------------------------------------------------- usable files: exact values


def _aside(rec) -> dict[int, str]:
    assert rec.balanced
    return dict(zip(rec.set_aside["row"], rec.set_aside["reason"], strict=True))


def test_bom_first_header_name_still_matches():
    df, rec = ofsted("bom.csv")
    assert df.attrs["encoding"] == "utf-8-sig"
    assert df["urn"].tolist() == ["SC000001", "SC000002"] and df["places"].tolist() == [4, 3]
    assert (rec.rows_in, rec.rows_used, _aside(rec)) == (2, 2, {})


def test_cp1252_is_decoded():
    df, rec = read_ofsted_providers(BAD / "cp1252.csv")  # year from the title row
    assert df.attrs["encoding"] == "cp1252" and df["year"].tolist() == [2030]
    assert df["provision_type"].tolist() == ["Children\u2019s home"] and df["category"].tolist() == ["childrens_home"]
    assert (rec.rows_in, rec.rows_used) == (1, 1)


def test_utf16_tab_separated_is_decoded():
    df, rec = ofsted("utf16.csv")
    assert df.attrs["encoding"] == "utf-16"
    assert df["la_name"].tolist() == ["Leeds", "Wakefield"] and df["places"].tolist() == [4, 3]
    assert df["source_row"].tolist() == [3, 4] and (rec.rows_in, rec.rows_used) == (2, 2)


def test_excel_title_rows_and_merged_title():
    df, rec = read_ofsted_providers(BAD / "title_rows.xlsx")
    assert df.attrs["encoding"] == "xlsx" and df["year"].unique().tolist() == [2030]
    assert df["source_row"].tolist() == [5, 6, 7]  # header on spreadsheet row 4
    assert df["places"].tolist() == [4, 1020, 8]  # 4 (number), "1,020" (text), 8.0 (float)
    assert df["sector"].tolist() == ["Private", "Voluntary", "Local authority"]
    assert df["category"].tolist() == ["childrens_home", "childrens_home", "secure_childrens_home"]
    assert (rec.rows_in, rec.rows_used) == (3, 3)


def test_numbers_with_thousands_separators_parse():
    df, rec = ofsted("numbers_with_commas.csv")
    assert df["places"].tolist() == [1020, 12, 1200] and str(df["places"].dtype) == "Int64"
    assert (rec.rows_in, rec.rows_used) == (3, 3)


def test_negative_absurd_fractional_and_marker_places_are_set_aside_with_reasons():
    df, rec = ofsted("bad_places.csv")
    assert df["places"].tolist() == [4] and df["source_row"].tolist() == [3]
    assert _aside(rec) == {4: "places negative value", 5: "places absurd value (more than 2,000)",
                           6: "places not a whole number", 7: "places not a number", 8: "places missing",
                           9: "places not a number"}  # "c" is not a count of beds either
    assert rec.set_aside["value"].tolist() == ["-3", "99999", "2.5", "four", "", "c"]
    assert (rec.rows_in, rec.rows_used) == (7, 1)


def test_shifted_row_is_set_aside_not_misread():
    df, rec = ofsted("shifted_row.csv")
    assert df["urn"].tolist() == ["SC000002"]
    assert _aside(rec) == {3: SHIFTED} and rec.set_aside["value"].tolist() == ["4"]


def test_dfe_markers_are_missing_with_the_marker_never_zero():
    df, rec = read_placed_outside(BAD / "dfe_markers.csv")
    assert (rec.rows_in, rec.rows_used, _aside(rec)) == (8, 8, {})
    assert df["placed_outside"].tolist()[0] == 1020 and df["placed_outside"].tolist()[7] == 0
    assert df["placed_outside"][1:7].isna().all() and df["placed_outside_pct"][1:7].isna().all()
    assert df["placed_outside_marker"].tolist() == ["", "c", "x", "z", "k", ":", "low", ""]
    assert df["placed_outside_pct_marker"].tolist() == ["", "c", "x", "z", "low", ".", "k", ""]
    assert df.loc[0, "placed_outside_pct"] == 67.0 and df.loc[7, "placed_outside_pct"] == 0.0


def test_dfe_bad_rows_each_have_their_reason():
    df, rec = read_placed_outside(BAD / "dfe_bad_rows.csv")
    assert df["name"].tolist() == ["Hartlepool"] and df["placed_outside"].tolist() == [25]
    assert _aside(rec) == {3: "year not understood", 4: "unknown geographic level: Ward",
                           5: "negative value in number", 6: "absurd value (more than 100) in percentage"}


def test_web_mercator_boundary_is_converted_exactly():
    shapes, rec = boundaries("b_web_mercator.geojson")
    assert str(shapes.crs) == "EPSG:27700" and (rec.rows_in, rec.rows_used) == (2, 2)
    assert shapes["code"].tolist() == ["E06000001", "E06000002"]
    # the corners were projected from 10 km BNG squares; straight 3857 edges bow by centimetres
    assert shapes.total_bounds == pytest.approx([440_000, 515_000, 460_000, 535_000], abs=0.01)
    assert shapes.area.tolist() == pytest.approx([1e8, 1e8], rel=1e-7)


def test_bow_tie_geometry_is_repaired_to_two_triangles():
    shapes, rec = boundaries("b_invalid_geometry.geojson")
    assert shapes.is_valid.all() and (rec.rows_in, rec.rows_used) == (2, 2)
    assert shapes.area.tolist() == pytest.approx([5e7, 1e8])  # two 10 km x 5 km triangles, one square
    assert shapes.geometry.iloc[0].geom_type == "MultiPolygon"


def test_null_and_empty_geometries_are_set_aside():
    shapes, rec = boundaries("b_empty_geometries.geojson")
    assert shapes["code"].tolist() == ["E06000001"]
    assert _aside(rec) == {2: "no geometry", 3: "no geometry"} and (rec.rows_in, rec.rows_used) == (3, 1)


def test_html_area_name_is_kept_as_literal_text():
    shapes, _ = boundaries("b_html_names.geojson")
    assert shapes["name"].tolist() == [HTML]


# ---------------------------------------------------- HTML and formulas: reader -> CSV export


def _export(names: list[str]) -> str:
    table = pd.DataFrame({"code": [f"E0600000{i}" for i in range(1, len(names) + 1)], "name": names,
                          "children_in_homes": pd.array([20] * len(names), dtype="Int64"),
                          "net_gain": pd.array([-7] * len(names), dtype="Int64")})
    return export_csv(table, "none").decode("utf-8")


def test_html_names_survive_reader_and_csv_export_literally():
    df, _ = ofsted("html_names.csv")
    assert df["la_name"].tolist() == [HTML] and df["sector"].tolist() == ["<script>alert(1)</script>"]
    lines = _export(df["la_name"].tolist()).splitlines()
    assert lines[1] == f"E06000001,{HTML},20,-7,none: figures as published by DfE and Ofsted"
    assert "&lt;" not in lines[1]  # CSV is text: not HTML-escaped, not dropped


def test_formula_cells_are_literal_in_the_reader_and_neutralised_in_the_export():
    df, rec = ofsted("formula_injection.csv")
    names = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]
    assert df["la_name"].tolist() == names and rec.rows_used == 4
    lines = _export(names).splitlines()[1:]
    assert [line.split(",")[1] for line in lines] == ["\"'=HYPERLINK(\"\"http://x\"\"", "'+cmd|' /C calc'!A0",
                                                      "'-2+3", "'@SUM(A1:A9)"]
    assert all(line.split(",")[-3:-1] == ["20", "-7"] for line in lines)  # negative numbers stay numbers


# ------------------------------------------------------------------------ placements


def _directory() -> pd.DataFrame:
    return pd.DataFrame({"postcode": ["SK1 1AA", "M1 1AE"], "postcode_key": ["SK11AA", "M11AE"],
                         "easting": [389357.0, 384756.0], "northing": [390095.0, 398553.0],
                         "lad_code": ["E08000007", "E08000003"]})


def _placements(name: str) -> tuple[pd.DataFrame, object]:
    rows, rec = read_placements(BAD / name)
    return locate_placements(rows, rec, directory=_directory()), rec


def test_placements_typos_and_unknown_postcodes_are_set_aside():
    df, rec = _placements("placements_typos.csv")
    assert _aside(rec) == {4: "not a postcode or authority code", 5: "postcode not in the ONS Postcode Directory",
                           7: "date not understood"}
    assert rec.set_aside["value"].tolist() == ["SKI 1AA", "ZZ99 9ZZ", "32/01/2024"]
    assert df["row"].tolist() == [2, 3, 6]
    # M1 1AF is not in the directory: used at its sector's centroid, and says so
    assert df["destination_precision"].tolist() == ["postcode", "sector", "postcode"]
    assert df["placement_type"].tolist()[2] == HTML


def test_placements_without_origin_and_destination_columns():
    with pytest.raises(MissingColumnError) as info:
        read_placements(BAD / "placements_no_columns.csv")
    assert [p.column for p in info.value.problems][:2] == ["origin", "destination"]
    assert "file 'placements_no_columns.csv', column 'origin': required column missing: 'origin'" in str(info.value)


def test_placements_not_a_workbook_is_a_file_format_error():
    with pytest.raises(FileFormatError):
        read_placements(BAD / "not_a_workbook.xlsx")


# --------------------------------------------------------------------------- the corpus


def test_every_corpus_file_is_tested_and_small():
    files = sorted(p.name for p in BAD.iterdir() if p.is_file() and p.suffix != ".py")
    usable = {"bom.csv", "cp1252.csv", "utf16.csv", "title_rows.xlsx", "numbers_with_commas.csv",
              "bad_places.csv", "shifted_row.csv", "dfe_markers.csv", "dfe_bad_rows.csv",
              "b_web_mercator.geojson", "b_invalid_geometry.geojson", "b_empty_geometries.geojson",
              "b_html_names.geojson", "html_names.csv", "formula_injection.csv", "placements_typos.csv",
              "placements_no_columns.csv"}
    assert set(files) == set(ERRORS) | usable
    assert len(files) >= 25
    assert max((BAD / f).stat().st_size for f in files) < 100_000
