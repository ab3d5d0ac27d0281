"""The sufficiency model: pure functions over documented frames (no files, no drawing).

==========  ==============================================================
supply      Ofsted homes and places per authority, year, category, sector
demand      DfE children in children's homes per authority and year
measures    every measure of every authority in a year (the local bed gap...)
units       how each year's councils are drawn (reorganisations), shapes, points
regional    regional concentration: shares of places against children
compare     authorities side by side, ranks, trends, similar authorities
shortfall   the shortfall table (the CSV export's rows)
==========  ==============================================================
"""
