"""Readers: files in, tidy frames out, each with its row-by-row reconciliation.

==============  ===================================================================
files           bytes in: size limits, encodings, binary files, the archive guard
markers         the one vocabulary of DfE/ONS markers (c, x, z, k, ...)
reconcile       :class:`Reconciliation`: every row used or set aside with a reason
tabular         layout of published tables: title rows, headers, numbers, markers
ofsted          Ofsted provider-level files (supply)
dfe             DfE children looked after tables (demand)
placements      a commissioner's own placements list
==============  ===================================================================

Import from the modules themselves (``from sufficiency.readers.ofsted import ...``):
this package imports nothing, so the lowest modules stay cheap to import.
"""
