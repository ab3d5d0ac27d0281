"""Independent counts of a raw CSV's records (the csv module, not our readers), for row-accounting tests."""

import csv
import io
from pathlib import Path


def csv_records(path: Path) -> list[list[str]]:
    """Every record of a published CSV (UTF-8 with or without BOM, else Windows-1252)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline="")))
