"""Where the raw published files are, for the tests that recount figures from them.

The raw files are never in the repository: they sit beside it, at
``../shared/data/raw`` (or wherever ``SUFFICIENCY_RAW`` points). A test that needs one
uses :data:`needs_raw` or :func:`raw_file`, which skip with the reason when they are
absent, so a fresh clone with nothing beside it still passes.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RAW = Path(os.environ.get("SUFFICIENCY_RAW") or REPO.parent / "shared" / "data" / "raw")
needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason=f"raw published files not found at {RAW} "
                               "(put them at ../shared/data/raw or set SUFFICIENCY_RAW)")


def raw_file(relative: str) -> Path:
    """The raw file at ``relative`` under :data:`RAW`; skips the test when it is absent."""
    path = RAW / relative
    if not path.exists():
        pytest.skip(f"raw published file not found: {path}")
    return path


def csv_records(path: Path) -> list[list[str]]:
    """Every record of a published CSV (UTF-8 with or without BOM, else Windows-1252), parsed by
    the standard library's csv module: independent of our readers."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline="")))
