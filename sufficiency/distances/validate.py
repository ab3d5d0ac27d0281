"""The one input check of the distance measures: collect every problem, then raise once.

Every measure in :mod:`sufficiency.distances` (radius, catchment, allocation,
scenarios) takes a plain frame of authorities:

==================  =====================================================
code                str, ONS authority code, unique
easting, northing   float, representative point, BNG (EPSG:27700) metres, finite
places              float, registered places (NaN counted as 0 places), not negative
children_in_homes   float, children needing a place (NaN = demand unknown), not negative
==================  =====================================================

:func:`check_authorities` checks all of it, as osmnx's ``_validate`` does for graphs:
missing columns, repeated codes, points missing or not finite, negative places or
children — all listed in one :class:`~sufficiency.errors.DistanceInputError`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency.errors import DistanceInputError

REQUIRED = ("code", "easting", "northing", "places", "children_in_homes")


def floats(series: pd.Series) -> np.ndarray:
    """A column as float64 numbers (NaN where missing or not a number)."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def check_authorities(authorities: pd.DataFrame) -> None:
    """Raise :class:`DistanceInputError` listing every problem of the authorities frame."""
    missing = [c for c in REQUIRED if c not in authorities.columns]
    if missing:
        raise DistanceInputError([f"columns missing: {', '.join(missing)}"])
    problems = []
    repeated = authorities.loc[authorities["code"].duplicated(), "code"].astype(str).tolist()
    if repeated:
        problems.append(f"authority codes must be unique; repeated: {', '.join(repeated[:5])}")
    xy = authorities[["easting", "northing"]].apply(floats).to_numpy(dtype="float64")
    no_point = ~np.isfinite(xy).all(axis=1)
    if no_point.any():
        bad = authorities.loc[no_point, "code"].astype(str).tolist()
        problems.append(f"authorities without a representative point: {', '.join(bad[:5])}")
    for column in ("places", "children_in_homes"):
        negative = floats(authorities[column]) < 0
        if negative.any():
            bad = authorities.loc[negative, "code"].astype(str).tolist()
            problems.append(f"negative {column} for {', '.join(bad[:5])}")
    if problems:
        raise DistanceInputError(problems)
