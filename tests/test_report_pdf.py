"""The PDF opens in a standard reader (pypdf): pages, headings and numbers on every page, the figures."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from report_checks import export_row

from sufficiency import service
from sufficiency.report.numbers import figure

pypdf = pytest.importorskip("pypdf", reason="pypdf is in the 'test' extra")


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SUFFICIENCY_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.fixture(scope="module")
def full():
    return service.embedded()


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(BytesIO(pdf)).pages]


def test_stockport_pdf_has_pages_headings_numbers_and_figures(full):
    p = service.authority_profile(full, "E08000007", 2024)
    pdf = service.profile_pdf(p)
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(BytesIO(pdf))
    pages = _pages(pdf)
    assert len(pages) >= 2
    for i, text in enumerate(pages, start=1):
        assert "Stockport · children's homes sufficiency profile · 31 March 2024" in text
        assert f"Page {i} of {len(pages)}" in text
    whole = " ".join(pages).replace("\n", " ")
    assert "Yes, in number: Stockport had 144 registered children's home places for 60 of its own" in whole
    assert "Contents" in pages[0] and "Data notes, sources and licence" in pages[0]
    titles = [o["/Title"] for o in reader.outline]
    assert titles[0].startswith("1. Headline") and titles[-1].startswith("6. Data notes")
    assert reader.metadata.title == "Stockport: children's homes sufficiency profile, 2024"
    assert "python -m sufficiency profile --authority E08000007 --year 2024" in whole


@pytest.mark.parametrize(("name", "year"), [("Hartlepool", 2024), ("Cumbria", 2022), ("Kent", 2019),
                                            ("Westminster", 2014), ("Stockport", 2025)])
def test_a_sample_of_pdfs_carry_the_export_figures(full, name, year):
    code = service.find_authority(full, name, year)
    p = service.authority_profile(full, code, year)
    pages = _pages(service.profile_pdf(p))
    assert len(pages) >= 2
    assert all(p.name in page and str(year) in page for page in pages)
    row = export_row(full, year, p.code, "suppress")
    whole = " ".join(pages)
    places = figure(row["places"], "places")
    # the headline row: label, then the authority's figure first
    assert re.search(rf"Registered children's home places in\s+the area\s+{re.escape(places)}\n", whole), places
