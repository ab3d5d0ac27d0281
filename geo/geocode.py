"""Offline geocoding of postcodes to British National Grid points.

:func:`geocode` looks every postcode up in the ONS Postcode Directory
through its memory-mapped index (:func:`geo.postcodes.default_index`), with numpy
``searchsorted`` over every row at once: the exact full postcode first, then the
centroid of its sector ("SK1 1"), then of its district ("SK1"). The precision
used is recorded per row; a postcode that matches none of them is reported as
``"unknown"`` with no coordinates: never guessed.

Geometry only: mapping a district to its children's services authority is the
caller's job (the authority registry).

Output of :func:`geocode`, one row per input, in input order:

==============  ===========================================================
input           str, the value as given
postcode        str, normalised ("SK1 1AA", sector "SK1 1", district "SK1"),
                <NA> when the value is not shaped like a postcode
easting         float, BNG (EPSG:27700) metres; NaN when unknown
northing        float, BNG (EPSG:27700) metres; NaN when unknown
lad_code        str, local authority district of the postcode; for a sector or
                district centroid the district holding most of its postcodes
                (ties: the lowest code); <NA> when unknown
precision       "postcode" | "sector" | "district" | "unknown"
==============  ===========================================================

A sector or district centroid is the unweighted mean of the grid references of
its live English postcodes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.postcodes import PostcodeIndex, default_index, find, key_bytes, prefix

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




def _query_keys(norm: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index keys (``S8``) of normalised postcodes: full ("SK11AA"), sector ("SK1 1"), outward ("SK1").

    A key that does not apply (a sector has no full key, <NA> has none) is ``b""``,
    which matches nothing. Vectorised on a byte matrix: no Python loop over rows.
    """
    matrix = key_bytes(np.asarray(norm.fillna("").to_numpy(dtype=object), dtype="S8"))
    length = (matrix != 0).sum(axis=1)
    is_space = matrix == ord(" ")
    has_space = is_space.any(axis=1)
    space = np.where(has_space, is_space.argmax(axis=1), length)
    is_full = has_space & (length - space == 4)
    cols = np.arange(matrix.shape[1])
    compact = np.take_along_axis(matrix, np.minimum(cols + (cols >= space[:, None]), cols[-1]), axis=1)
    full = prefix(compact, np.where(is_full, length - 1, 0))
    return full, prefix(matrix, np.where(has_space, space + 2, 0)), prefix(matrix, space)


def geocode(postcodes: pd.Series, directory: pd.DataFrame | None = None) -> pd.DataFrame:
    """Grid references for postcodes, with the precision reached for each.

    Parameters
    ----------
    postcodes : pandas.Series
        Postcodes, sectors or districts in any formatting.
    directory : pandas.DataFrame, optional
        A small postcode directory (for tests) with columns postcode_key, easting,
        northing (BNG EPSG:27700 whole metres) and lad_code, indexed in memory the
        same way as the real one; the memory-mapped index of the ONS directory
        (:func:`geo.postcodes.default_index`, built once per installed version) when omitted.

    Returns
    -------
    pandas.DataFrame
        The columns in the module docstring, one row per input, index 0..n-1.
        Coordinates are British National Grid (EPSG:27700) metres.
    """
    index = default_index() if directory is None else PostcodeIndex.from_frame(directory)
    given = pd.Series(postcodes).reset_index(drop=True)
    norm = normalise_postcode(given)
    n = len(norm)
    easting = np.full(n, np.nan)
    northing = np.full(n, np.nan)
    lad = np.full(n, -1, dtype=np.int64)
    level = np.full(n, len(PRECISIONS) - 1, dtype=np.int8)  # "unknown" until found
    for step, (table, keys) in enumerate(zip((index.points, index.sectors, index.outwards),
                                             _query_keys(norm), strict=True)):
        todo = np.flatnonzero(level == len(PRECISIONS) - 1)
        if len(todo) == 0:
            break
        pos = find(table.keys, keys[todo])
        rows, pos = todo[pos >= 0], pos[pos >= 0]
        easting[rows] = table.easting[pos]
        northing[rows] = table.northing[pos]
        lad[rows] = table.lad[pos]
        level[rows] = step
    codes = np.append(np.asarray(index.lad_codes, dtype=object), None)  # row -1 reads as missing
    return pd.DataFrame(
        {
            "input": given.astype("string"),
            "postcode": norm,
            "easting": easting,
            "northing": northing,
            "lad_code": pd.array(codes[lad], dtype="string"),
            "precision": pd.array(np.asarray(PRECISIONS, dtype=object)[level], dtype="string"),
        }
    )
