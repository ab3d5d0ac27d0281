"""Readers for the published files: tidy frames out, with a row-by-row reconciliation.

- :mod:`sufficiency.readers.tabular`: layout, encoding, header and marker handling.
- :mod:`sufficiency.readers.ofsted`: Ofsted provider-level files (supply).
- :mod:`sufficiency.readers.dfe`: DfE children looked after tables (demand).
"""

from sufficiency.readers.dfe import (
    read_cla_la_table,
    read_cla_missing_table,
    read_net_gain,
    read_placed_outside,
)
from sufficiency.readers.ofsted import read_ofsted_providers
from sufficiency.readers.tabular import MARKERS, RawTable, read_table

__all__ = [
    "MARKERS",
    "RawTable",
    "read_cla_la_table",
    "read_cla_missing_table",
    "read_net_gain",
    "read_ofsted_providers",
    "read_placed_outside",
    "read_table",
]
