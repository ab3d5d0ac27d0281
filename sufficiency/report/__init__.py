"""An authority's sufficiency profile: one printable report (HTML and PDF).

=============  ===========================================================================
profile        the :class:`~sufficiency.report.profile.Profile`: every figure and sentence of
               the report, assembled from the service's tables (no drawing, no formatting)
sentences      the plain-English readings of the figures
numbers        how a figure is written (percentages as %, counts as integers with separators)
drawing        a tiny vector drawing model (rectangles, lines, paths, text) and its SVG
charts         the report's charts as drawings (comparison bars, trends, bands)
static_map     the map as a drawing: the authority, its region and its DfE neighbours on
               the shapes projected to British National Grid (EPSG:27700), no tiles
html           the self-contained HTML (CSS and SVG inline; no request leaves the page)
pdf            the PDF (reportlab: contents, page headings and numbers on every page)
=============  ===========================================================================

This package sits beside the model: it reads tables, never the service, so the service
(:mod:`sufficiency.service.profiles`) can call it.
"""
