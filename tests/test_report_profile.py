"""The authority profile on the embedded data: figures equal the export, the rule, names, predecessors.

Stockport's 2024 figures are recounted here from ``data/supply.csv`` and
``data/demand.csv`` (not through the model): 144 registered places in 36 homes; DfE's
28 children placed outside = 47% of its children in homes, so 60 in homes (59 to 60
from the rounding of 47%), 32 placed inside, 51 net gain, so 79 other authorities'
children in its homes.
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from report_checks import (
    child_cells,
    export_row,
    headline_texts,
    profile_child_counts,
    same,
    small,
    small_counts_in,
)

from sufficiency import service
from sufficiency.errors import UnknownAuthorityError
from sufficiency.model.shortfall import SHORTFALL_COLUMNS

DATA = Path(__file__).resolve().parent.parent / "data"
STOCKPORT = "E08000007"


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SUFFICIENCY_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.fixture(scope="module")
def full():
    return service.embedded()


@pytest.fixture(scope="module")
def stockport(full):
    return service.authority_profile(full, STOCKPORT, 2024)


def _rows(name: str, **match) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if all(r[k] == v for k, v in match.items())]


def test_stockport_2024_is_recounted_from_the_embedded_files(stockport):
    supply = _rows("supply.csv", year="2024", code=STOCKPORT, category="childrens_home")
    assert sum(int(r["places"]) for r in supply) == 144 == stockport.row["places"]
    assert sum(int(r["homes"]) for r in supply) == 36 == stockport.row["homes"]
    demand = _rows("demand.csv", year="2024", code=STOCKPORT)[0]
    outside, pct = float(demand["placed_outside"]), float(demand["placed_outside_pct"])
    assert (outside, pct) == (28.0, 47.0)
    assert round(outside * 100 / pct) == 60 == stockport.row["children_in_homes"]
    assert (stockport.row["children_in_homes_low"], stockport.row["children_in_homes_high"]) == (
        round(outside * 100 / 47.5), round(outside * 100 / 46.5)) == (59, 60)
    assert stockport.row["local_bed_gap"] == 60 - 144
    assert stockport.exchange.placed_inside == 60 - 28 == 32
    assert stockport.exchange.from_elsewhere == float(demand["net_gain"]) + 28 == 79


def test_figures_equal_the_export_for_the_same_choices(full, stockport):
    expected = export_row(full, 2024, STOCKPORT, "suppress")
    for column in SHORTFALL_COLUMNS:
        assert same(stockport.row[column], expected[column]), column
    by = {c.measure: c for c in stockport.headline}
    for column in ("places", "children_in_homes", "local_bed_gap", "places_per_child", "placed_outside_pct",
                   "placed_over_20_miles_outside_pct"):
        assert same(by[column].authority, expected[column]), column
    assert stockport.row["disclosure_control"] == service.RULES["suppress"]


def test_the_html_shows_the_export_figures(full, stockport):
    html = service.profile_html(stockport).decode()
    shown = child_cells(html).own
    for column, text in headline_texts(export_row(full, 2024, STOCKPORT, "suppress")).items():
        assert shown[column].split(" (")[0] == text, column
    assert shown["children_in_homes"] == "60 (59 to 60)"
    assert shown["local_bed_gap"] == "\u221284 (\u221285 to \u221284)"


def test_comparisons_are_the_benchmarks_on_the_export(full, stockport):
    view = service.year_view(full, 2024)
    table = service.apply_disclosure(service.shortfall_table(view), "suppress").set_index("code")
    near = service.dfe_neighbours(full, STOCKPORT)["neighbour_code"]
    values = pd.to_numeric(table.loc[near, "places_per_child"].mask(table.loc[near, "places_per_child"] == "c"))
    by = {c.measure: c for c in stockport.headline}
    assert by["places_per_child"].neighbours == pytest.approx(values.mean())
    assert by["places_per_child"].neighbours_with_figure == values.notna().sum() == 7
    bench = service.benchmarks(full, view, STOCKPORT).set_index("benchmark")
    assert by["places_per_child"].england == pytest.approx(bench.loc["England", "places_per_child"])
    assert by["placed_outside_pct"].region == bench.loc["region", "placed_outside_pct"] == 69


def test_stockport_reads_in_one_sentence(stockport):
    assert stockport.answer == ("Yes, in number: Stockport had 144 registered children's home places for 60 of its "
                                "own children living in children's homes on 31 March 2024 (2.40 places per child).")
    assert stockport.comparison.startswith("Against its 10 DfE statistical neighbours (7 of the 10 have figures), "
                                           "Stockport has about twice as many local places per child (2.40 "
                                           "against an average of 1.18) and a smaller share of its children in "
                                           "homes placed outside its boundary (47% against 64%).")


def test_trends_follow_the_years_and_say_why_some_are_missing(stockport):
    t = stockport.trends.set_index("year")
    assert list(t.index) == list(range(2014, 2026))
    assert t.loc[2014, "places"] == 145 and t.loc[2015, "places"] is None and t.loc[2015, "homes"] == 30
    assert t.loc[2017, "homes"] is None  # no Ofsted file: missing, never zero
    assert t.loc[2024, "homes_private"] + t.loc[2024, "homes_local_authority"] + t.loc[2024, "homes_voluntary"] == 36
    assert t.loc[2025, "children_in_homes"] is None
    notes = " ".join(stockport.trend_notes)
    assert "30 September 2014" in notes and "2025: DfE has not published children in children's homes by " \
                                            "authority for 2025" in notes


def test_2025_says_exactly_why_there_is_no_gap(full):
    p = service.authority_profile(full, STOCKPORT, 2025)
    assert p.answer.startswith("Not measurable for 2025: DfE has not published children in children's homes by "
                               "authority for 2025, so the local bed gap cannot be worked out (Stockport had 163 ")
    assert "In 2024, the latest year with both figures, Stockport had 84 more local places" in p.answer


def test_a_predecessor_unit_in_an_earlier_year(full):
    code = service.find_authority(full, "Cumbria", 2022)
    p = service.authority_profile(full, code, 2022)
    assert (p.code, p.name) == ("E10000006", "Cumbria")
    assert same(p.row["places"], export_row(full, 2022, "E10000006", "suppress")["places"])
    assert int(p.trends["year"].max()) == 2023  # the county ended in March 2023
    assert p.neighbours_vintage == "April 2021"
    with pytest.raises(UnknownAuthorityError, match=r"Cumberland \(E06000063\) was not .* 2022; in 2022 its area "
                                                    r"was Cumbria \(E10000006\)"):
        service.authority_profile(full, "E06000063", 2022)


def test_a_council_counted_in_a_combined_unit(full):
    p = service.authority_profile(full, service.find_authority(full, "Bournemouth", 2019), 2019)
    assert (p.code, p.name) == ("E10000009", "Dorset, Bournemouth and Poole")
    assert any(h == "A combined unit" for h, _ in p.notes)
    later = service.authority_profile(full, "E06000059", 2024)  # Dorset today: its trend starts with the unit
    assert "Dorset, Bournemouth and Poole" in set(later.trends["name"])
    assert any(h == "Reorganisations" for h, _ in later.notes)


def _small_stockport(full):
    """The embedded data with Stockport's 2024 DfE figures made small: 3 placed outside = 50%, so 6 in homes."""
    demand = full.demand.copy()
    at = (demand["code"] == STOCKPORT) & (demand["year"] == 2024)
    demand.loc[at, ["placed_outside", "placed_outside_pct", "net_gain"]] = [3, 50, -2]
    return replace(full, demand=demand, key=f"user:small-{full.key}")


def test_the_small_number_rule_reaches_every_child_count(full):
    ds = _small_stockport(full)
    shown = service.authority_profile(ds, STOCKPORT, 2024, disclosure="none")
    assert (shown.row["children_in_homes"], shown.row["placed_outside"], shown.row["net_gain"]) == (6, 3, -2)
    p = service.authority_profile(ds, STOCKPORT, 2024)
    assert p.row["children_in_homes"] == p.row["placed_outside"] == p.row["local_bed_gap"] == "c"
    assert p.row["net_gain"] == "c" and p.exchange.placed_inside == "c"
    assert small(profile_child_counts(p)) == []
    html = service.profile_html(p).decode()
    assert small_counts_in([text for _, text in child_cells(html).child]) == []
    assert "small-number rule hides Stockport's children's figure" in p.answer
    assert {c.measure: c.authority for c in p.distances}["optimal_share_within_20_miles"] == "c"
    rounded = service.authority_profile(ds, STOCKPORT, 2024, disclosure="round5")
    assert rounded.row["children_in_homes"] == 5 and rounded.row["places_per_child"] is None


def test_names_are_escaped(stockport):
    evil = '<script>alert("x")</script> & <b>Co</b>'
    p = replace(stockport, name=evil, region=evil, answer=f"Yes: {evil}", neighbours_vintage=evil)
    html = service.profile_html(p).decode()
    assert "<script>" not in html and "<b>Co" not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;") >= 5
    from io import BytesIO

    from pypdf import PdfReader

    pages = [page.extract_text().replace("\n", " ") for page in PdfReader(BytesIO(service.profile_pdf(p))).pages]
    assert all(evil in text for text in pages)  # the page heading, as written, never as markup


def test_the_html_needs_no_network(stockport):
    html = service.profile_html(stockport).decode()
    assert not re.search(r"https?://", html)
    links = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", html)
    assert links and all(link.startswith("#") for link in links)  # in-page anchors only
    assert "<script" not in html and "<link" not in html and "url(" not in html and "@import" not in html
    assert "default-src 'none'" in html  # the page's own policy blocks any request
    assert "nationalarchives.gov.uk/doc/open-government-licence/version/3" in html  # printed, not linked


def test_the_command_reproduces_the_profile(stockport):
    assert stockport.command == ("python -m sufficiency profile --authority E08000007 --year 2024 --out "
                                 "stockport-E08000007-2024.pdf")
    command = service.profile_command("E08000007", 2024, ("childrens_home", "secure_childrens_home"), "none",
                                      {"providers": ("my $(x).csv",)}, placements="p.csv",
                                      changes=[("E08000006", 20), ("E08000007", -5)], out="s.pdf")
    assert command == ("python -m sufficiency profile --authority E08000007 --year 2024 --categories "
                       "childrens_home,secure_childrens_home --providers 'my $(x).csv' --disclosure none "
                       "--placements p.csv --open E08000006:20 --close E08000007:5 --out s.pdf")


def test_a_scenario_shows_before_and_after_as_run_scenario(full):
    p = service.authority_profile(full, STOCKPORT, 2024, changes=[(STOCKPORT, -100)])
    result = service.run_scenario(full, service.year_view(full, 2024), [(STOCKPORT, -100)])
    own = result.report.set_index("code").loc[STOCKPORT]
    assert (p.scenario.own["places_before"], p.scenario.own["places_after"]) == (144, 44)
    assert p.scenario.own["local_bed_gap_after"] == own["local_bed_gap_after"] == 16
    assert p.scenario.own["share_within_20_miles_after"] == pytest.approx(own["share_within_20_miles_after"])
    html = service.profile_html(p).decode()
    assert 'id="scenario"' in html and "close 100 in Stockport" in html


def test_an_authority_without_homes_gets_a_plain_answer(full):
    p = service.authority_profile(full, "E06000017", 2024)  # Rutland: no homes; DfE suppresses its children
    assert p.row["places"] == 0 and p.row["children_in_homes"] is None
    assert p.answer == ("No local places: Rutland had no registered children's home places on 31 March 2024, so "
                        "all of its children living in children's homes lived outside it (DfE's figure: suppressed "
                        "by DfE to protect confidentiality (c)).")
    assert p.headline[0].reading == "No registered children's homes inside Rutland on 31 March 2024."
