"""Authority identity: England's children's services authorities, names, codes, reorganisations.

``authorities`` frame (``data/authorities.csv``, built by ``scripts/build_data.py``):

===========  ==============================================================
code         ONS 9-character code (E06 unitary, E08 metropolitan district,
             E09 London borough, E10 county)
name         name as DfE publishes it
region_code  ONS region code (E12...), London sub-regions folded into London
region       one of the nine English regions
first_year   first 31 March at which the authority existed (<NA> = before 2014)
last_year    last 31 March at which it existed (<NA> = still exists)
successors   ";"-joined codes that took over its area ("" if none)
current      True when the authority exists today
===========  ==============================================================

Years are "as at 31 March": Northamptonshire's last year is 2021 because the new
councils started on 1 April 2021, matching how DfE and Ofsted label their files.
"""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pandas as pd

from geo.errors import UnknownAuthorityError

AUTHORITY_COLUMNS = ["code", "name", "region_code", "region", "first_year", "last_year", "successors", "current"]

REGIONS = [
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
]

_DROP_WORDS = re.compile(r"\b(city of|county of|the|council|county|borough of|london borough of|royal borough of|metropolitan borough of)\b")


def normalise_name(names: pd.Series) -> pd.Series:
    """Fold an authority name to a matching key.

    "Bristol, City of" -> "bristol"; "St. Helens" -> "st helens";
    "County Durham" / "Durham" -> "durham"; "&" reads as "and". Vectorised.
    """
    s = names.astype("string").str.lower().str.replace("&", " and ", regex=False)
    s = s.str.replace(r"\bst\.", "st ", regex=True)
    s = s.str.replace(r"[^a-z0-9 ]", " ", regex=True)
    s = s.str.replace(_DROP_WORDS, " ", regex=True)
    return s.str.split().str.join(" ")


def valid_in(authorities: pd.DataFrame, year: int) -> pd.Series:
    """Boolean mask of authorities that existed at 31 March of ``year``."""
    first = authorities["first_year"].astype("Float64").fillna(-np.inf)
    last = authorities["last_year"].astype("Float64").fillna(np.inf)
    return ((first <= year) & (last >= year)).astype(bool)


def match_names(names: pd.Series, years: pd.Series | int, authorities: pd.DataFrame) -> pd.Series:
    """ONS code for each authority name as at its year (<NA> where no match).

    A name shared by an old and a new council ("Dorset": county to 2019, unitary
    from 2020) resolves to the one that existed that year.

    Parameters
    ----------
    names : Series of str, names as published (Ofsted, DfE, a user's file)
    years : Series of int or one int, years as at 31 March
    authorities : the authorities frame (module docstring)

    Returns
    -------
    Series of str codes aligned with ``names``, <NA> when unmatched.
    """
    keys = normalise_name(names)
    if not isinstance(years, pd.Series):
        years = pd.Series(years, index=names.index)
    table = authorities.assign(key=normalise_name(authorities["name"]))
    aliases = _name_aliases(authorities)
    table = pd.concat([table, aliases], ignore_index=True).drop_duplicates(["key", "code"])
    left = pd.DataFrame({"key": keys.to_numpy(), "year": years.to_numpy(), "pos": np.arange(len(names))})
    merged = left.merge(table[["key", "code", "first_year", "last_year"]], on="key", how="left")
    merged["ok"] = _year_ok(merged)
    # Prefer the council that existed that year; fall back to any with the name.
    merged = merged.sort_values(["pos", "ok"], ascending=[True, False], kind="stable")
    best = merged.drop_duplicates("pos").set_index("pos")["code"]
    return pd.Series(best.reindex(np.arange(len(names))).to_numpy(), index=names.index, dtype="string")


def _year_ok(frame: pd.DataFrame) -> pd.Series:
    first = frame["first_year"].astype("Float64").fillna(-np.inf)
    last = frame["last_year"].astype("Float64").fillna(np.inf)
    year = frame["year"].astype("Float64")
    return ((first <= year) & (last >= year)).fillna(False).astype(bool)


def _name_aliases(authorities: pd.DataFrame) -> pd.DataFrame:
    """Extra matching keys for names that fold differently in some publications."""
    extra = {
        "E06000058": ["bournemouth christchurch and poole", "bcp"],
        "E06000047": ["durham"],
        "E06000023": ["bristol"],
        "E06000010": ["kingston upon hull", "hull"],
        "E06000019": ["herefordshire"],
        "E10000009": ["dorset"],
    }
    rows = []
    by_code = authorities.set_index("code")
    for code, keys in extra.items():
        if code in by_code.index:
            rec = by_code.loc[code]
            rows += [{"code": code, "key": k, "first_year": rec["first_year"], "last_year": rec["last_year"]} for k in keys]
    return pd.DataFrame(rows, columns=["code", "key", "first_year", "last_year"])


def resolve_codes(codes: pd.Series, code_aliases: pd.DataFrame) -> pd.Series:
    """Map other codes for the same area to the ones used here (E10000023 -> E06000065 ...)."""
    mapping = dict(zip(code_aliases["alias_code"], code_aliases["code"], strict=True))
    return codes.astype("string").str.strip().str.upper().replace(mapping)


def check_codes(codes: pd.Series, authorities: pd.DataFrame, *, file: str | None = None, column: str = "code") -> None:
    """Raise :class:`UnknownAuthorityError` listing every code that is not an English authority."""
    bad = ~codes.isin(authorities["code"]) & codes.notna()
    if bad.any():
        sample = ", ".join(sorted(set(codes[bad].astype(str)))[:10])
        raise UnknownAuthorityError(
            f"{int(bad.sum())} row(s) have codes that are not English children's services authorities: {sample}",
            file=file,
            column=column,
            row=int(np.flatnonzero(bad.to_numpy())[0]) + 2,
        )


def display_units(authorities: pd.DataFrame, year: int, present: set[str] | None = None) -> pd.DataFrame:
    """How each authority code is shown for ``year``: one unit per area that can be drawn.

    Councils that existed in ``year`` but have since been split or merged are drawn on the
    union of their successors' areas. Where old and new codes meet in one year, or
    several old councils share one successor (Dorset county, Bournemouth and Poole
    before 2019), they form one combined unit, named after all of them.

    Returns
    -------
    DataFrame [code, unit_code, unit_name, geometry_codes] where ``geometry_codes`` is a
    ";"-joined list of current codes whose areas make the unit.
    """
    live = authorities[valid_in(authorities, year)]
    codes = set(live["code"]) | (present or set())
    graph = nx.Graph()
    graph.add_nodes_from(codes)
    succ = dict(zip(authorities["code"], authorities["successors"].fillna(""), strict=True))
    current = set(authorities.loc[authorities["current"], "code"])
    for code in codes:
        for s in filter(None, succ.get(code, "").split(";")):
            graph.add_edge(code, ("area", s))
            if s in codes:
                graph.add_edge(code, s)
    names = dict(zip(authorities["code"], authorities["name"], strict=True))
    rows = []
    for comp in nx.connected_components(graph):
        members = sorted(c for c in comp if isinstance(c, str))
        areas = sorted({c[1] for c in comp if isinstance(c, tuple)} | {c for c in members if c in current})
        unit = _unit_code(members)
        unit_name = names.get(unit, unit) if len(members) == 1 else _join_names([names.get(m, m) for m in _order(members)])
        rows += [{"code": m, "unit_code": unit, "unit_name": unit_name, "geometry_codes": ";".join(areas)} for m in members]
    return pd.DataFrame(rows).sort_values("code", ignore_index=True)


def _order(members: list[str]) -> list[str]:
    return sorted(members, key=lambda c: (not c.startswith("E10"), c))


def _unit_code(members: list[str]) -> str:
    return _order(members)[0]


def _join_names(names: list[str]) -> str:
    names = [n.replace(" (county council)", "") for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def lineage(authorities: pd.DataFrame, code: str) -> list[str]:
    """The code and every predecessor whose area it took (for trends over the years)."""
    has = authorities["successors"].fillna("").str.contains(rf"(?:^|;){re.escape(code)}(?:;|$)", regex=True)
    return [code, *sorted(authorities.loc[has, "code"])]


def build_authorities(dfe_rows: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The authorities table from DfE's local-authority rows and our reorganisation table.

    Parameters
    ----------
    dfe_rows : DataFrame [year, code, name, region_code, region] of DfE
        "Local authority" rows (any table listing every LA code by year).
    changes : ``data/authority_changes.csv`` [code, name, first_year, last_year, successors]

    Returns
    -------
    The authorities frame described in the module docstring, sorted by code.
    """
    latest = dfe_rows.sort_values("year", kind="stable").drop_duplicates("code", keep="last")
    out = latest[["code", "name", "region_code", "region"]].copy()
    london = out["region_code"].astype("string").str.startswith("E13").fillna(False)
    out.loc[london, "region_code"] = "E12000007"
    out.loc[london, "region"] = "London"
    ch = changes.set_index("code")
    out["first_year"] = out["code"].map(ch["first_year"]).astype("Int64")
    out["last_year"] = out["code"].map(ch["last_year"]).astype("Int64")
    out["successors"] = out["code"].map(ch["successors"]).fillna("").astype("string")
    renamed = ch["name"].dropna()
    out["name"] = out["code"].map(renamed).fillna(out["name"])
    out["current"] = out["last_year"].isna()
    unknown_region = ~out["region"].isin(REGIONS)
    if unknown_region.any():
        raise UnknownAuthorityError(
            "Region not recognised for " + ", ".join(out.loc[unknown_region, "code"].astype(str)), column="region_name"
        )
    return out[AUTHORITY_COLUMNS].sort_values("code", ignore_index=True)
