"""Every file of the test corpus, in every place the command line takes a file: done (0) or a clean error (2).

Never an unforeseen problem (exit 3, "the tool could not finish"), never a traceback: whatever
a user gives, in whatever slot, the tool answers with one sentence (issue 10).
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import pytest

from sufficiency import cli

FIXTURES = Path(__file__).parent / "fixtures"
FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix not in (".py", ".md"))
PLACEMENTS = FIXTURES / "validation" / "placements_faults.csv"
SLOTS = {"providers": ["export", "--providers"], "demand": ["export", "--demand"],
         "boundaries": ["export", "--boundaries"], "placements": ["placements"],
         "roads": ["placements", str(PLACEMENTS), "--as-at", "2025-03-31", "--roads"]}


@pytest.mark.slow
@pytest.mark.parametrize("slot", list(SLOTS))
def test_every_corpus_file_in_every_slot_ends_in_one_sentence(slot, tmp_path):
    assert len(FILES) >= 90
    unclean = []
    for path in FILES:
        err = io.StringIO()
        with warnings.catch_warnings(), contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            code = cli.run([*SLOTS[slot], str(path), "--out", str(tmp_path / "out.csv")])
        text = err.getvalue()
        if code not in (0, 2) or "could not finish" in text or "Traceback" in text:
            unclean.append((path.name, code, text[-200:]))
        if code == 2:
            assert text.count("error: ") == 1, (path.name, text)
    assert unclean == []
