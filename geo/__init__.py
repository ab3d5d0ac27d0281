"""Geography: boundary files, CRS handling, postcodes, attribution and distances.

The lowest floor of the project: files in, tidy (Geo)DataFrames out. Imports
nothing from :mod:`sufficiency`.
"""

BNG = "EPSG:27700"  # British National Grid, metres: every measurement
WGS84 = "EPSG:4326"  # longitude/latitude degrees: display only
