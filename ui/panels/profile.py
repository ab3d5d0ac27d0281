"""The detail panel's printable profile: made when asked for (it takes a moment), then downloaded.

The same :func:`sufficiency.service.authority_profile` as ``python -m sufficiency profile``,
with child counts of 1 to 5 suppressed (a printed report is meant to be shared).
"""

from __future__ import annotations

import streamlit as st

from sufficiency import service

DISCLOSURE = "suppress"


@st.cache_data(max_entries=16, show_spinner="Making the profile…")
def _files(ds_key: str, year: int, categories: tuple[str, ...], code: str, _ds: service.Dataset) -> tuple:
    """(name, HTML bytes, PDF bytes, command) of one authority's profile (``ds_key`` = ``Dataset.key``)."""
    profile = service.authority_profile(_ds, code, year, categories=categories, disclosure=DISCLOSURE)
    return profile.name, profile.code, service.profile_html(profile), service.profile_pdf(profile), profile.command


def profile_downloads(ds: service.Dataset, view: service.YearView, code: str) -> None:
    """A button that makes the profile, then its HTML and PDF download buttons."""
    wanted = (ds.key, view.year, view.categories, code)
    if st.button("Make a printable profile (HTML and PDF)", key="profile_make"):
        st.session_state["profile_for"] = wanted
    if st.session_state.get("profile_for") != wanted:
        return
    name, unit, html, pdf, command = _files(ds.key, view.year, view.categories, code, ds)
    left, right = st.columns(2)
    left.download_button("Download profile (HTML)", html, mime="text/html", key="profile_html", on_click="ignore",
                         file_name=service.profile_file_name(name, unit, view.year, "html"))
    right.download_button("Download profile (PDF)", pdf, mime="application/pdf", key="profile_pdf",
                          on_click="ignore", file_name=service.profile_file_name(name, unit, view.year, "pdf"))
    st.caption("Child counts of 1 to 5 are suppressed. The same report from the command line:")
    st.code(command, language="bash")  # a code block shows text as written (never Markdown)
