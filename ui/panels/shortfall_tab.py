"""The Shortfall table tab: the table, its download and the command that writes the same file."""

from __future__ import annotations

import streamlit as st

from sufficiency import service
from ui import tables, text

DISCLOSURE = {"none": "As published", "suppress": "Suppress child counts of 1 to 5",
              "round5": "Round to nearest 5", "round10": "Round to nearest 10"}


SHORTFALL_ORDER = ["rank", "name", "local_bed_gap", "children_in_homes", "places", "homes", "placed_outside",
                   "placed_outside_pct", "net_gain", "places_per_child", "region", "code", "children_in_homes_low",
                   "children_in_homes_high", "local_bed_gap_low", "local_bed_gap_high", "private_share",
                   "demand_note", "supply_note", "disclosure_control"]  # then any further column of the table


def shortfall_tab(ds: service.Dataset, view: service.YearView, opts: dict) -> None:
    region = st.selectbox("Region", ["England", *service.REGIONS], key="region")
    disclosure = st.selectbox("Small numbers", list(DISCLOSURE), format_func=DISCLOSURE.get, key="disclosure")
    table = service.shortfall_table(view, region)
    st.caption(text.plain(f"{len(table)} authorities, 31 March {view.year}, largest local bed gap first "
                          "(a positive gap: fewer local places than children). Select a column heading to sort. "
                          f"Small numbers: {service.RULES[disclosure]}."))
    # the table on screen follows the same small-number rule as the download
    shown = service.apply_disclosure(table, disclosure)
    order = SHORTFALL_ORDER + [c for c in shown.columns if c not in SHORTFALL_ORDER and c != "year"]
    tables.show(shown, order, key="shortfall_table", height=460)
    name = f"shortfall_{opts['year']}_{'england' if region == 'England' else region.lower().replace(' ', '_')}.csv"
    st.download_button("Download CSV", service.shortfall_csv(view, region, disclosure), file_name=name,
                       mime="text/csv", key="download", on_click="ignore")
    command = text.export_command(opts["year"], region, disclosure, opts["categories"], service.CATEGORIES_DEFAULT,
                                  ds.files, layer=ds.boundary_layer)
    st.caption("The same file as this command (copy it as it is):")
    st.code(command, language="bash")
