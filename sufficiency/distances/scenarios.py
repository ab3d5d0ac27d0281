"""Scenarios: "open N places in authority X" / "close N places in Y", before and after.

:func:`apply_scenario` changes places; :func:`scenario_report` recomputes the
local bed gap, the sufficiency radius and the optimal-allocation share within 20
miles for both frames and keeps only the authorities where something changed.

Input frame: code, easting, northing (BNG metres), places, children_in_homes,
optionally name (as :mod:`sufficiency.distances.radius`).

:func:`scenario_report` columns:

==================================  ==========================================
code, name                          authority
places_before, places_after         registered places
local_bed_gap_before/_after         children_in_homes - places (positive = shortfall)
sufficiency_radius_km_before/_after km, see :func:`sufficiency.distances.radius.sufficiency_radius`
share_within_20_miles_before/_after 0..1, optimal allocation
                                    (:func:`sufficiency.distances.allocation.optimal_allocation`)
==================================  ==========================================

The optimal allocation can have several equally short solutions; we solve both
sides the same way, so authorities far from the change stay as they were unless
the change really moves children.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sufficiency.distances.access import allocation_inputs
from sufficiency.distances.allocation import allocation_note, optimal_allocation
from sufficiency.distances.radius import sufficiency_radius
from sufficiency.errors import BadValueError, Problem, UnknownAuthorityError
from sufficiency.model.measures import with_places
from sufficiency.model.regional import regional_concentration

MEASURES = ("places", "local_bed_gap", "sufficiency_radius_km", "share_within_20_miles")


def apply_scenario(authorities: pd.DataFrame, changes: Iterable[tuple[str, float]]) -> pd.DataFrame:
    """A copy of ``authorities`` with places opened (+) or closed (-).

    Parameters
    ----------
    authorities : pandas.DataFrame
        Must have code and places; ``local_bed_gap`` is recomputed if present.
    changes : iterable of (code, delta_places)
        Several changes to the same code add up.

    Raises
    ------
    UnknownAuthorityError
        A code not in ``authorities``.
    BadValueError
        A closure of more places than the authority has, or a non-whole number.
    """
    changes = list(changes)
    known = set(authorities["code"])
    unknown = [Problem("no such authority in the data", column="code", value=str(c))
               for c, _ in changes if c not in known]
    if unknown:
        raise UnknownAuthorityError(problems=unknown)
    delta = pd.Series(0.0, index=authorities["code"].to_numpy())
    for code, change in changes:
        if not float(change).is_integer():
            raise BadValueError("places change by whole numbers", column="delta_places", value=str(change))
        delta[code] += float(change)
    out = authorities.copy()
    before = pd.to_numeric(out["places"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    after = before + delta.to_numpy()
    negative = [Problem(f"cannot close {-int(d)} places: it has {int(b)}", column="places", value=str(c))
                for c, b, d, a in zip(out["code"], before, delta.to_numpy(), after, strict=True) if a < 0]
    if negative:
        raise BadValueError(problems=negative)
    changed = delta.to_numpy() != 0
    out["places"] = np.where(changed, after, out["places"].to_numpy(dtype="float64", na_value=np.nan))
    if "places_offered" in out.columns:  # opened places are vacancies: all offered; closures come off too
        offered = pd.to_numeric(out["places_offered"], errors="coerce").fillna(0).to_numpy(dtype="float64")
        out["places_offered"] = np.maximum(offered + delta.to_numpy(), 0)
    if "local_bed_gap" in out.columns:
        out["local_bed_gap"] = pd.to_numeric(out["children_in_homes"], errors="coerce") - out["places"]
    return out


def _measures(authorities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scenario's measures per authority, and the allocation summary they came from."""
    places = pd.to_numeric(authorities["places"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    demand = pd.to_numeric(authorities["children_in_homes"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    # The allocation uses the places offered to children (see sufficiency.distances.access) where given.
    offered = authorities.assign(places=authorities["places_offered"]) if "places_offered" in authorities else authorities
    _, summary = optimal_allocation(offered)
    radius = sufficiency_radius(authorities)
    return pd.DataFrame({
        "places": places,
        "local_bed_gap": demand - places,
        "sufficiency_radius_km": radius["sufficiency_radius_km"].to_numpy(),
        "share_within_20_miles": summary["share_within_20_miles"].to_numpy(dtype="float64"),
    }, index=authorities["code"].to_numpy()), summary


def _differs(a: pd.Series, b: pd.Series) -> np.ndarray:
    x = a.to_numpy(dtype="float64")
    y = b.to_numpy(dtype="float64")
    same = np.isclose(x, y, rtol=0, atol=1e-9) | (np.isnan(x) & np.isnan(y)) | (x == y)
    return ~same


def scenario_report(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Before/after measures for every authority the scenario changed.

    Parameters
    ----------
    before, after : pandas.DataFrame
        The same authorities (same codes) before and after :func:`apply_scenario`.

    Returns
    -------
    pandas.DataFrame
        Columns in the module docstring; only rows where any measure changed, in
        the order of ``before``.
    """
    return _report(before, after)[0]


def _report(before: pd.DataFrame, after: pd.DataFrame, m_before: pd.DataFrame | None = None
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(:func:`scenario_report`, the allocation summary after the change); ``m_before`` reuses
    the base year's solved measures (:class:`ScenarioBase`)."""
    if sorted(before["code"]) != sorted(after["code"]):
        raise ValueError("before and after must hold the same authorities")
    after = after.set_index("code").loc[before["code"]].reset_index()
    if m_before is None:
        m_before, _ = _measures(before)
    m_after, summary_after = _measures(after)
    out = pd.DataFrame({"code": before["code"].to_numpy()})
    out["name"] = before["name"].to_numpy() if "name" in before.columns else ""
    changed = np.zeros(len(out), dtype=bool)
    for measure in MEASURES:
        out[f"{measure}_before"] = m_before[measure].to_numpy()
        out[f"{measure}_after"] = m_after[measure].to_numpy()
        changed |= _differs(m_before[measure], m_after[measure])
    return out.loc[changed].reset_index(drop=True), summary_after


@dataclass(frozen=True)
class ScenarioBase:
    """A year's inputs and solved measures before any change: solved once, reused by every scenario."""

    inputs: pd.DataFrame  # allocation_inputs of the year (children_in_homes as float)
    measures: pd.DataFrame  # _measures(inputs): places, gap, radius, optimal share within 20 miles


def scenario_base(measures: pd.DataFrame, points: pd.DataFrame, totals: pd.DataFrame) -> ScenarioBase:
    """Solve the year's base problem once (the optimal allocation and radius before any change)."""
    regional = regional_concentration(measures, totals)
    before = allocation_inputs(measures, points, regional)
    before = before.assign(children_in_homes=before["children_in_homes"].astype(float))
    return ScenarioBase(before, _measures(before)[0])


def run_scenario(measures: pd.DataFrame, points: pd.DataFrame, totals: pd.DataFrame,
                 changes: list[tuple[str, float]], base: ScenarioBase | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Open/close places and report what changes.

    Returns
    -------
    (report, measures_after, note): the before/after table of
    :func:`sufficiency.distances.scenarios.scenario_report` for the authorities that change, with
    the local bed gap from published demand only (missing where DfE suppressed it; the
    allocation alone uses the regional estimate, flagged in ``demand_estimated``), and
    the year's measures after the change (places and local bed gap), and a sentence on
    whether every child could be placed after it
    (:func:`sufficiency.distances.allocation.allocation_note`).
    """
    base = base or scenario_base(measures, points, totals)
    before = base.inputs
    after = apply_scenario(before, changes)
    report, summary_after = _report(before, after, base.measures)
    published = measures.set_index("code")["children_in_homes"].astype("Float64")
    for side in ("before", "after"):
        report[f"local_bed_gap_{side}"] = (report["code"].map(published) - report[f"places_{side}"]).astype("Float64")
    report["demand_estimated"] = report["code"].map(before.set_index("code")["demand_estimated"]).astype(bool)
    report.insert(2, "distance_method", "straight line")
    new_places = dict(zip(after["code"], after["places"], strict=True))
    changed = {c for c, _ in changes}
    measures_after = with_places(measures, {c: p for c, p in new_places.items() if c in changed})
    return report, measures_after, allocation_note(summary_after)
