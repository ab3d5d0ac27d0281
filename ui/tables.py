"""Tables formatted for reading in the app: model outputs in, readable tables out.

Formatting only (number style, headings, units); no figure is computed here. Every
number is written by :func:`sufficiency.service.format_value` (the one format of
:mod:`sufficiency.model.formats`), every heading comes from ``column_labels.csv``.

Wide tables (:func:`show`) stay typed: numbers are numbers (so a column sorts as
numbers and Arrow never meets a "c" in a number column), missing cells show "–",
and the way each number is written is a pandas Styler over the typed frame. A cell
that the small-number rule replaced by a marker is <NA> in the typed frame, and a
"Small numbers" column says, per row, which figures were hidden.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sufficiency import service

DETAIL_ROWS = ["homes", "places", "children_in_homes", "placed_outside", "placed_outside_pct", "net_gain",
               "local_bed_gap", "places_per_child", "private_share", "sufficiency_radius_km", "access_index",
               "optimal_share_within_20_miles"]
TEXT_KINDS = ("text",)
HIDDEN_COLUMN = "small_numbers"
NAME_WIDTH_PX = 230


def _numeric_kind(column: str) -> bool:
    return service.formats.column_format(column).kind not in TEXT_KINDS


def typed(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the frame with marker cells as <NA> in typed number columns, a boolean frame of those cells).

    Object columns that hold numbers and markers ("c" from the small-number rule) become
    Float64; text columns are left as text (``string``).
    """
    out = frame.copy()
    markers = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    for col in frame.columns:
        s = frame[col]
        if _numeric_kind(col) and (s.dtype == object or isinstance(s.dtype, pd.StringDtype)):
            hit = s.map(service.formats.is_marker).astype(bool)
            markers[col] = hit
            out[col] = pd.to_numeric(s.mask(hit), errors="coerce").astype("Float64")
        elif s.dtype == object:
            out[col] = s.astype("string")
    return out, markers


def hidden_note(frame: pd.DataFrame, markers: pd.DataFrame) -> pd.Series:
    """Per row, which figures the small-number rule hid ("Children in homes, Local bed gap: suppressed (c)")."""
    hit = [c for c in markers.columns if markers[c].any()]
    if not hit:
        return pd.Series("", index=frame.index, dtype="string")
    texts = pd.DataFrame({c: markers[c].map({True: service.formats.short_header(c), False: ""}) for c in hit})
    joined = texts.apply(lambda r: ", ".join(t for t in r if t), axis=1)
    code = frame[hit].apply(lambda r: next((str(v) for v in r if service.formats.is_marker(v)), ""), axis=1)
    return (joined + code.map(lambda m: f": {service.formats.marker_text(m)}" if m else "")).astype("string")


def display_frame(frame: pd.DataFrame, columns: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(typed frame of ``columns`` — a "Small numbers" column after the name where markers hid figures —,
    its marker mask)."""
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    table, markers = typed(frame[cols].reset_index(drop=True))
    if markers.to_numpy().any():
        note = hidden_note(frame[cols].reset_index(drop=True), markers)
        at = cols.index("name") + 1 if "name" in cols else 0
        table.insert(at, HIDDEN_COLUMN, note)
        markers.insert(at, HIDDEN_COLUMN, False)
    return table, markers


def styler(table: pd.DataFrame):
    """A pandas Styler writing every number of ``table`` in the project's format (missing cells: "–")."""
    numeric = [c for c in table.columns if c != HIDDEN_COLUMN and _numeric_kind(c)
               and pd.api.types.is_numeric_dtype(table[c].dtype)]
    return table.style.format({c: (lambda v, c=c: service.format_value(c, v)) for c in numeric},
                              na_rep=service.formats.NO_FIGURE)


def column_config(table: pd.DataFrame) -> dict:
    """Short human headings (the full label as the heading's help), the name column wide enough for names."""
    out = {}
    for col in table.columns:
        if col in ("what_changes",):
            out[col] = st.column_config.TextColumn(service.formats.short_header(col), width="large")
            continue
        if col == HIDDEN_COLUMN:
            out[col] = st.column_config.TextColumn("Small numbers", help="Figures hidden by the small-number rule")
            continue
        fmt = service.formats.column_format(col)
        kwargs = {"help": fmt.header} if fmt.header != fmt.short else {}
        if col in ("name", "origin_name", "destination_name"):
            kwargs.update(width=NAME_WIDTH_PX)  # not pinned: glide greys pinned text (poor contrast)
        out[col] = st.column_config.Column(fmt.short, **kwargs)
    return out


def show(frame: pd.DataFrame, columns: list[str] | None = None, *, key: str | None = None,
         height: int | str = "auto") -> pd.DataFrame:
    """Draw a wide table: typed, formatted, human headings. Returns the typed frame shown."""
    table, _ = display_frame(frame, columns)
    st.dataframe(styler(table), hide_index=True, width="stretch", column_config=column_config(table),
                 placeholder=service.formats.NO_FIGURE, key=key, height=height)
    return table


def detail_table(row: pd.Series, ranks: dict, measures_meta: dict[str, dict] | None = None) -> pd.DataFrame:
    """One authority's measures as rows [Measure, Value] (value with its unit), ranks last."""
    fmt = service.formats
    rows = [(fmt.label(k), service.format_value(k, row[k], with_unit=True)) for k in DETAIL_ROWS if k in row.index]
    if ranks.get("rank_national") is not None and not pd.isna(ranks["rank_national"]):
        rows.append(("Rank by local bed gap in England (1 = largest shortfall)",
                     f"{ranks['rank_national']} of {ranks['of_national']}"))
        rows.append(("Rank by local bed gap in its region (1 = largest shortfall)",
                     f"{ranks['rank_region']} of {ranks['of_region']}"))
    else:
        rows.append(("Rank by local bed gap", "not ranked: no gap this year"))
    return pd.DataFrame(rows, columns=["Measure", "Value"])


def compare_table(table: pd.DataFrame, measures_meta: dict[str, dict] | None, columns: list[str]) -> pd.DataFrame:
    """``compare_authorities`` output turned sideways: one column per authority.

    Rows are each measure's value, then "difference from <first>" for every measure; the first
    column, "Measure", names the row.
    """
    names = table["name"].astype(str).tolist()
    heads = [f"{n} ({c})" for n, c in zip(names, table["code"], strict=True)]
    rows, index = [], []
    for col in columns:
        if col in table.columns:
            index.append(service.header(col))
            rows.append(service.formats.format_series(col, table[col]))
    for col in columns:
        if f"{col}_diff" in table.columns:
            index.append(f"{service.formats.label(col)}: difference from {names[0]}")
            rows.append([service.formats.format_difference(col, v) for v in table[f"{col}_diff"]])
    out = pd.DataFrame(rows, columns=heads)
    out.insert(0, "Measure", index)  # a named first column (an index would have an empty heading)
    return out


def neighbours_table(neighbours: pd.DataFrame) -> pd.DataFrame:
    """Similar authorities with readable headings."""
    return pd.DataFrame({
        "Authority": neighbours["name"].astype(str).to_numpy(),
        "Region": neighbours["region"].astype(str).to_numpy(),
        service.header("distance"): service.formats.format_series("distance", neighbours["distance"]),
    })


def map_table(measures: pd.DataFrame, measure: str, class_labels: list[str], class_of) -> pd.DataFrame:
    """The map as a table: every authority drawn, its value and its colour class (highest first)."""
    label_of = [class_labels[i] if i >= 0 else "no figure" for i in class_of]
    out = pd.DataFrame({"name": measures["name"].astype("string").to_numpy(),
                        "region": measures["region"].astype("string").to_numpy(),
                        measure: measures[measure].astype("Float64").to_numpy(),
                        "map_class": pd.array(label_of, dtype="string")})
    return out.sort_values([measure, "name"], ascending=[False, True], na_position="last", ignore_index=True)


def dfe_neighbours_table(neighbours: pd.DataFrame) -> pd.DataFrame:
    """DfE's statistical neighbours with readable headings."""
    return pd.DataFrame({
        "Rank": service.formats.format_series("rank", neighbours["rank"]),
        "Authority": neighbours["neighbour_name"].astype(str).to_numpy(),
        "Closeness (DfE)": neighbours["closeness"].astype(str).to_numpy(),
    })


def benchmark_table(table: pd.DataFrame, measures_meta: dict[str, dict] | None = None) -> pd.DataFrame:
    """``service.benchmarks`` turned sideways: one row per measure (short heading), one column per benchmark."""
    columns = [c for c in table.columns if c not in ("benchmark", "name", "authorities")]
    heads = {"England": "England", "region": None, "DfE neighbours' average": "DfE neighbours' average"}
    names = [heads.get(b) or n for b, n in zip(table["benchmark"], table["name"], strict=True)]
    body = {h: [service.format_value(c, table[c].iloc[i]) for c in columns] for i, h in enumerate(names)}
    return pd.DataFrame({"Measure": [service.formats.short_header(c) for c in columns], **body})


def benchmark_counts(table: pd.DataFrame) -> str:
    """How many of the DfE neighbours have each figure ("Places per child 8 of 10; ..."); "" when all do."""
    text = "; ".join(table.get("authorities", pd.Series(dtype=str)).fillna("").astype(str))
    parts = [p.split(": ", 1) for p in text.replace(";", ",").split(", ") if ": " in p]
    partial = [(c, n) for c, n in parts if n.partition(" of ")[0] != n.partition(" of ")[2]]
    if not partial:
        return ""
    listed = "; ".join(f"{service.formats.short_header(c)}: {n}" for c, n in partial)
    return f"The neighbours' average is over the neighbours with the figure ({listed})."
