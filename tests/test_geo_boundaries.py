"""Tests for geo.boundaries on hand-made files written to tmp_path in every format."""

import io
import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from geo.boundaries import dissolve_to_authorities, read_boundaries
from sufficiency.errors import (
    BoundaryError,
    CRSError,
    MissingColumnError,
    UnknownAuthorityError,
    UnsafeArchiveError,
)
from sufficiency.readers.files import safe_extract
from sufficiency.registry import lad_to_upper_tier

# two 10 km x 10 km squares in BNG near Manchester: areas are exact (1e8 m2 each)
SQ_A = box(380_000, 390_000, 390_000, 400_000)
SQ_B = box(390_000, 390_000, 400_000, 400_000)


def _frame(codes, names, geoms, crs="EPSG:27700", code_col="CTYUA19CD", name_col="CTYUA19NM"):
    return gpd.GeoDataFrame({code_col: codes, name_col: names}, geometry=geoms, crs=crs)


def _two(**kw):
    return _frame(["E08000003", "E08000007"], ["Manchester", "Stockport"], [SQ_A, SQ_B], **kw)


def _shp_zip(tmp_path, gdf, extra=None):
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    gdf.to_file(shp_dir / "areas.shp")
    zpath = tmp_path / "areas.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(shp_dir.iterdir()):
            zf.write(f, f"folder/{f.name}")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return zpath


@pytest.mark.parametrize("suffix,driver", [(".geojson", "GeoJSON"), (".gpkg", "GPKG"), (".shp", None)])
def test_each_format_reads_to_codes_and_areas(tmp_path, suffix, driver):
    path = tmp_path / f"areas{suffix}"
    _two().to_file(path, driver=driver)
    out, rec = read_boundaries(path)
    assert list(out.columns) == ["code", "name", "geometry"]
    assert out["code"].tolist() == ["E08000003", "E08000007"]
    assert out["name"].tolist() == ["Manchester", "Stockport"]
    assert out.crs.to_epsg() == 27700
    assert out.area.round().tolist() == [1e8, 1e8]
    assert (rec.rows_in, rec.rows_used, rec.rows_set_aside) == (2, 2, 0)


def test_zipped_shapefile_from_path_and_filelike(tmp_path):
    zpath = _shp_zip(tmp_path, _two(code_col="UTLA22CD", name_col="UTLA22NM"))
    out, _ = read_boundaries(zpath)
    assert out["code"].tolist() == ["E08000003", "E08000007"]
    upload = io.BytesIO(zpath.read_bytes())
    out2, _ = read_boundaries(upload)
    assert out2["code"].tolist() == ["E08000003", "E08000007"]


def test_zip_with_parent_path_member_is_refused(tmp_path):
    zpath = _shp_zip(tmp_path, _two(), extra={"../evil.txt": b"x", "/etc/abs.txt": b"y"})
    with pytest.raises(UnsafeArchiveError) as info:
        read_boundaries(zpath)
    assert len(info.value.problems) == 2
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_bomb_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.geojson", b"0" * 20_000_000)  # 20 MB of zeros compress ~1000x
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf, pytest.raises(UnsafeArchiveError, match="zip bomb"):
        safe_extract(zf, tmp_path)


def test_lower_case_and_generic_columns_are_detected(tmp_path):
    path = tmp_path / "a.geojson"
    _two(code_col="ctyua17cd", name_col="ctyua17nm").to_file(path)
    assert read_boundaries(path)[0]["code"].tolist() == ["E08000003", "E08000007"]
    path2 = tmp_path / "b.geojson"
    _two(code_col="code", name_col="name").to_file(path2)
    assert read_boundaries(path2)[0]["name"].tolist() == ["Manchester", "Stockport"]


def test_no_code_column_raises(tmp_path):
    path = tmp_path / "a.geojson"
    _frame(["x", "y"], ["A", "B"], [SQ_A, SQ_B], code_col="foo", name_col="bar").to_file(path)
    with pytest.raises(MissingColumnError, match="no column of ONS area codes"):
        read_boundaries(path)


def test_no_crs_raises_and_assume_works(tmp_path):
    path = tmp_path / "a.shp"
    _two(crs=None).to_file(path)
    with pytest.raises(CRSError, match="coordinate reference system"):
        read_boundaries(path)
    out, _ = read_boundaries(path, assume_crs="EPSG:27700")
    assert out.area.round().tolist() == [1e8, 1e8]


def test_swapped_lat_lon_file(tmp_path):
    path = tmp_path / "a.geojson"
    wgs = _two().to_crs("EPSG:4326")
    wgs.geometry = wgs.geometry.map(lambda g: Polygon([(y, x) for x, y in g.exterior.coords]))
    wgs.to_file(path)
    with pytest.raises(CRSError, match="wrong order"):
        read_boundaries(path)
    out, _ = read_boundaries(path, fix_swapped=True)
    assert out.area.div(1e8).round(3).tolist() == [1.0, 1.0]


def test_web_mercator_file(tmp_path):
    path = tmp_path / "a.gpkg"
    _two().to_crs("EPSG:3857").to_file(path)
    out, _ = read_boundaries(path)
    assert out.area.div(1e8).round(4).tolist() == [1.0, 1.0]


def test_bowtie_is_repaired_to_two_triangles(tmp_path):
    # self-intersecting 10 km "bowtie": two triangles of 0.25e8 m2 each
    x, y = 380_000, 390_000
    bowtie = Polygon([(x, y), (x + 10_000, y + 10_000), (x + 10_000, y), (x, y + 10_000)])
    path = tmp_path / "a.gpkg"
    _frame(["E08000003"], ["Manchester"], [bowtie]).to_file(path)
    out, _ = read_boundaries(path)
    assert out.is_valid.all()
    assert out.area[0] == pytest.approx(5e7)


def test_duplicates_same_name_dissolve_different_names_raise(tmp_path):
    path = tmp_path / "a.geojson"
    _frame(["E08000003", "E08000003"], ["Manchester", "Manchester"], [SQ_A, SQ_B]).to_file(path)
    out, rec = read_boundaries(path)
    assert out["code"].tolist() == ["E08000003"]
    assert out.area[0] == pytest.approx(2e8)
    assert rec.rows_used == 2
    path2 = tmp_path / "b.geojson"
    _frame(["E08000003", "E08000003", "X1"], ["Manchester", "Stockport", "Bad"],
           [SQ_A, SQ_B, SQ_B]).to_file(path2)
    with pytest.raises(BoundaryError) as info:
        read_boundaries(path2)
    reasons = [p.reason for p in info.value.problems]
    assert len(reasons) == 2  # every problem listed at once
    assert "not an ONS area code" in reasons
    assert any("Manchester, Stockport" in r for r in reasons)


def test_welsh_code_and_null_geometry_are_set_aside(tmp_path):
    path = tmp_path / "a.geojson"
    _frame(["E08000003", "W06000015", "E08000007"], ["Manchester", "Cardiff", "Stockport"],
           [SQ_A, box(380_000, 380_000, 390_000, 390_000), None]).to_file(path)
    out, rec = read_boundaries(path)
    assert out["code"].tolist() == ["E08000003"]
    assert rec.balanced and (rec.rows_in, rec.rows_used) == (3, 1)
    assert rec.set_aside[["row", "reason"]].values.tolist() == [[2, "outside England"], [3, "no geometry"]]


def test_dissolve_districts_to_authorities():
    lads = gpd.GeoDataFrame({"code": ["E07000026", "E07000028", "E06000001"], "name": ["a", "b", "c"]},
                            geometry=[SQ_A, SQ_B, box(0, 0, 1, 1)], crs="EPSG:27700")
    names = {"E06000001": "Hartlepool", "E06000063": "Cumberland"}
    out = dissolve_to_authorities(lads, lad_to_upper_tier(), names)
    assert out["code"].tolist() == ["E06000001", "E06000063"]
    assert out["name"].tolist() == ["Hartlepool", "Cumberland"]
    assert out.area.tolist() == pytest.approx([1.0, 2e8])
    with pytest.raises(UnknownAuthorityError):
        dissolve_to_authorities(lads.assign(code=["E07999999", "E07000028", "E06000001"]), lad_to_upper_tier(), names)
