"""Road distances and drive times from a road graph the user supplies (osmnx).

The tool never downloads roads: a user builds a graph once (see docs/roads.md)
and points the tool at the file. :func:`load_road_graph` reads a ``.graphml``
saved by osmnx, or an OSM XML extract (``.osm``/``.xml``) offline, projects the graph
to British National Grid (EPSG:27700) so that origins and destinations in BNG metres
snap to their nearest graph node, and makes sure every edge can be measured:

- an edge without a usable ``length`` is measured from its geometry (BNG metres);
- speeds come from ``maxspeed`` where tagged, else the mean of tagged roads of the same
  type, else the typical speed of the type (``data/reference/road_speeds.csv``), else
  30 mph; an edge with no road type counts as OSM's "road" (type unknown).

What was filled in is said in ``graph.graph["notes"]`` (a list of sentences), which the
placements report passes on.

:func:`road_distances` returns one row per origin/destination pair:

================  ===========================================================
distance_km       float, length of the shortest route by length, km
distance_miles    float, statute miles
drive_minutes     float, time of the quickest route by travel time, minutes
                  (may be a different, longer route than the shortest one)
band              "within 20 miles" | "over 20 miles" (by distance_miles)
origin_snap_m     float, straight line from the origin to its graph node, m
destination_snap_m  float, same for the destination, m
distance_method   "road"
note              str, "" or why the distance is missing: "no route between them in
                  the road graph", "not on the road graph: the origin is 35.2 km from
                  the nearest road in it (more than 2 km)", "origin or destination has
                  no coordinates"
================  ===========================================================

An end farther than ``max_snap_m`` (default :data:`MAX_SNAP_M`, 2 km) from the graph is
not on it: the pair gets no distance (never the 0 km of two far points snapped to one
node). Edge lengths are osmnx's great-circle lengths in metres, computed when the graph
is built; projection does not change them.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from geo import BNG
from geo.distance import KM_PER_MILE, ROAD, distance_table
from sufficiency.errors import FileFormatError

GRAPH_SUFFIXES = (".graphml", ".osm", ".xml")
ROAD_SPEEDS = Path(__file__).resolve().parent.parent / "data" / "reference" / "road_speeds.csv"
DEFAULT_SPEED_KPH = 30 * KM_PER_MILE  # a road of a type the table does not know
#: Farthest an end may be from its nearest graph node (m): beyond it the pair is "not on the road graph".
MAX_SNAP_M = 2_000.0


def load_road_graph(path: str | Path, simplify: bool = True) -> nx.MultiDiGraph:
    """Read a road graph and prepare it for :func:`road_distances`.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.graphml`` file saved with ``osmnx.save_graphml``, or an OSM XML
        extract (``.osm`` / ``.xml``), read without any network access.
    simplify : bool
        Simplify an OSM XML graph to junctions (osmnx default); ignored for graphml.

    Returns
    -------
    networkx.MultiDiGraph
        Projected to EPSG:27700 (node x/y in metres) with edge ``length`` (m),
        ``speed_kph`` and ``travel_time`` (s).

    Raises
    ------
    FileFormatError
        The file is missing, of another format (PBF must be converted to OSM XML
        first, see docs/roads.md) or cannot be parsed.
    """
    import osmnx as ox

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pbf":
        raise FileFormatError("osmnx cannot read .pbf files; convert the extract to OSM XML "
                              "(osmium cat in.osm.pbf -o out.osm) or build a .graphml (see docs/roads.md)",
                              file=path.name)
    if suffix not in GRAPH_SUFFIXES:
        raise FileFormatError(f"a road graph must be one of {', '.join(GRAPH_SUFFIXES)}", file=path.name)
    if not path.is_file():
        raise FileFormatError("the road graph file does not exist", file=str(path))
    try:
        if suffix == ".graphml":
            graph = ox.load_graphml(path)
        else:
            graph = ox.graph_from_xml(path, simplify=simplify, retain_all=True)
    except Exception as exc:  # osmnx/networkx/xml raise many types; the user needs one message
        raise FileFormatError(f"the road graph could not be read ({type(exc).__name__}: {exc})",
                              file=path.name) from exc
    if graph.number_of_edges() == 0:
        raise FileFormatError("the road graph has no roads", file=path.name)
    graph = ox.project_graph(graph, to_crs=BNG)
    notes = _fill_lengths(graph) + _fill_speeds(graph)
    graph = ox.add_edge_travel_times(graph)
    graph.graph["notes"] = notes
    return graph


def _fill_lengths(graph: nx.MultiDiGraph) -> list[str]:
    """Give every edge a ``length`` (m): missing or unusable ones measured from the edge's geometry (BNG)."""
    missing = 0
    for u, v, data in graph.edges(data=True):  # once per graph load; osmnx itself loops over edges too
        length = pd.to_numeric(pd.Series([data.get("length")]), errors="coerce").iloc[0]
        if pd.notna(length) and np.isfinite(length) and length >= 0:
            data["length"] = float(length)
            continue
        line = data.get("geometry")
        if line is not None and hasattr(line, "length"):
            data["length"] = float(line.length)
        else:
            a, b = graph.nodes[u], graph.nodes[v]
            data["length"] = float(np.hypot(a["x"] - b["x"], a["y"] - b["y"]))
        missing += 1
    if not missing:
        return []
    return [f"{missing:,} of {graph.number_of_edges():,} road segments had no length: measured from their "
            "geometry on the British National Grid"]


def _fill_speeds(graph: nx.MultiDiGraph) -> list[str]:
    """``speed_kph`` on every edge: ``maxspeed`` where tagged, else the mean of tagged roads of the same type,
    else the typical speed of the type (``data/reference/road_speeds.csv``), else 30 mph; said in the notes."""
    import osmnx as ox

    untyped = 0
    for _, _, data in graph.edges(data=True):
        if not data.get("highway"):
            data["highway"] = "road"  # OSM's own word for a road of unknown type
            untyped += 1
    edges = [(d["highway"][0] if isinstance(d["highway"], list) else d["highway"], d.get("maxspeed"))
             for _, _, d in graph.edges(data=True)]
    frame = pd.DataFrame(edges, columns=["highway", "maxspeed"])
    tagged = frame["maxspeed"].notna()
    types_without = sorted(set(frame["highway"]) - set(frame.loc[tagged, "highway"]))
    typical = _typical_speeds_kph()
    hwy_speeds = {t: typical[t] for t in types_without if t in typical}
    ox.add_edge_speeds(graph, hwy_speeds=hwy_speeds, fallback=DEFAULT_SPEED_KPH)
    notes = []
    if untyped:
        notes.append(f"{untyped:,} road segments have no road type (highway tag): taken as roads of unknown type")
    typical_words = (f"the typical speed of the type for {', '.join(types_without)} (none tagged; "
                     "data/reference/road_speeds.csv, 30 mph when unknown)")
    if (~tagged).any():
        how = ("given the average of tagged roads of the same type" + (f", or {typical_words}" if types_without
                                                                       else "")) if tagged.any() else \
            f"given {typical_words}"
        notes.append(f"{int((~tagged).sum()):,} of {len(frame):,} road segments have no speed limit (maxspeed): "
                     + how)
    return notes


def _typical_speeds_kph() -> dict[str, float]:
    table = pd.read_csv(ROAD_SPEEDS)
    return dict(zip(table["highway"], table["speed_mph"] * KM_PER_MILE, strict=True))


def _nearest(graph: nx.MultiDiGraph, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest graph node to each BNG point, and the snap distance in metres."""
    import osmnx as ox

    nodes, dist = ox.distance.nearest_nodes(graph, xy[:, 0], xy[:, 1], return_dist=True)
    return np.asarray(nodes), np.asarray(dist, dtype="float64")


def road_distances(graph: nx.MultiDiGraph, origins_xy_bng: np.ndarray,
                   destinations_xy_bng: np.ndarray, max_snap_m: float = MAX_SNAP_M) -> pd.DataFrame:
    """Road distance and drive time from ``origins[i]`` to ``destinations[i]``.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        From :func:`load_road_graph` (EPSG:27700, with length and travel_time).
    origins_xy_bng, destinations_xy_bng : (n, 2) array of float
        Easting, northing in British National Grid (EPSG:27700) metres. Rows with
        NaN coordinates give NaN distances.
    max_snap_m : float
        Farthest an end may be from its nearest graph node, metres: beyond it the pair gets
        no distance and the note "not on the road graph" (never a 0 km route between two
        far-away points that snap to the same node).

    Returns
    -------
    pandas.DataFrame with the columns in the module docstring, index 0..n-1.
    """
    from pyproj import CRS

    if CRS(graph.graph.get("crs", "EPSG:4326")) != CRS(BNG):
        raise ValueError("the road graph must be projected to EPSG:27700; load it with load_road_graph")
    a = np.asarray(origins_xy_bng, dtype="float64").reshape(-1, 2)
    b = np.asarray(destinations_xy_bng, dtype="float64").reshape(-1, 2)
    if len(a) != len(b):
        raise ValueError(f"origins ({len(a)}) and destinations ({len(b)}) differ in length")
    n = len(a)
    ok = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    from_node = np.full(n, -1, dtype=np.int64)
    to_node = np.full(n, -1, dtype=np.int64)
    snap_a = np.full(n, np.nan)
    snap_b = np.full(n, np.nan)
    if ok.any():
        from_node[ok], snap_a[ok] = _nearest(graph, a[ok])
        to_node[ok], snap_b[ok] = _nearest(graph, b[ok])
    metres = np.full(n, np.nan)
    seconds = np.full(n, np.nan)
    # One Dijkstra per distinct origin node, not per pair.
    for source in np.unique(from_node[ok]):
        rows = np.flatnonzero(ok & (from_node == source))
        by_length = nx.single_source_dijkstra_path_length(graph, int(source), weight="length")
        by_time = nx.single_source_dijkstra_path_length(graph, int(source), weight="travel_time")
        targets = to_node[rows]
        metres[rows] = [by_length.get(int(t), np.nan) for t in targets]
        seconds[rows] = [by_time.get(int(t), np.nan) for t in targets]
    far = ok & ((snap_a > max_snap_m) | (snap_b > max_snap_m))
    metres[far] = np.nan
    seconds[far] = np.nan
    out = distance_table(metres / 1000.0, ROAD)
    out.insert(2, "drive_minutes", seconds / 60.0)
    out["origin_snap_m"] = snap_a
    out["destination_snap_m"] = snap_b
    end = np.where(snap_a > snap_b, "origin", "destination")
    off = [f"not on the road graph: the {e} is {max(a, b) / 1000:,.1f} km from the nearest road in it (more than "
           f"{max_snap_m / 1000:g} km)" for e, a, b in zip(end[far], snap_a[far], snap_b[far], strict=True)]
    note = np.full(n, "", dtype=object)
    note[~ok] = "origin or destination has no coordinates"
    note[ok & ~far & np.isnan(metres)] = "no route between them in the road graph"
    note[far] = off
    out["note"] = pd.Series(note, dtype="string")
    return out
