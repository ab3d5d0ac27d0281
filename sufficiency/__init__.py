"""The sufficiency model: per-authority supply, demand, local bed gap, regions, comparisons.

Pure functions over DataFrames; no Streamlit here. Start at :mod:`sufficiency.dataset`
(load the embedded data) and :mod:`sufficiency.model.measures` (the measures).
"""
