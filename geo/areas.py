"""Authority polygons and representative points derived from postcode grid references.

The embedded authority shapes come from the official ONS boundary file
(``scripts/build_geometry.py``); the polygons here are its ``--from-postcodes`` fallback,
built from the ONS Postcode Directory (about 2.26 M English postcodes with a British
National Grid reference and a district code) when no boundary file is at hand. They are
approximate: 1.3-1.7 times too large on the coast. The representative points are what the
embedded ``authority_points.csv`` uses. The recipe, all in EPSG:27700 metres:

1. **Label a grid.** A square grid of ``cell_m`` cells covers the points' extent; each cell
   takes the label (authority) of its nearest postcode (``scipy.spatial.cKDTree``).
2. **Decide which cells are land.** A cell is kept when a postcode lies within
   ``keep_within_m``. Gaps narrower than about ``2 * close_m`` (sparse villages, small
   estuaries) are closed with a morphological closing, then every enclosed hole (moors,
   Lake District fells, Pennine tops, reservoirs) is filled. Filled cells keep their
   nearest postcode's label, so the coverage has no holes and no slivers between
   neighbours. Open coast and the Scottish border are not extended: uninhabited land
   open to the outside (e.g. the Cheviots) may be clipped.
3. **Polygonise.** Runs of equal labels along each grid row become rectangles, unioned per
   label: neighbouring polygons share edges exactly (a coverage).
4. **Simplify** with :func:`shapely.coverage_simplify`, which keeps shared edges shared.

Representative points: the mean of an authority's postcode coordinates (postcode density
stands in for population density), snapped to the nearest postcode *of that authority*
so the point always lies where its people are, inside the authority.

:func:`representative_points` returns:

==========  ==================================================
code        str, area label (authority code)
easting     float, EPSG:27700 metres, a real postcode's easting
northing    float, EPSG:27700 metres, a real postcode's northing
postcodes   int, number of postcodes with this label
==========  ==================================================

:func:`area_polygons` returns a GeoDataFrame ``[code, geometry]`` in EPSG:27700.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import ndimage
from scipy.spatial import cKDTree

from geo import BNG
from sufficiency.errors import BadValueError


@dataclass(frozen=True)
class LabelGrid:
    """A raster of integer labels: ``labels[row, col]``, -1 for no area.

    Cell ``(row, col)`` spans ``x0 + col*cell_m .. x0 + (col+1)*cell_m`` and
    ``y0 + row*cell_m .. y0 + (row+1)*cell_m`` (EPSG:27700 metres).
    """

    labels: np.ndarray
    x0: float
    y0: float
    cell_m: float


def _check_points(easting: np.ndarray, northing: np.ndarray, labels: np.ndarray) -> None:
    if not (len(easting) == len(northing) == len(labels)):
        raise BadValueError("easting, northing and labels must have the same length")
    if len(easting) == 0:
        raise BadValueError("no points given: cannot build areas from nothing")
    if not (np.isfinite(easting).all() and np.isfinite(northing).all()):
        raise BadValueError("easting and northing must be finite numbers (metres, EPSG:27700)")


def label_grid(
    easting: np.ndarray,
    northing: np.ndarray,
    labels: np.ndarray,
    *,
    cell_m: float = 250.0,
    keep_within_m: float = 1500.0,
    close_m: float = 2000.0,
) -> LabelGrid:
    """Label a square grid by nearest point, keeping land cells only (steps 1-2 above).

    Parameters
    ----------
    easting, northing : numpy.ndarray
        Point coordinates, EPSG:27700 metres.
    labels : numpy.ndarray of int
        Label of each point, 0..n-1.
    cell_m : float
        Cell side, metres.
    keep_within_m : float
        A cell is land when a point lies within this distance of its centre, metres.
    close_m : float
        Radius of the morphological closing, metres (0 to skip).

    Returns
    -------
    LabelGrid
    """
    easting = np.asarray(easting, dtype="float64")
    northing = np.asarray(northing, dtype="float64")
    labels = np.asarray(labels, dtype="int64")
    _check_points(easting, northing, labels)
    pad = keep_within_m + close_m + cell_m
    x0 = np.floor((easting.min() - pad) / cell_m) * cell_m
    y0 = np.floor((northing.min() - pad) / cell_m) * cell_m
    ncol = int(np.ceil((easting.max() + pad - x0) / cell_m))
    nrow = int(np.ceil((northing.max() + pad - y0) / cell_m))
    xs = x0 + (np.arange(ncol) + 0.5) * cell_m
    ys = y0 + (np.arange(nrow) + 0.5) * cell_m
    cx, cy = np.meshgrid(xs, ys)
    tree = cKDTree(np.column_stack([easting, northing]))
    dist, idx = tree.query(np.column_stack([cx.ravel(), cy.ravel()]), k=1, workers=-1)
    land = (dist <= keep_within_m).reshape(nrow, ncol)
    if close_m > 0:
        r = int(round(close_m / cell_m))
        yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
        disk = (xx**2 + yy**2) <= r * r
        land = land | ndimage.binary_closing(land, structure=disk)
    land = ndimage.binary_fill_holes(land)
    grid = np.where(land, labels[idx].reshape(nrow, ncol), -1)
    return LabelGrid(grid, float(x0), float(y0), float(cell_m))


def grid_to_polygons(grid: LabelGrid) -> dict[int, shapely.Geometry]:
    """Polygonise a label grid: one (multi)polygon per label, EPSG:27700 (step 3 above).

    Returns
    -------
    dict[int, shapely.Geometry]
        ``{label: polygon}`` for every label present in the grid.
    """
    lab = grid.labels
    nrow, ncol = lab.shape
    # run starts: first column, or where the label changes along the row
    change = np.ones((nrow, ncol), dtype=bool)
    change[:, 1:] = lab[:, 1:] != lab[:, :-1]
    rows, starts = np.nonzero(change)
    # run end = next start in the same row, or the row end
    nxt = np.append(starts[1:], ncol)
    row_change = np.append(rows[1:] != rows[:-1], True)
    ends = np.where(row_change, ncol, nxt)
    run_label = lab[rows, starts]
    keep = run_label >= 0
    rows, starts, ends, run_label = rows[keep], starts[keep], ends[keep], run_label[keep]
    boxes = shapely.box(
        grid.x0 + starts * grid.cell_m,
        grid.y0 + rows * grid.cell_m,
        grid.x0 + ends * grid.cell_m,
        grid.y0 + (rows + 1) * grid.cell_m,
    )
    order = np.argsort(run_label, kind="stable")
    run_label, boxes = run_label[order], boxes[order]
    uniq, first = np.unique(run_label, return_index=True)
    parts = np.split(boxes, first[1:])
    return {int(u): shapely.union_all(p) for u, p in zip(uniq, parts, strict=True)}


def simplify_coverage(geoms: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Simplify polygons that form a coverage, keeping shared edges shared.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Non-overlapping polygons sharing edges exactly, EPSG:27700.
    tolerance_m : float
        Simplification tolerance, metres.
    """
    out = shapely.coverage_simplify(np.asarray(geoms), tolerance_m, simplify_boundary=True)
    return shapely.make_valid(out)


def area_polygons(
    easting: np.ndarray,
    northing: np.ndarray,
    codes: np.ndarray | pd.Series,
    *,
    cell_m: float = 250.0,
    keep_within_m: float = 1500.0,
    close_m: float = 2000.0,
    tolerance_m: float = 0.0,
) -> gpd.GeoDataFrame:
    """One polygon per code, from labelled points (the recipe in the module docstring).

    Parameters
    ----------
    easting, northing : array-like
        Point coordinates, EPSG:27700 metres.
    codes : array-like of str
        The area code of each point (e.g. upper-tier authority of each postcode).
    cell_m, keep_within_m, close_m : float
        Grid parameters, metres; see :func:`label_grid`.
    tolerance_m : float
        Coverage simplification tolerance, metres (0: none).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code, geometry`` sorted by code, EPSG:27700.
    """
    cat = pd.Categorical(np.asarray(codes, dtype=object))
    grid = label_grid(
        np.asarray(easting), np.asarray(northing), cat.codes,
        cell_m=cell_m, keep_within_m=keep_within_m, close_m=close_m,
    )
    polys = grid_to_polygons(grid)
    labels = sorted(polys)
    geoms = np.array([polys[k] for k in labels], dtype=object)
    if tolerance_m > 0:
        geoms = simplify_coverage(geoms, tolerance_m)
    names = np.asarray(cat.categories, dtype=object)[labels]
    out = gpd.GeoDataFrame({"code": names.astype(str)}, geometry=list(geoms), crs=BNG)
    return out.sort_values("code").reset_index(drop=True)


def representative_points(
    easting: np.ndarray, northing: np.ndarray, codes: np.ndarray | pd.Series
) -> pd.DataFrame:
    """Postcode-density centroid of each code, snapped to its nearest own point.

    Parameters
    ----------
    easting, northing : array-like
        Point coordinates, EPSG:27700 metres.
    codes : array-like of str
        The area code of each point.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, easting, northing, postcodes`` (schema in the module docstring).
    """
    frame = pd.DataFrame({
        "code": np.asarray(codes, dtype=object),
        "easting": np.asarray(easting, dtype="float64"),
        "northing": np.asarray(northing, dtype="float64"),
    })
    _check_points(frame["easting"].to_numpy(), frame["northing"].to_numpy(), frame["code"].to_numpy())
    mean = frame.groupby("code", sort=True).agg(
        mx=("easting", "mean"), my=("northing", "mean"), postcodes=("easting", "size")
    )
    frame = frame.join(mean, on="code")
    frame["d2"] = (frame["easting"] - frame["mx"]) ** 2 + (frame["northing"] - frame["my"]) ** 2
    # the nearest own point; ties broken by coordinates so the result is deterministic
    frame = frame.sort_values(["code", "d2", "easting", "northing"], kind="stable")
    best = frame.drop_duplicates("code", keep="first")
    out = best[["code", "easting", "northing", "postcodes"]].reset_index(drop=True)
    out["code"] = out["code"].astype(str)
    out["postcodes"] = out["postcodes"].astype("int64")
    return out
