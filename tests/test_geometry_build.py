"""The embedded shapes (data/authorities.geojson, data/regions.geojson) and scripts/build_geometry.py.

Accuracy is measured against the official ONS file the shapes are built from (ONS CTYUA
December 2024 BUC), both in EPSG:27700; those tests skip when the raw file is absent.
"""

import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from scripts.build_geometry import (
    DECIMALS,
    build,
    check_output,
    read_ons_authorities,
    round_coverage,
)
from sufficiency.errors import BoundaryError

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
RAW = Path(os.environ["SUFFICIENCY_RAW"]) if os.environ.get("SUFFICIENCY_RAW") else ROOT.parent / "shared/data/raw"
ONS_FILE = RAW / "ons-boundaries" / (
    "Counties_and_Unitary_Authorities_December_2024_Boundaries_UK_BUC_-7342248301948489151.geojson")
needs_raw = pytest.mark.skipif(not ONS_FILE.exists(), reason=f"raw ONS boundary file not found at {ONS_FILE}")

# authorities.geojson + regions.geojson. The map HTML is about 1.27 x these bytes plus 90 kB
# (bench map_payload), so 450 kB keeps the page near 0.66 MB, well inside its 1.5 MB target.
GEOJSON_BUDGET_BYTES = 450_000
OFFICIAL_ENGLAND_KM2 = 130_617  # SOURCE.md: the 153 English features in EPSG:27700
KM2 = 1e6
# Reorganised units drawn by dissolving today's shapes, and their parts in the official file:
# Walney Island stays apart from Cumbria's mainland, an island stays apart from Dorset's.
PREDECESSORS = {"Cumbria": (("E06000063", "E06000064"), 2),
                "Northamptonshire": (("E06000061", "E06000062"), 1),
                "Dorset with Bournemouth and Poole": (("E06000058", "E06000059"), 2)}


@pytest.fixture(scope="module")
def shapes() -> gpd.GeoDataFrame:
    return gpd.read_file(DATA / "authorities.geojson")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "authorities.csv", dtype=str, keep_default_na=False)
    return frame[frame["current"] == "True"].sort_values("code").reset_index(drop=True)


@pytest.fixture(scope="module")
def official() -> gpd.GeoDataFrame:
    if not ONS_FILE.exists():
        pytest.skip(f"raw ONS boundary file not found at {ONS_FILE}")
    raw = gpd.read_file(ONS_FILE)
    england = raw[raw["CTYUA24CD"].str[:3].isin(["E06", "E08", "E09", "E10"])]
    return england.rename(columns={"CTYUA24CD": "code"}).set_index("code").sort_index().to_crs(27700)


def _iou(shapes: gpd.GeoDataFrame, official: gpd.GeoDataFrame) -> pd.Series:
    ours = shapes.set_index("code").to_crs(27700).geometry.loc[official.index].values
    theirs = official.geometry.values
    inter = shapely.area(shapely.intersection(ours, theirs))
    return pd.Series(inter / shapely.area(shapely.union(ours, theirs)), index=official.index).sort_values()


# --- the committed files, no raw file needed --------------------------------------------------------


def test_authorities_are_the_153_current_codes_with_dfe_names(shapes, table):
    assert shapes.crs.to_epsg() == 4326
    assert list(shapes.columns) == ["code", "name", "geometry"]
    assert len(shapes) == 153 and shapes["code"].is_unique
    assert shapes["code"].tolist() == table["code"].tolist()  # sorted, one each
    assert shapes["name"].tolist() == table["name"].tolist()
    assert shapes["code"].str[:3].value_counts().to_dict() == {"E06": 63, "E08": 36, "E09": 33, "E10": 21}


def test_shapes_are_valid_polygons_inside_england(shapes):
    geoms = shapes.geometry.values
    assert geoms.is_valid.all() and not geoms.is_empty.any()
    assert set(geoms.geom_type) <= {"Polygon", "MultiPolygon"}
    west, south, east, north = shapes.total_bounds
    # Isles of Scilly to Lowestoft, the Lizard to the Tweed
    assert -6.5 < west < -6.3 and 49.85 < south < 49.9 and 1.7 < east < 1.8 and 55.75 < north < 55.85
    # RFC 7946: exterior rings anticlockwise, holes clockwise
    polygons = shapely.get_parts(geoms)
    assert shapely.is_ccw(shapely.get_exterior_ring(polygons)).all()
    # coordinates on the DECIMALS grid
    text = (DATA / "authorities.geojson").read_text("utf-8")
    coords = np.array(json.loads(text, parse_float=str)["features"][0]["geometry"]["coordinates"][0])
    assert max(len(c.split(".")[1]) for c in coords.ravel()) <= DECIMALS


def test_geojson_payload_within_budget():
    sizes = {name: (DATA / name).stat().st_size for name in ("authorities.geojson", "regions.geojson")}
    assert sum(sizes.values()) <= GEOJSON_BUDGET_BYTES, sizes
    assert sizes["authorities.geojson"] > 150_000  # 9,800 coordinates: not an empty or truncated file


def test_committed_shapes_form_a_coverage(shapes):
    bng = np.asarray(shapes.to_crs(27700).geometry.values)
    # reprojecting perturbs shared vertices identically, so the sum still equals the union
    assert shapely.area(bng).sum() - shapely.union_all(bng).area < 0.01 * KM2
    assert shapely.coverage_is_valid(np.asarray(shapes.geometry.values))


def test_regions_are_the_union_of_their_authorities(shapes, table):
    regions = gpd.read_file(DATA / "regions.geojson")
    assert list(regions.columns) == ["region_code", "region_name", "geometry"]
    expected = table[["region_code", "region"]].drop_duplicates().sort_values("region_code")
    assert regions["region_code"].tolist() == expected["region_code"].tolist()
    assert regions["region_name"].tolist() == expected["region"].tolist()
    assert len(regions) == 9 and regions.is_valid.all()
    by_code = shapes.set_index("code").geometry
    for code, region in zip(regions["region_code"], regions.geometry, strict=True):
        members = table.loc[table["region_code"] == code, "code"]
        union = shapely.union_all(by_code.loc[members].values)
        assert shapely.symmetric_difference(union, region).area < 1e-9, code  # degrees²: exact
    london = regions.set_index("region_name").geometry["London"]
    assert london.geom_type == "Polygon" and len(london.interiors) == 0


@pytest.mark.parametrize("unit", sorted(PREDECESSORS))
def test_predecessor_units_dissolve_to_clean_shapes(shapes, unit):
    codes, parts = PREDECESSORS[unit]
    members = shapes.set_index("code").to_crs(27700).geometry.loc[list(codes)].values
    union = shapely.union_all(members)
    pieces = shapely.get_parts(union)
    assert union.is_valid and len(pieces) == parts
    # no slivers: no holes between the members, no overlap, and each extra part is a real island
    assert sum(len(p.interiors) for p in pieces) == 0
    assert shapely.area(members).sum() - union.area < 0.001 * KM2
    assert sorted(shapely.area(pieces))[0] > 0.5 * KM2


# --- the build script on small hand-made inputs -----------------------------------------------------


def test_round_coverage_keeps_neighbours_together():
    # a 0.003-wide strip between A and B collapses at 2 decimals: A and B then meet at x = 1.00
    a, strip, b = shapely.box(0, 0, 1.001, 1), shapely.box(1.001, 0, 1.004, 1), shapely.box(1.004, 0, 2, 1)
    out = round_coverage(np.array([a, strip, b]), 2)
    assert out[1].is_empty
    assert out[0].area == pytest.approx(1.0) and out[2].area == pytest.approx(1.0)
    assert out[0].intersection(out[2]).length == pytest.approx(1.0)
    assert shapely.coverage_is_valid(out[[0, 2]])
    # a hole of the coverage (nobody's land) stays a hole
    ring = shapely.box(0, 0, 3, 3).difference(shapely.box(1, 1, 2, 2))
    (rounded,) = round_coverage(np.array([ring]), 1)
    assert rounded.area == pytest.approx(8.0) and len(rounded.interiors) == 1


def test_check_output_names_a_collapsed_shape():
    source = gpd.GeoDataFrame({"code": ["A", "B"]}, geometry=[shapely.box(0, 0, 1000, 1000),
                                                               shapely.box(1000, 0, 2000, 1000)], crs=27700)
    shrunk = source.assign(geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 1900, 1000)])
    with pytest.raises(BoundaryError) as err:
        check_output(shrunk, source)
    assert [p.value for p in err.value.problems] == ["B"] and "10.0 %" in str(err.value)
    check_output(source, source)  # unchanged shapes pass


def test_reader_reports_every_problem_at_once(tmp_path):
    square = shapely.box(-1.0, 52.0, -0.9, 52.1)
    bowtie = shapely.Polygon([(-0.8, 52.0), (-0.7, 52.1), (-0.7, 52.0), (-0.8, 52.1)])
    frame = gpd.GeoDataFrame({"CTYUA24CD": ["E06000001", "E06000001", "E06000002", "E06000099", "W06000001"]},
                             geometry=[square, square, bowtie, square, square], crs=4326)
    path = tmp_path / "ctyua.geojson"
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(BoundaryError) as err:
        read_ons_authorities(path, pd.Series(["E06000001", "E06000002", "E06000003"]))
    found = {(p.reason, p.value) for p in err.value.problems}
    assert len(err.value.problems) == 4
    assert found == {("authority missing from the boundary file", "E06000003"),
                     ("not a current authority of data/authorities.csv", "E06000099"),
                     ("authority appears more than once", "E06000001"),
                     ("missing, empty, invalid or non-polygon geometry", "E06000002")}
    (tmp_path / "broken.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(BoundaryError, match="cannot read the boundary file"):
        read_ons_authorities(tmp_path / "broken.geojson", pd.Series(["E06000001"]))


# --- against the official ONS 2024 file -------------------------------------------------------------


@needs_raw
def test_each_shape_matches_the_official_one(shapes, official):
    iou = _iou(shapes, official)
    names = shapes.set_index("code")["name"]
    worst = ", ".join(f"{names[c]} {v:.4f}" for c, v in iou.head(5).items())
    print(f"IoU median {iou.median():.5f}, min {iou.min():.5f}; worst five: {worst}")
    assert len(iou) == 153
    assert iou.median() >= 0.97, worst
    assert iou.min() >= 0.80, worst
    # same islands and pieces as the official shapes, down to a 1 m² piece of BCP in the ONS file
    ours = shapely.get_num_geometries(np.asarray(shapes.set_index("code").geometry.loc[official.index].values))
    assert (ours == shapely.get_num_geometries(np.asarray(official.geometry.values))).all()
    assert ours.sum() == 187


@needs_raw
def test_total_area_and_no_gaps_against_official(shapes, official):
    ours = np.asarray(shapes.to_crs(27700).geometry.values)
    theirs = np.asarray(official.geometry.values)
    assert shapely.area(theirs).sum() / KM2 == pytest.approx(OFFICIAL_ENGLAND_KM2, abs=1)
    assert shapely.area(ours).sum() / KM2 == pytest.approx(OFFICIAL_ENGLAND_KM2, rel=0.01)
    union, official_union = shapely.union_all(ours), shapely.union_all(theirs)
    assert union.area / KM2 == pytest.approx(official_union.area / KM2, rel=0.001)

    def holes(g):
        return sum(len(p.interiors) for p in shapely.get_parts(g))

    assert holes(union) == holes(official_union) == 0
    assert len(shapely.get_parts(union)) == len(shapely.get_parts(official_union)) == 30


@needs_raw
def test_isles_of_scilly_area_against_official(shapes, official):
    ours = shapes.set_index("code").to_crs(27700).geometry["E06000053"].area
    theirs = official.geometry["E06000053"].area
    assert theirs / KM2 == pytest.approx(13.5, abs=0.1)
    assert ours / theirs == pytest.approx(1.0, abs=0.25)


@needs_raw
@pytest.mark.parametrize("unit", sorted(PREDECESSORS))
def test_predecessor_units_have_the_official_parts(shapes, official, unit):
    codes, parts = PREDECESSORS[unit]
    assert len(shapely.get_parts(shapely.union_all(official.geometry.loc[list(codes)].values))) == parts


@needs_raw
def test_rebuild_reproduces_the_committed_shapes(tmp_path):
    sizes = build(tmp_path, ONS_FILE, authorities_csv=DATA / "authorities.csv", points=False)
    for name in ("authorities.geojson", "regions.geojson"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
        assert sizes[name] == (DATA / name).stat().st_size
