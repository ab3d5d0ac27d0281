"""Benchmarks of the command line on a commissioner's placements list, and of cold starts against bare imports.

- ``placements_small``: ``python -m sufficiency placements`` on a 2-row file in a new process
  (imports, embedded data, the postcode index, distances, CSV): target ≤ 2 s and ≤ 400 MB
  peak RSS, after the one-off index build (``geocode_build``); its ratio to a bare
  ``python -c "import pandas, numpy"`` in the same run.
- ``placements_large``: the same command on 100,000 placements (real postcodes drawn with a
  fixed seed from the index): target ≤ 10 s.
- ``cli_export_ratio``: the cold CLI export against a bare ``import geopandas, pandas``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from bench.timing import Result, child_median

REPO = Path(__file__).resolve().parent.parent
SMALL_TARGET_S, SMALL_TARGET_MB, LARGE_TARGET_S = 2.0, 400.0, 10.0
BARE_PANDAS = [sys.executable, "-c", "import pandas, numpy"]
BARE_GEO = [sys.executable, "-c", "import geopandas, pandas"]


def _placements_file(path: Path, n: int) -> None:
    """``n`` placements between real postcodes of the index (fixed seed), with start dates."""
    from geo.postcodes import default_index

    keys = np.asarray(default_index().keys)
    picked = keys[np.random.default_rng(2024).integers(0, len(keys), 2 * n)]
    text = pd.Series(picked).str.decode("ascii").str.strip()
    spaced = text.str[:-3] + " " + text.str[-3:]
    pd.DataFrame({"origin": spaced[:n].to_numpy(), "destination": spaced[n:].to_numpy(),
                  "start date": "2024-01-05"}).to_csv(path, index=False)


def placements(repeats: int, large_n: int = 100_000) -> list[Result]:
    """The small and large placements runs, each in a new process (module docstring)."""
    bare_s, bare_mb, _ = child_median(BARE_PANDAS, str(REPO), repeats)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "two.csv"
        small.write_text("origin,destination\nSK1 1AA,M1 1AE\nSK1 1AB,E08000003\n")
        cmd = [sys.executable, "-m", "sufficiency", "placements", str(small), "--out", str(Path(tmp) / "o.csv")]
        seconds, rss, runs = child_median(cmd, str(REPO), repeats)
        out.append(Result("placements_small", "Placements, 2-row file, new process (python -m sufficiency "
                          "placements)", "2 placements", seconds, runs, rss, "RSS",
                          measure=f"{seconds / bare_s:.2f}× a bare import pandas, numpy ({bare_s:.2f} s, "
                                  f"{bare_mb:.0f} MB)",
                          target=f"≤ {SMALL_TARGET_S:.0f} s, ≤ {SMALL_TARGET_MB:.0f} MB",
                          met=seconds <= SMALL_TARGET_S and rss <= SMALL_TARGET_MB,
                          values={"ratio_to_bare": seconds / bare_s}))
        large = Path(tmp) / "large.csv"
        _placements_file(large, large_n)
        cmd = [sys.executable, "-m", "sufficiency", "placements", str(large), "--out", str(Path(tmp) / "l.csv")]
        seconds, rss, runs = child_median(cmd, str(REPO), max(1, repeats // 2))
        out.append(Result("placements_large", "Placements, large file, new process", f"{large_n:,} placements",
                          seconds, runs, rss, "RSS", measure=f"{seconds / large_n * 1e6:.0f} µs per placement",
                          target=f"≤ {LARGE_TARGET_S:.0f} s", met=seconds <= LARGE_TARGET_S))
    return out


def cli_export_ratio(repeats: int, export: Result | None = None) -> Result:
    """Cold ``export`` against a bare ``import geopandas, pandas`` in the same run.

    ``export``: the ``cli_export`` row measured just before (the same command), reused
    instead of running the export again."""
    bare_s, bare_mb, _ = child_median(BARE_GEO, str(REPO), repeats)
    if export is not None:
        seconds, rss, runs = export.seconds, export.peak_mb, export.runs
    else:
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "sufficiency", "export", "--year", "2024", "--out", str(Path(tmp) / "s.csv")]
            seconds, rss, runs = child_median(cmd, str(REPO), repeats)
    return Result("cli_export_ratio", "CLI export, cold, against a bare import geopandas, pandas", "153 rows",
                  seconds, runs, rss, "RSS", measure=f"{seconds / bare_s:.2f}× the bare import ({bare_s:.2f} s, "
                                                     f"{bare_mb:.0f} MB)", values={"ratio_to_bare": seconds / bare_s})
