"""The profile as a PDF, made with reportlab alone (no browser, no system package).

A4 pages; on every page a heading with the authority and the year, and "Page n of N";
a table of contents on the first page and the sections as PDF bookmarks. The charts
and the map are the same :class:`~sufficiency.report.drawing.Drawing` objects as the
HTML's, converted to reportlab vector graphics. Text is set in Bitstream Vera (shipped
with reportlab), which has the minus sign, dashes and ≤/≥ the report uses; every text
from the data is escaped before it reaches reportlab's paragraph markup.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from sufficiency.report import layout
from sufficiency.report.drawing import Dot, Drawing, Line, Rect, Shape, Text
from sufficiency.report.numbers import figure
from sufficiency.report.profile import Profile
from sufficiency.report.sections import LICENCE
from sufficiency.report.static_map import legend_rows

FONT, BOLD = "ProfileVera", "ProfileVera-Bold"
PAGE_MARGIN = 42.0
_NUM = re.compile(r"-?\d+(?:\.\d+)?")


def _fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    import reportlab

    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, BOLD)


def _colour(value: str):
    from reportlab.lib.colors import HexColor

    if value in ("none", ""):
        return None
    if len(value) == 4:  # "#fff" -> "#ffffff" (HexColor reads 3 digits as one number)
        value = "#" + "".join(c * 2 for c in value[1:])
    return HexColor(value)


def _dash(dash: str):
    return [float(x) for x in dash.split()] if dash else None


def _lazy(drawing, doc):
    """A drawing that the first (never kept) layout pass measures but does not draw."""
    from reportlab.platypus import Flowable

    class Lazy(Flowable):
        def wrap(self, *args):
            return drawing.wrap(*args)

        def draw(self):
            if doc.passes > 1:
                drawing.drawOn(self.canv, 0, 0)

    return Lazy()


def to_reportlab(d: Drawing, width: float | None = None):
    """A reportlab graphics Drawing of ``d`` (y flipped), scaled to ``width`` points when given."""
    from reportlab.graphics import shapes as rl

    h = d.height
    out = rl.Drawing(d.width, d.height)
    for s in d.shapes:
        if isinstance(s, Rect):
            out.add(rl.Rect(s.x, h - s.y - s.h, s.w, s.h, fillColor=_colour(s.fill), strokeColor=_colour(s.stroke),
                            strokeWidth=s.width))
        elif isinstance(s, Line):
            pts = [v for x, y in s.points for v in (x, h - y)]
            out.add(rl.PolyLine(pts, strokeColor=_colour(s.stroke), strokeWidth=s.width,
                                strokeDashArray=_dash(s.dash), strokeLineJoin=1))
        elif isinstance(s, Shape):
            if not s.d:
                continue
            path = rl.Path(fillColor=_colour(s.fill), strokeColor=_colour(s.stroke), strokeWidth=s.width,
                           strokeDashArray=_dash(s.dash), fillMode=rl.FILL_EVEN_ODD)
            for ring in s.d.split("M")[1:]:
                nums = [float(v) for v in _NUM.findall(ring)]
                path.moveTo(nums[0], h - nums[1])
                for i in range(2, len(nums) - 1, 2):
                    path.lineTo(nums[i], h - nums[i + 1])
                path.closePath()
            out.add(path)
        elif isinstance(s, Dot):
            shape = rl.Rect(s.x - s.r, h - s.y - s.r, 2 * s.r, 2 * s.r) if s.square else rl.Circle(s.x, h - s.y, s.r)
            shape.fillColor, shape.strokeColor, shape.strokeWidth = _colour(s.fill), _colour(s.stroke), s.width
            out.add(shape)
        elif isinstance(s, Text):
            out.add(_text(s, h))
    if width and width < d.width:
        k = width / d.width
        out.scale(k, k)
        out.width, out.height = d.width * k, d.height * k
    return out


def _text(s: Text, h: float):
    from reportlab.graphics import shapes as rl

    def one(dx: float, dy: float, colour: str):
        return rl.String(dx, dy, s.text, fontName=BOLD if s.bold else FONT, fontSize=s.size,
                         fillColor=_colour(colour), textAnchor=s.anchor)

    group = rl.Group()
    if s.halo:  # a white outline: the text drawn around itself in white first
        for dx, dy in ((-0.8, 0), (0.8, 0), (0, -0.8), (0, 0.8)):
            group.add(one(dx, dy, "#ffffff"))
    group.add(one(0, 0, s.fill))
    group.translate(s.x, h - s.y)
    if s.rotate:
        group.rotate(-s.rotate)
    return group


def _styles():
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
    return {
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=8, leading=10.5, textColor="#555555"),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5),
        "num": ParagraphStyle("num", base, fontSize=8.5, leading=10.5, alignment=2),
        "reading": ParagraphStyle("reading", base, fontSize=8, leading=10, textColor="#555555"),
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=24, leading=28),
        "kicker": ParagraphStyle("kicker", base, fontSize=8.5, textColor="#555555"),
        "answer": ParagraphStyle("answer", base, fontSize=11.5, leading=15.5, backColor="#f3f6f9", borderPadding=6,
                                 leftIndent=6, rightIndent=6, spaceBefore=8, spaceAfter=8),
        "own": ParagraphStyle("own", base, fontName=BOLD, fontSize=8.5, leading=10.5, alignment=2),
        "tile": ParagraphStyle("tile", base, fontName=BOLD, fontSize=16, leading=19),
        "tile_label": ParagraphStyle("tile_label", base, fontSize=7.5, leading=9.5, textColor="#555555"),
        "H1": ParagraphStyle("H1", base, fontName=BOLD, fontSize=13, leading=16, textColor="#0b4f8a", spaceBefore=10,
                             spaceAfter=6),
        "H2": ParagraphStyle("H2", base, fontName=BOLD, fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=3,
                             keepWithNext=1),
        "toc": ParagraphStyle("toc", base, fontSize=9.5, leading=13),
    }


def _p(text: object, style) -> object:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)), style)


def _table(rows: list[list], widths: list[float], st: dict, header: bool = True, extra: list | None = None,
           text: tuple[int, ...] = (0,)):
    """A table; string cells become paragraphs, left-aligned in the ``text`` columns, right-aligned elsewhere."""
    from reportlab.platypus import Table, TableStyle

    cells = [[c if not isinstance(c, str) else _p(c, st["cell"] if i in text else st["num"]) for i, c in enumerate(r)]
             for r in rows]
    t = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, "#cccccc"),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if header:
        style += [("LINEBELOW", (0, 0), (-1, 0), 1, "#222222")]
    t.setStyle(TableStyle(style + (extra or [])))
    return t


def _story(p: Profile, st: dict, width: float, doc) -> list:
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer
    from reportlab.platypus.tableofcontents import TableOfContents

    def h1(key: str, room: float = 120):  # a heading starts a page unless ``room`` points are left
        return [CondPageBreak(room), _p(layout.title(key, p), st["H1"])]

    story = [_p("CHILDREN'S HOMES SUFFICIENCY PROFILE", st["kicker"]), _p(p.name, st["title"]),
             _p(layout.subtitle(p), st["small"]), Spacer(1, 8)]
    verdict, _, rest = p.answer.partition(": ")
    answer = f"<b>{escape(verdict)}:</b> {escape(rest)}" if rest else escape(p.answer)
    from reportlab.platypus import Paragraph

    story += [_p(layout.question(p), st["H2"]), Paragraph(answer, st["answer"]), _p(p.comparison, st["answer"]),
              _p(p.exchange.reading + " Registered places are not vacancies.", st["small"]), Spacer(1, 6)]
    tiles = layout.tiles(p)
    story.append(_table([[_p(v, st["tile"]) for _, v, _, _, _ in tiles],
                         [_p(label, st["tile_label"]) for _, _, label, _, _ in tiles],
                         [_p(ref, st["tile_label"]) for _, _, _, ref, _ in tiles]], [width / 5] * 5, st, header=False,
                        extra=[("BOX", (i, 0), (i, -1), 0.5, "#bbbbbb") for i in range(5)]
                        + [("LINEBELOW", (0, 0), (-1, -1), 0, "#ffffff")]))
    toc = TableOfContents()
    toc.levelStyles = [st["toc"]]
    # the contents' lines are known before the first pass (page 0 until then): the first pass lays
    # out the pages as the last will, and is never the one kept, so it need not draw the graphics
    toc._entries = [(0, escape(t), 0, f"s{i}") for i, (_, t) in enumerate(layout.sections(p))]
    story += [Spacer(1, 6), _p("Contents", st["H2"]), toc]
    story += h1("headline") + [_headline(p, st, width)]
    story.append(_p("¹ " + layout.FOOTNOTE_TOTALS + " ² " + layout.neighbours_note(p), st["small"]))
    for d, cap in layout.neighbour_charts(p):
        story.append(KeepTogether([to_reportlab(d, width), _p(cap, st["small"]), Spacer(1, 6)]))
    if len(p.neighbours):
        story.append(_p(f"DfE's statistical neighbours of {p.name} ({p.neighbours_vintage} groups, nearest first)",
                        st["H2"]))
        head = [label for _, label, _, _ in layout.NEIGHBOUR_COLUMNS]
        body = [[str(r[k]) if unit == "" else figure(r[k], unit) for k, _, unit, _ in layout.NEIGHBOUR_COLUMNS]
                for r in p.neighbours.to_dict("records")]
        story.append(_table([head, *body], [36, 114, 62, 40, 50, 34, 50, 50, 75], st, text=(0, 1, 2)))
    story += h1("map", 460) + _map(p, st, width, doc)
    story += h1("trends", 300)
    charts_ = [to_reportlab(d, width / 2 - 4) for d, _ in layout.trend_charts(p)]
    from reportlab.platypus import Table

    story.append(Table([charts_[:2], charts_[2:]], colWidths=[width / 2] * 2))
    story += [_p(" ".join(cap for _, cap in layout.trend_charts(p)), st["small"]), Spacer(1, 4), _trend_table(p, st, width)]
    story += [_p("; ".join(p.trend_notes) + ". " + layout.predecessor_note(p), st["small"])]
    story += h1("exchange") + [_p(p.exchange.reading, st["body"])]
    story += [to_reportlab(d, width) for d, _ in layout.exchange_charts(p)] + [_p(layout.EXCHANGE_NOTE, st["small"])]
    if p.placements is not None:
        pl = p.placements
        story += [_p(f"Your placements list ({pl.file})", st["H2"]), _p(pl.reading, st["body"])]
        story.append(_table([["Measure", "Placements"]] + [[lab, figure(v, unit)] for lab, v, unit, _, _ in
                                                           layout.placement_rows(pl)], [width * 0.6, width * 0.4], st))
        if len(pl.destinations):
            story += [_p("Where its children were placed (top destinations)", st["H2"]),
                      _table([["Authority", "Placements"]] + [[r["name"], figure(r["placements"], "placements")]
                                                              for r in pl.destinations.to_dict("records")],
                             [width * 0.6, width * 0.4], st)]
    story += h1("distances") + [_distances(p, st, width), _p(layout.DISTANCE_NOTE, st["small"])]
    if p.scenario is not None:
        story += h1("scenario") + [_p(p.scenario.reading, st["body"])]
        head = [label for _, label, _, _ in layout.SCENARIO_COLUMNS]
        body = [[str(r[k]) if unit == "" else figure(r[k], unit) for k, _, unit, _ in layout.SCENARIO_COLUMNS]
                for r in layout.scenario_rows(p)]
        story += [_table([head, *body], [103] + [51] * 8, st), _p(p.scenario.note, st["small"])]
    story += h1("notes")
    for heading, text in p.notes:
        story += [_p(heading, st["H2"]), _p(text, st["body"])]
    story += [_p("Sources", st["H2"]), _table([[h, t] for h, t in p.sources], [90, width - 90], st, header=False,
                                               text=(0, 1))]
    story += [Spacer(1, 6), _p(LICENCE, st["small"]), _p("The command that makes this report", st["H2"]),
              _p(p.command, st["small"])]
    return story


def _headline(p: Profile, st: dict, width: float):
    rows = [["Measure", p.name, f"{p.region} ¹", "England ¹", "DfE neighbours' average ²"]]
    spans = []
    for c in p.headline:
        own = figure(c.authority, c.unit)
        if layout.has_bounds(c):
            own += f" ({figure(min(c.low, c.high), c.unit)} to {figure(max(c.low, c.high), c.unit)})"
        rows.append([c.label, _p(own, st["own"]), figure(c.region, c.unit), figure(c.england, c.unit),
                     figure(c.neighbours, c.unit)])
        rows.append([_p(c.reading, st["reading"]), "", "", "", ""])
        spans.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
    extra = list(spans)
    for i in range(1, len(rows), 2):
        extra += [("LINEBELOW", (0, i), (-1, i), 0, "#ffffff"), ("BACKGROUND", (1, i), (1, i), "#eef3f8")]
    return _table(rows, [width * 0.34, width * 0.18, width * 0.15, width * 0.15, width * 0.18], st, extra=extra)


def _map(p: Profile, st: dict, width: float, doc) -> list:
    from reportlab.platypus import KeepTogether, Table

    if p.map is None:
        return [_p("No boundaries are loaded, so there is no map.", st["body"])]
    eng, zoom = p.map
    panels = Table([[_lazy(to_reportlab(eng, width / 2 - 4), doc), _lazy(to_reportlab(zoom, width / 2 - 4), doc)],
                    [_p("England", st["small"]), _p(p.region, st["small"])]], colWidths=[width / 2] * 2)
    legend = [[_swatch(colour), _p(label, st["small"])] for label, colour in legend_rows()]
    legend += [[_swatch("#ffffff", "#000000", 2), _p(p.name, st["small"])],
               [_swatch("#ffffff", "#000000", 0.8, "2 1.2"), _p("DfE statistical neighbours, by rank", st["small"])],
               [_swatch("#ffffff", "#222222", 1.2), _p(f"{p.region} region", st["small"])]]
    half = (len(legend) + 1) // 2
    grid = [legend[i] + (legend[i + half] if i + half < len(legend) else ["", ""]) for i in range(half)]
    key = Table(grid, colWidths=[14, width / 2 - 14, 14, width / 2 - 14])
    return [KeepTogether([panels, key]), _p(layout.MAP_NOTE + " " + layout.neighbour_key(p), st["small"])]


def _swatch(fill: str, stroke: str = "#888888", width: float = 0.5, dash: str = ""):
    d = Drawing(10, 10)
    d.add(Rect(0.5, 0.5, 9, 9, fill, stroke, width))
    out = to_reportlab(d)
    if dash:
        out.contents[0].strokeDashArray = _dash(dash)
    return out


def _trend_table(p: Profile, st: dict, width: float):
    years = [str(int(y)) for y in p.trends["year"]]
    rows = [["Measure", *years]]
    for key, label, unit, _ in layout.TREND_ROWS:
        if key in p.trends:
            rows.append([label.strip(), *[figure(v, unit) for v in p.trends[key]]])
    label_w = 118
    cell = (width - label_w) / max(1, len(years))
    from reportlab.platypus import Table, TableStyle

    t = Table(rows, colWidths=[label_w] + [cell] * len(years), repeatRows=1)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 7),
                           ("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, "#cccccc"),
                           ("LINEBELOW", (0, 0), (-1, 0), 1, "#222222"), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5), ("LEFTPADDING", (1, 0), (-1, -1), 1),
                           ("RIGHTPADDING", (1, 0), (-1, -1), 2)]
                          + [("LEFTPADDING", (0, i), (0, i), 12) for i, (_, label, _, _) in
                             enumerate([r for r in layout.TREND_ROWS if r[0] in p.trends], start=1)
                             if label.startswith(" ")]))
    return t


def _distances(p: Profile, st: dict, width: float):
    rows = [["Measure", p.name, "DfE neighbours' average"]]
    spans = []
    for c in p.distances:
        rows.append([c.label, _p(figure(c.authority, c.unit), st["own"]), figure(c.neighbours, c.unit)])
        rows.append([_p(c.reading, st["reading"]), "", ""])
        spans.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
    extra = list(spans)
    for i in range(1, len(rows), 2):
        extra += [("LINEBELOW", (0, i), (-1, i), 0, "#ffffff"), ("BACKGROUND", (1, i), (1, i), "#eef3f8")]
    return _table(rows, [width * 0.6, width * 0.18, width * 0.22], st, extra=extra)


def render(p: Profile) -> bytes:
    """The PDF's bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    _fonts()
    st = _styles()
    page_w, page_h = A4
    width = page_w - 2 * PAGE_MARGIN
    running = f"{p.name} · children's homes sufficiency profile · 31 March {p.year}"

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable):  # sections into the contents and the PDF's bookmarks
            if getattr(flowable, "style", None) is not None and flowable.style.name == "H1":
                text = flowable.getPlainText()
                key = f"s{self.seq.nextf('heading')}"
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(text, key, 0, closed=False)
                self.notify("TOCEntry", (0, escape(text), self.page, key))

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(_colour("#555555"))
        canvas.drawString(PAGE_MARGIN, page_h - 26, running)
        canvas.line(PAGE_MARGIN, page_h - 30, page_w - PAGE_MARGIN, page_h - 30)
        canvas.drawString(PAGE_MARGIN, 22, "Placement sufficiency mapper · Open Government Licence v3.0 data")
        canvas.drawRightString(page_w - PAGE_MARGIN, 22, f"Page {doc.page} of {doc.total_pages or doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = Doc(buffer, pagesize=A4, title=f"{p.name}: children's homes sufficiency profile, {p.year}",
              author="Placement sufficiency mapper", subject=f"{p.name} ({p.code}), 31 March {p.year}",
              leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN, topMargin=40, bottomMargin=38,
              invariant=True)  # no clock or random id inside: the same profile gives the same bytes
    frame = Frame(PAGE_MARGIN, 38, width, page_h - 78, id="body", leftPadding=0, rightPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=decorate)])
    doc.total_pages, doc.passes = None, 0
    doc.multiBuild([_page_total(doc), *_story(p, st, width, doc)])
    return buffer.getvalue()


def _page_total(doc):
    """An invisible flowable that asks for another pass until "of N" uses the final number of pages."""
    from reportlab.platypus import Flowable

    class PageTotal(Flowable):
        used: int | None = None
        seen: int | None = None

        def isIndexing(self):
            return 1

        def beforeBuild(self):
            doc.passes += 1
            self.used = doc.total_pages

        def afterBuild(self):
            self.seen = doc.total_pages = doc.page

        def isSatisfied(self):
            return self.used == self.seen

        def notify(self, kind, stuff):
            return None

        def wrap(self, *args):
            return 0, 0

        def draw(self):
            return None

    return PageTotal()
