"""Drawing for the Streamlit app: maps, charts and URL state.

The top floor of the project. Nothing here computes a measure: every number comes
from :mod:`sufficiency`; these modules only turn tables into folium maps, Altair
charts and query strings.
"""
