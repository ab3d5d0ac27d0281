"""The profile's optional sections (a placements list, a scenario) and its data notes.

Like :mod:`sufficiency.report.profile`, these select and reshape the service's tables
and pass every child count through :func:`sufficiency.export.apply_disclosure`; they
compute nothing new.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sufficiency.export import apply_disclosure
from sufficiency.report.numbers import figure, number
from sufficiency.report.profile import PlacementsSection, ScenarioSection, disclosed_count, raw, raw_series

TOP_DESTINATIONS = 8
LICENCE = ("Contains public sector information licensed under the Open Government Licence v3.0 "
           "(nationalarchives.gov.uk/doc/open-government-licence/version/3). Contains OS data © Crown copyright "
           "and database right. Contains Royal Mail data © Royal Mail copyright and database right. "
           "Ofsted and DfE data © Crown copyright.")


def placements_section(file: str, method: str, by_authority: pd.DataFrame, flows: pd.DataFrame, code: str,
                       names: dict[str, str], disclosure: str) -> PlacementsSection:
    """The authority's placements from a user's list: the 20-mile bands and the top destinations."""
    rows = by_authority[by_authority["code"] == code]
    if rows.empty:
        empty = pd.DataFrame(columns=["code", "name", "placements"])
        return PlacementsSection(file, method, 0.0, None, None, None, None, None, empty,
                                 f"The file has no placements for {names.get(code, code)}.")
    r = apply_disclosure(rows.reset_index(drop=True), disclosure).iloc[0]
    first = rows.iloc[0]
    # each part and its complement under the rule, as the export treats placed outside and inside
    with_distance, over, within = _split(first["with_distance"], first["over_20_miles"], disclosure)
    _, outside, _ = _split(first["placements"], first["outside_la"], disclosure)
    share = raw(r["share_over_20_miles"]) if isinstance(over, float) and isinstance(within, float) else \
        ("c" if "c" in (over, within) else None)
    out = flows[flows["origin_code"] == code]
    dest = out.groupby("destination_code", as_index=False)["placements"].sum()
    dest = dest.sort_values(["placements", "destination_code"], ascending=[False, True], kind="stable")
    shown = apply_disclosure(dest.rename(columns={"destination_code": "code"}), disclosure)
    shown["name"] = shown["code"].map(names).fillna(shown["code"])
    shown["placements"] = raw_series(shown["placements"])
    visible = shown[shown["placements"] != "c"].head(TOP_DESTINATIONS)
    hidden = int((shown["placements"] == "c").sum())
    if hidden:  # small flows: one line, no order among them (their sizes are what the rule hides)
        visible = pd.concat([visible, pd.DataFrame([{"code": "", "placements": "c",
                                                     "name": f"{hidden} other authorit{'y' if hidden == 1 else 'ies'}"
                                                             " with 5 or fewer placements each"}])],
                            ignore_index=True)
    section = PlacementsSection(file, method, raw(r["placements"]), within, over, share, outside,
                                raw(r["median_distance_km"]),
                                visible[["code", "name", "placements"]].reset_index(drop=True))
    share = section.share_over_20_miles
    reading = (f"Of {figure(section.placements, 'placements')} placements in the file, "
               f"{figure(share, 'share')} are over 20 miles from the child's home ({method})." if number(share) is not None
               else "The small-number rule hides the distance bands of these placements.")
    return replace(section, reading=reading)


def _split(total: object, part: object, disclosure: str) -> tuple[object, object, object]:
    """(total, part, total - part) under the rule: a part or its complement of 1-5 hides both (and the total)."""
    if pd.isna(total) or pd.isna(part):
        return raw(total), raw(part), None
    frame = pd.DataFrame({"children_in_homes": [float(total)], "placed_outside": [float(part)]})
    shown = apply_disclosure(frame, disclosure).iloc[0]
    rest = disclosed_count(float(total) - float(part), [raw(shown["children_in_homes"]), raw(shown["placed_outside"])],
                           disclosure)
    return raw(shown["children_in_homes"]), raw(shown["placed_outside"]), rest


SCENARIO_COLUMNS = ["code", "name", "places_before", "places_after", "local_bed_gap_before", "local_bed_gap_after",
                    "sufficiency_radius_km_before", "sufficiency_radius_km_after", "share_within_20_miles_before",
                    "share_within_20_miles_after"]


def scenario_section(report: pd.DataFrame, note: str, changes: list[tuple[str, int]], code: str,
                     measures: pd.DataFrame, names: dict[str, str], disclosure: str) -> ScenarioSection:
    """Before/after of a scenario (``run_scenario``'s report), the rule applied as in the export."""
    counts = measures[["code", "children_in_homes", "placed_outside"]]
    frame = report.merge(counts, on="code", how="left")
    out = frame[["code", "name", "places_before", "places_after"]].copy()
    for side in ("before", "after"):
        part = frame.rename(columns={f"local_bed_gap_{side}": "local_bed_gap",
                                     f"share_within_20_miles_{side}": "share_within_20_miles"})
        shown = apply_disclosure(part, disclosure)
        out[f"local_bed_gap_{side}"] = raw_series(shown["local_bed_gap"])
        out[f"share_within_20_miles_{side}"] = raw_series(shown["share_within_20_miles"])
        hidden = shown["children_in_homes"].astype(object).eq("c")
        radius = raw_series(frame[f"sufficiency_radius_km_{side}"])
        out[f"sufficiency_radius_km_{side}"] = radius.where(~hidden, "c")
    out = out[SCENARIO_COLUMNS]
    own_rows = out[out["code"] == code]
    if len(own_rows):
        own = own_rows.iloc[0].to_dict()
    else:
        row = measures[measures["code"] == code].iloc[0]
        own = {"code": code, "name": row["name"], "unchanged": True}
    others = out[out["code"] != code].reset_index(drop=True)
    listed = [(c, names.get(c, c), int(d)) for c, d in changes]
    what = "; ".join(f"{'open' if d > 0 else 'close'} {abs(d):,} in {n}" for _, n, d in listed)
    if own.get("unchanged"):
        reading = f"The scenario ({what}) does not change {own['name']}'s figures."
    else:
        reading = (f"With the scenario ({what}), {own['name']} would have {figure(own['places_after'], 'places')} "
                   f"places instead of {figure(own['places_before'], 'places')}; "
                   f"{len(others)} other authorit{'y' if len(others) == 1 else 'ies'} would see a figure change.")
    return ScenarioSection(listed, own, others, note, reading)


def data_notes(*, name: str, year: int, disclosure_rule: str, categories: list[str], supply_as_at: str,
               trends: pd.DataFrame, members: list[str], neighbours_vintage: str, row: dict,
               sources: dict[str, str]) -> list[tuple[str, str]]:
    """The data notes, in the order a reader checks them."""
    notes = [
        ("Small numbers", f"Disclosure control: {disclosure_rule}. 'c' marks a figure the rule hides; "
                          "DfE's own suppressed figures are shown as not published, never as zero."),
        ("Rounding, derived totals and their bounds",
         "DfE publishes how many of an authority's children in children's homes live outside it and that number "
         "as a whole-number percentage. The total in homes is derived from the two (number ÷ percentage × 100); "
         "the rounding of the percentage gives it a low and a high bound, shown where they differ, and the "
         "local bed gap carries the same bounds. England and region totals come from DfE's own totals, "
         "which DfE rounds to the nearest 10."),
        ("Places", f"Ofsted's register of active homes at {supply_as_at}: {', '.join(categories)}. A registered "
                   "place is not a vacancy: homes take children from any authority, and some places are "
                   "not in use."),
        ("Distances", "Straight lines between authorities' representative points (postcode-weighted centres, "
                      "British National Grid), not road distances; DfE's 20-mile figures are DfE's own."),
    ]
    earlier = trends[trends["name"] != name]
    if len(earlier):
        spans = earlier.groupby("name")["year"].agg(["min", "max"]).sort_values("min")
        told = "; ".join(f"{int(s['min'])}–{int(s['max'])}: {n}" for n, s in spans.iterrows())
        notes.append(("Reorganisations", f"Trend years before {name} existed show the council the area belonged "
                                         f"to then, which covered a different area ({told})."))
    if len(members) > 1:
        notes.append(("A combined unit", f"In {year} {name} is counted as one unit of {len(members)} councils "
                                         f"({', '.join(members)}): their areas cannot be drawn apart on today's map."))
    notes.append(("Vintages", f"DfE statistical neighbours: {neighbours_vintage or 'none for this authority'} "
                              f"groups. DfE's series: {row.get('dfe_source') or 'none this year'}. "
                              f"Boundaries: {sources.get('boundaries', 'not loaded')}."))
    return notes
