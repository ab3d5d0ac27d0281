"""The committed hex layout (data/hex_layout.csv) and the script that builds it.

Real neighbours are recomputed here from ``data/authorities.geojson`` (EPSG:27700,
200 m buffer, islands take the authorities within 5 km of their nearest one), not
taken from the script, so the checks do not share its code. Figures measured on the
committed layout are in data/HEX_LAYOUT.md.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SCRIPT = ROOT / "scripts" / "build_hex_layout.py"
RAW = Path(os.environ.get("SUFFICIENCY_RAW", ROOT.parent / "shared" / "data" / "raw"))
MEDWAY, KENT, THURROCK, ESSEX = "E06000035", "E10000016", "E06000034", "E10000012"
SCILLY, CORNWALL, WIGHT = "E06000053", "E06000052", "E06000046"
AXIAL_STEPS = {(1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)}


def neighbours(path: Path, codes: list[str]) -> np.ndarray:
    """Boolean matrix of authorities whose polygons (grown by 200 m) meet, in ``codes`` order."""
    shapes = gpd.read_file(path)
    col = "code" if "code" in shapes.columns else next(c for c in shapes.columns if str(c).endswith("CD"))
    shapes = shapes.set_index(col).loc[codes].to_crs("EPSG:27700").geometry.reset_index(drop=True)
    tree = shapely.STRtree(shapes.values)
    left, right = tree.query(shapes.buffer(200).values, predicate="intersects")
    adj = np.zeros((len(codes), len(codes)), dtype=bool)
    adj[left, right] = True
    np.fill_diagonal(adj, False)
    for i in np.flatnonzero(~adj.any(axis=1)):  # islands
        dist = shapes.distance(shapes.iloc[i]).to_numpy().copy()
        dist[i] = np.inf
        adj[i, dist <= dist.min() + 5000] = True
    return adj | adj.T


def hex_adjacency(layout: pd.DataFrame) -> np.ndarray:
    dq = layout["q"].to_numpy()[None, :] - layout["q"].to_numpy()[:, None]
    dr = layout["r"].to_numpy()[None, :] - layout["r"].to_numpy()[:, None]
    return np.maximum.reduce([np.abs(dq), np.abs(dr), np.abs(dq + dr)]) == 1


def shortfalls(layout: pd.DataFrame, adj: np.ndarray) -> dict[str, tuple[int, int]]:
    """Authorities with fewer than ceil(min(k, 6) / 2) real neighbours hex-adjacent: code -> (got, need)."""
    got = (adj & hex_adjacency(layout)).sum(axis=1)
    need = np.ceil(np.minimum(adj.sum(axis=1), 6) / 2).astype(int)
    bad = np.flatnonzero(got < need)
    return {layout["code"].iloc[i]: (int(got[i]), int(need[i])) for i in bad}


def disconnected_regions(layout: pd.DataFrame, authorities: pd.DataFrame) -> list[str]:
    hexadj = hex_adjacency(layout)
    region = layout["code"].map(authorities.set_index("code")["region"]).to_numpy()
    out = []
    for name in sorted(set(region)):
        idx = np.flatnonzero(region == name)
        seen, stack = {idx[0]}, [idx[0]]
        while stack:
            for j in idx[hexadj[stack.pop(), idx]]:
                if j not in seen:
                    seen.add(j)
                    stack.append(j)
        if len(seen) < len(idx):
            out.append(name)
    return out


@pytest.fixture(scope="module")
def authorities() -> pd.DataFrame:
    table = pd.read_csv(DATA / "authorities.csv", dtype=str)
    return table[table["current"] == "True"].reset_index(drop=True)


@pytest.fixture(scope="module")
def layout(authorities) -> pd.DataFrame:
    table = pd.read_csv(DATA / "hex_layout.csv", dtype={"code": str})
    return table.set_index("code").loc[authorities["code"]].reset_index()


@pytest.fixture(scope="module")
def adj(layout) -> np.ndarray:
    return neighbours(DATA / "authorities.geojson", list(layout["code"]))


def test_hex_steps_hand_cases():
    frame = pd.DataFrame({"code": list("OEANS"), "q": [0, 1, 0, 1, 2], "r": [0, 0, 1, 1, -1]})
    got = hex_adjacency(frame)
    # O(0,0): E(1,0) and NE(0,1) touch it; (1,1) is two steps away; (2,-1) too
    assert got[0].tolist() == [False, True, True, False, False]
    assert got[1].tolist() == [True, False, True, True, True]  # (1,0) touches (2,-1): a SE step
    assert len(AXIAL_STEPS) == 6


def test_one_cell_per_current_authority(layout, authorities):
    raw = pd.read_csv(DATA / "hex_layout.csv", dtype={"code": str})
    assert list(raw.columns) == ["code", "q", "r"]
    assert len(raw) == 153 and raw["code"].is_unique
    assert set(raw["code"]) == set(authorities["code"]) and len(authorities) == 153
    assert raw["q"].dtype.kind == "i" and raw["r"].dtype.kind == "i"
    assert not raw.duplicated(["q", "r"]).any()  # no two authorities in one cell
    assert raw["r"].min() == 0
    assert (raw["q"] + raw["r"] // 2).min() == 0


def test_real_neighbours_are_as_measured(adj, layout):
    codes = list(layout["code"])
    assert adj.sum() // 2 == 379  # on the ONS December 2024 shapes
    assert adj.any(axis=1).all()
    assert adj[codes.index(SCILLY), codes.index(CORNWALL)]  # an island takes its nearest
    assert adj[codes.index(MEDWAY)].sum() == 1  # Kent only: the ONS coastline keeps the Thames between it and Essex


def test_most_real_neighbours_are_hex_adjacent(adj, layout):
    hexadj = hex_adjacency(layout)
    # every authority has at least half of min(k, 6) of its k real neighbours next to it
    assert shortfalls(layout, adj) == {}
    got = (adj & hexadj).sum(axis=1)
    assert got.min() >= 1
    share = got / adj.sum(axis=1)
    assert np.median(share) >= 0.66
    assert (adj & hexadj).sum() // 2 >= 235  # measured 237 of 379 pairs
    codes = list(layout["code"])
    assert hexadj[codes.index(SCILLY), codes.index(CORNWALL)]
    assert hexadj[codes.index(WIGHT)].any() and got[codes.index(WIGHT)] >= 1


def test_layout_is_geographically_faithful(layout, adj):
    points = pd.read_csv(DATA / "authority_points.csv", dtype={"code": str}).set_index("code")
    east = points.loc[layout["code"], "easting"].to_numpy()
    north = points.loc[layout["code"], "northing"].to_numpy()
    x = layout["q"].to_numpy() + layout["r"].to_numpy() / 2
    y = layout["r"].to_numpy() * math.sqrt(3) / 2
    assert spearmanr(x, east).statistic >= 0.94  # measured 0.948
    assert spearmanr(y, north).statistic >= 0.98  # measured 0.988
    # real neighbours lie the right way round: cosine of hex direction vs map direction
    i, j = np.nonzero(np.triu(adj))
    hx, hy, gx, gy = x[j] - x[i], y[j] - y[i], east[j] - east[i], north[j] - north[i]
    cos = (hx * gx + hy * gy) / np.hypot(hx, hy) / np.hypot(gx, gy)
    assert cos.mean() >= 0.77  # measured 0.785
    assert (cos < 0).sum() <= 14  # measured 13 of 379 pairs more than 90 degrees off


def test_regions_form_connected_groups(layout, authorities):
    assert disconnected_regions(layout, authorities) == []


@pytest.mark.slow
def test_rebuild_reproduces_committed_layout(tmp_path):
    out = tmp_path / "hex_layout.csv"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], cwd=ROOT, check=True,
                   capture_output=True, timeout=300)
    assert out.read_bytes() == (DATA / "hex_layout.csv").read_bytes()
