"""The data the model runs on, as one :class:`Dataset`: the embedded tables in ``data/``.

A user's own files replace parts of it through :func:`sufficiency.service.open_dataset`.
Every Dataset carries a content ``key``: equal keys mean equal data, so anything cached
on a key can never be served for another dataset (another session's upload).

File (built by ``scripts/build_data.py`` from the published raw files unless noted):

=========================  ======================================================
authorities.csv            :mod:`sufficiency.registry` frame
reference/*.csv            registry tables (:mod:`sufficiency.registry`), by hand
supply.csv                 :mod:`sufficiency.model.supply` frame (Ofsted)
demand.csv                 :mod:`sufficiency.model.demand` frame (DfE, per authority)
demand_totals.csv          DfE's published national and regional figures
authorities.geojson        authority polygons, EPSG:4326, [code, name]
regions.geojson            the nine regions, EPSG:4326, [region]
authority_points.csv       representative point per authority, BNG metres
reconciliation.csv         rows read / used / set aside, per raw file and reason
provider_authorities.csv   Ofsted URN -> authority code, category, last year registered
supply_years.csv           per supply year: the Ofsted snapshot date and file (2014: 30 September)
dfe_indicators.csv         DfE's series per authority/region/England and year (scripts/build_dfe_series.py)
dfe_neighbours.csv         DfE's statistical neighbours, May 2025 and April 2021 (same script)
=========================  ======================================================
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # geopandas is imported only when boundaries are loaded (a faster CLI start)
    import geopandas as gpd

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

_DTYPES = {
    "authorities": {"code": "string", "name": "string", "region_code": "string", "region": "string",
                    "first_year": "Int64", "last_year": "Int64", "successors": "string", "current": "bool"},
    "supply": {"year": "int64", "code": "string", "category": "string", "sector": "string",
               "short_break_only": "string", "homes": "int64", "places": "int64", "homes_no_places": "int64"},
    "demand": {"year": "int64", "code": "string", "placed_outside": "Int64", "placed_outside_marker": "string",
               "placed_outside_pct": "Float64", "placed_outside_pct_marker": "string", "net_gain": "Int64",
               "net_gain_marker": "string"},
    "dfe_indicators": {"code": "string", "level": "string", "name": "string", "year": "int64"},
}


@dataclass(frozen=True)
class Dataset:
    """Everything the model needs; frames documented in their modules."""

    authorities: pd.DataFrame
    code_aliases: pd.DataFrame
    supply: pd.DataFrame
    demand: pd.DataFrame
    demand_totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    boundaries: gpd.GeoDataFrame | None = None
    regions: gpd.GeoDataFrame | None = None
    points: pd.DataFrame | None = None
    reconciliation: pd.DataFrame = field(default_factory=pd.DataFrame)
    set_aside: pd.DataFrame = field(default_factory=pd.DataFrame)  # user files: [file, row, column, reason, value]
    providers: pd.DataFrame | None = None
    dfe_indicators: pd.DataFrame | None = None
    dfe_neighbours: pd.DataFrame | None = None
    supply_years: pd.DataFrame | None = None
    sources: dict[str, str] = field(default_factory=dict)
    key: str = "embedded"
    notices: tuple[str, ...] = ()
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> the user's file names
    boundary_layer: str | None = None  # the layer read from the user's boundary file (--layer)
    file_years: dict[str, tuple[int, ...]] = field(default_factory=dict)  # kind -> years the user's files cover
    # year -> codes a user's provider file covers, for years whose file covers only part of England
    # (the other authorities have no supply figure: "not in your file", never 0)
    supply_partial: dict[int, tuple[str, ...]] = field(default_factory=dict)


def _csv(path: Path, kind: str | None = None) -> pd.DataFrame:
    dtypes = _DTYPES.get(kind or "", None)
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    for col, dt in (dtypes or {}).items():
        if dt == "string" and col in frame:
            frame[col] = frame[col].fillna("")
    return frame


def _optional(path: Path, kind: str | None = None) -> pd.DataFrame | None:
    return _csv(path, kind) if path.exists() else None


def load_embedded(data_dir: Path | None = None, *, geometry: bool = True) -> Dataset:
    """Load the embedded tables from ``data/`` (or ``data_dir``).

    Boundaries are returned in EPSG:4326 (display); points are BNG metres.
    """
    d = Path(data_dir) if data_dir else DATA_DIR
    boundaries = regions = None
    if geometry:
        import geopandas as gpd

        boundaries = gpd.read_file(d / "authorities.geojson")
        regions = gpd.read_file(d / "regions.geojson")
    points = _csv(d / "authority_points.csv") if (d / "authority_points.csv").exists() else None
    return Dataset(
        authorities=_csv(d / "authorities.csv", "authorities"),
        code_aliases=_csv(d / "reference" / "code_aliases.csv"),
        supply=_csv(d / "supply.csv", "supply"),
        demand=_csv(d / "demand.csv", "demand"),
        demand_totals=_csv(d / "demand_totals.csv"),
        boundaries=boundaries,
        regions=regions,
        points=points,
        reconciliation=_csv(d / "reconciliation.csv"),
        providers=_optional(d / "provider_authorities.csv"),
        dfe_indicators=_optional(d / "dfe_indicators.csv", "dfe_indicators"),
        dfe_neighbours=_optional(d / "dfe_neighbours.csv"),
        supply_years=_optional(d / "supply_years.csv"),
        sources={"supply": "Ofsted providers (embedded)", "demand": "DfE FOI 2024-0040813 (embedded)",
                 "benchmarks": "DfE LAIT (April 2026 snapshot), Explore Education Statistics 2022-2025 releases, "
                               "DfE statistical neighbours (May 2025)",
                 "boundaries": "ONS Counties and Unitary Authorities, December 2024, ultra generalised (embedded)"},
        key="embedded:" + content_key(d) + ("" if geometry else ":no-geometry"),
    )


def content_key(data_dir: Path) -> str:
    """A short hash of every embedded file's bytes: changes whenever the data does."""
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file() and p.suffix in (".csv", ".geojson")):
        digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]

