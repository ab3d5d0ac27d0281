"""The app's view as a URL query string, so a link restores what the user saw.

=========  ===============================================  =====================
parameter  meaning                                          example
=========  ===============================================  =====================
year       31 March of the year shown                       ``2024``
measure    a key of ``sufficiency.model.measures.MEASURES``          ``local_bed_gap``
region     region filter of the tables ("" = England)       ``North West``
la         authority in the detail panel (ONS code)         ``E08000003``
compare    authorities compared, comma-separated codes      ``E08000003,E08000012``
cats       provision counted, when not the default          ``childrens_home,secure_childrens_home``
view       ``map`` (geographic) or ``hex`` (hexagons)       ``hex``
=========  ===============================================  =====================

Pure functions: :func:`parse_state` reads a mapping like ``st.query_params`` and
checks every value against what the data has; a value that is not recognised is
dropped and reported (never silently), :func:`to_query` writes the mapping back.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

MAX_COMPARE = 8
VIEWS = ("map", "hex")


@dataclass(frozen=True)
class ViewState:
    """What the user is looking at."""

    year: int
    measure: str
    region: str = ""
    authority: str = ""
    compare: tuple[str, ...] = field(default_factory=tuple)
    categories: tuple[str, ...] = field(default_factory=tuple)  # empty = the model's default
    view: str = "map"


def _first(value: str | Sequence[str] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value[0]).strip() if len(value) else ""


def parse_state(params: Mapping[str, str | Sequence[str]], *, years: Sequence[int], measures: Sequence[str],
                codes: Collection[str], regions: Collection[str], default_measure: str | None = None,
                default_year: int | None = None,
                categories: Collection[str] = ()) -> tuple[ViewState, list[str]]:
    """Read the view from query parameters, checking each value.

    Parameters
    ----------
    params : mapping
        Query parameters (``st.query_params`` or a plain dict).
    years : sequence of int
        Years the data has; ``default_year`` (or the latest) is the default.
    measures : sequence of str
        Measure keys; ``default_measure`` (or the first) is the default.
    codes : collection of str
        Authority codes that exist in the chosen data.
    regions : collection of str
        Region names.

    Returns
    -------
    (ViewState, list of str)
        The view, and a plain-English note for each value that was not recognised.
    """
    notes: list[str] = []
    if not years or not measures:
        raise ValueError("parse_state needs at least one year and one measure")
    year = default_year if default_year in years else max(years)
    raw_year = _first(params.get("year"))
    if raw_year:
        if raw_year.isdigit() and int(raw_year) in years:
            year = int(raw_year)
        else:
            notes.append(f"The link asks for year {raw_year!r}, which the data does not have; showing {year}.")
    measure = default_measure if default_measure in measures else measures[0]
    raw_measure = _first(params.get("measure"))
    if raw_measure:
        if raw_measure in measures:
            measure = raw_measure
        else:
            notes.append(f"The link asks for an unknown measure {raw_measure!r}; showing {measure}.")
    region = _first(params.get("region"))
    if region and region not in regions:
        notes.append(f"The link asks for an unknown region {region!r}; showing England.")
        region = ""
    authority = _first(params.get("la")).upper()
    if authority and authority not in codes:
        notes.append(f"The link names authority code {authority!r}, which is not in the data.")
        authority = ""
    compare: list[str] = []
    raw_compare = _first(params.get("compare"))
    for code in (c.strip().upper() for c in raw_compare.split(",") if c.strip()):
        if code not in codes:
            notes.append(f"The link names authority code {code!r}, which is not in the data.")
        elif code not in compare:
            compare.append(code)
    if len(compare) > MAX_COMPARE:
        notes.append(f"Only the first {MAX_COMPARE} authorities are compared.")
        compare = compare[:MAX_COMPARE]
    cats: list[str] = []
    for cat in (c.strip() for c in _first(params.get("cats")).split(",") if c.strip()):
        if cat in categories and cat not in cats:
            cats.append(cat)
        else:
            notes.append(f"The link asks to count an unknown kind of provision {cat!r}; left out.")
    view = _first(params.get("view")).lower() or VIEWS[0]
    if view not in VIEWS:
        notes.append(f"The link asks for an unknown map view {view!r}; showing the geographic map.")
        view = VIEWS[0]
    return ViewState(year, measure, region, authority, tuple(compare), tuple(cats), view), notes


def to_query(state: ViewState) -> dict[str, str]:
    """Query parameters for a view; empty values are left out."""
    out = {"year": str(state.year), "measure": state.measure}
    if state.region:
        out["region"] = state.region
    if state.authority:
        out["la"] = state.authority
    if state.compare:
        out["compare"] = ",".join(state.compare)
    if state.categories:
        out["cats"] = ",".join(state.categories)
    out["view"] = state.view
    return out
