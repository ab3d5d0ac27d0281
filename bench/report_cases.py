"""Benchmarks of the authority profile (issue 13): the command per authority and format, every authority's HTML.

=====================  ==================================================================
row key                what
=====================  ==================================================================
profile_cli_html       python -m sufficiency profile --authority Stockport --out x.html
profile_cli_pdf        the same with --out x.pdf (target for both: < 5 s after the first run)
profile_all_html       in-process: the 153 authorities' profiles and HTML, after the year's
                       tables are made once (target ≤ 20 s)
profile_pdf            in-process: one PDF (Stockport 2024), bytes and pages
=====================  ==================================================================

The command runs once untimed first: it fills the trend cache (``SUFFICIENCY_CACHE_DIR``,
a temporary folder here), as a user's first run does. ``python -m bench --quick`` leaves the
command out (``tests/test_report_cli.py`` runs it) and profiles every 30th authority, untraced.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from pathlib import Path

from bench.timing import Result, child_median, median_time, run_child, traced_peak_mb

REPO = Path(__file__).resolve().parent.parent
YEAR = 2024
CLI_TARGET_S, ALL_TARGET_S = 5.0, 20.0


def profile_cli(repeats: int, quick: bool = False) -> list[Result]:
    """The command end to end, HTML and PDF (median of ``repeats`` runs each, after one untimed run)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        old = os.environ.get("SUFFICIENCY_CACHE_DIR")
        os.environ["SUFFICIENCY_CACHE_DIR"] = str(Path(tmp) / "cache")
        try:
            for fmt in ("html", "pdf"):
                out = Path(tmp) / f"stockport.{fmt}"
                cmd = [sys.executable, "-m", "sufficiency", "profile", "--authority", "Stockport", "--year",
                       str(YEAR), "--out", str(out)]
                first = float("nan") if quick else run_child(cmd, str(REPO))[0]
                seconds, rss, runs = child_median(cmd, str(REPO), repeats)
                size = out.stat().st_size
                rows.append(Result(f"profile_cli_{fmt}", f"CLI profile end to end, {fmt.upper()} (Stockport {YEAR})",
                                   "1 authority", seconds, runs, rss, "RSS", measure=f"{size:,} bytes",
                                   target=f"< {CLI_TARGET_S:.0f} s", met=seconds < CLI_TARGET_S,
                                   values={"bytes": size, "first_s": first},
                                   note="quick: no untimed first run" if quick else
                                   f"first run (fills the trend cache) {first:.1f} s"))
        finally:
            if old is None:
                os.environ.pop("SUFFICIENCY_CACHE_DIR", None)
            else:
                os.environ["SUFFICIENCY_CACHE_DIR"] = old
    return rows


def profile_all(repeats: int, quick: bool = False) -> list[Result]:
    """Every authority's HTML in-process (every 30th, untraced, when ``quick``), and one PDF."""
    from io import BytesIO

    from sufficiency import service

    ds = service.embedded()
    first = service.authority_profile(ds, "E08000007", YEAR)  # the year's tables, once
    codes = list(service.year_view(ds, YEAR, distances=False).measures["code"])[::30 if quick else 1]

    def every() -> int:
        return sum(len(service.profile_html(service.authority_profile(ds, c, YEAR))) for c in codes)

    runs = max(1, repeats // 3)
    seconds, _, total = median_time(every, runs)
    all_row = Result("profile_all_html", f"Every authority's profile as HTML, {YEAR} (in-process)",
                     f"{len(codes)} authorities", seconds, runs, math.nan if quick else traced_peak_mb(every),
                     measure=f"{seconds / len(codes) * 1000:.0f} ms each, {total / len(codes) / 1000:.0f} kB each",
                     target="" if quick else f"≤ {ALL_TARGET_S:.0f} s", met=None if quick else seconds <= ALL_TARGET_S,
                     values={"bytes": total}, note="quick: every 30th authority, memory not traced" if quick else "")
    pdf_s, _, pdf = median_time(lambda: service.profile_pdf(first), repeats, warmup=0 if quick else 1)
    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    pdf_row = Result("profile_pdf", f"One profile as PDF (Stockport {YEAR}, reportlab)", f"{pages} pages", pdf_s,
                     repeats, traced_peak_mb(lambda: service.profile_pdf(first)),
                     measure=f"{len(pdf):,} bytes", values={"bytes": len(pdf), "pages": pages})
    return [all_row, pdf_row]
