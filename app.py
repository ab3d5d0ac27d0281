"""Streamlit app: the England map of children's homes places against local need.

Run with ``streamlit run app.py``. A thin layer: every figure comes from
:mod:`sufficiency.service` (the same functions the command line calls), cached by
:mod:`ui.cached` on the content key of the data, and every drawing from :mod:`ui`;
nothing is computed here. Works offline: Leaflet is served by the app itself
(:mod:`ui.leaflet_offline`), basemap tiles are optional.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit_folium import st_folium

from sufficiency import service
from sufficiency.service import InputError
from ui import cached, charts, leaflet_offline, tables, text
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


def _map(ds: service.Dataset, view: service.YearView, opts: dict):
    # built fresh each run (~0.2 s): folium maps change when rendered, so they are not cached
    shapes, points = cached.year_shapes(view.key, ds, view)
    measures = view.measures
    missing = sorted(set(measures["name"]) - set(shapes["name"]))
    if missing:
        shown = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
        st.caption(text.plain(f"Not drawn ({len(missing)} with no boundary in the boundary file for that year): "
                              f"{shown}"))
    notice = service.measure_notice(view, opts["measure"])
    if notice:
        st.info(f"{notice}: no authority has this figure for {opts['year']}. Choose another year or measure.")
    return umap.choropleth_map(shapes, measures, opts["measure"], service.MEASURES[opts["measure"]],
                               scheme=opts["scheme"], k=opts["k"], palette=opts["palette"], regions=ds.regions,
                               points=points, show_symbols=opts["symbols"], tiles=opts["tiles"],
                               missing_label=f"No figure: {notice}" if notice else
                               "No figure (suppressed by DfE or not published)")


def _upload(f) -> service.UserFile:
    return service.UserFile(f.name, f.getvalue())


def dataset() -> service.Dataset:
    """The embedded data, or the embedded data with the user's uploads (same rules as the CLI)."""
    with st.sidebar.expander("Use your own data", expanded=False):
        st.caption(text.UPLOAD_HELP)
        providers = st.file_uploader("Ofsted provider file(s) (CSV or Excel; several for a year published in parts)",
                                     type=["csv", "xlsx"], key="up_prov", accept_multiple_files=True)
        demand = st.file_uploader("DfE table: children in homes placed outside the authority (CSV)",
                                  type=["csv", "xlsx"], key="up_dem")
        net_gain = st.file_uploader("DfE table: net gain, children's homes (CSV, with the table above)",
                                    type=["csv", "xlsx"], key="up_net")
        boundaries = st.file_uploader("Authority boundaries (GeoJSON, GeoPackage or zipped shapefile)",
                                      type=["geojson", "json", "gpkg", "zip"], key="up_bnd")
    files = service.UserFiles(providers=tuple(_upload(f) for f in providers or []),
                              demand=_upload(demand) if demand else None,
                              net_gain=_upload(net_gain) if net_gain else None,
                              boundaries=_upload(boundaries) if boundaries else None)
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
    with st.sidebar.expander("What was read from your files", expanded=True):
        st.dataframe(ds.reconciliation, hide_index=True)
        if len(ds.set_aside):
            st.caption("Rows set aside (row numbers as in your file)")
            st.dataframe(ds.set_aside, hide_index=True)
    return ds


def initial_state(ds: service.Dataset, years: list[int]) -> None:
    """On a session's first run, fill the widgets from the URL query string."""
    if st.session_state.get("_restored"):
        return
    codes = set(ds.authorities["code"])
    view, notes = ustate.parse_state(st.query_params.to_dict(), years=years, measures=list(service.MEASURES),
                                     codes=codes, regions=set(ds.authorities["region"]),
                                     default_measure="local_bed_gap", default_year=service.default_year(ds),
                                     categories=list(service.CATEGORIES))
    st.session_state.update({"year": view.year, "measure": view.measure, "region": view.region or "England",
                             "authority_pick": view.authority or None, "compare": list(view.compare),
                             "categories": list(view.categories or service.CATEGORIES_DEFAULT),
                             "_restored": True, "_link_notes": notes})


def sidebar(years: list[int]) -> dict:
    sb = st.sidebar
    sb.header("What to show")
    year = sb.selectbox("Year (31 March)", years[::-1], key="year")
    measure = sb.selectbox("Measure", list(service.MEASURES), key="measure",
                           format_func=lambda m: service.MEASURES[m]["label"])
    cats = sb.multiselect("Count places in", list(service.CATEGORIES), format_func=service.CATEGORIES.get,
                          key="categories")
    with sb.expander("Map options"):
        scheme = st.selectbox("Classes", list(umap.SCHEMES), key="scheme")
        k = st.slider("Number of classes", 3, 9, 6, key="k")
        diverging = service.MEASURES[measure]["diverging"]
        palettes = list(umap.DIVERGING) if diverging else list(umap.SEQUENTIAL)
        palette = st.selectbox("Colours (colour-blind safe)", palettes, key=f"palette_{diverging}")
        symbols = st.toggle("Circles: places per authority", key="symbols")
        tiles = st.toggle("Street basemap (needs internet)", key="tiles")
    return {"year": int(year), "measure": measure, "categories": tuple(cats or service.CATEGORIES_DEFAULT),
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


def detail_panel(ds: service.Dataset, view: service.YearView, opts: dict, names: dict[str, str]) -> None:
    """Search box and the chosen authority's figures, rank, trend and neighbours."""
    code = st.selectbox("Find an authority", list(names), key="authority_pick", index=None,
                        format_func=names.get, placeholder="Type a name or click the map")
    if not code:
        st.info("Click an authority on the map, or type its name above, to see its figures.")
        return
    detail = service.authority_detail(ds, view, cached.all_years(ds.key, view.categories, ds), code)
    row = detail["measures"].iloc[0]
    st.subheader(text.plain(names[code]))
    st.caption(text.plain(f"{row['region']} · {code} · 31 March {opts['year']}"))
    for note in (row["demand_note"], row["supply_note"]):
        if note:
            st.warning(text.plain(note))
    st.table(tables.detail_table(row, detail["ranks"], service.MEASURES), border="horizontal", hide_index=True)
    st.markdown("**Trend** (places and children; the gap is their difference)")
    st.altair_chart(charts.trend_chart(detail["trend"], TREND_LABELS), width="stretch")
    st.markdown("**Authorities in a similar children's-homes position** this year")
    st.caption("Our own comparison, not DfE's statistical neighbours: nearest on children in homes, places, "
               "% placed outside, private share and net gain per child (see sufficiency/model/compare.py).")
    if len(detail["neighbours"]):
        st.table(tables.neighbours_table(detail["neighbours"]), border="horizontal", hide_index=True)
    else:
        st.caption("None: a figure this comparison needs is missing for this authority this year.")
    if st.button("Add to comparison", key="add_compare") and code not in st.session_state["compare"]:
        st.session_state["compare"] = [*st.session_state["compare"], code]


def compare_tab(view: service.YearView, opts: dict, names: dict[str, str]) -> None:
    picked = st.multiselect("Authorities to compare (the first is the reference)", list(names), key="compare",
                            format_func=names.get, max_selections=ustate.MAX_COMPARE)
    if len(picked) < 2:
        st.info("Pick two or more authorities to compare them.")
        return
    table = service.compare_table(view, picked)
    st.table(tables.compare_table(table, service.MEASURES, service.COMPARE_MEASURES))
    charted = [m for m in service.MEASURES if m in table.columns]
    m = st.selectbox("Bar chart of", charted, key="compare_measure",
                     index=charted.index(opts["measure"]) if opts["measure"] in charted else 0,
                     format_func=lambda x: service.MEASURES[x]["label"])
    st.altair_chart(charts.compare_chart(table, m, service.MEASURES[m]["label"], service.MEASURES[m]["unit"]),
                    width="stretch")


def regions_tab(ds: service.Dataset, view: service.YearView) -> None:
    table = service.regional_summary(ds, view)
    top = service.top_regions(table)
    st.markdown("Share of England's registered places and of its looked-after children living in "
                f"children's homes, by region, 31 March {view.year}. Most places are in "
                f"**{', '.join(top)}**. A location quotient above 1 means the region holds more "
                "places than its share of children; below 1, fewer.")
    st.altair_chart(charts.regional_chart(table, tuple(top)), width="stretch")
    st.dataframe(table, hide_index=True, width="stretch", column_order=REGION_COLUMNS,
                 column_config={c: st.column_config.NumberColumn(format="percent") for c in REGION_SHARES})


REGION_COLUMNS = ["region", "homes", "places", "children_in_homes", "homes_share", "places_share", "children_share",
                  "location_quotient", "private_share", "rank_places", "authorities_without_demand"]
REGION_SHARES = ["homes_share", "places_share", "children_share", "private_share"]


SHORTFALL_ORDER = ["rank", "name", "local_bed_gap", "children_in_homes", "places", "homes", "placed_outside",
                   "placed_outside_pct", "net_gain", "places_per_child", "region", "code", "children_in_homes_low",
                   "children_in_homes_high", "local_bed_gap_low", "local_bed_gap_high", "private_share",
                   "demand_note", "supply_note", "disclosure_control"]


def shortfall_tab(ds: service.Dataset, view: service.YearView, opts: dict) -> None:
    region = st.selectbox("Region", ["England", *service.REGIONS], key="region")
    disclosure = st.selectbox("Small numbers", list(DISCLOSURE), format_func=DISCLOSURE.get, key="disclosure")
    table = service.shortfall_table(view, region)
    # the table on screen follows the same small-number rule as the download
    st.dataframe(service.apply_disclosure(table, disclosure), hide_index=True, width="stretch",
                 column_order=SHORTFALL_ORDER)
    name = f"shortfall_{opts['year']}_{'england' if region == 'England' else region.lower().replace(' ', '_')}.csv"
    st.download_button("Download CSV", service.shortfall_csv(view, region, disclosure), file_name=name,
                       mime="text/csv", key="download", on_click="ignore")
    command = text.export_command(opts["year"], region, disclosure, opts["categories"], service.CATEGORIES_DEFAULT,
                                  ds.files)
    st.caption("The same file as this command (copy it as it is):")
    st.code(command, language="bash")


def scenario_section(ds: service.Dataset, view: service.YearView, opts: dict, names: dict[str, str]) -> None:
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
    st.markdown(f"Scenario on 31 March {opts['year']} figures: " + "; ".join(  # names from the registry
        f"{'open' if d > 0 else 'close'} {abs(d)} in {names.get(c, c)}" for c, d in changes))
    if st.button("Clear the scenario", key="scn_clear"):
        st.session_state["scenario_changes"] = []
        st.rerun()
    try:
        result = cached.scenario(view.key, tuple(changes), ds, view)
    except InputError as e:
        st.error(text.plain(str(e)))
        return
    st.markdown(f"**Authorities that change: {len(result.report)}** (distances are straight lines between "
                "authorities)")
    st.caption(text.plain(result.note))
    st.dataframe(result.report, hide_index=True, width="stretch")
    after = result.after
    shapes, _ = cached.year_shapes(view.key, ds, view)
    fmap = umap.choropleth_map(shapes, after, "local_bed_gap", service.MEASURES["local_bed_gap"],
                               scheme=opts["scheme"], k=opts["k"], palette="RdBu", regions=ds.regions,
                               highlight=tuple(result.report["code"]))
    st.caption("Local bed gap after the scenario; the authorities that change are outlined in black")
    st_folium(fmap, key="scenario_map", height=480, use_container_width=True, returned_objects=[])


def placements_section(ds: service.Dataset, names: dict[str, str]) -> None:
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
    file = _upload(upload)
    road = _upload(roads) if roads is not None else None
    try:
        report = cached.placements(ds.key, file.key(), threshold, road.key() if road else None, ds, file, road)
    except InputError as e:
        st.error(text.plain(str(e)))
        return
    with st.expander("What was read from your file", expanded=False):
        st.dataframe(report.summary, hide_index=True)
        if len(report.set_aside):
            st.caption("Rows set aside (row numbers as in your file)")
            st.dataframe(report.set_aside, hide_index=True)
    st.markdown(f"**Per responsible authority** (distances between home and placement: {report.method})")
    st.dataframe(service.apply_disclosure(report.by_authority, disclosure), hide_index=True, width="stretch")
    st.download_button("Download the per-authority table (CSV)", service.csv(report.by_authority, disclosure),
                       file_name="placements_by_authority.csv", mime="text/csv", on_click="ignore")
    st_folium(flows_ui.flow_map(report.flows, names, ds.boundaries, threshold=threshold), key="flow_map", height=480,
              use_container_width=True, returned_objects=[])
    if st.checkbox("Child-level table (one row per placement)", key="child_level"):
        st.warning(text.CHILD_LEVEL_WARNING)
        st.download_button("Download the child-level table (CSV)", service.csv(report.child_level, disclosure),
                           file_name="placements_child_level.csv", mime="text/csv", on_click="ignore")


def sync_url(opts: dict) -> None:
    view = ustate.ViewState(opts["year"], opts["measure"],
                            "" if st.session_state.get("region", "England") == "England" else st.session_state["region"],
                            st.session_state.get("authority_pick") or "", tuple(st.session_state.get("compare", [])),
                            () if opts["categories"] == service.CATEGORIES_DEFAULT else opts["categories"])
    # Sent on every run, not only on change: an update sent in a run that a newer rerun
    # interrupts (the map reporting back, a quick second click) never reaches the browser.
    st.query_params.from_dict(ustate.to_query(view))


def main() -> None:
    st.title(text.TITLE)  # first, so the page shows at once while the data loads
    _leaflet()
    ds = dataset()
    years = service.years(ds)
    initial_state(ds, years)
    for note in st.session_state.pop("_link_notes", []):
        st.warning(text.plain(note))
    with st.expander("How to read this map", expanded=False):
        st.markdown(text.HOW_TO_READ)
    opts = sidebar(years)
    sync_url(opts)  # at once: a link copied while the rest draws already holds this view
    view = cached.year_view(ds.key, opts["year"], opts["categories"], ds)
    names = view.names
    gone = [c for c in [st.session_state.get("authority_pick"), *st.session_state.get("compare", [])]
            if c and c not in names]
    if gone:
        known = dict(zip(ds.authorities["code"], ds.authorities["name"], strict=True))
        listed = ", ".join(f"{known.get(c, c)} ({c})" for c in dict.fromkeys(gone))
        st.warning(text.plain(f"No figures for {listed} in {opts['year']} "
                              "(the council did not exist then, or was part of another): removed from the selection."))
    if st.session_state.get("authority_pick") not in names:
        st.session_state["authority_pick"] = None
    st.session_state["compare"] = [c for c in st.session_state.get("compare", []) if c in names]
    tab_map, tab_compare, tab_regions, tab_table, tab_dist = st.tabs(
        ["Map", "Compare", "Regions", "Shortfall table", "Distances and scenarios"])
    with tab_map:
        left, right = st.columns([5, 3])
        with left:
            fmap = _map(ds, view, opts)
            result = st_folium(fmap, key="map", height=MAP_HEIGHT, use_container_width=True,
                               returned_objects=["last_active_drawing", "last_object_clicked"])
            code = clicked_code(result)
            if code in names:
                st.session_state["authority_pick"] = code
        with right:
            detail_panel(ds, view, opts, names)
    with tab_compare:
        compare_tab(view, opts, names)
    with tab_regions:
        regions_tab(ds, view)
    with tab_table:
        shortfall_tab(ds, view, opts)
    with tab_dist:
        scenario_section(ds, view, opts, names)
        placements_section(ds, names)
    with st.expander("About the data, sources and licence"):
        st.markdown(text.SOURCES)
        for what, source in ds.sources.items():
            st.caption(text.plain(f"{what}: {source}"))
        if len(ds.reconciliation):
            st.markdown("**Rows read, used and set aside**")
            st.dataframe(ds.reconciliation, hide_index=True, width="stretch")
    st.caption(text.ATTRIBUTION)
    sync_url(opts)


main()
