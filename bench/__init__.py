"""Benchmarks of the sufficiency tool: ``python -m bench`` (or ``python bench/run.py``).

Measures the national model (cold and warm), the CLI export, the map payload, the
Streamlit app's first map and click-to-detail in headless Chromium, point-in-polygon
attribution at 10k to 1M points, postcode geocoding and the optimal allocation;
prints a table and writes ``bench/results.md``. See :mod:`bench.run`.
"""
