"""Boundary files validated per area: codes, layers, each shape where its authority is (issue 10).

Files are in tests/fixtures/validation/ (make_fixtures.py): four authorities' embedded ONS
shapes (Hartlepool, Middlesbrough, Leeds, Norfolk), then one fault each.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from rawdata import RAW, needs_raw

from sufficiency import cli, service
from sufficiency.errors import BoundaryError, CRSError, UnknownAuthorityError
from sufficiency.readers.files import check_archive, is_resource_fork

V = Path(__file__).parent / "fixtures" / "validation"
FOUR = ["E06000001", "E06000002", "E08000035", "E10000020"]
NORFOLK_POINT = "(the authority's representative point, easting 609,757, northing 311,290)"


def _open(name: str, layer: str | None = None) -> service.Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's notes about in-memory file names
        return service.open_dataset(service.UserFiles(
            boundaries=service.UserFile(name, (V / name).read_bytes()), layer=layer))


def test_good_file_and_a_mac_zip_read_the_same_four_shapes():
    good, mac = _open("b4_good.geojson"), _open("b4_mac.zip")
    assert sorted(good.boundaries["code"]) == sorted(mac.boundaries["code"]) == FOUR
    assert good.boundaries.crs.to_epsg() == 4326
    assert mac.set_aside.empty and mac.reconciliation.set_index("what").loc["rows used", "rows"] == 4


def test_mac_resource_forks_are_not_archive_members():
    import zipfile

    with zipfile.ZipFile(V / "b4_mac.zip") as archive:
        names = sorted(i.filename for i in check_archive(archive, "b4_mac.zip"))
        every = archive.namelist()
    assert len(every) == 11 and len(names) == 5 and all(n.startswith("b4/b4.") for n in names)
    assert is_resource_fork("__MACOSX/b4/._b4.shp") and is_resource_fork("b4/._b4.shp")
    assert not is_resource_fork("b4/b4.shp")


def test_region_and_lsoa_rows_are_set_aside_with_what_they_are():
    ds = _open("b4_with_region_and_lsoa.geojson")
    assert sorted(ds.boundaries["code"]) == FOUR
    assert ds.set_aside[["row", "reason", "value"]].values.tolist() == [
        [5, "not a children's services authority: a region (E12)", "E12000004"],
        [6, "not a children's services authority: a lower layer super output area (LSOA) (E01)", "E01000001"]]


def test_a_file_of_regions_is_refused_saying_why():
    with pytest.raises(BoundaryError) as err:
        _open("b_regions_only.geojson")
    assert str(err.value) == ("file 'b_regions_only.geojson': the boundary file has no English areas with a "
                              "geometry that the tool can use: not a children's services authority: a region (E12) "
                              "(2 rows)")


@pytest.mark.parametrize("name,message", [
    ("b_two_layers.gpkg", "file 'b_two_layers.gpkg': the file holds 2 layers (regions, authorities): say which one "
                          "holds the authorities (--layer on the command line, the layer choice in the app)"),
    ("b_two_shapefiles.zip", "file 'b_two_shapefiles.zip': the file holds 2 boundary layers "
                             "(authorities/authorities.shp, regions/regions.shp): say which one holds the "
                             "authorities (--layer on the command line, the layer choice in the app)")])
def test_several_layers_are_never_read_first_come(name, message):
    with pytest.raises(BoundaryError) as err:
        _open(name)
    assert str(err.value) == message
    assert sorted(_open(name, layer="authorities").boundaries["code"]) == FOUR
    with pytest.raises(BoundaryError, match="no (boundary )?layer named 'roads'"):
        _open(name, layer="roads")


def test_layers_are_listed_for_the_app():
    def layers(name):
        return service.boundary_layers(service.UserFile(name, (V / name).read_bytes()))

    assert layers("b_two_layers.gpkg") == ["regions", "authorities"]
    assert layers("b_two_shapefiles.zip") == ["authorities/authorities.shp", "regions/regions.shp"]
    assert layers("b4_mac.zip") == ["b4/b4.shp"]


def test_one_shape_with_flipped_longitudes_is_named():
    with pytest.raises(BoundaryError) as err:
        _open("b4_norfolk_flipped.geojson")
    assert type(err.value) is BoundaryError
    assert str(err.value) == (
        "file 'b4_norfolk_flipped.geojson', column 'geometry': E10000020 (Norfolk): the shape lies 85 km from where "
        f"it should be {NORFOLK_POINT}: are the coordinates, the codes or the file's coordinate reference system "
        "wrong?")


@pytest.mark.parametrize("name", ["b4_mirrored.geojson", "b4_irish_grid_prj.zip"])
def test_a_wrong_crs_or_a_mirrored_england_is_refused_shape_by_shape(name):
    with pytest.raises(CRSError) as err:
        _open(name)
    first, *rest = err.value.problems
    assert first.reason.startswith("4 of the 4 shapes are not where their authorities are: the file's coordinate "
                                   "reference system (its .prj, or a 'crs' member) is probably wrong")
    assert len(rest) == 4 and {p.reason.split(":")[0] for p in rest} == {
        "E06000001 (Hartlepool)", "E06000002 (Middlesbrough)", "E08000035 (Leeds)", "E10000020 (Norfolk)"}


def test_a_coordinate_that_is_not_a_number_is_refused_by_feature():
    with pytest.raises(CRSError) as err:
        _open("b4_nan_coordinate.geojson")
    assert str(err.value) == ("file 'b4_nan_coordinate.geojson', row 3, column 'geometry': coordinates that are not "
                              "numbers (NaN or infinity): the shape cannot be placed or drawn")


def test_a_code_not_of_the_files_vintage_is_set_aside():
    ds = _open("b_2024_with_northamptonshire.geojson")
    assert sorted(ds.boundaries["code"]) == FOUR
    assert ds.set_aside[["row", "reason", "value"]].values.tolist() == [
        [5, "code of an authority that did not exist in the 2024 boundaries (abolished 1 April 2021)", "E10000021"]]
    # in a December 2020 file it is an authority, checked against its successors' points
    assert _open("b_2020_northamptonshire.geojson").boundaries["code"].tolist() == ["E10000021"]


def test_district_files_are_checked_district_by_district():
    assert _open("b_norfolk_districts.geojson").boundaries["code"].tolist() == ["E10000020"]
    with pytest.raises(BoundaryError) as err:
        _open("b_norfolk_district_moved.geojson")
    assert str(err.value) == (
        "file 'b_norfolk_district_moved.geojson', column 'geometry': E07000147 (North Norfolk): the shape is not in "
        "E10000020 (Norfolk), the authority it belongs to (it lies in E10000016 (Kent)): are the coordinates or "
        "the codes wrong?")


@needs_raw
def test_the_official_ons_file_passes_every_check():
    path = next((RAW / "ons-boundaries").glob("*.geojson"))
    ds = service.open_dataset(service.UserFiles(boundaries=service.UserFile(path.name, path.read_bytes())))
    assert len(ds.boundaries) == 153 and set(ds.set_aside["reason"]) == {"outside England"}


def test_cli_layer_option(capsys, tmp_path):
    out = tmp_path / "x.csv"
    assert cli.run(["export", "--boundaries", str(V / "b_two_layers.gpkg"), "--out", str(out)]) == 2
    assert "the file holds 2 layers (regions, authorities)" in capsys.readouterr().err
    assert cli.run(["export", "--boundaries", str(V / "b_two_layers.gpkg"), "--layer", "authorities",
                    "--out", str(out)]) == 0
    assert out.read_bytes().count(b"\n") == 154
    # the command the app shows for the same upload reads the same layer, and writes the same file
    ds = service.open_dataset(service.UserFiles(boundaries=service.UserFile(
        "b_two_layers.gpkg", (V / "b_two_layers.gpkg").read_bytes()), layer="authorities"), geometry=False)
    from ui.text import export_command

    shown = export_command(2024, "England", "none", ("childrens_home",), ("childrens_home",), ds.files,
                           layer=ds.boundary_layer)
    assert shown == ("python -m sufficiency export --year 2024 --boundaries b_two_layers.gpkg --layer authorities "
                     "--out shortfall.csv")


def test_a_district_the_lookup_does_not_know_is_an_error_not_a_smaller_county(tmp_path):
    import json

    districts = json.loads((V / "b_norfolk_districts.geojson").read_text())
    districts["features"][1]["properties"]["LAD24CD"] = "E07000999"
    with pytest.raises(UnknownAuthorityError) as err:
        service.open_dataset(service.UserFiles(boundaries=service.UserFile("d.geojson", json.dumps(districts).encode())))
    assert str(err.value) == ("file 'd.geojson', column 'code': district code not in the district to authority "
                              "lookup (value: 'E07000999')")
