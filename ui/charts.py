"""Altair charts for the app: trend, comparison and regional concentration.

Pure functions: tables from :mod:`sufficiency` in, ``alt.Chart`` out. Nothing is
computed here; tables are only reshaped (long form) for drawing. Altair charts are
drawn by Streamlit's bundled Vega, so they need no internet.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from sufficiency import service

HIGHLIGHT_COLOUR = "#b2182b"
OTHER_COLOUR = "#4d4d4d"
FIRST_COLOUR = "#2166ac"
SHARE_COLOURS = {"Places": "#1b9e77", "Children in homes": "#7570b3", "Homes": "#d95f02"}


def trend_chart(trend: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """Lines of several measures over the years for one authority.

    Parameters
    ----------
    trend : DataFrame
        Long form ``[year, name, measure, value]`` (``authority_detail``'s trend):
        one row per year and measure; ``name`` is the council that year (a
        predecessor before a reorganisation).
    labels : dict
        Measure key -> legend text; only these measures are drawn, in this order.
    """
    rows = trend[trend["measure"].isin(list(labels))]
    data = pd.DataFrame({
        "year": rows["year"].astype(int).to_numpy(),
        "name": rows["name"].astype(str).to_numpy(),
        "what": rows["measure"].map(labels).to_numpy(),
        "value": rows["value"].astype("float64").to_numpy(),
    })
    line = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("year:O", title="Year (31 March)"),
        y=alt.Y("value:Q", title="Places or children"),
        color=alt.Color("what:N", sort=list(labels.values()), title=None,
                        scale=alt.Scale(range=["#1b9e77", "#7570b3", "#d95f02", "#666666"]),
                        legend=alt.Legend(orient="top", direction="horizontal", columns=2)),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("name:N", title="Council"),
                 alt.Tooltip("what:N", title="Measure"), alt.Tooltip("value:Q", title="Value", format=",.0f")],
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#888", strokeDash=[4, 3]).encode(y="y:Q")
    return alt.layer(line, zero).properties(height=260)


def d3_format(column: str) -> str:
    """The Vega (d3) number format that writes ``column`` as :mod:`sufficiency.model.formats` does.

    d3 writes negatives with the minus sign U+2212, as the tables do.
    """
    fmt = service.formats.column_format(column)
    if fmt.kind == "share":
        return f".{fmt.decimals}%"
    if fmt.kind in service.formats.WHOLE_KINDS:
        return ",.0f"
    return f",.{fmt.decimals}f"


def compare_chart(table: pd.DataFrame, measure: str, label: str, unit: str) -> alt.Chart:
    """Horizontal bars of one measure for the compared authorities; the first is highlighted.

    ``table`` is :func:`sufficiency.model.compare.compare_authorities` output (rows in the
    order picked, columns ``name`` and ``measure``).
    """
    data = pd.DataFrame({
        "name": table["name"].astype(str).to_numpy(),
        "value": table[measure].astype("float64").to_numpy(),
        "first": ["first picked"] + ["compared"] * (len(table) - 1),
    })
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("name:N", sort=list(data["name"]), title=None),
        x=alt.X("value:Q", title=f"{label} ({unit})" if unit and unit not in label else label,
                axis=alt.Axis(format=d3_format(measure))),
        color=alt.Color("first:N", scale=alt.Scale(domain=["first picked", "compared"],
                                                   range=[FIRST_COLOUR, "#92c5de"]), legend=None),
        tooltip=[alt.Tooltip("name:N", title="Authority"),
                 alt.Tooltip("value:Q", title=label, format=d3_format(measure))],
    ).properties(height=max(160, 40 * len(data)))


def regional_chart(regional: pd.DataFrame, highlight: tuple[str, ...] = ()) -> alt.Chart:
    """Places share against children-in-homes share per region (bars side by side).

    ``regional`` is :func:`sufficiency.model.regional.regional_concentration` output; the
    England row is left out. The ``highlight`` regions (the app passes the three with
    most places, computed for the year) are named in bold red.
    """
    rows = regional[regional["region"] != "England"]
    long = pd.concat([
        pd.DataFrame({"region": rows["region"].astype(str).to_numpy(), "what": what,
                      "share": rows[col].astype("float64").to_numpy()})
        for what, col in (("Places", "places_share"), ("Children in homes", "children_share"))
        if col in rows.columns
    ], ignore_index=True)
    order = list(rows.sort_values("places_share", ascending=False)["region"].astype(str))
    long["highlight"] = long["region"].isin(highlight).map({True: "highlighted", False: "other"})
    bars = alt.Chart(long).mark_bar().encode(
        y=alt.Y("region:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=260, labelFontSize=12, labelColor=alt.expr(
                    f"indexof({list(highlight)!r}, datum.value) >= 0 ? '{HIGHLIGHT_COLOUR}' : '{OTHER_COLOUR}'"),
                    labelFontWeight=alt.expr(
                    f"indexof({list(highlight)!r}, datum.value) >= 0 ? 'bold' : 'normal'"))),
        yOffset="what:N",
        x=alt.X("share:Q", title="Share of England", axis=alt.Axis(format="%")),
        color=alt.Color("what:N", scale=alt.Scale(domain=list(SHARE_COLOURS)[:2],
                                                  range=list(SHARE_COLOURS.values())[:2]), title=None),
        tooltip=[alt.Tooltip("region:N"), alt.Tooltip("what:N", title="Share of"),
                 alt.Tooltip("share:Q", format=".1%")],
    )
    return bars.properties(height=360)
