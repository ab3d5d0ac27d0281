"""The embedded data in ``data/`` and a user's own files, as one :class:`Dataset`.

File (all built by ``scripts/build_data.py`` from the published raw files):

=========================  ======================================================
authorities.csv            :mod:`sufficiency.authorities` frame
authority_changes.csv      reorganisations (written by hand, sources in data/README.md)
code_aliases.csv           other codes of the same areas -> the codes used here
supply.csv                 :mod:`sufficiency.supply` frame (Ofsted)
demand.csv                 :mod:`sufficiency.demand` frame (DfE, per authority)
demand_totals.csv          DfE's published national and regional figures
authorities.geojson        authority polygons, EPSG:4326, [code, name]
regions.geojson            the nine regions, EPSG:4326, [region]
authority_points.csv       representative point per authority, BNG metres
reconciliation.csv         rows read / used / set aside, per raw file and reason
provider_authorities.csv   Ofsted URN -> authority code, category, last year registered
cla_context.csv            :mod:`sufficiency.context` frame (all looked-after children, 2016/2017)
=========================  ======================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
    providers: pd.DataFrame | None = None
    context: pd.DataFrame | None = None
    sources: dict[str, str] = field(default_factory=dict)


def _csv(path: Path, kind: str | None = None) -> pd.DataFrame:
    dtypes = _DTYPES.get(kind or "", None)
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    for col, dt in (dtypes or {}).items():
        if dt == "string" and col in frame:
            frame[col] = frame[col].fillna("")
    return frame


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
        code_aliases=_csv(d / "code_aliases.csv"),
        supply=_csv(d / "supply.csv", "supply"),
        demand=_csv(d / "demand.csv", "demand"),
        demand_totals=_csv(d / "demand_totals.csv"),
        boundaries=boundaries,
        regions=regions,
        points=points,
        reconciliation=_csv(d / "reconciliation.csv"),
        providers=_csv(d / "provider_authorities.csv") if (d / "provider_authorities.csv").exists() else None,
        context=_csv(d / "cla_context.csv") if (d / "cla_context.csv").exists() else None,
        sources={"supply": "Ofsted providers (embedded)", "demand": "DfE FOI 2024-0040813 (embedded)",
                 "boundaries": "derived from the ONS Postcode Directory (embedded)"},
    )


def with_frames(ds: Dataset, **frames) -> Dataset:
    """A copy of ``ds`` with some frames replaced (a user's own files)."""
    return replace(ds, **frames)


def load_user_files(base: Dataset, *, providers=None, demand=None, net_gain=None, boundaries=None,
                    names: dict[str, str] | None = None) -> tuple[Dataset, pd.DataFrame]:
    """Replace parts of ``base`` with a user's own files; the embedded data stays the default.

    Parameters
    ----------
    base : the embedded :class:`Dataset`
    providers : an Ofsted provider-level file (path or binary file-like): replaces the
        supply for the year(s) it covers
    demand : a DfE "placed outside the LA, children's homes" table: replaces demand
    net_gain : the matching DfE net-gain table (optional, with ``demand``)
    boundaries : any boundary file :func:`geo.boundaries.read_boundaries` reads
    names : display names of the files for messages (keys as the arguments)

    Returns
    -------
    (new Dataset, reconciliation summary [file, what, rows] for the files read)

    Raises
    ------
    InputError (or a subclass) naming the file, row, column and problem.
    """
    from geo.reconcile import combine
    from sufficiency.demand import build_demand
    from sufficiency.readers import read_net_gain, read_ofsted_providers, read_placed_outside
    from sufficiency.supply import attribute_providers, summarise_supply

    names = names or {}
    frames: dict = {}
    reports = []
    if providers is not None:
        rows, rec = read_ofsted_providers(providers, name=names.get("providers"))
        rows, unmatched = attribute_providers(rows, base.authorities)
        rec.rows_used -= len(unmatched)
        rec.set_aside = pd.concat([rec.set_aside, unmatched], ignore_index=True)
        supply = summarise_supply(rows)
        years = set(supply["year"])
        frames["supply"] = pd.concat([base.supply[~base.supply["year"].isin(years)], supply], ignore_index=True)
        reports.append(rec)
    if demand is not None:
        placed, rec = read_placed_outside(demand, name=names.get("demand"))
        reports.append(rec)
        if net_gain is not None:
            net, rec_ng = read_net_gain(net_gain, name=names.get("net_gain"))
            reports.append(rec_ng)
        else:
            net = placed.iloc[0:0].assign(net_gain=pd.array([], dtype="Int64"), net_gain_marker="")
        new_demand, totals, _aside = build_demand(placed, net, base.authorities, base.code_aliases)
        frames["demand"] = new_demand
        frames["demand_totals"] = totals
    if boundaries is not None:
        from geo.boundaries import dissolve_to_authorities, read_boundaries
        from geo.crs import to_wgs84
        from sufficiency.authorities import resolve_codes

        shapes, rec = read_boundaries(boundaries)
        reports.append(rec)
        if shapes["code"].str.startswith("E07").any():  # a district (LAD) file: build the upper tier
            shapes = dissolve_to_authorities(shapes)
        shapes["code"] = resolve_codes(shapes["code"], base.code_aliases)
        frames["boundaries"] = to_wgs84(shapes)
    sources = dict(base.sources)
    given = {"supply": ("providers", providers), "demand": ("demand", demand), "boundaries": ("boundaries", boundaries)}
    for label, (key, source) in given.items():
        if source is not None:
            sources[label] = f"your file: {names.get(key, key)}"
    return with_frames(base, sources=sources, **frames), combine(reports)
