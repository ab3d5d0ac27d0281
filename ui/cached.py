"""The app's caches over :mod:`sufficiency.service`, each keyed by the data it depends on.

Every cached function takes the content key of its inputs as its first (hashed)
argument — ``Dataset.key`` or ``YearView.key``, hashes of the embedded data and of
every uploaded file's bytes — and the objects themselves as unhashed ``_`` arguments.
Equal keys mean equal data, so a cached result can never be served for another
dataset: one council's upload never reaches another session's screen. Uploaded
placements lists are personal data: their cache is per session (``scope="session"``).

Results are shared read-only objects (``cache_resource``): callers never modify them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from sufficiency import service
from ui import classes as uclasses
from ui.map_tooltips import DISTANCE_MEASURES  # all_years does not hold them (worked out per year)

HEX_LAYOUT = Path(__file__).resolve().parent.parent / "data" / "hex_layout.csv"  # scripts/build_hex_layout.py



@st.cache_resource(max_entries=4, show_spinner="Reading your files…")
def dataset(key: str, _files: service.UserFiles) -> service.Dataset:
    """The embedded data with the user's files (``key`` = ``UserFiles.key()``)."""
    return service.open_dataset(_files)


@st.cache_resource(max_entries=48, show_spinner="Working out the measures…")
def year_view(ds_key: str, year: int, categories: tuple[str, ...], _ds: service.Dataset) -> service.YearView:
    """The year's measures, distance measures included."""
    return service.year_view(_ds, year, categories)


@st.cache_resource(max_entries=48, show_spinner="Drawing the authorities…")
def year_shapes(view_key: str, _ds: service.Dataset, _view: service.YearView) -> tuple:
    """Shapes and representative points of the year's units (predecessors dissolved)."""
    return service.year_shapes(_ds, _view)


@st.cache_resource(max_entries=48, show_spinner="Drawing the hexagons…")
def hex_shapes(view_key: str, _ds: service.Dataset, _view: service.YearView) -> tuple:
    """(hexagons [code, name, geometry], region outlines, labels [code, label, geometry]) of the view's units.

    The layout holds today's authorities; a unit of an earlier year (e.g. Dorset with
    Bournemouth and Poole in 2019) is drawn as the hexagons of the areas it covers
    (its ``geometry_codes``), dissolved into one shape. EPSG:4326.
    """
    from ui import hexmap

    layout = pd.read_csv(HEX_LAYOUT, dtype={"code": "string"})
    cells = hexmap.hex_shapes(layout, _ds.authorities[["code", "name"]])
    regions = hexmap.hex_regions(layout, _ds.authorities)
    labels = hexmap.hex_labels(layout, _ds.authorities[["code", "name"]])
    units = _view.measures[["code", "name", "geometry_codes"]].copy()
    covered = units["geometry_codes"].fillna("").astype(str).where(lambda s: s != "", units["code"])
    pairs = units.assign(cell=covered.str.split(";")).explode("cell")[["code", "name", "cell"]]
    drawn = cells.rename(columns={"code": "cell"})[["cell", "geometry"]].merge(pairs, on="cell", how="inner")
    shapes = drawn.dissolve("code", sort=True, aggfunc={"name": "first"}).reset_index()[["code", "name", "geometry"]]
    return shapes, regions, labels


@st.cache_resource(max_entries=8, show_spinner="Working out the trends…")
def all_years(ds_key: str, categories: tuple[str, ...], _ds: service.Dataset) -> pd.DataFrame:
    """The model for every year (trends in the detail panel)."""
    return service.all_years(_ds, categories)


@st.cache_resource(max_entries=48, show_spinner=False)
def tiny_codes(view_key: str, _ds: service.Dataset, _view: service.YearView) -> tuple[str, ...]:
    """The view's authorities too small to click on the map (:func:`ui.map.tiny_codes`; areas in EPSG:27700)."""
    from ui import map as umap

    shapes, _ = year_shapes(view_key, _ds, _view)
    return umap.tiny_codes(shapes, _view.measures)


@st.cache_resource(max_entries=8, show_spinner=False)
def zoom_places(ds_key: str, _ds: service.Dataset) -> dict[str, list[list[float]]]:
    """The map's "Zoom to" places of the dataset's boundaries (:func:`ui.map.zoom_places`; EPSG:4326)."""
    from ui import map as umap

    return umap.zoom_places(_ds.boundaries, _ds.authorities[["code", "region"]])


@st.cache_resource(max_entries=48, show_spinner=False)
def regional_summary(view_key: str, _ds: service.Dataset, _view: service.YearView) -> pd.DataFrame:
    """The view's regional concentration table (the Regions tab and every authority's benchmarks)."""
    return service.regional_summary(_ds, _view)


@st.cache_resource(max_entries=48, show_spinner=False)
def year_benchmark_rows(view_key: str, _ds: service.Dataset, _view: service.YearView) -> pd.DataFrame:
    """DfE's England and region rows of the view's year (the same for every authority)."""
    return service.year_benchmark_rows(_ds, _view)


# One entry per authority clicked in a view (a few kB each): a second click on it, or a
# rerun while it is selected (a year, measure or comparison change), costs nothing.
@st.cache_resource(max_entries=512, show_spinner=False)
def authority_detail(view_key: str, code: str, _ds: service.Dataset, _view: service.YearView) -> dict:
    """:func:`sufficiency.service.authority_detail` of ``code`` in the view, with every year's trends."""
    return service.authority_detail(_ds, _view, all_years(_ds.key, _view.categories, _ds), code)


@st.cache_resource(max_entries=512, show_spinner=False)
def benchmarks(view_key: str, code: str, _ds: service.Dataset, _view: service.YearView) -> pd.DataFrame:
    """:func:`sufficiency.service.benchmarks` of ``code``, from the view's cached per-year parts."""
    return service.benchmarks(_ds, _view, code, regional=regional_summary(view_key, _ds, _view),
                              dfe_rows=year_benchmark_rows(view_key, _ds, _view))


@st.cache_resource(max_entries=64, show_spinner="Working out classes for every year…")
def fixed_breaks(ds_key: str, measure: str, categories: tuple[str, ...], scheme: str, k: int,
                 _ds: service.Dataset) -> tuple[uclasses.Breaks | None, str]:
    """Class bounds of ``measure`` from every year's values (so a colour means the same in each year).

    Returns (breaks, legend note naming the years used); (None, "") when no year has the measure.
    """
    if measure in DISTANCE_MEASURES:
        frames = [year_view(ds_key, y, categories, _ds).measures[["year", measure]] for y in service.years(_ds)]
        values = pd.concat(frames, ignore_index=True)
    else:
        values = all_years(ds_key, categories, _ds)[["year", measure]]
    present = values[values[measure].notna()]
    breaks = uclasses.make_breaks(present[measure], scheme, k, diverging=bool(service.MEASURES[measure]["diverging"]),
                                  column=measure)
    if breaks is None:
        return None, ""
    first, last = int(present["year"].min()), int(present["year"].max())
    return breaks, (f"same classes for {first}–{last}" if first != last else "")


@st.cache_resource(max_entries=16, show_spinner="Running the scenario…")
def scenario(view_key: str, changes: tuple[tuple[str, int], ...], _ds: service.Dataset,
             _view: service.YearView) -> service.ScenarioResult:
    """A scenario's before/after on the view's year and dataset."""
    return service.run_scenario(_ds, _view, list(changes))


@st.cache_resource(max_entries=2, show_spinner="Reading the road graph…")
def road_graph(file_key: str, _file: service.UserFile):
    """A road graph from an upload (not personal data)."""
    return service.road_graph(_file)


# scope="session": a placements list is personal data; it is never shared with other sessions,
# and Streamlit drops it when the session ends (nothing is written to disk).
@st.cache_data(max_entries=4, show_spinner="Measuring distances…", scope="session")
def placements(ds_key: str, file_key: str, threshold: int, roads_key: str | None, _ds: service.Dataset,
               _file: service.UserFile, _roads: service.UserFile | None) -> service.PlacementsReport:
    """A placements list read, located and measured (kept in this session's memory only)."""
    graph = road_graph(roads_key, _roads) if _roads is not None else None
    return service.placements_report(_ds, _file, roads=graph, flow_threshold=threshold)
