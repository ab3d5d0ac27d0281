"""Geocoding benchmark bodies, each run in its own process so that its peak RSS is its own.

Usage (from the repository root)::

    python -m bench.geocode_child build CACHE_DIR            # one-off index build into CACHE_DIR
    python -m bench.geocode_child cold CACHE_DIR             # imports + geocode 2 postcodes
    python -m bench.geocode_child lookup CACHE_DIR N REPEATS [--no-trace]

Each prints one JSON object (seconds; the parent measures wall time and peak RSS).
``CACHE_DIR`` becomes ``SUFFICIENCY_CACHE_DIR`` before :mod:`geo` is imported.
"""

from __future__ import annotations

import json
import os
import sys
import time

START = time.perf_counter()
SEED = 20240331
COLD_POSTCODES = ("sk11aa", "M1  1AE")


def messy(sample, rng):
    """A third as published, a third lower case without the space, a third with extra spaces."""
    import pandas as pd

    text = pd.Series(sample, dtype="string").reset_index(drop=True)
    pick = rng.integers(0, 3, len(text))
    out = text.copy()
    out[pick == 1] = text[pick == 1].str.lower().str.replace(" ", "", regex=False)
    out[pick == 2] = "  " + text[pick == 2].str.replace(" ", "   ", regex=False) + " "
    return out


def build() -> dict:
    """Build the index into the cache folder (it must not be there yet); its meta.json."""
    from geo import postcodes

    folder = postcodes.index_folder()
    if postcodes.is_built(folder):
        raise SystemExit(f"{folder} is already built: give an empty cache folder")
    postcodes.build_index(folder, quiet=True)
    size = sum(f.stat().st_size for f in folder.iterdir())
    return {**postcodes.read_meta(folder), "bytes": size, "folder": str(folder)}


def cold() -> dict:
    """What a new process does to place two postcodes: imports, open the index, geocode."""
    import pandas as pd

    from geo.geocode import geocode

    imported = time.perf_counter()
    got = geocode(pd.Series(COLD_POSTCODES))
    done = time.perf_counter()
    return {"import_s": imported - START, "geocode_s": done - imported, "total_s": done - START,
            "easting": got["easting"].tolist(), "precision": got["precision"].tolist()}


def lookup(n: int, repeats: int, trace: bool = True) -> dict:
    """Geocode ``n`` sampled postcodes in messy formatting ``repeats`` times (index already built)."""
    import numpy as np
    import pandas as pd

    from bench.timing import median_time, traced_peak_mb
    from geo.geocode import geocode
    from geo.postcodes import default_index

    index = default_index()
    rng = np.random.default_rng(SEED)
    keys = pd.Series(np.asarray(index.keys[rng.choice(len(index), n, replace=False)]).astype("U8"))
    sample = messy(keys.str.slice(0, -3) + " " + keys.str.slice(-3), rng)
    start = time.perf_counter()
    geocode(sample)
    first_s = time.perf_counter() - start
    lookup_s, _, result = median_time(lambda: geocode(sample), repeats)
    tiny = sample.iloc[:100]
    return {"postcodes": len(index), "first_call_s": first_s, "lookup_s": lookup_s,
            "lookup_traced": traced_peak_mb(lambda: geocode(sample)) if trace else None,
            "fixed_s": median_time(lambda: geocode(tiny), repeats)[0],
            "exact": float((result["precision"] == "postcode").mean())}


def main(argv: list[str]) -> dict:
    """Run the mode named in ``argv[0]`` with the cache folder ``argv[1]``."""
    mode, os.environ["SUFFICIENCY_CACHE_DIR"] = argv[0], argv[1]
    if mode == "build":
        return build()
    if mode == "cold":
        return cold()
    if mode == "lookup":
        return lookup(int(argv[2]), int(argv[3]), trace="--no-trace" not in argv)
    raise SystemExit(f"unknown mode {mode!r}: build, cold or lookup")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
