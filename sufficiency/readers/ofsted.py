"""Read Ofsted's provider-level "Children's social care data in England" files.

One file per year (``provider_at_march_YYYY.csv`` or the .xlsx it came from), one
row per registered social care provider at 31 March. Columns are found by name
patterns, not by year, so any year's layout works (title rows, two-row headers,
"Reg Status"/"Registration status", "Region"/"Ofsted region", line breaks in names).

Also read: Ofsted's earlier biannual "Children's social care providers and places" list
(``providers_at_sept_14.csv``: ``URN, Provision Type, LA, Sector, GOR, Max/Estimated
Places``), used only when a file lacks the annual layout's columns. It has no
registration status column (every listed provider is registered) and its snapshot is
**30 September 2014, not 31 March**: ``frame.attrs["snapshot"]`` says so
("30 September 2014"; "31 March YYYY" for the annual files) and ``attrs["layout"]`` is
"biannual" (else "annual"). Its ``LA`` names are Ofsted's legacy spellings ("Medway
Towns", "Bristol City", ...; aliases in ``data/reference/name_aliases.csv``).

Output (one row per active provider in scope):

===============================  =========  ===============================================
year                             Int64      year of the snapshot (31 March; 30 September
                                            for the biannual file: attrs["snapshot"])
urn                              str        Ofsted unique reference number
provision_type                   str        "Provision type" as published
category                         str        childrens_home | secure_childrens_home |
                                            residential_special_school
registered_as_childrens_home     bool       True for children's homes, secure children's
                                            homes and residential special schools
                                            registered as children's homes
sector                           str        Private | Local authority | Voluntary |
                                            Health authority | Academy (as published if other)
places                           Int64      registered places (beds); <NA> for every row
                                            when the file has no Places column (2015)
short_break_only                 boolean    short-break-only children's home; <NA> if the
                                            file has no such column
la_name                          str        Ofsted's "Local authority" (upper tier, by name,
                                            no code) as published, stripped
gor                              str        Government Office Region (nine English regions
                                            + "Wales" for a few cross-border providers)
ofsted_region                    str        Ofsted region (merges North East with Yorkshire
                                            and the Humber)
constituency                     str        Parliamentary constituency ("" if absent)
source_row                       int64      1-based row in the file
===============================  =========  ===============================================

Provision types found in the real files (2015, 2019-2025) and how they map:

- "Children's home" (2019-2025), "Children's Home" (2015; a handful every later year)
  -> childrens_home
- "Secure children's home" -> secure_childrens_home
- "Residential Special School", "Residential special school (registered as a
  children's home)" (2019-2025), "Residential special school (>295 days/year)" (2015,
  the schools open over 295 days a year that must register as children's homes)
  -> residential_special_school; the last two have ``registered_as_childrens_home``
  True so the model can count them as children's home places if it chooses.
- everything else (Independent Fostering Agency, Supported Accommodation, Boarding
  School, Secure Training Centre, Residential Family Centre, ...) is set aside as
  "provision type out of scope: <type>".

Matching ignores case, curly apostrophes and extra spaces.

Rows set aside (first reason that applies): "blank row", "more cells than the header
(an unquoted comma?)" (the row's values are shifted, so none can be trusted),
"provision type out of scope: <type>", "not active: <status>" (e.g. Suspended; only "Active" is kept),
"no local authority", "places missing", "places not a number" (or "places negative
value", "places absurd value (more than 2,000)", "places not a whole number"),
"duplicate URN".

Region: from 2019 the files have both "Ofsted region" and "Government Office Region".
2015 has only "Region", which holds Ofsted regions (with "North East, Yorkshire and
the Humber" merged); ``gor`` is then split by local authority name (the 12 North East
authorities; the rest of that Ofsted region is Yorkshire and The Humber).

``frame.attrs`` records ``encoding``, ``places_published`` (False when the file has
no Places column), ``short_break_published``, ``snapshot``, ``layout`` and ``la_names``
(every local authority name in any row of the file, for how much of England it covers).

Content checks before any figure is used: the year in the title, the year in the file
name and the ``year`` asked for must agree (else an error naming both); a file without a
Places column is accepted only for 31 March 2015 or earlier (Ofsted's one layout without
places): a later one ("Beds" instead of "Places") is refused, naming the columns found.
"""

from __future__ import annotations

import re

import pandas as pd

from sufficiency.errors import BadValueError, FileFormatError, InputError, MissingColumnError
from sufficiency.readers.files import Source, source_name
from sufficiency.readers.reconcile import Reconciliation, set_aside_rows, stack_set_aside
from sufficiency.readers.tabular import RawTable, parse_counts, read_table

REQUIRED = {
    "urn": ("URN",),
    "provision_type": ("Provision type",),
    "status": (re.compile(r"reg(istration)?\.?\s*status"), "Status"),
    "la_name": ("Local authority",),
    "sector": ("Sector",),
}
OPTIONAL = {
    "places": ("Places", re.compile(r"(number of |registered )?places")),
    "short_break": (re.compile(r".*short[- ]?breaks?.*"),),
    "gor": ("Government Office Region", "GOR"),
    "ofsted_region": ("Ofsted region", "Region"),
    "constituency": (re.compile(r"(parliamentary )?constituency"),),
}

CATEGORIES = {
    "children's home": "childrens_home",
    "secure children's home": "secure_childrens_home",
    "residential special school": "residential_special_school",
}
RSS_AS_HOME = re.compile(r"residential special school\s*\((registered as a children's home|>\s*295 days.*)\)")
SECTORS = {
    "private": "Private",
    "local authority": "Local authority",
    "voluntary": "Voluntary",
    "health authority": "Health authority",
    "academy": "Academy",
}
NORTH_EAST_LAS = {
    "county durham", "durham", "darlington", "gateshead", "hartlepool", "middlesbrough",
    "newcastle upon tyne", "north tyneside", "northumberland", "redcar and cleveland",
    "south tyneside", "stockton-on-tees", "sunderland",
}
SHIFTED = "more cells than the header (an unquoted comma?)"
MAX_PLACES = 2000  # the largest residential special schools have a few hundred places
LAST_YEAR_WITHOUT_PLACES = 2015  # Ofsted's 31 March 2015 file is the only one without a Places column
MERGED_REGION = "north east, yorkshire and the humber"
YEAR_PATTERNS = (re.compile(r"(?:as at|at)\s+(?:31\s+)?march\s+((?:19|20)\d\d)", re.I),
                 re.compile(r"providers?_at_(?:31_)?march_((?:19|20)\d\d)", re.I))
SEPTEMBER_PATTERNS = (re.compile(r"(?:as at|at)\s+(?:30\s+)?sept(?:ember)?\s+((?:19|20)\d\d)", re.I),
                      re.compile(r"providers?_at_sept(?:ember)?_((?:19|20)?\d\d)(?!\d)", re.I))
# Ofsted's biannual "Children's social care providers and places" layout (30 September 2014):
# URN, Provision Type, LA, Sector, GOR, Max/Estimated Places; no registration status column.
BIANNUAL_REQUIRED = {
    "urn": ("URN",),
    "provision_type": ("Provision type",),
    "la_name": ("LA",),
    "sector": ("Sector",),
    "places": (re.compile(r"max(imum)?\s*/\s*estimated places"),),
}


def _key(s: pd.Series) -> pd.Series:
    """Case-folded, apostrophe- and space-normalised text for matching."""
    return s.str.replace("\u2019", "'", regex=False).str.split().str.join(" ").str.casefold()


def _dates_said(text: str) -> set[tuple[int, str]]:
    """Every snapshot date a title line or file name gives: {(year, "31 March" | "30 September")}."""
    found = set()
    for pat in SEPTEMBER_PATTERNS:
        found |= {(2000 + int(y) if len(y) == 2 else int(y), "30 September") for y in pat.findall(text)}
    for pat in YEAR_PATTERNS:
        found |= {(int(y), "31 March") for y in pat.findall(text)}
    return found


def _words(dates: set[tuple[int, str]]) -> str:
    return " and ".join(f"{day} {yr}" for yr, day in sorted(dates))


def _snapshot(table: RawTable, year: int | None, layout: str) -> tuple[int, str]:
    """(year, date of the snapshot as words): "31 March YYYY", or "30 September YYYY" when the
    title or file name says September (the biannual 2014 file).

    The title, the file name and ``year`` must agree: a title saying 31 March 2023 in a file
    named ``provider_at_march_2024.csv``, or a 2025 file read for ``year=2024``, is refused
    (naming both), never read as the other year. A biannual list (positions at 31 March and
    30 September) must say which in its title or name.
    """
    title = set().union(*(_dates_said(t) for t in table.title_lines))
    named = _dates_said(table.file)
    if title and named and title != named:
        raise FileFormatError(f"the title says {_words(title)} but the file name says {_words(named)}: which is it? "
                              "Correct the title or the file name", file=table.file, row=1)
    said = title or named
    where = "title" if title else "file name"
    if len(said) > 1:
        raise FileFormatError(f"the {where} gives several dates ({_words(said)}): a provider file is a snapshot "
                              "at one date", file=table.file, row=1 if title else None)
    if said:
        yr, day = next(iter(said))
        if year is not None and int(year) != yr:
            raise BadValueError(f"this file is about {day} {yr} (so says its {where}), but the year asked for is "
                                f"{int(year)}: ask for {yr}, or give the provider file for {int(year)}",
                                file=table.file, column="year", value=str(year))
        return yr, f"{day} {yr}"
    if layout == "biannual":
        raise InputError("this is Ofsted's biannual providers and places list, whose position is at 31 March or "
                         "30 September: the file name or title must say which (e.g. providers_at_sept_14.csv)",
                         file=table.file)
    if year is None:
        raise InputError("could not tell the year of this file from its title or name: name it "
                         "provider_at_march_YYYY.csv, or give the year (on the command line: --year)",
                         file=table.file)
    return int(year), f"31 March {int(year)}"


def _check_places_column(table: RawTable, year: int, layout: str) -> None:
    """Only Ofsted's 2015 file (and earlier) has no Places column: any later file without one is refused."""
    if "places" in table.frame or layout != "annual" or year <= LAST_YEAR_WITHOUT_PLACES:
        return
    headers = [table.columns_found.get(h, h) for h in table.frame.columns if h != "source_row"]
    like = [h for h in headers if re.search(r"bed|capacity|place", h, re.I)]
    hint = (f"; if {like[0]!r} holds the registered places, rename it 'Places'" if like else "")
    raise MissingColumnError(
        f"no 'Places' column: Ofsted's provider files give registered places in every year but "
        f"{LAST_YEAR_WITHOUT_PLACES}, so a {year} file without them is not the table expected (columns found: "
        f"{', '.join(repr(h) for h in headers)}){hint}", file=table.file, column="Places", row=table.header_row)


def _read(source: Source, file: str) -> tuple[RawTable, str]:
    """The table and its layout: "annual" (31 March files) or "biannual" (no status column)."""
    data = source if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__") else source.read()
    try:
        return read_table(data, required=REQUIRED, optional=OPTIONAL, name=file), "annual"
    except MissingColumnError as annual_error:
        try:
            table = read_table(data, required=BIANNUAL_REQUIRED, optional=OPTIONAL, name=file)
        except InputError:
            raise annual_error from None
        table.frame["status"] = "Active"  # the biannual lists hold registered providers only
        return table, "biannual"


def _category(provision: pd.Series) -> tuple[pd.Series, pd.Series]:
    key = _key(provision)
    cat = key.map(CATEGORIES)
    rss = key.str.startswith("residential special school")
    cat = cat.mask(rss & cat.isna(), "residential_special_school")
    as_home = cat.isin(["childrens_home", "secure_childrens_home"]) | key.str.fullmatch(RSS_AS_HOME.pattern)
    return cat.astype("str"), as_home.fillna(False).astype(bool)


def _gor(df: pd.DataFrame) -> pd.Series:
    if "gor" in df:
        return df["gor"]
    region = df.get("ofsted_region", pd.Series("", index=df.index, dtype="str"))
    merged = _key(region) == MERGED_REGION
    in_ne = _key(df["la_name"]).isin(NORTH_EAST_LAS)
    gor = region.mask(merged & in_ne, "North East")
    return gor.mask(merged & ~in_ne, "Yorkshire and The Humber")


def _short_break(df: pd.DataFrame) -> pd.Series:
    if "short_break" not in df:
        return pd.Series(pd.NA, index=df.index, dtype="boolean")
    key = _key(df["short_break"])
    return (~key.isin(["", "no", "n", "false", "0"])).astype("boolean")


def _reason_rows(df: pd.DataFrame, mask: pd.Series, column: str, reason: pd.Series | str,
                 value: pd.Series) -> pd.DataFrame:
    return set_aside_rows(df.loc[mask, "source_row"], column,
                          reason if isinstance(reason, str) else reason[mask], value[mask])


def read_ofsted_providers(
    source: Source, *, year: int | None = None, name: str | None = None
) -> tuple[pd.DataFrame, Reconciliation]:
    """Read one year's Ofsted provider-level file.

    Parameters
    ----------
    source : path, bytes or binary file-like (CSV in UTF-8/UTF-8-BOM/cp1252, or .xlsx)
    year : the snapshot's year (31 March, or 30 September when the title or file name
        says September); read from the title or file name when None.
    name : file name to quote in messages (defaults to the path's name).

    Returns
    -------
    (frame, reconciliation) : frame as in the module docstring; every data row of the
        file is either in the frame or in ``reconciliation.set_aside``.
    """
    table, layout = _read(source, source_name(source, name))
    df = table.frame
    yr, snapshot = _snapshot(table, year, layout)
    _check_places_column(table, yr, layout)
    category, as_home = _category(df["provision_type"])
    status = _key(df["status"])

    shifted = df["source_row"].isin(list(table.extra_cells))
    out_scope = ~shifted & (category.isin(["", "nan"]) | category.isna())
    inactive = ~shifted & ~out_scope & (status != "active")
    no_la = ~out_scope & ~inactive & (df["la_name"] == "")
    places_published = "places" in df
    places_text = df.get("places", pd.Series("", index=df.index, dtype="str"))
    if places_published:
        places, marks, problems = parse_counts(df["places"], df["source_row"], "Places", max_value=MAX_PLACES)
        # a statistical marker is not a count of beds either
        bad_places = df["source_row"].isin(problems["row"]) | (marks != "")
        mapped = df["source_row"].map(problems.drop_duplicates("row").set_index("row")["reason"])
        place_reason = mapped.astype("object").where(mapped.notna(), "not a number").astype("str")
        no_places = df["places"] == ""
    else:
        places = pd.Series(pd.NA, index=df.index, dtype="Int64")
        bad_places = no_places = pd.Series(False, index=df.index)
        place_reason = pd.Series("", index=df.index, dtype="str")
    earlier = shifted | out_scope | inactive | no_la
    missing_places = ~earlier & no_places
    bad_places = ~earlier & ~no_places & bad_places
    eligible = ~(earlier | missing_places | bad_places)
    dup = eligible & df["urn"].where(eligible).duplicated(keep="first")

    pt = df["provision_type"].mask(df["provision_type"] == "", "(blank)")
    st = df["status"].mask(df["status"] == "", "(blank)")
    parts = [
        set_aside_rows(table.blank_rows, "", "blank row"),
        _reason_rows(df, shifted, "", SHIFTED, df["source_row"].map(table.extra_cells)),
        _reason_rows(df, out_scope, "Provision type", "provision type out of scope: " + pt, df["provision_type"]),
        _reason_rows(df, inactive, "Registration status", "not active: " + st, df["status"]),
        _reason_rows(df, no_la, "Local authority", "no local authority", df["la_name"]),
        _reason_rows(df, missing_places, "Places", "places missing", places_text),
        _reason_rows(df, bad_places, "Places", "places " + place_reason, places_text),
        _reason_rows(df, dup, "URN", "duplicate URN", df["urn"]),
    ]
    set_aside = stack_set_aside(parts)

    keep = eligible & ~dup
    blank_text = pd.Series("", index=df.index, dtype="str")
    frame = pd.DataFrame({
        "year": pd.Series(yr, index=df.index, dtype="Int64"),
        "urn": df["urn"],
        "provision_type": df["provision_type"],
        "category": category,
        "registered_as_childrens_home": as_home,
        "sector": _key(df["sector"]).map(SECTORS).fillna(df["sector"]).astype("str"),
        "places": places,
        "short_break_only": _short_break(df),
        "la_name": df["la_name"],
        "gor": _gor(df).astype("str"),
        "ofsted_region": df.get("ofsted_region", blank_text),
        "constituency": df.get("constituency", blank_text),
        "source_row": df["source_row"],
    })[keep].reset_index(drop=True)
    named = df["la_name"][df["la_name"] != ""]
    frame.attrs.update(encoding=table.encoding, places_published=places_published,
                       la_names=tuple(sorted(set(named))),
                       short_break_published="short_break" in df, file=table.file, snapshot=snapshot,
                       layout=layout)
    rec = Reconciliation(file=table.file, rows_in=table.rows_in, rows_used=len(frame), set_aside=set_aside)
    return frame, rec
