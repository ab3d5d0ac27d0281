"""The app's panels, one module each (Streamlit code; every figure from :mod:`sufficiency.service`).

=============  ========================================================
data_sources   "Use your own data": uploads -> dataset (InputError shown plainly)
session        the view restored from / written to the address bar
sidebar        year, measure, provision counted, map options
map_tab        the England map and the click that selects an authority
detail         one authority's figures, rank, trend and neighbours
profile        the detail panel's printable profile (HTML and PDF), made when asked for
compare_tab    authorities side by side
regions_tab    regional concentration
shortfall_tab  the shortfall table, its download and the same CLI command
distances_tab  scenarios and a commissioner's placements list
=============  ========================================================
"""
