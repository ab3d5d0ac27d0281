"""Road distances and drive times from a road graph the user supplies (osmnx).

The tool never downloads roads: a user builds a graph once (see docs/roads.md)
and points the tool at the file. :func:`load_road_graph` reads a ``.graphml``
saved by osmnx, or an OSM XML extract (``.osm``/``.xml``) offline, adds speeds
(``maxspeed`` tags, else the mean speed of the road type) and travel times, and
projects the graph to British National Grid (EPSG:27700) so that origins and
destinations in BNG metres snap to their nearest graph node.

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
note              str, "" or why the distance is missing ("no route ...")
================  ===========================================================

Edge lengths are osmnx's great-circle lengths in metres, computed when the
graph is built; projection does not change them.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from geo import BNG
from geo.distance import ROAD, distance_table
from sufficiency.errors import FileFormatError

GRAPH_SUFFIXES = (".graphml", ".osm", ".xml")


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
    # add_edge_speeds keeps maxspeed where tagged; travel_time needs speed_kph.
    graph = ox.add_edge_speeds(graph)
    return ox.add_edge_travel_times(graph)


def _nearest(graph: nx.MultiDiGraph, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest graph node to each BNG point, and the snap distance in metres."""
    import osmnx as ox

    nodes, dist = ox.distance.nearest_nodes(graph, xy[:, 0], xy[:, 1], return_dist=True)
    return np.asarray(nodes), np.asarray(dist, dtype="float64")


def road_distances(graph: nx.MultiDiGraph, origins_xy_bng: np.ndarray,
                   destinations_xy_bng: np.ndarray) -> pd.DataFrame:
    """Road distance and drive time from ``origins[i]`` to ``destinations[i]``.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        From :func:`load_road_graph` (EPSG:27700, with length and travel_time).
    origins_xy_bng, destinations_xy_bng : (n, 2) array of float
        Easting, northing in British National Grid (EPSG:27700) metres. Rows with
        NaN coordinates give NaN distances.

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
    out = distance_table(metres / 1000.0, ROAD)
    out.insert(2, "drive_minutes", seconds / 60.0)
    out["origin_snap_m"] = snap_a
    out["destination_snap_m"] = snap_b
    note = np.where(~ok, "origin or destination has no coordinates",
                    np.where(np.isnan(metres), "no route between them in the road graph", ""))
    out["note"] = pd.Series(note, dtype="string")
    return out
