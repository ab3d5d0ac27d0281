"""The one vocabulary of statistical markers DfE, ONS and Ofsted put in place of numbers.

A marker is never a zero: the value is missing and the marker is kept beside it (a
``<col>_marker`` column) so every screen and export can say why. Markers are matched
case-insensitively after stripping spaces.

======  ==========================================================
c       suppressed by DfE to protect confidentiality
x       suppressed or not available
z       not applicable (e.g. an authority that did not exist that year)
k       fewer than 0.5, rounds to zero -- not the same as 0
low     fewer than 0.5 / too low to show
u       low reliability (ONS)
:  .    not available
..      not available
======  ==========================================================
"""

from __future__ import annotations

MARKERS: dict[str, str] = {
    "c": "suppressed by DfE to protect confidentiality (c)",
    "x": "suppressed or not available (x)",
    "z": "not applicable (z)",
    "k": "fewer than 0.5, rounds to zero (k)",
    "low": "fewer than 0.5, rounds to zero (low)",
    "u": "low reliability (u)",
    ":": "not available (:)",
    ".": "not available (.)",
    "..": "not available (..)",
}


def marker_meaning(marker: str) -> str:
    """Plain-English meaning of a marker ("c" -> "suppressed by DfE to protect confidentiality (c)")."""
    return MARKERS.get(str(marker).strip().lower(), f"not published ({marker})")
