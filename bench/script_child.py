"""Server-side cost of the app's script, without a browser: ``python -m bench.script_child REPEATS``.

Runs ``app.py`` with Streamlit's ``AppTest`` in a fresh process: the first run
(imports of the app's modules, the embedded data with geometry, the model, the
map) and the median of ``REPEATS`` reruns (what every widget change or map click
costs on the server). Prints one JSON object.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(repeats: int) -> dict:
    """Seconds of the first run and the median rerun; exceptions the script raised."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    start = time.perf_counter()
    app.run()
    first = time.perf_counter() - start
    reruns = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        app.run()
        reruns.append(time.perf_counter() - start)
    return {"first_s": first, "rerun_s": statistics.median(reruns), "runs": len(reruns),
            "exceptions": [str(e.value) for e in app.exception]}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
