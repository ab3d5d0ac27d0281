"""Altair charts for the app: trend, comparison and regional concentration.

Pure functions: tables from :mod:`sufficiency` in, ``alt.Chart`` out. Nothing is
computed here; tables are only reshaped (long form) for drawing. Altair charts are
drawn by Streamlit's bundled Vega, so they need no internet.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

HIGHLIGHT_REGIONS = ("North West", "West Midlands", "South East")
HIGHLIGHT_COLOUR = "#b2182b"
OTHER_COLOUR = "#4d4d4d"
FIRST_COLOUR = "#2166ac"
SHARE_COLOURS = {"Places": "#1b9e77", "Children in homes": "#7570b3", "Homes": "#d95f02"}


def trend_chart(trend: pd.DataFrame, measure: str, label: str, unit: str) -> alt.Chart:
    """Line of one measure over the years for one authority.

    Parameters
    ----------
    trend : DataFrame
        ``year`` and ``measure`` columns (and ``<measure>_low``/``_high`` when the
        model gives bounds, drawn as a band).
    """
    data = trend[[c for c in ["year", measure, f"{measure}_low", f"{measure}_high"] if c in trend.columns]]
    data = data.astype({c: "float64" for c in data.columns if c != "year"})
    base = alt.Chart(data).encode(x=alt.X("year:O", title="Year (31 March)"))
    line = base.mark_line(point=True, color=FIRST_COLOUR).encode(
        y=alt.Y(f"{measure}:Q", title=f"{label} ({unit})"),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip(f"{measure}:Q", title=label, format=",.2f")],
    )
    layers = [line]
    if f"{measure}_low" in data.columns and f"{measure}_high" in data.columns:
        layers.insert(0, base.mark_area(opacity=0.2, color=FIRST_COLOUR).encode(
            y=f"{measure}_low:Q", y2=f"{measure}_high:Q"))
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#888", strokeDash=[4, 3]).encode(y="y:Q")
    return alt.layer(*layers, zero).properties(height=260)


def compare_chart(table: pd.DataFrame, measure: str, label: str, unit: str) -> alt.Chart:
    """Horizontal bars of one measure for the compared authorities; the first is highlighted.

    ``table`` is :func:`sufficiency.compare.compare_authorities` output (rows in the
    order picked, columns ``name`` and ``measure``).
    """
    data = pd.DataFrame({
        "name": table["name"].astype(str).to_numpy(),
        "value": table[measure].astype("float64").to_numpy(),
        "first": ["first picked"] + ["compared"] * (len(table) - 1),
    })
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("name:N", sort=list(data["name"]), title=None),
        x=alt.X("value:Q", title=f"{label} ({unit})"),
        color=alt.Color("first:N", scale=alt.Scale(domain=["first picked", "compared"],
                                                   range=[FIRST_COLOUR, "#92c5de"]), legend=None),
        tooltip=[alt.Tooltip("name:N", title="Authority"), alt.Tooltip("value:Q", title=label, format=",.2f")],
    ).properties(height=max(80, 34 * len(data)))


def regional_chart(regional: pd.DataFrame) -> alt.Chart:
    """Places share against children-in-homes share per region (bars side by side).

    ``regional`` is :func:`sufficiency.regional.regional_concentration` output; the
    England row is left out. North West, West Midlands and South East are named in
    bold red: the three regions holding most places.
    """
    rows = regional[regional["region"] != "England"]
    long = pd.concat([
        pd.DataFrame({"region": rows["region"].astype(str).to_numpy(), "what": what,
                      "share": rows[col].astype("float64").to_numpy()})
        for what, col in (("Places", "places_share"), ("Children in homes", "children_share"))
        if col in rows.columns
    ], ignore_index=True)
    order = list(rows.sort_values("places_share", ascending=False)["region"].astype(str))
    long["highlight"] = long["region"].isin(HIGHLIGHT_REGIONS).map({True: "highlighted", False: "other"})
    bars = alt.Chart(long).mark_bar().encode(
        y=alt.Y("region:N", sort=order, title=None,
                axis=alt.Axis(labelColor=alt.expr(
                    f"indexof({list(HIGHLIGHT_REGIONS)!r}, datum.value) >= 0 ? '{HIGHLIGHT_COLOUR}' : '{OTHER_COLOUR}'"),
                    labelFontWeight=alt.expr(
                    f"indexof({list(HIGHLIGHT_REGIONS)!r}, datum.value) >= 0 ? 'bold' : 'normal'"))),
        yOffset="what:N",
        x=alt.X("share:Q", title="Share of England", axis=alt.Axis(format="%")),
        color=alt.Color("what:N", scale=alt.Scale(domain=list(SHARE_COLOURS)[:2],
                                                  range=list(SHARE_COLOURS.values())[:2]), title=None),
        tooltip=[alt.Tooltip("region:N"), alt.Tooltip("what:N", title="Share of"),
                 alt.Tooltip("share:Q", format=".1%")],
    )
    return bars.properties(height=420)
