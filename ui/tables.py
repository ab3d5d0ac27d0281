"""Tables formatted for reading in the app: model outputs in, strings out.

Formatting only (number style, labels, units); no figure is computed here.
"""

from __future__ import annotations

import pandas as pd

from ui.classes import format_number

EXTRA_LABELS = {
    "placed_outside": ("Children in homes placed outside the authority (number)", "children"),
    "private_share": ("Share of places run privately", "fraction 0–1"),
}
DETAIL_ROWS = ["homes", "places", "children_in_homes", "placed_outside", "placed_outside_pct", "net_gain",
               "local_bed_gap", "places_per_child", "private_share", "sufficiency_radius_km", "access_index",
               "optimal_share_within_20_miles"]


def labels_for(measures_meta: dict[str, dict]) -> dict[str, tuple[str, str]]:
    """Measure key -> (label, unit) for every column the app shows."""
    return {**{k: (v["label"], v["unit"]) for k, v in measures_meta.items()}, **EXTRA_LABELS}


def detail_table(row: pd.Series, ranks: dict, measures_meta: dict[str, dict]) -> pd.DataFrame:
    """One authority's measures as rows [Measure, Value, Unit], ranks last."""
    labels = labels_for(measures_meta)
    rows = [(labels[k][0], format_number(row[k]), labels[k][1]) for k in DETAIL_ROWS if k in row.index]
    if ranks.get("rank_national") is not None and not pd.isna(ranks["rank_national"]):
        rows.append(("Rank by local bed gap in England", f"{ranks['rank_national']} of {ranks['of_national']}",
                     "1 = largest shortfall"))
        rows.append(("Rank by local bed gap in its region", f"{ranks['rank_region']} of {ranks['of_region']}",
                     "1 = largest shortfall"))
    else:
        rows.append(("Rank by local bed gap", "not ranked", "no gap this year"))
    return pd.DataFrame(rows, columns=["Measure", "Value", "Unit"])


def compare_table(table: pd.DataFrame, measures_meta: dict[str, dict], columns: list[str]) -> pd.DataFrame:
    """``compare_authorities`` output turned sideways: one column per authority.

    Rows are each measure's value, then "difference from <first>" for every measure.
    """
    labels = labels_for(measures_meta)
    names = table["name"].astype(str).tolist()
    heads = [f"{n} ({c})" for n, c in zip(names, table["code"], strict=True)]
    rows, index = [], []
    for col in columns:
        if col not in table.columns:
            continue
        label, unit = labels.get(col, (col, ""))
        index.append(f"{label} ({unit})")
        rows.append([format_number(v) for v in table[col]])
    for col in columns:
        if f"{col}_diff" not in table.columns:
            continue
        index.append(f"{labels.get(col, (col, ''))[0]}: difference from {names[0]}")
        rows.append([format_number(v) for v in table[f"{col}_diff"]])
    return pd.DataFrame(rows, index=index, columns=heads)


def neighbours_table(neighbours: pd.DataFrame) -> pd.DataFrame:
    """Statistical neighbours with readable headings."""
    return pd.DataFrame({
        "Authority": neighbours["name"].astype(str).to_numpy(),
        "Region": neighbours["region"].astype(str).to_numpy(),
        "Distance (standardised, smaller = more alike)": [format_number(v) for v in neighbours["distance"]],
    })


def dfe_neighbours_table(neighbours: pd.DataFrame) -> pd.DataFrame:
    """DfE's statistical neighbours with readable headings."""
    return pd.DataFrame({
        "Rank": neighbours["rank"].astype(int).to_numpy(),
        "Authority": neighbours["neighbour_name"].astype(str).to_numpy(),
        "Closeness (DfE)": neighbours["closeness"].astype(str).to_numpy(),
    })


def benchmark_table(table: pd.DataFrame, measures_meta: dict[str, dict]) -> pd.DataFrame:
    """``service.benchmarks`` turned sideways: one row per measure, one column per benchmark."""
    labels = labels_for(measures_meta)
    columns = [c for c in table.columns if c not in ("benchmark", "name", "authorities")]
    heads = ["This authority" if b == "authority" else n for b, n in zip(table["benchmark"], table["name"],
                                                                          strict=True)]
    body = {h: [format_number(v) for v in table[columns].iloc[i]] for i, h in enumerate(heads)}
    return pd.DataFrame({"Measure": [f"{labels.get(c, (c, ''))[0]} ({labels.get(c, ('', ''))[1]})" for c in columns],
                         **body})
