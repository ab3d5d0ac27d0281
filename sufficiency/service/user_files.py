"""A user's own files turned into the frames of a :class:`~sufficiency.dataset.Dataset`.

Called by :func:`sufficiency.service.datasets.open_dataset`; each function returns the
new frame(s) and the reconciliation of every file read, with rows found unusable
after reading (an authority that matches nothing, a home listed in two files)
moved to the set-aside list, so rows in = rows used + rows set aside for every file.
"""

from __future__ import annotations

import io

import geopandas as gpd
import pandas as pd

from sufficiency.dataset import Dataset
from sufficiency.readers.reconcile import Reconciliation, set_aside_rows
from sufficiency.service.datasets import UserFile


def read_provider_files(base: Dataset, files: tuple[UserFile, ...]) -> tuple[pd.DataFrame, list[Reconciliation]]:
    """Supply from one or more Ofsted provider files (a year published in parts counts each home once).

    The years the files cover replace the embedded supply for those years; other years
    stay embedded.

    Returns
    -------
    (supply frame, one reconciliation per file)
    """
    from sufficiency.model.supply import attribute_providers, region_contradictions, summarise_supply
    from sufficiency.readers.ofsted import read_ofsted_providers

    frames, reports = [], []
    seen: dict[tuple[int, str], str] = {}
    for f in files:
        rows, rec = read_ofsted_providers(f.data, name=f.name)
        rows, unmatched = attribute_providers(rows, base.authorities)
        rec.set_aside_later(unmatched)
        rec.flag(region_contradictions(rows, base.authorities))
        keys = list(zip(rows["year"].astype(int), rows["urn"].astype(str), strict=True))
        again = pd.Series([k in seen for k in keys], index=rows.index, dtype=bool)
        if again.any():
            first = [seen[k] for k, dup in zip(keys, again, strict=True) if dup]
            rec.set_aside_later(set_aside_rows(rows.loc[again, "source_row"], "URN",
                                               [f"home already counted from {name}" for name in first],
                                               rows.loc[again, "urn"]))
        seen.update({k: f.name for k, dup in zip(keys, again, strict=True) if not dup})
        frames.append(rows[~again])
        reports.append(rec)
    supply = summarise_supply(pd.concat(frames, ignore_index=True))
    years = set(supply["year"])
    kept = base.supply[~base.supply["year"].isin(years)]
    return pd.concat([kept, supply], ignore_index=True), reports


def read_demand_files(base: Dataset, demand: UserFile, net_gain: UserFile | None
                      ) -> tuple[pd.DataFrame, pd.DataFrame, list[Reconciliation]]:
    """Demand from DfE's "placed outside the LA, children's homes" table (and its net-gain table).

    Returns
    -------
    (demand frame, published national/regional totals, reconciliations)
    """
    from sufficiency.model.demand import build_demand
    from sufficiency.readers.dfe import read_net_gain, read_placed_outside

    placed, rec = read_placed_outside(demand.data, name=demand.name)
    reports = [rec]
    if net_gain is not None:
        net, rec_ng = read_net_gain(net_gain.data, name=net_gain.name)
        reports.append(rec_ng)
    else:
        net = placed.iloc[0:0].assign(net_gain=pd.array([], dtype="Int64"), net_gain_marker="")
    frame, totals, aside = build_demand(placed, net, base.authorities, base.code_aliases)
    rec.set_aside_later(aside["placed_outside"])
    if net_gain is not None:
        reports[1].set_aside_later(aside["net_gain"])
    return frame, totals, reports


def read_boundaries_file(base: Dataset, file: UserFile) -> tuple[gpd.GeoDataFrame, Reconciliation]:
    """Authority shapes (EPSG:4326, for display) from a boundary file of any ONS vintage.

    A district (LAD) file is dissolved to the upper tier with the registry's lookup.
    """
    from geo.boundaries import dissolve_to_authorities, read_boundaries
    from geo.crs import to_wgs84
    from sufficiency.registry import lad_to_upper_tier, resolve_codes

    source = io.BytesIO(file.data)
    source.name = file.name
    shapes, rec = read_boundaries(source)
    if shapes["code"].str.startswith("E07").any():  # a district (LAD) file: build the upper tier
        names = dict(zip(base.authorities["code"], base.authorities["name"], strict=True))
        shapes = dissolve_to_authorities(shapes, lad_to_upper_tier(), names)
    shapes["code"] = resolve_codes(shapes["code"], base.code_aliases)
    return to_wgs84(shapes), rec
