"""Plain-English readings of the profile's figures: one sentence a council member can repeat.

Every function takes figures already under the small-number rule (a float, ``"c"``
or None) and returns a sentence; numbers are written by
:func:`sufficiency.report.numbers.figure`. Wording rules: say which way is better only
where it is unambiguous (a shortfall of places, more children placed far away); say
"about the same" for differences under 5% of the value (2 points for percentages);
never call a registered place a vacancy.
"""

from __future__ import annotations

from sufficiency.report.numbers import figure, number
from sufficiency.report.profile import Comparison, Exchange

CLOSE_RATIO, CLOSE_POINTS = 0.05, 2.0


def _is_num(v: object) -> bool:
    return number(v) is not None


def direction(value: object, other: object, unit: str) -> int:
    """+1 when ``value`` is clearly above ``other``, -1 clearly below, 0 about the same (None: no figure)."""
    a, b = number(value), number(other)
    if a is None or b is None:
        return 0
    margin = CLOSE_POINTS if unit == "%" else abs(b) * CLOSE_RATIO
    return 0 if abs(a - b) <= margin else (1 if a > b else -1)


def times(value: float, other: float) -> str:
    """"about twice as many" / "about three times as many" / "about half as many" ("" otherwise)."""
    if not other or value <= 0:
        return ""
    r = value / other
    for low, high, words in ((2.8, 3.3, "about three times as many"), (1.8, 2.3, "about twice as many"),
                             (0.42, 0.58, "about half as many")):
        if low <= r <= high:
            return words
    return ""


def versus(value: object, refs: list[tuple[str, object]], unit: str, more: str = "more",
           less: str = "fewer") -> str:
    """"more than England (1.39) and the North West (1.76), about the same as its DfE neighbours (1.18)"."""
    groups: dict[int, list[str]] = {1: [], -1: [], 0: []}
    for label, ref in refs:
        if _is_num(ref):
            groups[direction(value, ref, unit)].append(f"{label} ({figure(ref, unit)})")
    parts = []
    for key, words in ((1, f"{more} than"), (-1, f"{less} than"), (0, "about the same as")):
        if groups[key]:
            items = groups[key]
            parts.append(f"{words} {', '.join(items[:-1]) + ' and ' + items[-1] if len(items) > 1 else items[0]}")
    return ", ".join(parts)


def _refs(c: Comparison, region: str) -> list[tuple[str, object]]:
    return [("England", c.england), (f"the {region}" if region != "London" else "London", c.region),
            ("its DfE neighbours' average", c.neighbours)]


def _bounds(c: Comparison, unit: str) -> str:
    if _is_num(c.low) and _is_num(c.high) and number(c.low) != number(c.high):
        lo, hi = sorted((number(c.low), number(c.high)))
        return f" (between {figure(lo, unit)} and {figure(hi, unit)}: DfE rounds the percentage it is derived from)"
    return ""


def gap_phrase(name: str, gap: object, low: object, high: object) -> str:
    """"Stockport had 84 more local places than children in homes" (or fewer, or about as many)."""
    g = number(gap)
    lo, hi = sorted((number(low) if _is_num(low) else g, number(high) if _is_num(high) else g))
    ends = sorted((abs(lo), abs(hi)))
    span = "" if lo == hi else f" (between {figure(ends[0], 'places')} and {figure(ends[1], 'places')})"
    if lo > 0:
        return f"{name} had {figure(g, 'places')} fewer local places than children in homes{span}"
    if hi < 0:
        return f"{name} had {figure(-g, 'places')} more local places than children in homes{span}"
    return f"{name} had about as many local places as children in homes (a gap of {figure(lo, 'places')} to " \
           f"{figure(hi, 'places')})" if lo != hi else f"{name} had exactly as many local places as children in homes"


def headline_reading(c: Comparison, name: str, region: str, year: int, row: dict, places_at: str = "") -> str:
    """The sentence under one headline comparison (``places_at``: the date of Ofsted's figures, if not 31 March)."""
    places_at = places_at or f"31 March {year}"
    v = c.authority
    if v == "c":
        return "Not shown: the small-number rule hides this figure (5 children or fewer, or a figure that " \
               "would reveal one)."
    if not _is_num(v):
        demand = c.child_count or c.measure in ("local_bed_gap", "places_per_child", "placed_outside_pct")
        note = row.get("dfe_note") if c.measure.startswith("placed_over") else \
            (row.get("supply_note") or row.get("demand_note")) if c.measure in ("places", "local_bed_gap") and \
            not number(row.get("places")) and row.get("supply_note") else row.get("demand_note") if demand \
            else row.get("supply_note")
        return f"No figure for {year}: {note}." if note else f"No figure for {year}."
    if c.measure == "places" and not number(v) and not number(row.get("homes")):
        return f"No registered children's homes inside {name} on {places_at}."
    if c.measure == "places":
        homes, private = row.get("homes"), row.get("private_share")
        text = f"{figure(v, 'places')} registered places in {figure(homes, 'homes')} children's homes inside {name} " \
               f"on {places_at}"
        text += f"; {figure(private, 'share')} of the places are in privately run homes." if _is_num(private) else "."
        return text
    if c.measure == "children_in_homes":
        return f"{figure(v, 'children')} of {name}'s looked-after children were living in a children's home" \
               f"{_bounds(c, 'children')}."
    if c.measure == "local_bed_gap":
        g = number(v)
        meaning = "a local shortfall" if number(c.low if _is_num(c.low) else v) > 0 else \
            "places are used by children from other authorities too" if number(c.high if _is_num(c.high) else v) < 0 \
            else "about even"
        return f"{gap_phrase(name, g, c.low, c.high)}: {meaning}."
    if c.measure == "places_per_child":
        vs = versus(v, _refs(c, region), c.unit)
        return f"{figure(v, c.unit)} local places for each child in a home" + (f": {vs}." if vs else ".")
    if c.measure == "placed_outside_pct":
        vs = versus(v, _refs(c, region), "%", "more", "fewer")
        return f"{figure(v, '%')} of its children in homes lived outside {name}" + (f": {vs}." if vs else ".")
    if c.measure == "placed_over_20_miles_outside_pct":
        vs = versus(v, _refs(c, region), "%", "more", "fewer")
        return f"{figure(v, '%')} of all its looked-after children (any placement, not only children's homes) lived " \
               f"outside {name} and over 20 miles from home" + (f": {vs}." if vs else ".")
    return ""


def answer(name: str, year: int, headline: list[Comparison], row: dict, latest_gap: tuple | None,
           places_at: str = "") -> str:
    """The cover's first sentence: has the authority enough local places for its own children in homes?

    ``places_at``: the date of Ofsted's figures when it is not 31 March of ``year`` (30 September 2014).
    """
    when = "" if not places_at or places_at == f"31 March {year}" else f" (Ofsted, {places_at})"
    by = {c.measure: c for c in headline}
    places, children, gap = by["places"].authority, by["children_in_homes"].authority, by["local_bed_gap"]
    if gap.authority == "c":
        return f"The small-number rule hides {name}'s children's figure for {year}, so its local bed gap is not " \
               f"shown; it had {figure(places, 'places')} registered children's home places."
    if not _is_num(gap.authority) and number(places) == 0 and not number(row.get("homes")):
        at = places_at or f"31 March {year}"
        return f"No local places: {name} had no registered children's home places on {at}, so all of its " \
               "children living in children's homes lived outside it" + \
               (f" (DfE's figure: {row['demand_note']})." if row.get("demand_note") else ".")
    if not _is_num(gap.authority):
        reason = row.get("demand_note") or row.get("supply_note") or "a figure is missing"
        if reason[:1].islower():  # a marker's meaning ("suppressed by DfE ..."): say what it is about
            reason = f"the number of {name}'s children in children's homes is {reason}"
        text = f"Not measurable for {year}: {reason}, so the local bed gap cannot be worked out"
        text += f" ({name} had {figure(places, 'places')} registered places)." if _is_num(places) else "."
        if latest_gap:
            y, g, lo, hi = latest_gap
            text += f" In {y}, the latest year with both figures, {gap_phrase(name, g, lo, hi)}."
        return text
    lo = number(gap.low) if _is_num(gap.low) else number(gap.authority)
    hi = number(gap.high) if _is_num(gap.high) else number(gap.authority)
    verdict = "No" if lo > 0 else "Yes, in number" if hi < 0 else "About even"
    ppc = by["places_per_child"]
    tail = f" ({figure(ppc.authority, ppc.unit)} places per child)" if _is_num(ppc.authority) else ""
    return f"{verdict}: {name} had {figure(places, 'places')} registered children's home places{when} for " \
           f"{figure(children, 'children')} of its own children living in children's homes on 31 March {year}{tail}."


def comparison(name: str, headline: list[Comparison], neighbours_total: int) -> str:
    """The cover's second sentence: the authority against its DfE statistical neighbours."""
    by = {c.measure: c for c in headline}
    ppc, out = by["places_per_child"], by["placed_outside_pct"]
    if not neighbours_total:
        return f"DfE gives {name} no statistical neighbours, so there is no neighbour comparison."
    parts = []
    if _is_num(ppc.authority) and _is_num(ppc.neighbours):
        word = times(number(ppc.authority), number(ppc.neighbours)) or \
            {1: "more", -1: "fewer", 0: "about as many"}[direction(ppc.authority, ppc.neighbours, ppc.unit)]
        parts.append(f"{word} local places per child ({figure(ppc.authority, ppc.unit)} against an average of "
                     f"{figure(ppc.neighbours, ppc.unit)})")
    if _is_num(out.authority) and _is_num(out.neighbours):
        word = {1: "a larger", -1: "a smaller", 0: "about the same"}[direction(out.authority, out.neighbours, "%")]
        parts.append(f"{word} share of its children in homes placed outside its boundary ({figure(out.authority, '%')} "
                     f"against {figure(out.neighbours, '%')})")
    far = by["placed_over_20_miles_outside_pct"]
    if not parts and _is_num(far.authority) and _is_num(far.neighbours):
        word = {1: "more", -1: "fewer", 0: "about as many"}[direction(far.authority, far.neighbours, "%")]
        parts.append(f"{word} of all its looked-after children placed outside and over 20 miles away "
                     f"({figure(far.authority, '%')} against {figure(far.neighbours, '%')})")
    if not parts:
        return f"{name}'s figures for this year cannot be set against its DfE statistical neighbours'."
    n = ppc.neighbours_with_figure or out.neighbours_with_figure
    of = f" ({n} of the {neighbours_total} have figures)" if n and n < neighbours_total else ""
    return f"Against its {neighbours_total} DfE statistical neighbours{of}, {name} has " + " and ".join(parts) + "."


def exchange_reading(ex: Exchange, name: str) -> str:
    """Who lives in the authority's homes, from DfE's net gain."""
    if number(ex.places) == 0:
        return f"{name} has no registered children's home places, so no other authority's children live in homes there."
    if not _is_num(ex.net_gain):
        why = "hidden by the small-number rule" if ex.net_gain == "c" else "not published"
        return f"DfE's net gain for {name} is {why}" \
               " this year, so where its places' children come from is not known."
    g = number(ex.net_gain)
    if g > 0:
        text = f"{name}'s homes take in more children from other authorities than {name} places outside: " \
               f"a net gain of {figure(g, 'children', sign=True)}."
    elif g < 0:
        text = f"{name} places more children in homes outside than its homes take in from other authorities: " \
               f"a net gain of {figure(g, 'children')}."
    else:
        text = f"{name}'s homes take in as many children from other authorities as it places outside (net gain 0)."
    if _is_num(ex.from_elsewhere):
        text += f" About {figure(ex.from_elsewhere, 'children')} children from other authorities live in its homes."
    return text


def distance_reading(c: Comparison, name: str) -> str:
    """What a distance measure says about the authority."""
    v = c.authority
    if v == "c":
        return "Not shown: worked out from a children's figure the small-number rule hides."
    if not _is_num(v):
        return "No figure: the children's figure or the places are missing this year."
    near = f" (DfE neighbours' average {figure(c.neighbours, c.unit)})" if _is_num(c.neighbours) else ""
    if c.measure == "sufficiency_radius_km":
        if number(v) == 0:
            return f"0 km: {name} has at least as many registered places inside its own boundary as children " \
                   f"in homes{near}."
        return f"From {name}'s centre you must reach {figure(v, 'km')} (straight line) before there are as many " \
               f"registered places as it has children in homes{near}."
    if c.measure == "access_index":
        return f"{figure(v, c.unit)} places within 20 miles for each child, once every authority whose children " \
               f"need those places has its share; 1 would be exactly one place per child{near}."
    return f"If every child in a home in England were placed as near home as the places allow, {figure(v, 'share')} " \
           f"of {name}'s children would live within 20 miles{near}."
