"""Streamlit app: the England map of children's homes places against local need.

Run with ``streamlit run app.py``. A thin layer: every figure comes from
:mod:`sufficiency` (the model) and every drawing from :mod:`ui`; nothing is
computed here. Works offline: Leaflet is served by the app itself
(:mod:`ui.leaflet_offline`), basemap tiles are optional.
"""

from __future__ import annotations

import hashlib
import logging

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from sufficiency import access, compare, export, geography, model, regional, shortfall
from sufficiency import data as sdata
from sufficiency.errors import InputError
from ui import charts, leaflet_offline, tables, text
from ui import flows as flows_ui
from ui import map as umap
from ui import state as ustate

log = logging.getLogger(__name__)
MAP_HEIGHT = 640
DISCLOSURE = {"none": "As published", "suppress": "Suppress child counts of 1 to 5",
              "round5": "Round to nearest 5", "round10": "Round to nearest 10"}

st.set_page_config(page_title=text.TITLE, page_icon="🏠", layout="wide")


@st.cache_resource
def _leaflet() -> str:
    return str(leaflet_offline.install_leaflet())


@st.cache_resource(show_spinner="Loading the embedded data…")
def _embedded() -> sdata.Dataset:
    return sdata.load_embedded()


@st.cache_resource(max_entries=4, show_spinner="Reading your files…")
def _with_uploads(key: str, _files: dict) -> tuple[sdata.Dataset, pd.DataFrame]:
    names = {kind: f.name for kind, f in _files.items()}
    return sdata.load_user_files(_embedded(), names=names, **_files)


@st.cache_data(max_entries=64, show_spinner="Working out the measures…")
def _measures(key: str, year: int, categories: tuple[str, ...], _ds) -> pd.DataFrame:
    """The year's measures with the distance-based ones joined on (by code)."""
    return access.with_access(model.authority_measures(_ds, year, categories), _ds.points, _ds.demand_totals)


@st.cache_data(max_entries=64, show_spinner="Drawing the authorities…")
def _shapes(key: str, year: int, categories: tuple[str, ...], _ds, _measures_frame) -> tuple:
    """Shapes and representative points for the year's authorities (predecessors dissolved)."""
    return (geography.year_boundaries(_ds.boundaries, _measures_frame),
            geography.year_points(_ds.points, _measures_frame))


@st.cache_data(max_entries=8, show_spinner="Working out the trends…")
def _all_years(key: str, categories: tuple[str, ...], _ds) -> pd.DataFrame:
    return model.measures_all_years(_ds, categories)


def _map(ds_key: str, ds: sdata.Dataset, measures: pd.DataFrame, opts: dict):
    # built fresh each run (~0.2 s): folium maps change when rendered, so they are not cached
    shapes, points = _shapes(ds_key, opts["year"], opts["categories"], ds, measures)
    missing = sorted(set(measures["name"]) - set(shapes["name"]))
    if missing:
        shown = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
        st.caption(f"Not drawn ({len(missing)} with no boundary in the boundary file for that year): {shown}")
    notice = model.year_notice(measures, opts["measure"])
    if notice:
        st.info(f"{notice}: no authority has this figure for {opts['year']}. Choose another year or measure.")
    return umap.choropleth_map(shapes, measures, opts["measure"], model.MEASURES[opts["measure"]],
                               scheme=opts["scheme"], k=opts["k"], palette=opts["palette"], regions=ds.regions,
                               points=points, show_symbols=opts["symbols"], tiles=opts["tiles"],
                               missing_label=f"No figure: {notice}" if notice else
                               "No figure (suppressed by DfE or not published)")


def dataset() -> tuple[str, sdata.Dataset]:
    """The embedded data, or the embedded data with the user's uploads; and its cache key."""
    with st.sidebar.expander("Use your own data", expanded=False):
        st.caption(text.UPLOAD_HELP)
        files = {
            "providers": st.file_uploader("Ofsted provider file (CSV or Excel)", type=["csv", "xlsx"], key="up_prov"),
            "demand": st.file_uploader("DfE table: children in homes placed outside the authority (CSV)",
                                       type=["csv", "xlsx"], key="up_dem"),
            "net_gain": st.file_uploader("DfE table: net gain, children's homes (CSV, with the table above)",
                                         type=["csv", "xlsx"], key="up_net"),
            "boundaries": st.file_uploader("Authority boundaries (GeoJSON, GeoPackage or zipped shapefile)",
                                           type=["geojson", "json", "gpkg", "zip"], key="up_bnd"),
        }
    files = {k: v for k, v in files.items() if v is not None}
    st.session_state["_upload_names"] = {}
    if not files:
        return "embedded", _embedded()
    digest = hashlib.sha256()
    for kind, f in sorted(files.items()):
        digest.update(kind.encode() + f.name.encode() + f.getvalue())
    key = digest.hexdigest()[:16]
    if "net_gain" in files and "demand" not in files:
        st.sidebar.error("The net gain table is read together with the 'placed outside' table: add that one too.")
        return "embedded", _embedded()
    try:
        ds, report = _with_uploads(key, files)
    except InputError as e:
        st.sidebar.error(str(e))
        st.sidebar.info("Showing the embedded data instead.")
        return "embedded", _embedded()
    except Exception:  # a bug, not the user's fault: say so plainly, log the details
        log.exception("reading uploaded files failed")
        st.sidebar.error("Your file could not be read (an unexpected problem in the tool). "
                         "The embedded data is shown instead.")
        return "embedded", _embedded()
    used = report[report["what"] == "rows used"]
    unusable = used.loc[used["rows"] == 0, "file"].tolist()
    if unusable:
        st.sidebar.error(f"Nothing in {', '.join(unusable)} could be used: every row was set aside "
                         "(see the reasons below). Showing the embedded data instead.")
        st.sidebar.dataframe(report, hide_index=True)
        return "embedded", _embedded()
    st.session_state["_upload_names"] = {kind: f.name for kind, f in files.items()}
    st.sidebar.success("Using your files: " + ", ".join(f.name for f in files.values()))
    with st.sidebar.expander("What was read from your files", expanded=True):
        st.dataframe(report, hide_index=True)
    return key, ds


def initial_state(ds: sdata.Dataset, years: list[int]) -> None:
    """On a session's first run, fill the widgets from the URL query string."""
    if st.session_state.get("_restored"):
        return
    codes = set(ds.authorities["code"])
    view, notes = ustate.parse_state(st.query_params.to_dict(), years=years, measures=list(model.MEASURES),
                                     codes=codes, regions=set(ds.authorities["region"]),
                                     default_measure="local_bed_gap", default_year=model.default_year(ds),
                                     categories=list(model.CATEGORIES))
    st.session_state.update({"year": view.year, "measure": view.measure, "region": view.region or "England",
                             "authority_pick": view.authority or None, "compare": list(view.compare),
                             "categories": list(view.categories or model.CATEGORIES_DEFAULT),
                             "_restored": True, "_link_notes": notes})


def sidebar(years: list[int]) -> dict:
    sb = st.sidebar
    sb.header("What to show")
    year = sb.selectbox("Year (31 March)", years[::-1], key="year")
    measure = sb.selectbox("Measure", list(model.MEASURES), key="measure",
                           format_func=lambda m: model.MEASURES[m]["label"])
    cats = sb.multiselect("Count places in", list(model.CATEGORIES), format_func=model.CATEGORIES.get,
                          key="categories")
    with sb.expander("Map options"):
        scheme = st.selectbox("Classes", list(umap.SCHEMES), key="scheme")
        k = st.slider("Number of classes", 3, 9, 6, key="k")
        diverging = model.MEASURES[measure]["diverging"]
        palettes = list(umap.DIVERGING) if diverging else list(umap.SEQUENTIAL)
        palette = st.selectbox("Colours (colour-blind safe)", palettes, key=f"palette_{diverging}")
        symbols = st.toggle("Circles: places per authority", key="symbols")
        tiles = st.toggle("Street basemap (needs internet)", key="tiles")
    return {"year": int(year), "measure": measure, "categories": tuple(cats or model.CATEGORIES_DEFAULT),
            "scheme": scheme, "k": int(k), "palette": palette, "symbols": symbols, "tiles": tiles}


def clicked_code(result: dict | None) -> str | None:
    """Authority code of a new click on the map (None when nothing new was clicked)."""
    if not result:
        return None
    feature = result.get("last_active_drawing") or {}
    code = (feature.get("properties") or {}).get("code")
    where = result.get("last_object_clicked")
    marker = (code, str(where))
    if code and marker != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = marker
        return code
    return None


TREND_LABELS = {"places": "Local places", "children_in_homes": "Children in homes",
                "local_bed_gap": "Local bed gap"}


def detail_panel(ds_key: str, ds: sdata.Dataset, opts: dict, measures: pd.DataFrame, names: dict[str, str]) -> None:
    """Search box and the chosen authority's figures, rank, trend and neighbours."""
    code = st.selectbox("Find an authority", list(names), key="authority_pick", index=None,
                        format_func=names.get, placeholder="Type a name or click the map")
    if not code:
        st.info("Click an authority on the map, or type its name above, to see its figures.")
        return
    detail = compare.authority_detail(measures, _all_years(ds_key, opts["categories"], ds), ds.authorities, code)
    row = detail["measures"].iloc[0]
    st.subheader(names[code])
    st.caption(f"{row['region']} · {code} · 31 March {opts['year']}")
    for note in (row["demand_note"], row["supply_note"]):
        if note:
            st.warning(note)
    st.table(tables.detail_table(row, detail["ranks"], model.MEASURES), border="horizontal", hide_index=True)
    st.markdown("**Trend** (places and children; the gap is their difference)")
    st.altair_chart(charts.trend_chart(detail["trend"], TREND_LABELS), width="stretch")
    st.markdown("**Authorities in a similar children's-homes position** this year")
    st.caption("Our own comparison, not DfE's statistical neighbours: nearest on children in homes, places, "
               "% placed outside, private share and net gain per child (see sufficiency/compare.py).")
    if len(detail["neighbours"]):
        st.table(tables.neighbours_table(detail["neighbours"]), border="horizontal", hide_index=True)
    else:
        st.caption("None: a figure this comparison needs is missing for this authority this year.")
    if st.button("Add to comparison", key="add_compare") and code not in st.session_state["compare"]:
        st.session_state["compare"] = [*st.session_state["compare"], code]


def compare_tab(measures: pd.DataFrame, opts: dict, names: dict[str, str]) -> None:
    picked = st.multiselect("Authorities to compare (the first is the reference)", list(names), key="compare",
                            format_func=names.get, max_selections=ustate.MAX_COMPARE)
    if len(picked) < 2:
        st.info("Pick two or more authorities to compare them.")
        return
    table = compare.compare_authorities(measures, picked)
    st.table(tables.compare_table(table, model.MEASURES, compare.COMPARE_MEASURES))
    charted = [m for m in model.MEASURES if m in table.columns]
    m = st.selectbox("Bar chart of", charted, key="compare_measure",
                     index=charted.index(opts["measure"]) if opts["measure"] in charted else 0,
                     format_func=lambda x: model.MEASURES[x]["label"])
    st.altair_chart(charts.compare_chart(table, m, model.MEASURES[m]["label"], model.MEASURES[m]["unit"]),
                    width="stretch")


def regions_tab(measures: pd.DataFrame, totals: pd.DataFrame) -> None:
    table = regional.regional_concentration(measures, totals)
    top = regional.top_regions_by_places(table)
    st.markdown("Share of England's registered places and of its looked-after children living in "
                f"children's homes, by region, 31 March {int(table['year'].iloc[0])}. Most places are in "
                f"**{', '.join(top)}**. A location quotient above 1 means the region holds more "
                "places than its share of children; below 1, fewer.")
    st.altair_chart(charts.regional_chart(table, tuple(regional.CONCENTRATION_REGIONS)), width="stretch")
    st.dataframe(table, hide_index=True, width="stretch", column_order=REGION_COLUMNS,
                 column_config={c: st.column_config.NumberColumn(format="percent") for c in REGION_SHARES})


REGION_COLUMNS = ["region", "homes", "places", "children_in_homes", "homes_share", "places_share", "children_share",
                  "location_quotient", "private_share", "rank_places", "authorities_without_demand"]
REGION_SHARES = ["homes_share", "places_share", "children_share", "private_share"]


SHORTFALL_ORDER = ["rank", "name", "local_bed_gap", "children_in_homes", "places", "homes", "placed_outside",
                   "placed_outside_pct", "net_gain", "places_per_child", "region", "code", "children_in_homes_low",
                   "children_in_homes_high", "local_bed_gap_low", "local_bed_gap_high", "private_share",
                   "demand_note", "supply_note", "disclosure_control"]


def shortfall_tab(measures: pd.DataFrame, opts: dict, regions: list[str]) -> None:
    region = st.selectbox("Region", ["England", *regions], key="region")
    disclosure = st.selectbox("Small numbers", list(DISCLOSURE), format_func=DISCLOSURE.get, key="disclosure")
    table = shortfall.shortfall_table(measures, None if region == "England" else region)
    # the table on screen follows the same small-number rule as the download
    st.dataframe(export.apply_disclosure(table, disclosure), hide_index=True, width="stretch",
                 column_order=SHORTFALL_ORDER)
    name = f"shortfall_{opts['year']}_{'england' if region == 'England' else region.lower().replace(' ', '_')}.csv"
    st.download_button("Download CSV", export.export_csv(table, disclosure=disclosure), file_name=name,
                       mime="text/csv", key="download", on_click="ignore")
    command = text.export_command(opts["year"], region, disclosure, opts["categories"], model.CATEGORIES_DEFAULT,
                                  st.session_state.get("_upload_names", {}))
    st.caption(f"The same file as `{command}`")


def scenario_section(ds: sdata.Dataset, opts: dict, measures: pd.DataFrame, names: dict[str, str]) -> None:
    """Open or close places in some authorities: before/after table and map."""
    st.subheader("What if we opened or closed places?")
    st.caption(text.SCENARIO_HELP)
    changes: list = st.session_state.setdefault("scenario_changes", [])
    left, mid, right = st.columns([3, 2, 2])
    code = left.selectbox("Authority", list(names), index=None, format_func=names.get, key="scn_code",
                          placeholder="Choose an authority")
    delta = mid.number_input("Places (+ open, − close)", value=0, step=1, key="scn_delta")
    right.write("")
    if right.button("Add to the scenario", key="scn_add") and code and delta:
        changes.append((code, int(delta)))
    if not changes:
        st.info("Add at least one authority and a number of places to open (+) or close (−).")
        return
    st.markdown(f"Scenario on 31 March {opts['year']} figures: " + "; ".join(f"{'open' if d > 0 else 'close'} {abs(d)} in {names.get(c, c)}"
                                        for c, d in changes))
    if st.button("Clear the scenario", key="scn_clear"):
        st.session_state["scenario_changes"] = []
        st.rerun()
    try:
        report, after = _scenario(opts["year"], opts["categories"], tuple(changes), measures, ds)
    except InputError as e:
        st.error(str(e))
        return
    st.markdown(f"**Authorities that change: {len(report)}** (distances are straight lines between authorities)")
    st.dataframe(report, hide_index=True, width="stretch")
    fmap = umap.choropleth_map(geography.year_boundaries(ds.boundaries, after), after, "local_bed_gap", model.MEASURES["local_bed_gap"],
                               scheme=opts["scheme"], k=opts["k"], palette="RdBu", regions=ds.regions,
                               highlight=tuple(report["code"]))
    st.caption("Local bed gap after the scenario; the authorities that change are outlined in black")
    st_folium(fmap, key="scenario_map", height=480, use_container_width=True, returned_objects=[])


@st.cache_data(max_entries=16, show_spinner="Running the scenario…")
def _scenario(year: int, categories: tuple[str, ...], changes: tuple, _measures_frame, _ds) -> tuple:
    base = _measures_frame[[c for c in _measures_frame.columns if c not in access.ACCESS_COLUMNS[1:]]]
    return access.run_scenario(base, _ds.points, _ds.demand_totals, list(changes))


def placements_section(ds: sdata.Dataset, names: dict[str, str]) -> None:
    """A commissioner's own placements list: distances, bands, flows. Held in memory only."""
    st.subheader("Your placements list")
    st.caption(text.PLACEMENTS_HELP)
    upload = st.file_uploader("Placements (CSV or Excel)", type=["csv", "xlsx"], key="up_placements")
    roads = st.file_uploader("Road graph for road distances (optional: .graphml or OSM XML, see docs/roads.md)",
                             type=["graphml", "osm", "xml"], key="up_roads")
    if upload is None:
        return
    threshold = st.slider("Hide flows with fewer placements than", 1, 10, 5, key="flow_threshold")
    disclosure = st.selectbox("Small numbers in downloads", ["suppress", "round5", "round10", "none"],
                              format_func=DISCLOSURE.get, key="placements_disclosure")
    try:
        road = (roads.getvalue(), roads.name) if roads is not None else None
        result = _placements(upload.getvalue(), upload.name, threshold, road, ds)
    except InputError as e:
        st.error(str(e))
        return
    recon, by_la, flow_table, child_level = result
    with st.expander("What was read from your file", expanded=False):
        st.dataframe(recon, hide_index=True)
    method = " and ".join(sorted(set(child_level["distance_method"].dropna()))) or "straight line"
    st.markdown(f"**Per responsible authority** (distances between home and placement: {method})")
    st.dataframe(export.apply_disclosure(by_la, disclosure), hide_index=True, width="stretch")
    st.download_button("Download the per-authority table (CSV)", export.export_csv(by_la, disclosure),
                       file_name="placements_by_authority.csv", mime="text/csv", on_click="ignore")
    st_folium(flows_ui.flow_map(flow_table, names, ds.boundaries, threshold=threshold), key="flow_map", height=480,
              use_container_width=True, returned_objects=[])
    if st.checkbox("Child-level table (one row per placement)", key="child_level"):
        st.warning(text.CHILD_LEVEL_WARNING)
        st.download_button("Download the child-level table (CSV)", export.export_csv(child_level, disclosure),
                           file_name="placements_child_level.csv", mime="text/csv", on_click="ignore")


# scope="session": a placements list is personal data; it is never shared with other sessions,
# and Streamlit drops it when the session ends (nothing is written to disk).
@st.cache_data(max_entries=4, show_spinner="Measuring distances…", scope="session")
def _placements(data: bytes, name: str, threshold: int, road: tuple | None, _ds) -> tuple:
    """Read and measure an uploaded placements list (kept in this process's memory only)."""
    import io

    from sufficiency import placements

    providers = _ds.providers[["urn", "code"]] if _ds.providers is not None else None
    rows, recon = placements.read_placements(io.BytesIO(data), file_name=name, providers=providers,
                                             authority_codes=set(_ds.points["code"]))
    graph = _road_graph(*road) if road else None
    dist = placements.placement_distances(rows, _ds.points, road_graph=graph)
    return (recon.summary(), placements.placements_by_authority(dist),
            placements.flows(dist, _ds.points, min_count=threshold), dist)


@st.cache_resource(max_entries=2, show_spinner="Reading the road graph…")
def _road_graph(data: bytes, name: str):
    """A road graph from an upload (not personal data; osmnx reads files, so it goes via a temporary file)."""
    import tempfile
    from pathlib import Path

    from geo.roads import load_road_graph

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(data)
        return load_road_graph(path)


def sync_url(opts: dict) -> None:
    view = ustate.ViewState(opts["year"], opts["measure"],
                            "" if st.session_state.get("region", "England") == "England" else st.session_state["region"],
                            st.session_state.get("authority_pick") or "", tuple(st.session_state.get("compare", [])),
                            () if opts["categories"] == model.CATEGORIES_DEFAULT else opts["categories"])
    # Sent on every run, not only on change: an update sent in a run that a newer rerun
    # interrupts (the map reporting back, a quick second click) never reaches the browser.
    st.query_params.from_dict(ustate.to_query(view))


def main() -> None:
    st.title(text.TITLE)  # first, so the page shows at once while the data loads
    _leaflet()
    ds_key, ds = dataset()
    years = model.years_available(ds)
    initial_state(ds, years)
    for note in st.session_state.pop("_link_notes", []):
        st.warning(note)
    with st.expander("How to read this map", expanded=False):
        st.markdown(text.HOW_TO_READ)
    opts = sidebar(years)
    sync_url(opts)  # at once: a link copied while the rest draws already holds this view
    measures = _measures(ds_key, opts["year"], opts["categories"], ds)
    names = dict(zip(measures["code"], measures["name"], strict=True))
    names = dict(sorted(names.items(), key=lambda kv: str(kv[1])))
    gone = [c for c in [st.session_state.get("authority_pick"), *st.session_state.get("compare", [])]
            if c and c not in names]
    if gone:
        known = dict(zip(ds.authorities["code"], ds.authorities["name"], strict=True))
        listed = ", ".join(f"{known.get(c, c)} ({c})" for c in dict.fromkeys(gone))
        st.warning(f"No figures for {listed} in {opts['year']} "
                   "(the council did not exist then, or was part of another): removed from the selection.")
    if st.session_state.get("authority_pick") not in names:
        st.session_state["authority_pick"] = None
    st.session_state["compare"] = [c for c in st.session_state.get("compare", []) if c in names]
    tab_map, tab_compare, tab_regions, tab_table, tab_dist = st.tabs(
        ["Map", "Compare", "Regions", "Shortfall table", "Distances and scenarios"])
    with tab_map:
        left, right = st.columns([5, 3])
        with left:
            fmap = _map(ds_key, ds, measures, opts)
            result = st_folium(fmap, key="map", height=MAP_HEIGHT, use_container_width=True,
                               returned_objects=["last_active_drawing", "last_object_clicked"])
            code = clicked_code(result)
            if code in names:
                st.session_state["authority_pick"] = code
        with right:
            detail_panel(ds_key, ds, opts, measures, names)
    with tab_compare:
        compare_tab(measures, opts, names)
    with tab_regions:
        regions_tab(measures, ds.demand_totals)
    with tab_table:
        shortfall_tab(measures, opts, sorted(set(ds.authorities["region"]) - {""}))
    with tab_dist:
        scenario_section(ds, opts, measures, names)
        placements_section(ds, names)
    with st.expander("About the data, sources and licence"):
        st.markdown(text.SOURCES)
        for what, source in ds.sources.items():
            st.caption(f"{what}: {source}")
        if len(ds.reconciliation):
            st.markdown("**Rows read, used and set aside**")
            st.dataframe(ds.reconciliation, hide_index=True, width="stretch")
    st.caption(text.ATTRIBUTION)
    sync_url(opts)


main()
