"""Equal-area diffusion cartogram of authority points (used by ``scripts/build_hex_layout.py``).

A hex map gives every authority the same area, so London's 33 boroughs need about
33 hexagons' worth of room. Before points are snapped to a grid they are moved by a
diffusion cartogram (Gastner and Newman 2004, *Diffusion-based method for producing
density-equalizing maps*, PNAS 101:7499): each authority's polygon holds
``EQUAL_SHARE`` of one unit of "mass" spread evenly over it, plus ``1 -
EQUAL_SHARE`` times the plain land density (one unit per mean authority area), so
areas end up ``EQUAL_SHARE`` equal and the rest true; the sea holds the land's mean
density (so it neither grows nor shrinks); the mass diffuses until the density is
even and the points ride the flow ``v = -grad(rho) / rho``. The map is continuous, so an authority south of
another stays south of it: London swells and pushes Surrey and Kent outwards instead
of jumping over them.

Density lives on a raster over the authorities' bounding box with a margin of sea
(``PAD`` on every side); the diffusion is solved exactly in the cosine basis
(``scipy.fft.dctn``: reflecting edges), velocities are sampled bilinearly, points are
moved with explicit Euler steps no longer than ``MAX_STEP_CELLS`` raster cells.
Deterministic (no randomness).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.fft import dctn, idctn

CELLS = 192  # raster cells on the long side of the box
PAD = 0.35  # margin of sea on every side, share of the box's long side
SUPERSAMPLE = 2  # samples per raster cell per axis when rasterising polygons
MAX_STEP_CELLS = 0.2
EQUAL_SHARE = 0.8  # 1: every authority the same area; 0: areas as they are
RHO_FLOOR = 1e-6  # mass per raster cell (the sea holds about 0.01)
END_TIME_FACTOR = 0.5  # diffuse until t = END_TIME_FACTOR * CELLS**2 (density even by then)


def _raster(polygons: list, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, np.ndarray, np.ndarray]:
    """Rasterise the authorities.

    Returns mass per raster cell (see the module docstring; sea at the land mean), the raster's
    origin and cell size (m), and the sample points (m) inside each authority with their
    owner (index into ``polygons``).
    """
    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(polygons, dtype=object))
    side = max(x1 - x0, y1 - y0) * (1 + 2 * PAD)
    cell = side / CELLS
    origin = np.array([(x0 + x1) / 2 - side / 2, (y0 + y1) / 2 - side / 2])
    fine = CELLS * SUPERSAMPLE
    steps = (np.arange(fine) + 0.5) * (cell / SUPERSAMPLE)
    xs, ys = origin[0] + steps, origin[1] + steps
    mass = np.zeros((fine, fine))  # [row = y, column = x]
    land = np.zeros((fine, fine), dtype=bool)
    samples, owners = [], []
    mean_samples = float(shapely.area(np.asarray(polygons, dtype=object)).mean()) / (cell / SUPERSAMPLE) ** 2
    for owner, (poly, point) in enumerate(zip(polygons, points, strict=True)):
        bx0, by0, bx1, by1 = shapely.bounds(poly)
        cols = np.flatnonzero((xs >= bx0) & (xs <= bx1))
        rows = np.flatnonzero((ys >= by0) & (ys <= by1))
        gx, gy = np.meshgrid(xs[cols], ys[rows])
        inside = shapely.contains_xy(poly, gx, gy)
        if inside.sum() == 0:  # smaller than a sample (City of London): all mass at its point
            c, r = ((point - origin) / (cell / SUPERSAMPLE)).astype(int)
            mass[r, c] += EQUAL_SHARE
            land[r, c] = True
            samples.append(point[None, :])
            owners.append(np.array([owner]))
            continue
        rr, cc = np.meshgrid(rows, cols, indexing="ij")
        # each sample carries its share of the authority's unit plus, with weight
        # (1 - EQUAL_SHARE), the plain land density (1 per mean authority area)
        mass[rr[inside], cc[inside]] += EQUAL_SHARE / inside.sum() + (1 - EQUAL_SHARE) / mean_samples
        land[rr[inside], cc[inside]] = True
        samples.append(np.column_stack([gx[inside], gy[inside]]))
        owners.append(np.full(int(inside.sum()), owner))
    mass[~land] = mass[land].sum() / land.sum()
    coarse = mass.reshape(CELLS, SUPERSAMPLE, CELLS, SUPERSAMPLE).sum(axis=(1, 3))
    return coarse, origin, cell, np.concatenate(samples), np.concatenate(owners)


def _bilinear(field: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Sample ``field`` [row = y, col = x] at positions in cell units (centre of cell 0 at 0.5)."""
    n = field.shape[0]
    u = np.clip(xy[:, 0] - 0.5, 0, n - 1.000001)
    v = np.clip(xy[:, 1] - 0.5, 0, n - 1.000001)
    i, j = v.astype(int), u.astype(int)
    fv, fu = v - i, u - j
    return (field[i, j] * (1 - fu) * (1 - fv) + field[i, j + 1] * fu * (1 - fv)
            + field[i + 1, j] * (1 - fu) * fv + field[i + 1, j + 1] * fu * fv)


@dataclass(frozen=True)
class Cartogram:
    """Authorities on the equal-area cartogram (same CRS and units as the input).

    Attributes
    ----------
    centres : numpy.ndarray, shape (n, 2)
        Each authority's centre: the mean of its moved samples.
    samples : numpy.ndarray, shape (m, 2)
        Moved sample points (a raster of each polygon; an authority smaller than one
        sample is its representative point).
    owners : numpy.ndarray of int, shape (m,)
        The authority (index into the input) of each sample.
    points : numpy.ndarray, shape (n, 2)
        The input representative points, moved.
    """

    centres: np.ndarray
    samples: np.ndarray
    owners: np.ndarray
    points: np.ndarray


def equal_area_cartogram(polygons: list, points: np.ndarray) -> Cartogram:
    """Move every authority by a (nearly) equal-area cartogram of ``polygons``.

    Parameters
    ----------
    polygons : list of shapely geometries
        One polygon per authority, in a projected CRS (EPSG:27700 metres).
    points : numpy.ndarray, shape (n, 2)
        One point per authority, same CRS.

    Returns
    -------
    Cartogram
        Centres and moved samples, same CRS and units. Land keeps about its total area.
    """
    mass, origin, cell, samples, owners = _raster(polygons, points)
    n = CELLS
    k = np.pi * np.arange(n) / n
    decay = k[:, None] ** 2 + k[None, :] ** 2
    coeff = dctn(mass, type=2, norm="ortho")
    pos = (np.concatenate([samples, points]) - origin) / cell
    t, end = 0.0, END_TIME_FACTOR * n**2
    dt = 0.1
    while t < end:
        # the truncated cosine series can ring slightly below zero next to a tiny dense
        # authority; a floor keeps the velocity finite and pointing down the gradient
        rho = np.maximum(idctn(coeff * np.exp(-decay * t), type=2, norm="ortho"), RHO_FLOOR)
        gy, gx = np.gradient(rho)
        vx, vy = -gx / rho, -gy / rho
        vel = np.column_stack([_bilinear(vx, pos), _bilinear(vy, pos)])
        speed = float(np.abs(vel).max())
        dt = min(max(dt * 1.5, 0.1), MAX_STEP_CELLS / speed if speed > 0 else end)
        pos += vel * dt
        t += dt
        if speed * dt < 1e-4 and t > 0.01 * end:
            break
    moved = origin + pos[: len(samples)] * cell
    moved_points = origin + pos[len(samples):] * cell
    counts = np.bincount(owners, minlength=len(polygons))
    centres = np.column_stack([np.bincount(owners, moved[:, 0], len(polygons)),
                               np.bincount(owners, moved[:, 1], len(polygons))]) / counts[:, None]
    return Cartogram(centres, moved, owners, moved_points)
