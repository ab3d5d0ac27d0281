"""Geocoding benchmark body, run in its own process: ``python -m bench.geocode_child N REPEATS``.

A fresh process so that its peak resident memory (read with ``getrusage`` after
each step: the peak so far) belongs to the directory and its lookup tables alone.
Prints one JSON object: seconds and peak RSS (MB) after each step.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np
import pandas as pd

SEED = 20240331


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # Linux: KiB


def messy(sample: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """A third as published, a third lower case without the space, a third with extra spaces."""
    text = pd.Series(sample, dtype="string").reset_index(drop=True)
    pick = rng.integers(0, 3, len(text))
    out = text.copy()
    out[pick == 1] = text[pick == 1].str.lower().str.replace(" ", "", regex=False)
    out[pick == 2] = "  " + text[pick == 2].str.replace(" ", "   ", regex=False) + " "
    return out


def main(n: int, repeats: int, trace: bool = True) -> dict:
    """Load, build tables, geocode ``n`` sampled postcodes ``repeats`` times; the figures as a dict.

    ``trace=False`` skips the tracemalloc run of one lookup (slow under tracing).
    """
    from bench.timing import median_time, traced_peak_mb

    start = time.perf_counter()
    from geo import geocode as gc
    from geo.postcodes import load_postcodes

    directory = load_postcodes()
    out = {"load_s": time.perf_counter() - start, "load_rss": _rss_mb(), "postcodes": len(directory)}
    start = time.perf_counter()
    gc._default_tables()  # the cached lookup tables geocode() builds on first use
    out.update(tables_s=time.perf_counter() - start, tables_rss=_rss_mb())
    rng = np.random.default_rng(SEED)
    sample = messy(directory["postcode"].to_numpy()[rng.choice(len(directory), n, replace=False)], rng)
    start = time.perf_counter()
    gc.geocode(sample)
    out["first_call_s"] = time.perf_counter() - start
    lookup_s, _, result = median_time(lambda: gc.geocode(sample), repeats)
    tiny = sample.iloc[:100]
    out.update(lookup_s=lookup_s, lookup_rss=_rss_mb(), lookup_traced=traced_peak_mb(lambda: gc.geocode(sample)) if trace else None,
               fixed_s=median_time(lambda: gc.geocode(tiny), repeats)[0],
               exact=float((result["precision"] == "postcode").mean()),
               authority=float(result["authority_code"].notna().mean()))
    return out


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]), trace="--no-trace" not in sys.argv)))
