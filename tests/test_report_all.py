"""Every authority's profile (slow): figures equal the export, the small-number rule, the time it takes.

The issue's budget: all 153 authorities' HTML in about 20 s on this machine (2 cores),
after the year's tables are made once. The assertion allows three times that, so a
busy machine does not fail the suite; the time is printed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from report_checks import (
    child_cells,
    export_row,
    headline_texts,
    profile_child_counts,
    small,
    small_counts_in,
)

from sufficiency import service

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SUFFICIENCY_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.mark.slow
def test_every_authority_html_shows_the_export_figures_within_the_budget(capsys):
    ds = service.embedded()
    service.authority_profile(ds, "E08000007", 2024)  # the year's tables, once
    view = service.year_view(ds, 2024, distances=False)
    table = service.apply_disclosure(service.shortfall_table(view), "suppress").set_index("code")
    codes = list(table.index)
    assert len(codes) == 153
    start = time.perf_counter()
    profiles = {code: service.authority_profile(ds, code, 2024) for code in codes}
    pages = {code: service.profile_html(p) for code, p in profiles.items()}
    seconds = time.perf_counter() - start
    with capsys.disabled():
        print(f"\n153 profiles (HTML) in {seconds:.1f} s")
    assert seconds < 60
    for code, page in pages.items():
        cells = child_cells(page.decode("utf-8"))
        row = table.loc[code].to_dict()
        for column, text in headline_texts(row).items():
            assert cells.own[column].split(" (")[0] == text, (code, column)
        assert small_counts_in([text for _, text in cells.child]) == [], code
        assert small(profile_child_counts(profiles[code])) == [], code


@pytest.mark.slow
def test_every_authority_keeps_the_rule_in_an_earlier_year():
    ds = service.embedded()
    for year in (2014,):
        for code in service.year_view(ds, year, distances=False).measures["code"]:
            p = service.authority_profile(ds, code, year)
            assert small(profile_child_counts(p)) == [], (year, code)


@pytest.mark.slow
def test_a_sample_of_pdfs():
    from io import BytesIO

    from pypdf import PdfReader

    ds = service.embedded()
    codes = list(service.year_view(ds, 2024, distances=False).measures["code"])[7::40]
    for code in codes:
        p = service.authority_profile(ds, code, 2024)
        reader = PdfReader(BytesIO(service.profile_pdf(p)))
        text = [page.extract_text() for page in reader.pages]
        assert len(text) >= 2 and all(p.name in t and "31 March 2024" in t for t in text), code
        places = export_row(ds, 2024, code, "suppress")["places"]
        assert f"\n{int(places):,}\n" in text[0], code


@pytest.mark.slow
def test_an_authority_named_with_markup_in_the_data_is_escaped_everywhere():
    from dataclasses import replace

    full = service.embedded()
    authorities = full.authorities.copy()
    evil = '<script>alert("x")</script> & <b>Co</b>'
    authorities.loc[authorities["code"] == "E08000007", "name"] = evil
    ds = replace(full, authorities=authorities, key=f"user:names-{full.key}")
    p = service.authority_profile(ds, "E08000007", 2024)
    assert p.name == evil and evil in p.answer
    html = service.profile_html(p).decode()
    assert "<script>" not in html and "<b>Co" not in html
    assert service.profile_pdf(p).startswith(b"%PDF-")


@pytest.mark.slow
def test_an_uploaded_boundary_file_with_html_names_is_drawn_safely():
    files = service.UserFiles(boundaries=service.UserFile.from_path(BAD / "b_html_names.geojson"))
    ds = service.open_dataset(files)
    p = service.authority_profile(ds, "E06000001", 2024)
    page = service.profile_html(p).decode("utf-8")
    assert "<img" not in page and "onerror" not in page
    assert p.command.endswith("--boundaries b_html_names.geojson --out hartlepool-E06000001-2024.pdf")
