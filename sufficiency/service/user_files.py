"""A user's own files turned into the frames of a :class:`~sufficiency.dataset.Dataset`.

Called by :func:`sufficiency.service.datasets.open_dataset`; each function returns the
new frame(s) and the reconciliation of every file read, with rows found unusable
after reading (an authority that matches nothing, a home listed in two files)
moved to the set-aside list, so rows in = rows used + rows set aside for every file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace

import geopandas as gpd
import pandas as pd

from sufficiency.dataset import Dataset
from sufficiency.errors import FileFormatError, InputError
from sufficiency.readers.reconcile import Reconciliation, set_aside_rows
from sufficiency.service.datasets import UserFile

#: Share of a year's authorities a provider file must name (in any row) to be taken as all of England.
NATIONAL_COVERAGE = 0.9


@dataclass
class ProviderFiles:
    """Supply read from a user's Ofsted provider files (see :func:`read_provider_files`)."""

    supply: pd.DataFrame
    reports: list[Reconciliation]
    years: tuple[int, ...]
    partial: dict[int, tuple[str, ...]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def read_provider_files(base: Dataset, files: tuple[UserFile, ...], year: int | None = None) -> ProviderFiles:
    """Supply from one or more Ofsted provider files (a year published in parts counts each home once).

    The years the files cover replace the embedded supply for those years; other years
    stay embedded. ``year`` (the command line's ``--year``) must be the year each file is
    about: a file about another year is an error naming both.

    A file (or the files of one year together) that names fewer than
    :data:`NATIONAL_COVERAGE` of that year's authorities in any row is *partial*: the
    authorities it does not name have no supply figure ("not in your file"), never 0.
    A national file leaves out the authorities with no homes (0 homes, 0 places); one it
    leaves out that had homes in the embedded Ofsted figures of the nearest year has no
    figure either, and the notice names it.
    """
    from sufficiency.model.supply import attribute_providers, region_contradictions, summarise_supply
    from sufficiency.readers.ofsted import read_ofsted_providers
    from sufficiency.registry import match_names, valid_in

    frames, reports = [], []
    seen: dict[tuple[int, str], str] = {}
    named: dict[int, set[str]] = {}
    names: dict[int, list[str]] = {}
    for f in files:
        rows, rec = read_ofsted_providers(f.data, year=year, name=f.name)
        yr = int(rows["year"].iloc[0]) if len(rows) else int(_file_year(rows, year))
        la = pd.Series(list(rows.attrs.get("la_names", ())), dtype="string")
        named.setdefault(yr, set()).update(match_names(la, yr, base.authorities).dropna())
        names.setdefault(yr, []).append(f.name)
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
    years = set(supply["year"]) | set(named)
    kept = base.supply[~base.supply["year"].isin(years)]
    out = ProviderFiles(pd.concat([kept, supply], ignore_index=True), reports, tuple(sorted(int(y) for y in years)))
    for yr, codes in named.items():
        live = set(base.authorities.loc[valid_in(base.authorities, yr), "code"])
        covered = codes & live
        files = f"{' and '.join(names[yr])} name{'s' if len(names[yr]) == 1 else ''}"
        if len(covered) < NATIONAL_COVERAGE * len(live):
            out.partial[yr] = tuple(sorted(covered))
            out.notices.append(
                f"{files} {len(covered)} of the {len(live)} authorities of {yr}: the other "
                f"{len(live) - len(covered)} have no figure for homes and places ('not in your file'), not 0")
            continue
        # a national file: an authority it does not name has no homes (0) -- unless Ofsted's
        # own figures had homes there, when a part of the file is more likely missing
        absent = live - covered
        had, when = _had_homes(base.supply, yr, absent)
        if had:
            out.partial[yr] = tuple(sorted(live - had))
            listed = [base.authorities.set_index("code")["name"].get(c, c) for c in sorted(had)]
            shown = ", ".join(listed[:12]) + (f" and {len(listed) - 12} more" if len(listed) > 12 else "")
            rest = len(absent) - len(had)
            out.notices.append(
                f"{files} {len(covered)} of the {len(live)} authorities of {yr} but not {len(had)} that had homes "
                f"in Ofsted's figures for {when} ({shown}): they have no figure for homes and places ('not in "
                f"your file'), not 0" + (f"; {rest} other{'s' if rest != 1 else ''} not named had no homes in "
                                         f"{when} either and count 0" if rest else ""))
    return out


def _had_homes(supply: pd.DataFrame, year: int, codes: set[str]) -> tuple[set[str], int | None]:
    """Which of ``codes`` had homes in ``supply`` (the embedded Ofsted figures) in the year nearest
    ``year`` (that year, else the latest before it, else the earliest after); and that year."""
    years = sorted(int(y) for y in supply["year"].unique())
    if not codes or not years:
        return set(), None
    before = [y for y in years if y <= year]
    when = before[-1] if before else years[0]
    homes = supply[(supply["year"] == when) & supply["code"].isin(codes)].groupby("code")["homes"].sum()
    return set(homes.index[homes > 0]), when


def _file_year(rows: pd.DataFrame, year: int | None) -> int:
    """The year of a file none of whose rows could be used (from its snapshot, else ``year``)."""
    snapshot = str(rows.attrs.get("snapshot", ""))
    return int(snapshot[-4:]) if snapshot[-4:].isdigit() else int(year or 0)


def _check_not_the_same_numbers(placed: pd.DataFrame, net: pd.DataFrame, placed_name: str, net_name: str) -> None:
    """Refuse a net-gain file whose every authority figure is the placed-outside number (the same table twice).

    A net gain is in minus out: it equals the number placed outside only by chance, never for
    every authority of a file (however few; the reader's own check needs 10 authorities).
    """
    keys = ["year", "code"]
    la = placed[placed["level"] == "Local authority"][[*keys, "placed_outside"]]
    both = la.merge(net[net["level"] == "Local authority"][[*keys, "net_gain", "source_row"]], on=keys).dropna(
        subset=["placed_outside", "net_gain"])
    if len(both) >= 2 and (both["placed_outside"] == both["net_gain"]).all():
        raise FileFormatError(
            f"every one of its {len(both)} authority figures is the number placed outside given in {placed_name}: "
            f"this is the placed-outside table again, not the net gain (in from other authorities minus out)",
            file=net_name, column="number", row=int(both["source_row"].iloc[0]))


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
        _check_not_the_same_numbers(placed, net, demand.name, net_gain.name)
    else:
        net = placed.iloc[0:0].assign(net_gain=pd.array([], dtype="Int64"), net_gain_marker="")
    frame, totals, aside = build_demand(placed, net, base.authorities, base.code_aliases)
    rec.set_aside_later(aside["placed_outside"])
    if net_gain is not None:
        reports[1].set_aside_later(aside["net_gain"])
    return frame, totals, reports


def read_boundaries_file(base: Dataset, file: UserFile, layer: str | None = None
                         ) -> tuple[gpd.GeoDataFrame, Reconciliation]:
    """Authority shapes (EPSG:4326, for display) from a boundary file of any ONS vintage.

    Validated per area before use, every problem listed together:

    - only children's services authority codes (E06/E08/E09/E10, of the file's vintage) and
      district codes (E07) are areas; any other code (a region E12, an LSOA E01...) is set
      aside with what it is (:func:`sufficiency.registry.boundary_code_reasons`);
    - a file holding several layers needs ``layer`` (:func:`geo.boundaries.read_boundaries`);
    - each district shape must lie in its authority (:func:`geo.shape_checks.check_parts`,
      against the embedded shapes); a district file is then dissolved to the upper tier;
    - each authority shape must contain (or lie within a few km of) its embedded
      representative point, or a successor's for an older council
      (:func:`geo.shape_checks.check_locations`).
    """
    from geo import BNG
    from geo.boundaries import dissolve_to_authorities, read_boundaries
    from geo.crs import to_wgs84
    from geo.shape_checks import check_locations, check_parts
    from sufficiency.registry import boundary_code_reasons, lad_to_upper_tier, resolve_codes

    def classify(codes: pd.Series, column: str) -> pd.Series:
        return boundary_code_reasons(codes, column, base.authorities, base.code_aliases)

    source = io.BytesIO(file.data)
    source.name = file.name
    shapes, rec = read_boundaries(source, layer=layer, classify=classify)
    if shapes["code"].str.startswith("E07").any():  # a district (LAD) file: build the upper tier
        lookup = lad_to_upper_tier()
        if base.boundaries is not None:
            check_parts(shapes, shapes["code"].map(lookup).fillna(shapes["code"]), base.boundaries.to_crs(BNG),
                        source=file.name)
        names = dict(zip(base.authorities["code"], base.authorities["name"], strict=True))
        try:
            shapes = dissolve_to_authorities(shapes, lookup, names)
        except InputError as exc:  # name the file in every problem
            raise type(exc)(problems=[replace(p, file=p.file or file.name) for p in exc.problems]) from None
    shapes["code"] = resolve_codes(shapes["code"], base.code_aliases)
    if base.points is not None:
        check_locations(shapes, expected_points(base), source=file.name)
    return to_wgs84(shapes), rec


#: How far an older council's shape may lie from its successors' points (they may sit in a part it lacked).
SUCCESSOR_TOLERANCE_M = 15_000.0


def expected_points(base: Dataset) -> pd.DataFrame:
    """Where each authority code should be: [code, easting, northing, tolerance_m] (BNG metres).

    Today's authorities: their embedded representative point. A council since abolished:
    the points of the councils that took over its area (one row each, a wider tolerance).
    """
    points = base.points[["code", "easting", "northing"]]
    succ = base.authorities[["code", "successors"]].assign(successor=base.authorities["successors"].fillna("")
                                                           .str.split(";")).explode("successor")
    succ = succ[succ["successor"].ne("") & ~succ["code"].isin(points["code"])]
    older = succ[["code", "successor"]].merge(points.rename(columns={"code": "successor"}), on="successor")
    return pd.concat([points.assign(tolerance_m=None),
                      older.drop(columns="successor").assign(tolerance_m=SUCCESSOR_TOLERANCE_M)], ignore_index=True)


def boundary_layers(file: UserFile) -> list[str]:
    """The layers a boundary file holds (several: the user must choose one; see ``UserFiles.layer``).

    Raises the readers' errors (FileFormatError, UnsafeArchiveError) for a file that cannot be opened.
    """
    from geo.boundaries import list_layers

    source = io.BytesIO(file.data)
    source.name = file.name
    return list_layers(source)
