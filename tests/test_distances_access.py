"""Distance-based measures on the real data, and the distance CLI commands."""

import pandas as pd
import pytest

from sufficiency.cli import run
from sufficiency.distances.access import access_measures, allocation_inputs
from sufficiency.model.measures import authority_measures
from sufficiency.model.regional import regional_concentration

FIXTURE = "tests/fixtures/placements/placements.csv"


@pytest.fixture(scope="module")
def year2024(ds):
    m = authority_measures(ds, 2024)
    return m, regional_concentration(m, ds.demand_totals)


def test_inputs_fill_suppressed_demand_from_the_regional_remainder(ds, year2024):
    m, r = year2024
    inp = allocation_inputs(m, ds.points, r)
    assert len(inp) == 153 and int(inp["demand_estimated"].sum()) == 43
    nw = inp[inp["region"] == "North West"]
    nw_total = r.set_index("region").loc["North West", "children_in_homes"]
    # The region's authorities add up to DfE's regional figure (shares are rounded to whole children).
    assert abs(nw["children_in_homes"].sum() - nw_total) <= nw["demand_estimated"].sum()
    # Places offered are scaled to the children needing one (England occupancy).
    assert abs(inp["places_offered"].sum() - inp["children_in_homes"].sum()) <= 80


def test_access_measures_2024(ds, year2024):
    m, r = year2024
    a = access_measures(m, ds.points, r).set_index("code")
    assert (a["distance_method"] == "straight line").all()
    known = m.set_index("code")["children_in_homes"].notna()
    assert a.loc[known[known].index, "sufficiency_radius_km"].notna().all()
    assert a.loc[known[~known].index, "optimal_share_within_20_miles"].isna().all()
    share = a["optimal_share_within_20_miles"].dropna()
    assert share.between(0, 1).all() and 0.5 < share.mean() < 1
    # An authority with more places than children needs no radius at all.
    spare = m[(m["places"] >= m["children_in_homes"])]["code"]
    assert (a.loc[spare, "sufficiency_radius_km"] == 0).all()
    # Share inside the authority is DfE's: Hartlepool placed 54% outside.
    assert a.loc["E06000001", "share_inside_la"] == pytest.approx(0.46)


def test_access_measures_without_demand_say_why(ds):
    m = authority_measures(ds, 2025)
    a = access_measures(m, ds.points, regional_concentration(m, ds.demand_totals))
    assert a["sufficiency_radius_km"].isna().all()
    assert (a["radius_note"] == "needs both places and children in homes for the year").all()


def test_cli_scenario_changes_only_what_it_should(tmp_path):
    out = tmp_path / "s.csv"
    assert run(["scenario", "--year", "2024", "--open", "E08000032:20", "--out", str(out)]) == 0
    t = pd.read_csv(out).set_index("code")
    assert t.loc["E08000032", "places_after"] - t.loc["E08000032", "places_before"] == 20
    assert t.loc["E08000032", "local_bed_gap_after"] == t.loc["E08000032", "local_bed_gap_before"] - 20
    assert (t["distance_method"] == "straight line").all()
    others = t.drop(index="E08000032")
    assert (others["places_after"] == others["places_before"]).all()


def test_cli_placements_summary_suppressed_by_default(tmp_path, capsys):
    out = tmp_path / "p.csv"
    assert run(["placements", FIXTURE, "--out", str(out)]) == 0
    t = pd.read_csv(out, dtype=str)
    assert t["distance_method"].eq("straight line").all()
    assert t["placements"].eq("c").all()  # four placements: a small number
    assert "suppress" in t["disclosure_control"].iloc[0]
    assert "rows read" in capsys.readouterr().err


def test_cli_child_level_warns(tmp_path, capsys):
    out, child = tmp_path / "p.csv", tmp_path / "child.csv"
    assert run(["placements", FIXTURE, "--out", str(out), "--child-level", str(child), "--disclosure", "none"]) == 0
    err = capsys.readouterr().err
    assert "personal data about children" in err
    rows = pd.read_csv(child)
    assert len(rows) == 4 and "easting" not in " ".join(rows.columns)


def test_distance_matrix_by_hand(ds):
    from sufficiency.distances.matrix import authority_distances

    table = authority_distances(ds.points)
    assert len(table) == 153 * 153 and (table["distance_method"] == "straight line").all()
    p = ds.points.set_index("code")
    dx = p.loc["E06000001", "easting"] - p.loc["E06000002", "easting"]
    dy = p.loc["E06000001", "northing"] - p.loc["E06000002", "northing"]
    row = table[(table["from_code"] == "E06000001") & (table["to_code"] == "E06000002")].iloc[0]
    assert row["distance_km"] == pytest.approx((dx**2 + dy**2) ** 0.5 / 1000, abs=5e-4)
    assert row["distance_miles"] == pytest.approx(row["distance_km"] / 1.609344, abs=5e-4)
    assert (table.loc[table["from_code"] == table["to_code"], "distance_km"] == 0).all()


def test_cli_matrix(tmp_path):
    out = tmp_path / "m.csv"
    assert run(["matrix", "--out", str(out)]) == 0
    assert sum(1 for _ in out.open()) == 153 * 153 + 1
