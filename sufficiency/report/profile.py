"""The :class:`Profile`: every figure and sentence of one authority's report, ready to draw.

Built by :func:`sufficiency.service.profiles.authority_profile` from the service's own
tables, never recomputed: the authority's figures are its row of the shortfall export
after the disclosure rule (:func:`sufficiency.export.apply_disclosure`), so the report
and ``python -m sufficiency export`` agree for the same year, categories and rule. The
helpers here only select, reshape and apply that same rule to the few counts the report
derives (children placed inside, children from other authorities).

Figures are kept raw (float, ``"c"`` when suppressed, ``None`` when missing); the
renderers write them with :func:`sufficiency.report.numbers.figure`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sufficiency.export import apply_disclosure
from sufficiency.report.numbers import is_missing

#: The headline rows, in the order a member reads them: (column, label, unit, child count?). The gap is
#: places minus children, not a count of children: the rule hides it with the children's figure.
HEADLINE = (
    ("places", "Registered children's home places in the area", "places", False),
    ("children_in_homes", "Its looked-after children living in children's homes", "children", True),
    ("local_bed_gap", "Local bed gap: children in homes minus local places (minus = more places than children)",
     "places", False),
    ("places_per_child", "Local places per child in a home", "places per child", False),
    ("placed_outside_pct", "Children in homes placed outside the authority", "%", False),
    ("placed_over_20_miles_outside_pct", "All looked-after children placed outside and over 20 miles "
                                         "away (DfE)", "%", False),
)
#: The distance measures and what each means.
DISTANCES = (
    ("sufficiency_radius_km", "Sufficiency radius", "km"),
    ("access_index", "Places within 20 miles per child, shared with every authority that needs them (2SFCA)",
     "places per child"),
    ("optimal_share_within_20_miles", "Best achievable share of its children within 20 miles", "share"),
)
#: Distance measures computed from a child count: shown only where the count is (module docstring).
DISTANCE_DERIVED = ("access_index", "optimal_share_within_20_miles")
TREND_COLUMNS = ["year", "code", "name", "homes", "places", "places_local_authority", "places_private",
                 "places_voluntary", "places_health_authority", "children_in_homes", "placed_outside",
                 "placed_outside_pct", "net_gain", "local_bed_gap", "placed_over_20_miles_outside_pct",
                 "demand_note", "supply_note"]
SECTOR_HOMES = {"Local authority": "homes_local_authority", "Private": "homes_private",
                "Voluntary": "homes_voluntary", "Health authority": "homes_health_authority"}


@dataclass(frozen=True)
class Comparison:
    """One measure of the authority against England, its region and its DfE neighbours' average."""

    measure: str
    label: str
    unit: str
    authority: object
    england: object
    region: object
    neighbours: object
    neighbours_with_figure: int
    child_count: bool
    low: object = None
    high: object = None
    reading: str = ""


@dataclass(frozen=True)
class Exchange:
    """Where the authority's children in homes live, and whose children live in its homes (DfE, derived)."""

    children_in_homes: object
    placed_inside: object  # children_in_homes - placed_outside
    placed_outside: object
    from_elsewhere: object  # net_gain + placed_outside: other authorities' children in homes here
    net_gain: object
    places: object
    reading: str = ""
    other_places: object = None  # places - placed_inside - from_elsewhere (None when negative or unknown)


@dataclass(frozen=True)
class PlacementsSection:
    """A commissioner's own placements list, summarised for the authority (counts under the rule)."""

    file: str
    method: str
    placements: object
    within_20_miles: object
    over_20_miles: object
    share_over_20_miles: object
    outside_la: object
    median_distance_km: object
    destinations: pd.DataFrame  # [code, name, placements] largest first, "c" for small counts
    reading: str = ""


@dataclass(frozen=True)
class ScenarioSection:
    """Before and after a scenario: the changes, the authority's own figures, every other authority changed."""

    changes: list[tuple[str, str, int]]  # (code, name, +opened / -closed places)
    own: dict  # places / local_bed_gap / sufficiency_radius_km / share_within_20_miles, _before and _after
    others: pd.DataFrame
    note: str
    reading: str = ""


@dataclass(frozen=True)
class Profile:
    """One authority's sufficiency profile for one year (see the module docstring).

    Attributes
    ----------
    code, name, region : the unit as drawn that year (a predecessor or combined unit in earlier years)
    year : 31 March of the year
    categories : labels of the provision counted
    disclosure, disclosure_rule : the small-number rule (a key of ``sufficiency.export.RULES``) and its text
    row : the authority's row of the shortfall export after the rule (column -> raw value)
    answer, comparison : the two sentences on the cover: enough local places? and against the DfE neighbours
    headline : the comparisons of :data:`HEADLINE`
    neighbours : DfE's statistical neighbours with their figures after the rule
        [rank, code, name, closeness, places, children_in_homes, local_bed_gap, places_per_child,
        placed_outside_pct, placed_over_20_miles_outside_pct]
    neighbours_vintage : DfE's groups used ("May 2025", "April 2021" or "")
    map : (England panel, region panel) drawings, or None without shapes
    trends : the authority and its predecessors over every year (:data:`TREND_COLUMNS`, homes by
        sector, england_placed_outside_pct), after the rule
    trend_notes : why some years have no figure
    exchange, distances, placements, scenario : sections 4-6 (placements and scenario may be None)
    notes : (heading, text) data notes; sources : what each figure comes from; command : the CLI call
    """

    code: str
    name: str
    region: str
    year: int
    categories: tuple[str, ...]
    disclosure: str
    disclosure_rule: str
    row: dict
    answer: str
    comparison: str
    headline: list[Comparison]
    neighbours: pd.DataFrame
    neighbours_vintage: str
    map: tuple | None
    trends: pd.DataFrame
    trend_notes: list[str]
    exchange: Exchange
    distances: list[Comparison]
    placements: PlacementsSection | None
    scenario: ScenarioSection | None
    notes: list[tuple[str, str]]
    sources: list[tuple[str, str]]
    command: str
    members: list[str] = field(default_factory=list)


def raw(value: object) -> object:
    """A table cell as the report keeps it: float, "c", or None (missing)."""
    if isinstance(value, str):
        return value if value == "c" else (None if value == "" else value)
    return None if is_missing(value) else float(value)


def raw_series(values: pd.Series) -> pd.Series:
    """A column as the report keeps it (:func:`raw` per cell, object dtype: None stays None)."""
    return pd.Series([raw(v) for v in values], index=values.index, dtype=object)


def disclosed_count(value: object, inputs: list[object], disclosure: str) -> object:
    """A count the report derives from disclosed ones, under the same rule (see :func:`derived_counts`)."""
    if any(v == "c" for v in inputs):
        return "c"
    if value is None or any(v is None for v in inputs):
        return None
    frame = apply_disclosure(pd.DataFrame({"children": [float(value)]}), disclosure)
    return raw(frame["children"].iloc[0])


def derived_counts(table: pd.DataFrame, disclosure: str) -> pd.DataFrame:
    """Children placed inside (children_in_homes - placed_outside) and other authorities' children in homes
    here (net_gain + placed_outside), per authority of a disclosed export ``table``.

    "c" where an input is suppressed; otherwise each count goes through
    :func:`~sufficiency.export.apply_disclosure` as a count of children (1-5 suppressed, or rounded).
    """
    def num(col: str) -> pd.Series:
        return pd.to_numeric(table[col].mask(table[col].astype(object).eq("c")), errors="coerce")

    hidden = {c: table[c].astype(object).eq("c") for c in ("children_in_homes", "placed_outside", "net_gain")}
    def rule(counts: pd.Series) -> pd.Series:  # one count per frame: no row-wise effect between the two
        return apply_disclosure(pd.DataFrame({"children": counts}), disclosure)["children"].astype(object)

    inside = rule(num("children_in_homes") - num("placed_outside"))
    inside = inside.mask(hidden["children_in_homes"] | hidden["placed_outside"], "c")
    elsewhere = rule(num("net_gain") + num("placed_outside")).mask(hidden["net_gain"] | hidden["placed_outside"], "c")
    return pd.DataFrame({"code": table["code"].to_numpy(), "placed_inside": raw_series(inside).to_numpy(),
                         "from_elsewhere": raw_series(elsewhere).to_numpy()})


def headline(row: dict, bench: pd.DataFrame) -> list[Comparison]:
    """The headline comparisons: the authority's export figures against ``bench`` (benchmarks rows)."""
    by = {b: bench[bench["benchmark"] == b].iloc[0] if (bench["benchmark"] == b).any() else None
          for b in ("England", "region", "DfE neighbours' average")}
    counts = {}
    near = by["DfE neighbours' average"]
    if near is not None:
        for part in str(near.get("authorities", "")).split(", "):
            if ": " in part:
                col, n = part.split(": ")
                counts[col] = int(n.split(" of ")[0])
    out = []
    for col, label, unit, child in HEADLINE:
        def pick(b: str, col: str = col) -> object:
            r = by[b]
            return raw(r[col]) if r is not None and col in r.index else None

        low = raw(row.get(f"{col}_low")) if col in ("children_in_homes", "local_bed_gap") else None
        high = raw(row.get(f"{col}_high")) if col in ("children_in_homes", "local_bed_gap") else None
        out.append(Comparison(col, label, unit, raw(row.get(col)), pick("England"), pick("region"),
                              pick("DfE neighbours' average"), counts.get(col, 0), child, low, high))
    return out


def neighbour_rows(neighbours: pd.DataFrame, disclosed: pd.DataFrame) -> pd.DataFrame:
    """DfE's neighbours (rank order) with their figures from the disclosed export table."""
    cols = ["places", "children_in_homes", "local_bed_gap", "places_per_child", "placed_outside_pct",
            "placed_over_20_miles_outside_pct"]
    figures = disclosed.set_index("code")[cols]
    out = neighbours[["rank", "neighbour_code", "neighbour_name", "closeness"]].rename(
        columns={"neighbour_code": "code", "neighbour_name": "name"}).reset_index(drop=True)
    joined = figures.reindex(out["code"]).reset_index(drop=True)
    out = pd.concat([out, joined], axis=1)
    for c in cols:
        out[c] = raw_series(out[c])
    out["name"] = out["name"].fillna(out["code"]).astype(str)
    return out


def homes_by_sector(supply: pd.DataFrame, rows: pd.DataFrame, categories: tuple[str, ...]) -> pd.DataFrame:
    """Homes per sector for each row [year, code, members] (summed over the councils counted in the unit).

    Missing (not zero) in a year without Ofsted figures.
    """
    members = rows[["year", "code"]].assign(member=rows["members"].fillna(rows["code"]).str.split(";"))
    members = members.explode("member")
    sup = supply[supply["category"].isin(list(categories))]
    sup = sup.merge(members, left_on=["year", "code"], right_on=["year", "member"], how="inner",
                    suffixes=("_council", ""))
    wide = sup.pivot_table(index=["year", "code"], columns="sector", values="homes", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(SECTOR_HOMES), fill_value=0).rename(columns=SECTOR_HOMES)
    index = pd.MultiIndex.from_frame(rows[["year", "code"]])
    out = wide.reindex(index).fillna(0).astype("Float64").reset_index(drop=True)
    supplied = rows["year"].isin(set(supply["year"])).to_numpy()
    return out.mask(~pd.DataFrame({c: supplied for c in out.columns}, index=out.index))


def trend_table(rows: pd.DataFrame, supply: pd.DataFrame, totals: pd.DataFrame, categories: tuple[str, ...],
                disclosure: str) -> pd.DataFrame:
    """Every unit's measures over the years (``all_years`` rows), after the rule, with homes by sector."""
    rows = rows.sort_values(["code", "year"], kind="stable").reset_index(drop=True)
    disclosed = apply_disclosure(rows, disclosure)
    out = disclosed[[c for c in TREND_COLUMNS if c in disclosed.columns]].copy()
    supplied = out["year"].isin(set(supply["year"]))
    out["homes"] = out["homes"].astype("Float64").where(supplied)  # no Ofsted file that year: not zero homes
    homes = homes_by_sector(supply, rows, categories)
    for c in SECTOR_HOMES.values():
        out[c] = homes[c].to_numpy()
    eng = totals[totals["level"] == "National"].set_index("year")["placed_outside_pct"]
    out["england_placed_outside_pct"] = out["year"].map(eng).astype("Float64")
    for c in out.columns.difference(["year", "code", "name", "demand_note", "supply_note"]):
        out[c] = raw_series(out[c])  # float, "c" or None, as everywhere in the profile
    return out


def trend_notes(trends: pd.DataFrame) -> list[str]:
    """One line per year (or run of years) whose figures are missing or differ, from the data's own notes."""
    notes: dict[str, list[int]] = {}
    for r in trends.itertuples(index=False):
        for text in (r.supply_note, r.demand_note):
            for part in str(text or "").split("; "):
                if part and "home(s) without published places" not in part:
                    notes.setdefault(part, []).append(int(r.year))
    out = []
    for text, years in notes.items():
        years = sorted(set(years))
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}" \
            if years[-1] - years[0] == len(years) - 1 else ", ".join(map(str, years))
        out.append(f"{span}: {text}" if not text.startswith(str(years[0])) or len(years) > 1 else text)
    return out


def exchange(row: dict, derived: dict) -> Exchange:
    """Children placed inside and outside, and other authorities' children in homes here (:func:`derived_counts`).

    ``other_places``: the registered places those children do not account for (places - placed inside -
    from elsewhere), when every figure is shown and it is not negative.
    """
    inside, elsewhere, places = derived.get("placed_inside"), derived.get("from_elsewhere"), raw(row.get("places"))
    rest = None
    if all(isinstance(v, float) for v in (inside, elsewhere, places)) and places - inside - elsewhere >= 0:
        rest = places - inside - elsewhere
    return Exchange(raw(row.get("children_in_homes")), inside, raw(row.get("placed_outside")), elsewhere,
                    raw(row.get("net_gain")), places, other_places=rest)


def distance_rows(measures_row: dict, row: dict, bench: pd.DataFrame, disclosure: str) -> list[Comparison]:
    """The distance measures of the authority and its DfE neighbours' average (child-derived ones under the rule)."""
    near = bench[bench["benchmark"] == "DfE neighbours' average"]
    suppressed = row.get("children_in_homes") == "c"
    out = []
    for col, label, unit in DISTANCES:
        value = raw(measures_row.get(col))
        if suppressed:
            value = "c"
        elif col in DISTANCE_DERIVED and disclosure in ("round5", "round10"):
            value = None  # ratios of rounded counts are not shown (as in the export)
        avg = raw(near[col].iloc[0]) if len(near) and col in near.columns else None
        out.append(Comparison(col, label, unit, value, None, None, avg, 0, False))
    return out
