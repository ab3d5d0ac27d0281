"""A year's view of a dataset: the measures, the shapes to draw them on, and what to say.

The app and the command line both ask for a :class:`YearView` and read every table
from it, so they choose the same default year, accept the same categories and show
the same figures. Nothing here caches: the app caches these calls on the dataset's
content key (``Dataset.key``), which also keys the view (``YearView.key``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from sufficiency.dataset import Dataset
from sufficiency.errors import BadValueError, UnknownAuthorityError
from sufficiency.model import compare as compare_model
from sufficiency.model import measures as model
from sufficiency.model import regional, shortfall
from sufficiency.registry import REGIONS

CATEGORIES = model.CATEGORIES
CATEGORIES_DEFAULT = model.CATEGORIES_DEFAULT
MEASURES = model.MEASURES


@dataclass(frozen=True)
class YearView:
    """One year of one dataset, for the chosen provision categories.

    Attributes
    ----------
    key : str
        ``<dataset key>|<year>|<categories>``: equal keys mean equal figures.
    year : int
        31 March of the year.
    categories : tuple of str
        Provision counted (keys of :data:`CATEGORIES`).
    base : DataFrame
        :func:`sufficiency.model.measures.authority_measures` (one row per unit drawn).
    measures : DataFrame
        ``base`` with the distance measures of :mod:`sufficiency.distances.access` joined on.
    """

    key: str
    year: int
    categories: tuple[str, ...]
    base: pd.DataFrame
    measures: pd.DataFrame

    @property
    def names(self) -> dict[str, str]:
        """Code -> name of the units of the year, sorted by name."""
        pairs = zip(self.measures["code"], self.measures["name"], strict=True)
        return dict(sorted(pairs, key=lambda kv: str(kv[1])))


def years(ds: Dataset) -> list[int]:
    """Years with Ofsted or DfE figures in the dataset, oldest first."""
    return model.years_available(ds)


def default_year(ds: Dataset) -> int:
    """The latest year with both Ofsted places and DfE children's figures (else the latest)."""
    return model.default_year(ds)


def check_year(ds: Dataset, year: int | None) -> int:
    """``year`` if the dataset has it, the default year when None; else a clear error."""
    if year is None:
        return default_year(ds)
    available = years(ds)
    if int(year) not in available:
        raise BadValueError(f"no data for {year}; years available: {', '.join(map(str, available))}",
                            column="year", value=str(year))
    return int(year)


def year_for_files(ds: Dataset, year: int | None) -> tuple[int, str | None]:
    """The year to work on when a user gave files, and what to say about it (the command line).

    - ``year`` given: it must be a year the user's files are about (the provider files are
      already checked when read, :attr:`UserFiles.year`; a demand file must cover it), else an
      error naming both;
    - no year and provider files given: the latest year the provider files are about (not the
      embedded default, which they would leave unchanged), with a note saying so;
    - otherwise :func:`check_year`.

    Returns
    -------
    (year, note or None) : the note is for standard error ("your provider file is about ...").
    """
    demand = ds.file_years.get("demand", ())
    providers = ds.file_years.get("providers", ())
    if year is not None:
        if demand and int(year) not in demand:
            raise BadValueError(f"your DfE file ({', '.join(ds.files.get('demand', ()))}) covers "
                                f"{_span(demand)}, not {int(year)}: ask for one of its years",
                                column="year", value=str(year))
        return check_year(ds, year), None
    if providers:
        chosen = max(providers)
        if demand and chosen not in demand:
            raise BadValueError(f"your provider file is about 31 March {chosen} but your DfE file covers "
                                f"{_span(demand)}: give --year, or files about the same year", column="year")
        note = (f"your provider file ({', '.join(ds.files.get('providers', ()))}) is about 31 March {chosen}: "
                f"working on {chosen} (give --year to choose)")
        return check_year(ds, chosen), note
    return check_year(ds, None), None


def _span(years: tuple[int, ...]) -> str:
    return f"{min(years)}" if len(years) == 1 else f"{min(years)}–{max(years)}"


def parse_categories(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Provision categories from "a,b" or a sequence; the default when None or empty."""
    if value is None:
        return CATEGORIES_DEFAULT
    items = value.split(",") if isinstance(value, str) else list(value)
    cats = tuple(dict.fromkeys(c.strip() for c in items if c and c.strip()))
    bad = [c for c in cats if c not in CATEGORIES]
    if bad or not cats:
        raise BadValueError(f"unknown category {', '.join(bad) or '(none)'}; choose from {', '.join(CATEGORIES)}",
                            column="categories")
    return cats


def check_region(region: str | None) -> str | None:
    """None for all England; the region name if it is one of the nine; else a clear error."""
    if region in (None, "", "England", "All regions"):
        return None
    if region not in REGIONS:
        raise BadValueError(f"'{region}' is not an English region; choose one of: {', '.join(REGIONS)}",
                            column="region", value=region)
    return region


def year_view(ds: Dataset, year: int | None = None, categories: str | Iterable[str] | None = None, *,
              distances: bool = True) -> YearView:
    """Every measure of every authority for a year (the default year when None).

    ``distances=False`` leaves out the distance measures (radius, 2SFCA, allocation),
    which tables such as the shortfall export do not show.
    """
    from sufficiency.distances.access import with_access

    year = check_year(ds, year)
    cats = parse_categories(categories)
    base = model.authority_measures(ds, year, cats)
    with_distances = distances and ds.points is not None
    measures = with_access(base, ds.points, ds.demand_totals) if with_distances else base
    key = f"{ds.key}|{year}|{','.join(cats)}" + ("" if with_distances else "|no-distances")
    return YearView(key, year, cats, base, measures)


def year_shapes(ds: Dataset, view: YearView) -> tuple:
    """(shapes [code, name, geometry] EPSG:4326, points [code, easting, northing] BNG m) of the view's units."""
    from sufficiency.model.units import year_boundaries, year_points

    return year_boundaries(ds.boundaries, view.measures), year_points(ds.points, view.measures)


def measure_notice(view: YearView, measure: str) -> str | None:
    """Why no authority has ``measure`` in the view's year (None when some do)."""
    return model.year_notice(view.measures, measure)


def shortfall_table(view: YearView, region: str | None = None) -> pd.DataFrame:
    """The shortfall table: one row per authority, largest local bed gap first."""
    return shortfall.shortfall_table(view.measures, check_region(region))


def regional_summary(ds: Dataset, view: YearView) -> pd.DataFrame:
    """Regional concentration for the view's year (:mod:`sufficiency.model.regional`)."""
    return regional.regional_concentration(view.base, ds.demand_totals)


def top_regions(table: pd.DataFrame, n: int = 3) -> list[str]:
    """The regions with most places in a :func:`regional_summary` table, most first."""
    return regional.top_regions_by_places(table, n)


def all_years(ds: Dataset, categories: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The model for every year, stacked (for trends)."""
    return model.measures_all_years(ds, parse_categories(categories))


def authority_detail(ds: Dataset, view: YearView, trends: pd.DataFrame, code: str) -> dict:
    """Everything the detail panel shows for one authority (:func:`sufficiency.model.compare.authority_detail`)."""
    return compare_model.authority_detail(view.measures, trends, ds.authorities, code)


def compare_table(view: YearView, codes: list[str]) -> pd.DataFrame:
    """Authorities side by side, with differences from the first."""
    missing = [c for c in codes if c not in set(view.measures["code"])]
    if missing:
        raise UnknownAuthorityError(f"no authority with code {', '.join(missing)} in {view.year}")
    return compare_model.compare_authorities(view.measures, codes)


COMPARE_MEASURES = compare_model.COMPARE_MEASURES
