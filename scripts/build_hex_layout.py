"""Build ``data/hex_layout.csv``: one hexagon per children's services authority.

Writes ``code, q, r``: **axial** coordinates of **pointy-top** hexagons, ``r`` the row
counted northwards from 0 (the southernmost row), ``q`` eastwards along a row; a
cell's centre is at ``x = q + r/2``, ``y = r * sqrt(3)/2`` in units of the centre
spacing, and its six neighbours differ by (+-1, 0), (0, +-1), (+1, -1), (-1, +1) (see
:mod:`ui.hexmap`). Rows are sorted by code. Deterministic: the same inputs give the
same bytes (the only random numbers come from a generator with a fixed seed).

Method
------
1. **Inputs.** The 153 current authorities (``data/authorities.csv``, ``current``
   true) with their region; their polygons from ``data/authorities.geojson`` or any
   boundary file given with ``--boundaries`` (e.g. the ONS CTYUA file; only English
   codes E06, E08, E09, E10 are kept) -- every current code must have one; and each
   authority's representative point (``data/authority_points.csv``, British National
   Grid metres, the mean of its postcodes; the polygon's representative point where a
   code has none).
2. **Real neighbours.** In EPSG:27700, two authorities are neighbours when their
   polygons, each grown by ``BUFFER_M`` (200 m), intersect. An authority touching
   none (an island: the Isles of Scilly; the Isle of Wight in coast-clipped files)
   takes every authority within ``ISLAND_REACH_M`` (5 km) beyond its nearest one.
3. **Cartogram.** Equal hexagons give London's 33 boroughs the room of 33 counties,
   so the map is first bent by a diffusion cartogram (:mod:`scripts.hex_cartogram`)
   in which each authority has nearly the same area (``EQUAL_SHARE``): London swells
   and pushes its neighbours outwards rather than jumping over them. Each authority's
   *anchor* is the mean of its centre on the cartogram and its moved representative
   point (``POINT_WEIGHT``).
4. **Assignment.** Candidate cells are hexagons of spacing ``d`` (the area of
   England over 153 is one hexagon, ``d`` about 32 km) within two spacings of an
   anchor. ``scipy.optimize.linear_sum_assignment`` gives each authority one cell,
   minimising the squared distance (in spacings) from the cell to its anchor, plus
   ``W_OTHER_REGION`` where the cartogram under the cell is another region (or sea)
   and ``W_OTHER_AUTHORITY`` where it is another authority.
5. **Local search** (:mod:`scripts.hex_search`): swaps and pushes, first a descent,
   then simulated annealing, then a descent, maximising real-neighbour pairs that are
   hex-adjacent, with penalties for every authority short of
   ``ceil(min(k, 6) / 2)`` hex-adjacent real neighbours (``k`` its real neighbours),
   for authorities cut off from their region, for distance from the anchor, for
   neighbours lying the wrong way round and for enclosed gaps. No authority ends
   more than three spacings from its anchor (islands: one beyond their nearest
   neighbour's).

``SEED`` is the best of seeds 1-6 by that score on the embedded polygons.

Run as ``python scripts/build_hex_layout.py`` (about 15 s); ``--boundaries PATH`` to
lay out from another boundary file; ``--out PATH`` to write elsewhere.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.hex_cartogram import Cartogram, equal_area_cartogram  # noqa: E402
from scripts.hex_search import improve  # noqa: E402
from sufficiency.errors import BoundaryError, MissingColumnError, Problem  # noqa: E402
from ui.hexmap import axial_to_xy  # noqa: E402

DATA = ROOT / "data"
BNG = "EPSG:27700"
ENGLISH_PREFIXES = ("E06", "E08", "E09", "E10")
BUFFER_M = 200.0
ISLAND_REACH_M = 5000.0
SEED = 2
W_OTHER_REGION = 4.0
W_OTHER_AUTHORITY = 0.5
SEA_SPACINGS = 0.6  # a cell farther than this from the cartogram's land is sea
POINT_WEIGHT = 0.5


def read_authorities(path: Path) -> pd.DataFrame:
    """The current authorities: code, name, region (sorted by code)."""
    table = pd.read_csv(path, dtype=str)
    missing = [c for c in ("code", "name", "region", "current") if c not in table.columns]
    if missing:
        raise MissingColumnError(problems=[Problem(f"no column {c!r}", file=str(path), column=c)
                                           for c in missing])
    current = table[table["current"].str.lower() == "true"]
    return current[["code", "name", "region"]].sort_values("code").reset_index(drop=True)


def _code_column(shapes: gpd.GeoDataFrame) -> str:
    if "code" in shapes.columns:
        return "code"
    for col in shapes.columns:
        if str(col).upper().endswith("CD") and shapes[col].astype(str).str.match(r"^[A-Z]\d{8}$").all():
            return col
    raise MissingColumnError("no code column ('code' or an ONS '...CD' column of 9-character codes)")


def read_shapes(path: Path, codes: pd.Series) -> gpd.GeoSeries:
    """Polygons of ``codes`` in EPSG:27700 (index = code), from any boundary file."""
    shapes = gpd.read_file(path)
    if shapes.crs is None:
        raise BoundaryError("the boundary file has no CRS", file=str(path))
    col = _code_column(shapes)
    shapes = shapes.assign(code=shapes[col].astype(str))
    shapes = shapes[shapes["code"].str.startswith(ENGLISH_PREFIXES)]
    problems = [Problem("no polygon for this current authority", file=str(path), column=col, value=c)
                for c in sorted(set(codes) - set(shapes["code"]))]
    problems += [Problem("code appears more than once", file=str(path), column=col, value=c)
                 for c in sorted(shapes.loc[shapes["code"].duplicated(), "code"].unique())]
    empty = shapes.geometry.isna() | shapes.geometry.is_empty
    problems += [Problem("empty geometry", file=str(path), column=col, value=c)
                 for c in sorted(shapes.loc[empty, "code"])]
    if problems:
        raise BoundaryError(problems=problems)
    shapes = shapes.set_index("code").loc[list(codes)]
    return shapes.geometry.to_crs(BNG)


def read_points(path: Path, shapes: gpd.GeoSeries) -> np.ndarray:
    """Representative points (n, 2), BNG metres, in the order of ``shapes``."""
    table = pd.read_csv(path, dtype={"code": str}).drop_duplicates("code").set_index("code")
    fallback = shapes.representative_point()
    east = table["easting"].reindex(shapes.index).fillna(pd.Series(fallback.x, index=shapes.index))
    north = table["northing"].reindex(shapes.index).fillna(pd.Series(fallback.y, index=shapes.index))
    return np.column_stack([east.to_numpy(float), north.to_numpy(float)])


def real_neighbours(shapes: gpd.GeoSeries, buffer_m: float = BUFFER_M,
                    island_reach_m: float = ISLAND_REACH_M) -> np.ndarray:
    """Symmetric boolean matrix: authorities whose polygons touch (EPSG:27700).

    Parameters
    ----------
    shapes : GeoSeries
        Polygons in EPSG:27700 (metres).
    buffer_m : float
        Each polygon is grown by this many metres before testing for intersection,
        which closes slivers between generalised boundaries.
    island_reach_m : float
        An authority touching none takes as neighbours all authorities within its
        nearest distance plus this many metres.

    Returns
    -------
    numpy.ndarray of bool, shape (n, n)
    """
    geoms = shapes.reset_index(drop=True)
    n = len(geoms)
    left, right = geoms.sindex.query(geoms.buffer(buffer_m), predicate="intersects")
    adj = np.zeros((n, n), dtype=bool)
    adj[left, right] = True
    np.fill_diagonal(adj, False)
    adj |= adj.T
    for i in np.flatnonzero(~adj.any(axis=1)):
        dist = geoms.distance(geoms.iloc[i]).to_numpy().copy()
        dist[i] = np.inf
        near = dist <= dist.min() + island_reach_m
        adj[i, near] = adj[near, i] = True
    return adj


def hex_spacing_m(shapes: gpd.GeoSeries) -> float:
    """Centre spacing ``d`` (m) of hexagons whose total area equals the authorities' area."""
    return math.sqrt(float(shapes.area.sum()) / len(shapes) / (math.sqrt(3) / 2))


def candidate_cells(points: np.ndarray, spacing: float, margin: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Axial cells (q, r) of a grid with the given spacing within ``margin`` spacings of a point.

    The grid's origin is the points' south-west corner, so the same points give the same cells.
    """
    origin = points.min(axis=0)
    local = (points - origin) / spacing
    r_all = np.arange(math.floor(local[:, 1].min() / (math.sqrt(3) / 2)) - 3,
                      math.ceil(local[:, 1].max() / (math.sqrt(3) / 2)) + 4)
    q_span = np.arange(math.floor(local[:, 0].min() - r_all.max() / 2) - 3,
                       math.ceil(local[:, 0].max() - r_all.min() / 2) + 4)
    q, r = (a.ravel() for a in np.meshgrid(q_span, r_all))
    x, y = axial_to_xy(q, r)
    near = np.hypot(x[:, None] - local[None, :, 0], y[:, None] - local[None, :, 1]).min(axis=1) <= margin
    return q[near], r[near]


def assign_cells(carto: Cartogram, anchor: np.ndarray, region: np.ndarray,
                 spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """Axial (q, r) per authority by a linear assignment on the cartogram.

    Cost of putting authority ``i`` in a cell: squared distance (in spacings) from the
    cell centre to ``i``'s cartogram centre, plus ``W_OTHER_REGION`` when the
    cartogram at the cell's centre (its nearest moved sample) is another region's
    land or sea farther than ``SEA_SPACINGS`` from any land, plus ``W_OTHER_AUTHORITY``
    when it is not ``i``'s own land.
    """
    origin = anchor.min(axis=0)
    q, r = candidate_cells(anchor, spacing)
    x, y = axial_to_xy(q, r)
    dist, nearest = cKDTree((carto.samples - origin) / spacing).query(np.column_stack([x, y]))
    owner = np.where(dist <= SEA_SPACINGS, carto.owners[nearest], -1)
    cell_region = np.where(owner >= 0, region[owner], -1)
    local = (anchor - origin) / spacing
    cost = (local[:, None, 0] - x[None, :]) ** 2 + (local[:, None, 1] - y[None, :]) ** 2
    cost += W_OTHER_REGION * (cell_region[None, :] != region[:, None])
    cost += W_OTHER_AUTHORITY * (owner[None, :] != np.arange(len(local))[:, None])
    rows, cols = linear_sum_assignment(cost)
    order = np.argsort(rows)
    return q[cols[order]], r[cols[order]]


def normalise(q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shift so the southernmost row is r = 0 and the westernmost offset column is 0."""
    r = r - r.min()
    col = q + r // 2
    return q - col.min(), r


def build_layout(authorities: pd.DataFrame, shapes: gpd.GeoSeries, points: np.ndarray,
                 verbose: bool = False) -> pd.DataFrame:
    """The layout table [code, q, r] (sorted by code); see the module docstring for the method."""
    adj = real_neighbours(shapes)
    spacing = hex_spacing_m(shapes)
    carto = equal_area_cartogram(list(shapes.values), points)
    region = pd.factorize(authorities["region"], sort=True)[0]
    anchor = (1 - POINT_WEIGHT) * carto.centres + POINT_WEIGHT * carto.points
    q, r = assign_cells(carto, anchor, region, spacing)
    target = (anchor - anchor.min(axis=0)) / spacing
    q, r = improve(q, r, adj, region, target, seed=SEED, verbose=verbose)
    q, r = normalise(q, r)
    return pd.DataFrame({"code": authorities["code"].to_numpy(), "q": q.astype(int), "r": r.astype(int)})


def write_layout(layout: pd.DataFrame, path: Path) -> None:
    """Write the layout CSV with LF line ends (byte-stable)."""
    layout.sort_values("code").to_csv(path, index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boundaries", type=Path, default=DATA / "authorities.geojson",
                        help="authority polygons (any CRS; ONS files keep E06/E08/E09/E10)")
    parser.add_argument("--authorities", type=Path, default=DATA / "authorities.csv")
    parser.add_argument("--points", type=Path, default=DATA / "authority_points.csv")
    parser.add_argument("--out", type=Path, default=DATA / "hex_layout.csv")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    authorities = read_authorities(args.authorities)
    shapes = read_shapes(args.boundaries, authorities["code"])
    points = read_points(args.points, shapes)
    layout = build_layout(authorities, shapes, points, verbose=args.verbose)
    write_layout(layout, args.out)
    print(f"wrote {len(layout)} cells to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
