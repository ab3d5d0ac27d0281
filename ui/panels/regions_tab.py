"""The Regions tab: where the places are against where the children come from."""

from __future__ import annotations

import streamlit as st

from sufficiency import service
from ui import cached, charts, tables


def regions_tab(ds: service.Dataset, view: service.YearView) -> None:
    table = cached.regional_summary(view.key, ds, view)
    top = service.top_regions(table)
    st.markdown("Share of England's registered places and of its looked-after children living in "
                f"children's homes, by region, 31 March {view.year}. Most places are in "
                f"**{', '.join(top)}**. A location quotient above 1 means the region holds more "
                "places than its share of children; below 1, fewer.")
    st.altair_chart(charts.regional_chart(table, tuple(top)), width="stretch")
    tables.show(table, REGION_COLUMNS, key="regions_table")


REGION_COLUMNS = ["region", "homes", "places", "children_in_homes", "homes_share", "places_share", "children_share",
                  "location_quotient", "private_share", "rank_places", "authorities_without_demand"]
