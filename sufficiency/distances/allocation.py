"""Optimal allocation baseline: every child in a home placed as close as the places allow.

A transportation problem: supply = registered places per authority, demand =
children in homes per authority (rounded to whole children), cost = straight-line
km between the authorities' representative points (or a matrix you pass, e.g.
road km). Solved as a linear programme with HiGHS (``scipy.optimize.linprog``);
the constraint matrix is totally unimodular, so the optimum is in whole children.

When England's demand exceeds its places, as many children as possible are
placed (each unplaced child costs more than any placement) and the rest are
reported as ``unplaced``.

Input frame (checked by :mod:`sufficiency.distances.validate`): code, easting, northing (BNG
metres), places, children_in_homes. Missing places count as 0; authorities with
unknown children_in_homes have no demand in the problem and NaN in the summary.

Outputs of :func:`optimal_allocation`:

flows (one row per non-zero flow)
    from_code (demand authority, where the children come from), to_code (authority
    of the places), children (int), distance_km (float, per child)
summary (one row per authority, input order)
    code, children_in_homes (int, rounded; <NA> when unknown), allocated (int),
    unplaced (int), within_20_miles (int), share_within_20_miles (float 0..1, of
    children_in_homes), mean_distance_km (float, over allocated children)

Limitation: points are authority centroids, so children placed in their own
authority count as 0 km (within 20 miles) even in a large county.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from geo.distance import BAND_KM, distance_matrix
from sufficiency.distances.validate import check_authorities, floats


def _costs(authorities: pd.DataFrame, cost: str | np.ndarray) -> np.ndarray:
    n = len(authorities)
    if isinstance(cost, str):
        if cost != "distance":
            raise ValueError("cost must be 'distance' or an (n, n) matrix of km")
        return distance_matrix(authorities, authorities)
    matrix = np.asarray(cost, dtype="float64")
    if matrix.shape != (n, n) or not np.isfinite(matrix).all():
        raise ValueError(f"a cost matrix must be a finite ({n}, {n}) array of km, rows = demand")
    return matrix


def _solve(supply: np.ndarray, demand: np.ndarray, km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Minimum-km flows x[i, j] (demand i to supply j) and unplaced u[i]."""
    n_dem, n_sup = km.shape
    penalty = 10.0 * (km.max() + 1.0)  # an unplaced child costs more than any journey
    c = np.concatenate([km.ravel(), np.full(n_dem, penalty)])
    n_x = n_dem * n_sup
    rows = np.repeat(np.arange(n_dem), n_sup)
    # Demand rows: sum_j x[i, j] + u[i] = demand[i]
    a_eq = sp.hstack([sp.csr_matrix((np.ones(n_x), (rows, np.arange(n_x))), shape=(n_dem, n_x)),
                      sp.identity(n_dem, format="csr")], format="csr")
    # Supply rows: sum_i x[i, j] <= supply[j]
    cols = np.tile(np.arange(n_sup), n_dem)
    a_ub = sp.hstack([sp.csr_matrix((np.ones(n_x), (cols, np.arange(n_x))), shape=(n_sup, n_x)),
                      sp.csr_matrix((n_sup, n_dem))], format="csr")
    result = linprog(c, A_ub=a_ub, b_ub=supply, A_eq=a_eq, b_eq=demand, bounds=(0, None), method="highs")
    if result.status != 0:
        raise RuntimeError(f"the allocation could not be solved: {result.message}")
    solution = np.rint(result.x)  # integral at the optimum vertex; rint removes 1e-9 noise
    return solution[:n_x].reshape(n_dem, n_sup), solution[n_x:]


def optimal_allocation(authorities: pd.DataFrame,
                       cost: str | np.ndarray = "distance") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Place every authority's children in homes minimising total distance.

    Parameters
    ----------
    authorities : pandas.DataFrame
        code, easting, northing (BNG metres), places, children_in_homes.
    cost : "distance" or numpy.ndarray
        "distance" for straight-line km between points; or an (n, n) matrix of
        km, row = demand authority, column = supply authority, input order.

    Returns
    -------
    (flows, summary) : tuple of pandas.DataFrame
        Columns in the module docstring.
    """
    check_authorities(authorities)
    codes = authorities["code"].to_numpy()
    km = _costs(authorities, cost)
    supply = np.floor(np.nan_to_num(floats(authorities["places"]), nan=0.0).clip(min=0))
    raw_demand = floats(authorities["children_in_homes"])
    known = np.isfinite(raw_demand)
    demand = np.where(known, np.rint(np.nan_to_num(raw_demand, nan=0.0)).clip(min=0), 0.0)
    if demand.sum() == 0:
        x, unplaced = np.zeros_like(km), np.zeros(len(codes))
    else:
        x, unplaced = _solve(supply, demand, km)
    i, j = np.nonzero(x)
    flows = pd.DataFrame({"from_code": codes[i], "to_code": codes[j],
                          "children": x[i, j].astype("int64"), "distance_km": km[i, j]})
    allocated = x.sum(axis=1)
    within = (x * (km <= BAND_KM)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(demand > 0, within / demand, np.nan)
        mean_km = np.where(allocated > 0, (x * km).sum(axis=1) / allocated, np.nan)
    na = ~known
    summary = pd.DataFrame({
        "code": codes,
        "children_in_homes": pd.array(np.where(na, 0, demand).astype("int64"), dtype="Int64"),
        "allocated": pd.array(allocated.astype("int64"), dtype="Int64"),
        "unplaced": pd.array(unplaced.astype("int64"), dtype="Int64"),
        "within_20_miles": pd.array(within.astype("int64"), dtype="Int64"),
        "share_within_20_miles": np.where(na, np.nan, share),
        "mean_distance_km": np.where(na, np.nan, mean_km),
    })
    for column in ("children_in_homes", "allocated", "unplaced", "within_20_miles"):
        summary.loc[na, column] = pd.NA
    return flows, summary


def allocation_note(summary: pd.DataFrame) -> str:
    """A plain sentence on whether every child could be placed."""
    unplaced = int(summary["unplaced"].sum())
    demand = int(summary["children_in_homes"].sum())
    if unplaced == 0:
        return f"All {demand:,} children in homes fit in the registered places."
    return (f"England's demand ({demand:,} children in homes) exceeds the places available: "
            f"{demand - unplaced:,} placed, {unplaced:,} could not be placed anywhere.")
