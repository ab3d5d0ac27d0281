"""Are a boundary file's shapes where their codes say? Checks per shape, every problem listed together.

A wrong ``.prj``, flipped longitudes, swapped codes or one broken feature can leave a
layer's total bounds overlapping England (so :func:`geo.crs.to_bng` accepts it) while
shapes lie elsewhere: the app would draw a mirrored England, or fail on coordinates that
are not numbers. The service calls these after :func:`geo.boundaries.read_boundaries`:

- :func:`check_locations`: each authority shape lies inside England's extent and contains
  (or lies within a few km of) the representative point of its code (the embedded
  ``data/authority_points.csv``, BNG metres);
- :func:`check_parts`: each district shape of a district file lies in the authority it
  belongs to (the embedded authority shapes, through :class:`geo.attribution.AreaIndex`).

Both work in EPSG:27700 metres and raise :class:`~sufficiency.errors.BoundaryError` (or
:class:`~sufficiency.errors.CRSError` when most shapes are misplaced).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sufficiency.errors import BoundaryError, CRSError, Problem

#: A shape may lie this far from its authority's representative point (BNG metres): generalised
#: coastlines and older vintages move edges by a few hundred metres, never by kilometres.
LOCATION_TOLERANCE_M = 5_000.0


def _where(code: str, name: str) -> str:
    return f"{code} ({name})" if name else code


def check_locations(shapes: gpd.GeoDataFrame, expected: pd.DataFrame, *, source: str | None = None,
                    tolerance_m: float = LOCATION_TOLERANCE_M) -> None:
    """Refuse shapes that are not where their authorities are: every problem listed together.

    Each shape must lie inside England's extent (:func:`geo.crs.outside_england`) and contain,
    or lie within ``tolerance_m`` of, a representative point of its code (a wrong ``.prj``,
    flipped longitudes or swapped codes put shapes elsewhere while the total bounds still
    overlap England). Codes without an expected point are not checked here.

    Parameters
    ----------
    shapes : GeoDataFrame [code, name, geometry], EPSG:27700
    expected : DataFrame [code, easting, northing] (BNG metres), one or more rows per code,
        with an optional ``tolerance_m`` column (e.g. wider for a council checked against its
        successors' points)
    source : file name for messages

    Raises
    ------
    CRSError
        When most shapes are misplaced (the coordinate reference system is wrong).
    BoundaryError
        Listing every misplaced shape.
    """
    from geo.crs import outside_england

    problems: list[Problem] = []
    names = shapes["name"].fillna("").astype(str) if "name" in shapes else pd.Series("", index=shapes.index)
    off = outside_england(shapes)
    for code, name in zip(shapes["code"][off], names[off], strict=True):
        problems.append(Problem(f"{_where(code, name)}: the shape reaches outside England (or has coordinates "
                                "that are not numbers): check the coordinates and the coordinate reference system",
                                file=source, column="geometry"))
    pairs = (shapes.loc[~off, ["code", "geometry"]].reset_index().merge(expected, on="code", how="inner"))
    if len(pairs):
        pts = shapely.points(pairs["easting"].to_numpy(float), pairs["northing"].to_numpy(float))
        pairs["distance_m"] = shapely.distance(np.asarray(pairs["geometry"].values), pts)
        allowed = pairs["tolerance_m"] if "tolerance_m" in pairs else pd.Series(tolerance_m, index=pairs.index)
        pairs["ok"] = pairs["distance_m"] <= allowed.fillna(tolerance_m)
        best = pairs.sort_values("distance_m").drop_duplicates("code")
        bad = best[~best["code"].isin(pairs.loc[pairs["ok"], "code"])]
        for r in bad.itertuples():
            name = names.loc[r.index]
            problems.append(Problem(
                f"{_where(r.code, name)}: the shape lies {r.distance_m / 1000:,.0f} km from where it should be (the "
                f"authority's representative point, easting {r.easting:,.0f}, northing {r.northing:,.0f}): are the "
                "coordinates, the codes or the file's coordinate reference system wrong?", file=source,
                column="geometry"))
    if not problems:
        return
    checked = len(shapes)
    if len(problems) > checked / 2 and checked >= 4:
        raise CRSError(problems=[Problem(
            f"{len(problems)} of the {checked} shapes are not where their authorities are: the file's coordinate "
            "reference system (its .prj, or a 'crs' member) is probably wrong, or the longitudes flipped",
            file=source), *problems])
    raise BoundaryError(problems=problems)


def check_parts(parts: gpd.GeoDataFrame, part_of: pd.Series, reference: gpd.GeoDataFrame, *,
                source: str | None = None, tolerance_m: float = LOCATION_TOLERANCE_M) -> None:
    """Refuse district shapes that do not lie in the authority they belong to (all listed together).

    Each part's point on its surface must fall in (or within ``tolerance_m`` of) the reference
    shape of its authority (:class:`geo.attribution.AreaIndex`), and inside England's extent.

    Parameters
    ----------
    parts : GeoDataFrame [code, name, geometry] of districts, EPSG:27700
    part_of : authority code of each part (aligned with ``parts``; <NA> = not checked)
    reference : GeoDataFrame [code, geometry] of authority shapes, EPSG:27700 (e.g. the embedded ones)
    """
    from geo.attribution import AreaIndex
    from geo.crs import outside_england

    problems: list[Problem] = []
    names = parts["name"].fillna("").astype(str)
    off = outside_england(parts)
    want = pd.Series(part_of.to_numpy(), index=parts.index).astype("string")
    check = ~off & want.isin(reference["code"]).to_numpy(dtype=bool)
    surface = shapely.point_on_surface(np.asarray(parts.geometry.values)[check])
    found = AreaIndex.from_polygons(reference).attribute(surface)
    shapes_of = reference.drop_duplicates("code").set_index("code").geometry
    target = np.asarray(shapes_of.reindex(want[check].to_numpy()).values)
    near = shapely.distance(surface, target) <= tolerance_m
    wrong = (found != want[check].to_numpy(dtype=object)) & ~near
    rows = np.flatnonzero(check)[wrong]
    for i in np.flatnonzero(off):
        problems.append(Problem(f"{_where(parts['code'].iloc[i], names.iloc[i])}: the shape reaches outside "
                                "England (or has coordinates that are not numbers)", file=source, column="geometry"))
    ref_names = (reference.drop_duplicates("code").set_index("code")["name"].fillna("").astype(str)
                 if "name" in reference else pd.Series(dtype="object"))

    def named(code: object) -> str:
        return _where(str(code), ref_names.get(code, "")) if code is not None else "no authority"

    for i, got in zip(rows, found[wrong], strict=True):
        problems.append(Problem(f"{_where(parts['code'].iloc[i], names.iloc[i])}: the shape is not in "
                                f"{named(want.iloc[i])}, the authority it belongs to (it lies in {named(got)}): "
                                "are the coordinates or the codes wrong?", file=source, column="geometry"))
    if problems:
        raise BoundaryError(problems=problems)
