"""What the report shows and in what order: shared by the HTML and the PDF so both say the same.

Section titles, the cover's tiles, the rows of every table and the charts (as
:class:`~sufficiency.report.drawing.Drawing`) are made here from a
:class:`~sufficiency.report.profile.Profile`; :mod:`.html` and :mod:`.pdf` only lay them out.
"""

from __future__ import annotations

from sufficiency.report import charts
from sufficiency.report.drawing import Drawing
from sufficiency.report.numbers import figure, number
from sufficiency.report.profile import Comparison, PlacementsSection, Profile

TITLES = {
    "headline": "1. Headline figures against England, the region and the DfE neighbours",
    "map": "2. Map: the local bed gap in {name}, its region and its DfE neighbours",
    "trends": "3. Trends",
    "exchange": "4. Where its children live and who uses its places",
    "distances": "5. Distances and access",
    "scenario": "6. Scenario: before and after",
    "notes": "{n}. Data notes, sources and licence",
}
FOOTNOTE_TOTALS = ("For counts (places, children, gap) the region and England columns are totals over all their "
                   "authorities; the other rows are rates for the whole area.")
MAP_NOTE = ("Gap = the authority's own looked-after children in children's homes minus the registered places in "
            "its area. Red: fewer places than children; blue: more. Grey: no gap can be shown.")
EXCHANGE_NOTE = ("From DfE's figures: children placed inside = children in homes − placed outside; children "
                 "from other authorities = net gain + placed outside (both under the small-number rule). The places "
                 "they do not fill may be vacant, not in use, or taken by children DfE counts in other kinds of home.")
DISTANCE_NOTE = ("Straight-line distances between authorities' representative points. The sufficiency radius "
                 "and the 20-mile measures use every authority's places and children in homes in England.")
NEIGHBOUR_COLUMNS = [("rank", "Rank", "", False), ("name", "Authority", "", False),
                     ("closeness", "Closeness (DfE)", "", False), ("places", "Places", "places", False),
                     ("children_in_homes", "Children in homes", "children", True),
                     ("local_bed_gap", "Gap", "places", False),
                     ("places_per_child", "Places per child", "places per child", False),
                     ("placed_outside_pct", "Placed outside", "%", False),
                     ("placed_over_20_miles_outside_pct", "Over 20 miles & outside (DfE)", "%", False)]
TREND_ROWS = [("places", "Registered places", "places", False),
              ("homes", "Children's homes", "homes", False),
              ("homes_local_authority", "  run by the local authority", "homes", False),
              ("homes_private", "  run privately", "homes", False),
              ("homes_voluntary", "  run by voluntary bodies", "homes", False),
              ("children_in_homes", "Children in homes", "children", True),
              ("local_bed_gap", "Local bed gap", "places", False),
              ("placed_outside", "Placed outside", "children", True),
              ("placed_outside_pct", "% placed outside", "%", False),
              ("england_placed_outside_pct", "% placed outside, England", "%", False),
              ("net_gain", "Net gain", "children", True),
              ("placed_over_20_miles_outside_pct", "% over 20 miles & outside (DfE)", "%", False)]
SCENARIO_COLUMNS = [("name", "Authority", "", False), ("places_before", "Places before", "places", False),
                    ("places_after", "after", "places", False),
                    ("local_bed_gap_before", "Gap before", "places", False),
                    ("local_bed_gap_after", "after", "places", False),
                    ("sufficiency_radius_km_before", "Radius before", "km", False),
                    ("sufficiency_radius_km_after", "after", "km", False),
                    ("share_within_20_miles_before", "Within 20 miles before", "share", False),
                    ("share_within_20_miles_after", "after", "share", False)]
MAX_SCENARIO_ROWS = 15


def sections(p: Profile) -> list[tuple[str, str]]:
    """(anchor, title) of every section present, in order."""
    keys = ["headline", "map", "trends", "exchange", "distances"] + (["scenario"] if p.scenario else []) + ["notes"]
    return [(k, title(k, p)) for k in keys]


def title(key: str, p: Profile) -> str:
    return TITLES[key].format(name=p.name, n=7 if p.scenario else 6)


def subtitle(p: Profile) -> str:
    return f"{p.region} · {p.code} · 31 March {p.year} · counting {', '.join(p.categories).lower()}"


def question(p: Profile) -> str:
    return f"Has {p.name} enough local children's home places for its own children?"


def has_bounds(c: Comparison) -> bool:
    return number(c.low) is not None and number(c.high) is not None and number(c.low) != number(c.high)


def tiles(p: Profile) -> list[tuple[str, str, str, str, bool]]:
    """The cover's key figures: (measure, value, label, reference, child count?)."""
    by = {c.measure: c for c in p.headline}

    def ref(c: Comparison) -> str:
        return f"DfE neighbours' average {figure(c.neighbours, c.unit)}" if number(c.neighbours) is not None else ""

    gap = by["local_bed_gap"]
    gap_label = "more places than children" if (number(gap.authority) or 0) < 0 else \
        "fewer places than children" if (number(gap.authority) or 0) > 0 else "local bed gap"
    gap_value = figure(abs(number(gap.authority)), "places") if number(gap.authority) is not None \
        else figure(gap.authority, "places")
    ends = sorted((abs(number(gap.low)), abs(number(gap.high)))) if has_bounds(gap) else None
    span = f"between {figure(ends[0], 'places')} and {figure(ends[1], 'places')}" if ends else ""
    return [
        ("places", figure(by["places"].authority, "places"), "registered places", ref(by["places"]), False),
        ("children_in_homes", figure(by["children_in_homes"].authority, "children"), "children in homes",
         ref(by["children_in_homes"]), True),
        ("local_bed_gap", gap_value, gap_label, span, False),
        ("placed_outside_pct", figure(by["placed_outside_pct"].authority, "%"), "placed outside the authority",
         ref(by["placed_outside_pct"]), False),
        ("placed_over_20_miles_outside_pct", figure(by["placed_over_20_miles_outside_pct"].authority, "%"),
         "of all looked-after children over 20 miles away and outside (DfE)",
         ref(by["placed_over_20_miles_outside_pct"]), False),
    ]


def neighbours_note(p: Profile) -> str:
    n = len(p.neighbours)
    if not n:
        return f"DfE gives {p.name} no statistical neighbours."
    return (f"Average over DfE's {n} statistical neighbours ({p.neighbours_vintage} groups) that have the figure; "
            "suppressed figures are left out of the average.")


def neighbour_key(p: Profile) -> str:
    if p.neighbours.empty:
        return ""
    return "Numbers on the England map: " + ", ".join(f"{int(r['rank'])} {r['name']}"
                                                      for r in p.neighbours.to_dict("records")) + "."


def neighbour_charts(p: Profile) -> list[tuple[Drawing, str]]:
    """The authority beside each DfE neighbour: places per child, and the share placed outside."""
    by = {c.measure: c for c in p.headline}
    out = []
    for measure, label, unit, caption in (
        ("places_per_child", "Local places per child in a home", "places per child",
         "Local places per child in a home: {name} and its DfE statistical neighbours"),
        ("placed_outside_pct", "Children in homes placed outside the authority (%)", "%",
         "Share of children in homes placed outside the authority: {name} and its DfE statistical neighbours"),
    ):
        rows = [(p.name, by[measure].authority, True)]
        rows += [(f"{int(r['rank'])}. {r['name']}", r[measure], False) for r in p.neighbours.to_dict("records")]
        refs = [("England", number(by[measure].england), charts.INK),
                ("DfE neighbours' average", number(by[measure].neighbours), charts.VERMILION)]
        out.append((charts.hbars(rows, unit, label, caption.format(name=p.name), refs),
                    caption.format(name=p.name) + ". Dashed lines: England and the neighbours' average."))
    return out


def _series(p: Profile, key: str) -> list[float | None]:
    return [number(v) for v in p.trends[key]] if key in p.trends else [None] * len(p.trends)


def trend_charts(p: Profile, width: float = 250) -> list[tuple[Drawing, str]]:
    """Places and children; homes by sector; share placed outside; net gain (2014-2025)."""
    years = [str(int(y)) for y in p.trends["year"]]
    short = years
    places = charts.line_chart(short, [
        charts.Series("Registered places", _series(p, "places"), charts.BLUE),
        charts.Series("Children in homes", _series(p, "children_in_homes"), charts.VERMILION, "5 3", "square"),
    ], "places", "places or children", f"{p.name}: places and children in homes", width)
    sectors = [("Local authority", "homes_local_authority"), ("Private", "homes_private"),
               ("Voluntary", "homes_voluntary"), ("Health authority", "homes_health_authority")]
    stacks = [(lab, _series(p, key), charts.SECTOR_COLOURS[lab]) for lab, key in sectors
              if any(v for v in _series(p, key))]
    homes = charts.stacked_bars(short, stacks, "homes", "children's homes", f"{p.name}: homes by sector", width)
    outside = charts.line_chart(short, [
        charts.Series(p.name, _series(p, "placed_outside_pct"), charts.BLUE),
        charts.Series("England", _series(p, "england_placed_outside_pct"), charts.GREY, "4 3", "square"),
        charts.Series("all looked-after, over 20 miles and outside (DfE)", _series(p, "placed_over_20_miles_outside_pct"),
                      charts.GREEN, "1.5 2"),
    ], "%", "% of children", f"{p.name}: share placed outside", width)
    net = charts.signed_bars(short, list(p.trends["net_gain"]), "children", "children",
                             f"{p.name}: net gain", width=width, up_label="takes in more than it sends out",
                             down_label="sends out more than it takes in")
    return [
        (places, "Registered places and the authority's own children in homes. A year without a point has no "
                 "published figure."),
        (homes, "Children's homes in the area by who runs them (no bar: no Ofsted file that year)."),
        (outside, "Share of its children in homes placed outside the authority, against England; and DfE's share "
                  "of all looked-after children placed outside and over 20 miles."),
        (net, "Net gain: other authorities' children placed in its homes minus its own children placed outside "
              "(c: hidden by the small-number rule)."),
    ]


def exchange_charts(p: Profile) -> list[tuple[Drawing, str]]:
    """Two bars: where the authority's children in homes live; whose children live in its homes."""
    ex = p.exchange
    own = charts.split_bar([(f"living in {p.name}", ex.placed_inside, charts.BLUE),
                            ("living outside", ex.placed_outside, charts.ORANGE)],
                           f"Where {p.name}'s {figure(ex.children_in_homes, 'children')} children in homes live")
    parts = [(f"{p.name}'s own children", ex.placed_inside, charts.BLUE),
             ("children from other authorities", ex.from_elsewhere, charts.GREEN)]
    if ex.other_places is not None:
        parts.append(("places these children do not fill", ex.other_places, "#d9d9d9"))
    homes = charts.split_bar(parts,
                             f"Whose children live in the homes in {p.name} ({figure(ex.places, 'places')} "
                             "registered places)")
    return [(own, ""), (homes, "")]


def placement_rows(pl: PlacementsSection) -> list[tuple[str, object, str, bool, str]]:
    return [("Placements in the file", pl.placements, "placements", True, "placements"),
            ("Within 20 miles of home", pl.within_20_miles, "placements", True, "within_20_miles"),
            ("Over 20 miles from home", pl.over_20_miles, "placements", True, "over_20_miles"),
            ("Share over 20 miles", pl.share_over_20_miles, "share", False, "share_over_20_miles"),
            ("Placed outside the authority", pl.outside_la, "placements", True, "outside_la"),
            ("Median distance", pl.median_distance_km, "km", False, "median_distance_km")]


def scenario_rows(p: Profile) -> list[dict]:
    s = p.scenario
    own = [] if s.own.get("unchanged") else [s.own]
    return own + s.others.head(MAX_SCENARIO_ROWS).to_dict("records")


def predecessor_note(p: Profile) -> str:
    earlier = sorted(set(p.trends.loc[p.trends["name"] != p.name, "name"]))
    return f"Earlier years show {', '.join(earlier)}." if earlier else ""
