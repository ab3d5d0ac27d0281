"""The text of each authority's tooltip on the map: its name, region, places, children in homes,
local bed gap and the measure shown, in the one number format (:mod:`sufficiency.model.formats`).

Every text from a table is HTML-escaped here; the tooltip is HTML that Leaflet shows.
"""

from __future__ import annotations

import html

import pandas as pd

from sufficiency import service

# measures whose missing values are explained by ``radius_note`` (sufficiency.distances.access)
DISTANCE_MEASURES = ("sufficiency_radius_km", "access_index", "optimal_share_within_20_miles")


def _value(column: str, value, missing: str, *, with_unit: bool = False) -> str:
    if pd.isna(value):
        return html.escape(missing)
    return html.escape(service.format_value(column, value, with_unit=with_unit))


def tooltip_html(rows: pd.DataFrame, measure: str, measure_label: str, unit: str = "") -> list[str]:
    """Tooltip HTML per authority row; every text field escaped.

    Shows name, region, places, children in homes (with its range from DfE's
    rounding), the local bed gap with what its sign means, and the mapped measure;
    where DfE suppressed the demand figures, says so with DfE's reason.
    """
    fmt = service.formats
    # the short heading, without its unit (the value carries it): "Best share within 20 miles"
    short = fmt.short_header(measure).split(" (")[0] if measure in fmt.column_formats() else measure_label
    out = []
    for r in rows.to_dict("records"):
        note = r.get("demand_note") or ""
        missing = note if note else "no figure"
        extra = r.get("radius_note") if measure in DISTANCE_MEASURES else ""
        children = _value("children_in_homes", r.get("children_in_homes"), missing)
        low, high = r.get("children_in_homes_low"), r.get("children_in_homes_high")
        if not pd.isna(r.get("children_in_homes")) and not (pd.isna(low) or pd.isna(high)) and low != high:
            children += (f" (between {fmt.format_value('children_in_homes_low', low)} and "
                         f"{fmt.format_value('children_in_homes_high', high)})")
        gap = _value("local_bed_gap", r.get("local_bed_gap"), missing)
        meaning = fmt.sign_meaning("local_bed_gap", r.get("local_bed_gap"))
        if meaning:
            gap += f"<br>{html.escape(meaning)}"
        lines = [
            ("Region", html.escape(str(r.get("region") or ""))),
            ("Places", _value("places", r.get("places"), "no figure")),
            ("Children in homes", children),
            ("Local bed gap", gap),
        ]
        if measure not in ("places", "children_in_homes", "local_bed_gap"):
            value = _value(measure, r.get(measure), extra or missing, with_unit=True)
            sign = fmt.sign_meaning(measure, r.get(measure))
            lines.append((html.escape(short), value + (f"<br>{html.escape(sign)}" if sign else "")))
        for text in dict.fromkeys(t for t in (note, extra) if isinstance(t, str) and t):
            lines.append(("Note", html.escape(text)))
        body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in lines)
        out.append(f'<div class="sufficiency-tip"><b>{html.escape(str(r.get("name") or ""))}</b>'
                   f"<table>{body}</table></div>")
    return out
