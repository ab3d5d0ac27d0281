"""The profile as one self-contained HTML page: CSS and drawings inline, nothing fetched.

The page carries a Content-Security-Policy that allows no network request at all (only
its own inline style and ``data:`` images), so it reads the same offline, from a USB
stick or as an e-mail attachment. Every text from the data is escaped. Child counts are
written in elements of class ``child`` (``data-measure`` names the column) so a test can
check every one against the small-number rule. Printed from a browser it lays out on
A4 with the authority and year at the top of every page.
"""

from __future__ import annotations

from html import escape

from sufficiency.report import layout
from sufficiency.report.drawing import to_svg
from sufficiency.report.numbers import figure
from sufficiency.report.profile import Profile
from sufficiency.report.static_map import legend_rows

CSS = """
:root{--ink:#1f1f1f;--muted:#555;--rule:#d0d0d0;--accent:#0b4f8a;--soft:#f3f6f9}
*{box-sizing:border-box}
body{margin:0 auto;max-width:186mm;padding:10mm 8mm 14mm;color:var(--ink);
 font:10.5pt/1.45 'Segoe UI','Helvetica Neue',Arial,'DejaVu Sans',sans-serif;background:#fff}
h1{font-size:26pt;margin:0;line-height:1.1}
h2{font-size:14pt;margin:16pt 0 6pt;padding-top:6pt;border-top:2px solid var(--accent);color:var(--accent);
 break-after:avoid}
h3{font-size:11pt;margin:12pt 0 4pt;break-after:avoid}
p{margin:4pt 0}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:9pt;color:var(--muted);margin:0 0 2pt}
.meta{color:var(--muted);margin:4pt 0 10pt}
.answer{background:var(--soft);border-left:5px solid var(--accent);padding:8pt 12pt;margin:8pt 0;break-inside:avoid}
.answer .q{font-size:12pt;font-weight:bold;margin:0 0 4pt;color:var(--accent)}
.answer .a{font-size:12.5pt;margin:0 0 5pt}
.answer .caveat{color:var(--muted);font-size:9.5pt}
.tiles{display:grid;grid-template-columns:repeat(5,1fr);gap:6pt;margin:10pt 0;break-inside:avoid}
.tile{border:1px solid var(--rule);border-radius:4px;padding:6pt}
.tile .v{font-size:17pt;font-weight:bold;display:block;line-height:1.15}
.tile .l{font-size:8.5pt;color:var(--muted);display:block}
.tile .r{font-size:8pt;color:var(--muted);display:block;margin-top:2pt}
nav.toc{font-size:9.5pt;columns:2;margin:6pt 0 4pt;break-inside:avoid}
nav.toc a{color:var(--ink);text-decoration:none}
nav.toc ul{margin:2pt 0;padding-left:0;list-style:none}
nav.toc p{margin:0;columns:1}
table{border-collapse:collapse;width:100%;font-size:9.5pt;margin:4pt 0 8pt;break-inside:auto}
th,td{padding:3pt 5pt;border-bottom:1px solid var(--rule);text-align:right;vertical-align:top}
th:first-child,td:first-child,td.txt,th.txt{text-align:left}
td.sub{padding-left:14pt}
thead th{border-bottom:2px solid var(--ink);font-size:8.5pt}
tr{break-inside:avoid}
td.reading{text-align:left;color:var(--muted);font-size:9pt;padding-top:0;border-bottom:1px solid #9a9a9a}
tr.measure td{border-bottom:none;padding-bottom:1pt}
td.own,th.own{font-weight:bold;background:#eef3f8}
.trend td,.trend th{font-size:8pt;padding:2pt 3pt}
.trend td.sub{padding-left:12pt}
figure{margin:6pt 0 10pt;break-inside:avoid}
figcaption{font-size:9pt;color:var(--muted);margin-top:2pt}
svg.chart,svg.map{width:100%;height:auto;display:block}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:10pt}
.legend{font-size:8.5pt;margin:4pt 0;padding:0;list-style:none;columns:2}
.legend li{margin:1pt 0}
.sw{display:inline-block;width:10pt;height:10pt;border:1px solid #888;vertical-align:-1pt;margin-right:4pt}
.small{font-size:9pt;color:var(--muted)}
dl.notes dt{font-weight:bold;margin-top:5pt}
dl.notes dd{margin:0 0 0 0}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);padding:6pt;font-size:8.5pt}
@media print{body{max-width:none;padding:0}h2{break-before:auto}.pagebreak{break-before:page}}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _css_string(text: str) -> str:
    """A CSS string literal: every character that is not a letter, digit or space hex-escaped."""
    return '"' + "".join(c if c.isalnum() and c.isascii() or c == " " else f"\\{ord(c):06x}" for c in text) + '"'


def _cell(value: object, unit: str, child: bool, measure: str, own: bool = False) -> str:
    cls = " ".join(c for c in ("child" if child else "", "own" if own else "") if c)
    attrs = (f' class="{cls}"' if cls else "") + (f' data-measure="{_e(measure)}"' if child or own else "")
    return f"<td{attrs}>{_e(figure(value, unit))}</td>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}" + (f"<figcaption>{_e(caption)}</figcaption>" if caption else "") + "</figure>"


def _cover(p: Profile) -> str:
    tiles = "".join(
        f'<div class="tile"><span class="v{" child" if child else ""}" data-measure="{_e(m)}">{_e(v)}</span>'
        f'<span class="l">{_e(label)}</span><span class="r">{_e(ref)}</span></div>'
        for m, v, label, ref, child in layout.tiles(p))
    verdict, _, rest = p.answer.partition(": ")
    answer = f"<strong>{_e(verdict)}:</strong> {_e(rest)}" if rest else _e(p.answer)
    toc = "".join(f'<li><a href="#{anchor}">{_e(title)}</a></li>' for anchor, title in layout.sections(p))
    return (f'<header><p class="kicker">Children\'s homes sufficiency profile</p><h1>{_e(p.name)}</h1>'
            f'<p class="meta">{_e(layout.subtitle(p))}</p></header>'
            f'<section class="answer" aria-label="In one sentence"><p class="q">{_e(layout.question(p))}</p>'
            f'<p class="a">{answer}</p><p class="a">{_e(p.comparison)}</p>'
            f'<p class="caveat">{_e(p.exchange.reading)} Registered places are not vacancies.</p></section>'
            f'<div class="tiles">{tiles}</div><nav class="toc"><p class="small">Contents</p><ul>{toc}</ul></nav>')


def _headline(p: Profile) -> str:
    head = (f'<thead><tr><th>Measure</th><th class="own">{_e(p.name)}</th><th>{_e(p.region)}<sup>1</sup></th>'
            f'<th>England<sup>1</sup></th><th>DfE neighbours\' average<sup>2</sup></th></tr></thead>')
    body = []
    for c in p.headline:
        own = figure(c.authority, c.unit)
        if layout.has_bounds(c):
            own += f" ({figure(min(c.low, c.high), c.unit)} to {figure(max(c.low, c.high), c.unit)})"
        body.append(f'<tr class="measure"><td>{_e(c.label)}</td>'
                    f'<td class="own{" child" if c.child_count else ""}" data-measure="{_e(c.measure)}">{_e(own)}</td>'
                    + _cell(c.region, c.unit, False, c.measure) + _cell(c.england, c.unit, False, c.measure)
                    + _cell(c.neighbours, c.unit, False, c.measure) + "</tr>"
                    f'<tr><td class="reading" colspan="5">{_e(c.reading)}</td></tr>')
    charts_html = "".join(_figure(to_svg(d), cap) for d, cap in layout.neighbour_charts(p))
    return (f'<section id="headline"><h2>{_e(layout.title("headline", p))}</h2>'
            f'<table>{head}<tbody>{"".join(body)}</tbody></table>'
            f'<p class="small"><sup>1</sup> {_e(layout.FOOTNOTE_TOTALS)} <sup>2</sup> {_e(layout.neighbours_note(p))}</p>'
            f"{charts_html}{_neighbour_table(p)}</section>")


def _neighbour_table(p: Profile) -> str:
    if p.neighbours.empty:
        return ""
    cols = layout.NEIGHBOUR_COLUMNS
    head = "".join(f'<th{" class=txt" if unit == "" else ""}>{_e(label)}</th>' for _, label, unit, _ in cols)
    rows = []
    for r in p.neighbours.to_dict("records"):
        cells = "".join(f'<td class="txt">{_e(r[k])}</td>' if unit == "" else _cell(r[k], unit, child, k)
                        for k, _, unit, child in cols)
        rows.append(f"<tr>{cells}</tr>")
    return (f"<h3>DfE's statistical neighbours of {_e(p.name)} ({_e(p.neighbours_vintage)} groups, nearest first)</h3>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _map(p: Profile) -> str:
    if p.map is None:
        return (f'<section id="map"><h2>{_e(layout.title("map", p))}</h2><p>No boundaries are loaded, '
                "so there is no map.</p></section>")
    eng, zoom = p.map
    legend = "".join(f'<li><span class="sw" style="background:{c}"></span>{_e(label)}</li>' for label, c in legend_rows())
    legend += (f'<li><span class="sw" style="border:2px solid #000"></span>{_e(p.name)}</li>'
               f'<li><span class="sw" style="border:1px dashed #000"></span>DfE statistical neighbours, by rank</li>'
               f'<li><span class="sw" style="border:2px solid #222;background:#fff"></span>{_e(p.region)} region</li>')
    return (f'<section id="map"><h2>{_e(layout.title("map", p))}</h2>'
            f'<div class="grid2"><figure>{to_svg(eng, "map")}<figcaption>England</figcaption></figure>'
            f'<figure>{to_svg(zoom, "map")}<figcaption>{_e(p.region)}</figcaption></figure></div>'
            f'<ul class="legend">{legend}</ul><p class="small">{_e(layout.MAP_NOTE)} '
            f'{_e(layout.neighbour_key(p))}</p></section>')


def _trends(p: Profile) -> str:
    figs = "".join(_figure(to_svg(d), cap) for d, cap in layout.trend_charts(p))
    years = [int(y) for y in p.trends["year"]]
    head = "<th>Measure</th>" + "".join(f"<th>{y}</th>" for y in years)
    rows = []
    for key, label, unit, child in layout.TREND_ROWS:
        if key not in p.trends:
            continue
        cells = "".join(_cell(v, unit, child, key) for v in p.trends[key])
        sub = ' class="sub"' if label.startswith(" ") else ""
        rows.append(f"<tr><td{sub}>{_e(label.strip())}</td>{cells}</tr>")
    notes = "".join(f"<li>{_e(n)}</li>" for n in p.trend_notes)
    return (f'<section id="trends"><h2>{_e(layout.title("trends", p))}</h2><div class="grid2">{figs}</div>'
            f'<table class="trend"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<ul class="small">{notes}</ul><p class="small">{_e(layout.predecessor_note(p))}</p></section>')


def _exchange(p: Profile) -> str:
    ex = p.exchange
    parts = "".join(_figure(to_svg(d), cap) for d, cap in layout.exchange_charts(p))
    out = (f'<section id="exchange"><h2>{_e(layout.title("exchange", p))}</h2><p>{_e(ex.reading)}</p>{parts}'
           f'<p class="small">{_e(layout.EXCHANGE_NOTE)}</p>')
    if p.placements is not None:
        pl = p.placements
        out += (f"<h3>Your placements list ({_e(pl.file)})</h3><p>{_e(pl.reading)}</p><table><thead><tr>"
                "<th>Measure</th><th>Placements</th></tr></thead><tbody>")
        for label, value, unit, child, key in layout.placement_rows(pl):
            out += f"<tr><td>{_e(label)}</td>{_cell(value, unit, child, key)}</tr>"
        out += "</tbody></table>"
        if len(pl.destinations):
            out += "<h3>Where its children were placed (top destinations)</h3><table><thead><tr><th>Authority</th>" \
                   "<th>Placements</th></tr></thead><tbody>"
            for r in pl.destinations.to_dict("records"):
                out += f"<tr><td>{_e(r['name'])}</td>{_cell(r['placements'], 'placements', True, 'placements')}</tr>"
            out += "</tbody></table>"
    return out + "</section>"


def _distances(p: Profile) -> str:
    rows = "".join(f'<tr class="measure"><td>{_e(c.label)}</td>{_cell(c.authority, c.unit, False, c.measure, True)}'
                   f"{_cell(c.neighbours, c.unit, False, c.measure)}</tr>"
                   f'<tr><td class="reading" colspan="3">{_e(c.reading)}</td></tr>' for c in p.distances)
    return (f'<section id="distances"><h2>{_e(layout.title("distances", p))}</h2><table><thead><tr><th>Measure</th>'
            f'<th class="own">{_e(p.name)}</th><th>DfE neighbours\' average</th></tr></thead><tbody>{rows}</tbody>'
            f'</table><p class="small">{_e(layout.DISTANCE_NOTE)}</p></section>')


def _scenario(p: Profile) -> str:
    s = p.scenario
    if s is None:
        return ""
    head = "".join(f"<th>{_e(label)}</th>" for _, label, _, _ in layout.SCENARIO_COLUMNS)
    rows = []
    for r in layout.scenario_rows(p):
        cells = "".join(f'<td class="txt">{_e(r[k])}</td>' if unit == "" else _cell(r[k], unit, child, k)
                        for k, _, unit, child in layout.SCENARIO_COLUMNS)
        rows.append(f"<tr>{cells}</tr>")
    return (f'<section id="scenario"><h2>{_e(layout.title("scenario", p))}</h2><p>{_e(s.reading)}</p>'
            f'<table class="trend"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="small">{_e(s.note)}</p></section>')


def _notes(p: Profile) -> str:
    notes = "".join(f"<dt>{_e(h)}</dt><dd>{_e(t)}</dd>" for h, t in p.notes)
    sources = "".join(f"<dt>{_e(h)}</dt><dd>{_e(t)}</dd>" for h, t in p.sources)
    from sufficiency.report.sections import LICENCE

    return (f'<section id="notes"><h2>{_e(layout.title("notes", p))}</h2><dl class="notes">{notes}</dl>'
            f'<h3>Sources</h3><dl class="notes">{sources}</dl><p class="small">{_e(LICENCE)}</p>'
            f"<h3>The command that makes this report</h3><pre>{_e(p.command)}</pre>"
            f'<p class="small">The same report, as HTML: change the ending of the --out file to .html.</p></section>')


def render(p: Profile) -> str:
    """The whole page (a string; the service encodes it)."""
    running = _css_string(f"{p.name} · sufficiency profile · 31 March {p.year}")
    page_css = (f"@page{{size:A4;margin:16mm 13mm 16mm;@top-left{{content:{running};font-size:8pt;color:#555}}"
                '@bottom-right{content:"Page " counter(page) " of " counter(pages);font-size:8pt;color:#555}}')
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
    body = _cover(p) + _headline(p) + _map(p) + _trends(p) + _exchange(p) + _distances(p) + _scenario(p) + _notes(p)
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(p.name)}: children's homes sufficiency profile, 31 March {p.year}</title>"
            f"<style>{CSS}{page_css}</style></head><body>{body}</body></html>\n")

