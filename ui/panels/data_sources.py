"""The sidebar's "Use your own data": uploads turned into a dataset (same rules as the CLI)."""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from sufficiency import service
from sufficiency.service import InputError
from ui import cached, tables, text

log = logging.getLogger(__name__)


def upload_file(f) -> service.UserFile:
    """A Streamlit upload as the service's UserFile (name and bytes)."""
    return service.UserFile(f.name, f.getvalue())


@st.cache_data(max_entries=4, show_spinner=False)
def _layers(key: str, _file: service.UserFile) -> list[str]:
    try:
        return service.boundary_layers(_file)
    except InputError:
        return []  # the file's own error is shown when it is opened


def _layer_choice(file: service.UserFile) -> str | None:
    """A layer selector when the boundary file holds several layers (never the first silently)."""
    layers = _layers(file.key(), file)
    if len(layers) <= 1:
        return None
    return st.selectbox("Layer holding the authorities", layers, index=None, key="up_bnd_layer",
                        placeholder=f"Your file holds {len(layers)} layers: choose one")


DRAWN = "_uploads_drawn"  # Session State: the uploaders have been drawn in this session


def _uploads_box() -> tuple[DeltaGenerator, bool]:
    """("Use your own data" in the sidebar, whether its uploaders are drawn in this run).

    They are drawn from the first time it is opened in the session, then in every run. Until
    then they are not drawn at all: a closed expander would still send its four file uploaders,
    and every first page would fetch their eight script files before the map's. Once drawn they
    stay in the page, closed or open, so the files chosen are kept.
    """
    box = st.sidebar.expander("Use your own data", key="uploads_open", on_change="rerun")
    if box.open:
        st.session_state[DRAWN] = True
    return box, bool(st.session_state.get(DRAWN))


def dataset() -> service.Dataset:
    """The embedded data, or the embedded data with the user's uploads (same rules as the CLI)."""
    box, drawn = _uploads_box()
    if not drawn:
        return service.embedded()
    with box:
        st.caption(text.UPLOAD_HELP)
        providers = st.file_uploader("Ofsted provider file(s) (CSV or Excel; several for a year published in parts)",
                                     type=["csv", "xlsx"], key="up_prov", accept_multiple_files=True)
        demand = st.file_uploader("DfE table: children in homes placed outside the authority (CSV)",
                                  type=["csv", "xlsx"], key="up_dem")
        net_gain = st.file_uploader("DfE table: net gain, children's homes (CSV, with the table above)",
                                    type=["csv", "xlsx"], key="up_net")
        boundaries = st.file_uploader("Authority boundaries (GeoJSON, GeoPackage or zipped shapefile)",
                                      type=["geojson", "json", "gpkg", "zip"], key="up_bnd")
        layer = _layer_choice(upload_file(boundaries)) if boundaries else None
    files = service.UserFiles(providers=tuple(upload_file(f) for f in providers or []),
                              demand=upload_file(demand) if demand else None,
                              net_gain=upload_file(net_gain) if net_gain else None,
                              boundaries=upload_file(boundaries) if boundaries else None, layer=layer)
    embedded = service.embedded()
    if not files.given():
        return embedded
    try:
        ds = cached.dataset(files.key(), files)
    except InputError as e:
        st.sidebar.error(text.plain(str(e)))
        st.sidebar.info("Showing the embedded data instead.")
        return embedded
    except Exception:  # a bug, not the user's fault: say so plainly, log the details
        log.exception("reading uploaded files failed")
        st.sidebar.error("Your file could not be read (an unexpected problem in the tool). "
                         "The embedded data is shown instead.")
        return embedded
    st.sidebar.success(text.plain("Using your files: " + ", ".join(n for names in ds.files.values() for n in names)))
    years = ds.file_years.get("providers")
    if years:
        st.sidebar.info(text.plain(f"Your provider file is about 31 March {', '.join(map(str, years))}: choose that "
                                   "year under 'What to show' to see its figures (other years are the embedded ones)."))
    for notice in ds.notices:
        st.sidebar.warning(text.plain(notice))
    with st.sidebar.expander("What was read from your files", expanded=True):
        tables.show(ds.reconciliation, key="upload_reconciliation")
        if len(ds.set_aside):
            st.caption("Rows set aside (row numbers as in your file)")
            tables.show(ds.set_aside, key="upload_set_aside")
    return ds
