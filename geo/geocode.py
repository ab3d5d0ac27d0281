"""Offline geocoding of postcodes to British National Grid points.

:func:`geocode` looks every postcode up in the ONS Postcode Directory
(:func:`geo.postcodes.load_postcodes`): the exact full postcode first, then the
centroid of its sector ("SK1 1"), then of its district ("SK1"). The precision
used is recorded per row; a postcode that matches none of them is reported as
``"unknown"`` with no coordinates: never guessed.

Output of :func:`geocode`, one row per input, in input order:

==============  ===========================================================
input           str, the value as given
postcode        str, normalised ("SK1 1AA", sector "SK1 1", district "SK1"),
                <NA> when the value is not shaped like a postcode
easting         float, BNG (EPSG:27700) metres; NaN when unknown
northing        float, BNG (EPSG:27700) metres; NaN when unknown
lad_code        str, local authority district of the postcode; for a sector or
                district centroid the district holding most of its postcodes
                (the caller maps districts to authorities: geo/ knows no authorities)
precision       "postcode" | "sector" | "district" | "unknown"
==============  ===========================================================

A sector or district centroid is the unweighted mean of the grid references of
its live English postcodes.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from geo.postcodes import load_postcodes

PRECISIONS = ("postcode", "sector", "district", "unknown")

# Outward code: A9, A99, AA9, AA99, A9A, AA9A. Inward code: 9AA.
_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL = rf"^({_OUTWARD})([0-9][A-Z]{{2}})$"
_SECTOR = rf"^({_OUTWARD}) ([0-9])$"
_DISTRICT = rf"^({_OUTWARD})$"

def normalise_postcode(series: pd.Series) -> pd.Series:
    """Tidy postcodes to the published form, vectorised.

    Parameters
    ----------
    series : pandas.Series
        Postcodes as typed: any case, any spacing ("sk11aa", "SK1  1AA", " sk1 1aa").

    Returns
    -------
    pandas.Series (string dtype)
        "SK1 1AA" for a full postcode; "SK1 1" for a sector (only when written with
        a space, since "SK11" is a district); "SK1" for a district; <NA> for
        anything else. Same index as the input.
    """
    text = series.astype("string").str.upper().str.strip()
    compact = text.str.replace(r"\s+", "", regex=True)
    spaced = text.str.replace(r"\s+", " ", regex=True)
    out = pd.Series(pd.NA, index=series.index, dtype="string")
    full = compact.str.extract(_FULL)
    is_full = full[0].notna()
    out[is_full] = full.loc[is_full, 0] + " " + full.loc[is_full, 1]
    sector = spaced.str.extract(_SECTOR)
    is_sector = sector[0].notna() & ~is_full
    out[is_sector] = sector.loc[is_sector, 0] + " " + sector.loc[is_sector, 1]
    is_district = compact.str.fullmatch(_DISTRICT).fillna(False).astype(bool) & ~is_full & ~is_sector
    out[is_district] = compact[is_district]
    return out


def _areas(postcodes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sector and district centroids (mean easting/northing) with their modal district."""
    outward = postcodes["postcode_key"].str.slice(0, -3)
    sector = outward + " " + postcodes["postcode_key"].str.slice(-3, -2)
    frames = []
    for key in (sector, outward):
        base = pd.DataFrame({"key": key.to_numpy(), "easting": postcodes["easting"].to_numpy(),
                             "northing": postcodes["northing"].to_numpy(),
                             "lad_code": postcodes["lad_code"].astype("string").to_numpy()})
        centroid = base.groupby("key", sort=True)[["easting", "northing"]].mean()
        counts = base.groupby(["key", "lad_code"], sort=False).size().rename("n").reset_index()
        counts = counts.sort_values(["key", "n", "lad_code"], ascending=[True, False, True], kind="stable")
        modal = counts.drop_duplicates("key").set_index("key")["lad_code"]
        centroid["lad_code"] = modal.reindex(centroid.index)
        frames.append(centroid)
    return frames[0], frames[1]


@lru_cache(maxsize=1)
def _default_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return _tables(load_postcodes())


def _tables(postcodes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    full = pd.DataFrame(
        {"easting": postcodes["easting"].to_numpy(), "northing": postcodes["northing"].to_numpy(),
         "lad_code": postcodes["lad_code"].astype("string").to_numpy()},
        index=pd.Index(postcodes["postcode_key"].astype("string").to_numpy()),
    )
    sectors, districts = _areas(postcodes)
    return full, sectors, districts


def geocode(postcodes: pd.Series, directory: pd.DataFrame | None = None) -> pd.DataFrame:
    """Grid references for postcodes, with the precision reached for each.

    Parameters
    ----------
    postcodes : pandas.Series
        Postcodes, sectors or districts in any formatting.
    directory : pandas.DataFrame, optional
        A postcode directory with the columns of :func:`geo.postcodes.load_postcodes`
        (for tests); the full ONS directory when omitted (cached after first use).

    Returns
    -------
    pandas.DataFrame
        The columns in the module docstring, one row per input, index 0..n-1.
        Coordinates are British National Grid (EPSG:27700) metres.
    """
    full, sectors, districts = _default_tables() if directory is None else _tables(directory)
    given = pd.Series(postcodes).reset_index(drop=True)
    norm = normalise_postcode(given)
    n = len(norm)
    easting = np.full(n, np.nan)
    northing = np.full(n, np.nan)
    lad = np.full(n, None, dtype=object)
    precision = np.full(n, "unknown", dtype=object)
    key_full = norm.str.replace(" ", "", regex=False)
    is_full = norm.str.fullmatch(rf"{_OUTWARD} [0-9][A-Z]{{2}}").fillna(False).to_numpy(dtype=bool)
    # Sector and district keys for every row: a full postcode falls back to them.
    outward = norm.str.split(" ").str[0]
    sector_key = norm.str.extract(rf"^({_OUTWARD} [0-9])")[0]
    steps = (("postcode", full, key_full.where(is_full)), ("sector", sectors, sector_key),
             ("district", districts, outward))
    for name, table, keys in steps:
        todo = precision == "unknown"
        if not todo.any():
            break
        pos = table.index.get_indexer(keys.fillna("").to_numpy())
        hit = todo & (pos >= 0)
        found = table.iloc[pos[hit]]  # pick the rows first: the directory has 2.26 M of them
        easting[hit] = found["easting"].to_numpy()
        northing[hit] = found["northing"].to_numpy()
        lad[hit] = found["lad_code"].to_numpy(dtype=object)
        precision[hit] = name
    lad_series = pd.Series(lad, dtype="string")
    return pd.DataFrame(
        {
            "input": given.astype("string"),
            "postcode": norm.reset_index(drop=True),
            "easting": easting,
            "northing": northing,
            "lad_code": lad_series,
            "precision": pd.Series(precision, dtype="string"),
        }
    )
