"""Shapes and points for each year's rows, including councils since reorganised."""

import pytest

from sufficiency.dataset import load_embedded
from sufficiency.model.measures import authority_measures
from sufficiency.model.units import year_boundaries, year_points


@pytest.fixture(scope="module")
def ds():
    return load_embedded()


@pytest.mark.parametrize(("year", "rows"), [(2015, 150), (2021, 151), (2023, 152), (2024, 153)])
def test_one_shape_and_point_per_row(ds, year, rows):
    m = authority_measures(ds, year)
    b = year_boundaries(ds.boundaries, m)
    p = year_points(ds.points, m)
    assert len(m) == len(b) == len(p) == rows
    assert set(b["code"]) == set(m["code"]) == set(p["code"])
    assert b.geometry.is_valid.all()


def test_northamptonshire_is_the_union_of_its_successors(ds):
    m = authority_measures(ds, 2021)
    b = year_boundaries(ds.boundaries, m).to_crs(27700).set_index("code")
    parts = ds.boundaries.to_crs(27700).set_index("code").loc[["E06000061", "E06000062"]]
    assert b.loc["E10000021"].geometry.area == pytest.approx(parts.area.sum(), rel=1e-3)


def test_combined_point_is_postcode_weighted(ds):
    m = authority_measures(ds, 2021)
    p = year_points(ds.points, m).set_index("code")
    pts = ds.points.set_index("code").loc[["E06000061", "E06000062"]]
    w = pts["postcodes"]
    assert p.loc["E10000021", "easting"] == pytest.approx((pts["easting"] * w).sum() / w.sum(), abs=0.1)
