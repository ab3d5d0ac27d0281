"""Shared checks of the profile tests: the export's figures, child counts in a profile and in its HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd

from sufficiency import service
from sufficiency.report.numbers import figure

#: The headline's export columns and their units.
HEADLINE_UNITS = {"places": "places", "children_in_homes": "children", "local_bed_gap": "places",
                  "places_per_child": "places per child", "placed_outside_pct": "%",
                  "placed_over_20_miles_outside_pct": "%"}
CHILD_TREND_COLUMNS = ["children_in_homes", "placed_outside", "net_gain"]


def export_row(ds, year: int, code: str, disclosure: str, categories=None) -> dict:
    """The authority's row of ``export`` for the same choices (the table the CSV writes)."""
    view = service.year_view(ds, year, categories, distances=False)
    table = service.apply_disclosure(service.shortfall_table(view), disclosure)
    return table[table["code"] == code].iloc[0].to_dict()


def same(a: object, b: object) -> bool:
    """Equal figures: both missing, both "c", or equal numbers."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if a is None or pd.isna(a):
        return b is None or pd.isna(b)
    return b is not None and not pd.isna(b) and float(a) == float(b)


class ChildCells(HTMLParser):
    """Collects the text of every element whose class includes ``child`` (and of ``own`` cells), by measure."""

    def __init__(self):
        super().__init__()
        self.child: list[tuple[str, str]] = []
        self.own: dict[str, str] = {}
        self._open: list[tuple[str, str, bool, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        self._open.append((tag, a.get("data-measure", ""), "child" in classes, "own" in classes and tag == "td"))
        self._text = ""

    def handle_data(self, data):
        self._text = getattr(self, "_text", "") + data

    def handle_endtag(self, tag):
        if not self._open:
            return
        _, measure, child, own = self._open.pop()
        if child:
            self.child.append((measure, self._text))
        if own and measure not in self.own:
            self.own[measure] = self._text
        self._text = ""


def child_cells(html: str) -> ChildCells:
    parser = ChildCells()
    parser.feed(html)
    return parser


def small_counts_in(texts: list[str]) -> list[str]:
    """Texts holding a whole number from 1 to 5 (a child count the rule should have hidden)."""
    bad = []
    for text in texts:
        for n in re.findall(r"[\u2212-]?\d[\d,]*(?:\.\d+)?", text):
            v = float(n.replace(",", "").replace("\u2212", "-"))
            if v == int(v) and 1 <= abs(v) <= 5:
                bad.append(text)
    return bad


def profile_child_counts(p) -> list[object]:
    """Every child count a profile holds (row, exchange, trends, neighbours, placements)."""
    values = [p.row.get(c) for c in ("children_in_homes", "children_in_homes_low", "children_in_homes_high",
                                     "placed_outside", "net_gain")]
    values += [p.exchange.placed_inside, p.exchange.from_elsewhere]
    for c in CHILD_TREND_COLUMNS:
        values += list(p.trends[c])
    values += list(p.neighbours["children_in_homes"]) if len(p.neighbours) else []
    if p.placements is not None:
        values += [p.placements.placements, p.placements.within_20_miles, p.placements.over_20_miles,
                   p.placements.outside_la, *p.placements.destinations["placements"]]
    return values


def small(values: list[object]) -> list[object]:
    return [v for v in values if isinstance(v, float) and 1 <= abs(v) <= 5]


def headline_texts(row: dict) -> dict[str, str]:
    """What the headline's authority column must show for an export row."""
    return {c: figure(None if pd.isna(row[c]) else row[c], u) if not isinstance(row[c], str) else row[c]
            for c, u in HEADLINE_UNITS.items()}
