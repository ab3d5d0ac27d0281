"""Opening a dataset: the embedded data, plus any files a user gives (one set of rules).

The app's sidebar uploads and the command line's ``--providers/--demand/--net-gain/
--boundaries`` both arrive here as :class:`UserFiles`, so both refuse the same things
with the same sentence:

- a net-gain table without the "placed outside" table it goes with;
- a file of which no row could be used (every row set aside): an :class:`InputError`
  naming the file and the commonest reasons — never a silent fall-back;
- a provider file about another year than :attr:`UserFiles.year` (the command line's
  ``--year``), or whose title and name disagree on the year;
- a boundary file holding several layers without :attr:`UserFiles.layer`;
- anything a reader refuses (wrong layout, encoding, archive, codes...).

The result is a :class:`~sufficiency.dataset.Dataset` whose ``key`` is a hash of the
embedded data's key, the year and layer asked for, and every user file's kind, name and
bytes: caches keyed on it can never serve one user's figures to another. It also says
which years the user's files cover (``file_years``), which authorities a partial provider
file covers (``supply_partial``) and what the user must know (``notices``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from sufficiency.dataset import Dataset, load_embedded
from sufficiency.errors import InputError
from sufficiency.readers.files import check_size
from sufficiency.readers.reconcile import Reconciliation, combine, combine_rows

NET_GAIN_ALONE = ("the net gain table is read together with DfE's 'placed outside the authority' table "
                  "(children's homes): give that one too")


@dataclass(frozen=True)
class UserFile:
    """One file a user gave: its name (for messages) and its bytes."""

    name: str
    data: bytes

    def key(self) -> str:
        """A hash of the name and the bytes."""
        return hashlib.sha256(self.name.encode() + b"\0" + self.data).hexdigest()[:16]

    @classmethod
    def from_path(cls, path: str | Path) -> UserFile:
        """Read a file from disk (refusing missing, folder or over-size paths)."""
        path = Path(path)
        check_size(path)
        return cls(path.name, path.read_bytes())


@dataclass(frozen=True)
class UserFiles:
    """The files a user gives in place of embedded ones (any may be absent)."""

    providers: tuple[UserFile, ...] = ()
    demand: UserFile | None = None
    net_gain: UserFile | None = None
    boundaries: UserFile | None = None
    year: int | None = None  # the year asked for (--year): each provider file must be about it
    layer: str | None = None  # the layer of a multi-layer boundary file (--layer)

    def given(self) -> dict[str, list[UserFile]]:
        """Kind -> files given, for the kinds given."""
        kinds = {"providers": list(self.providers), "demand": [self.demand], "net_gain": [self.net_gain],
                 "boundaries": [self.boundaries]}
        return {k: [f for f in v if f is not None] for k, v in kinds.items() if any(f is not None for f in v)}

    def key(self) -> str:
        """A hash of every file's kind, name and bytes."""
        digest = hashlib.sha256(f"{self.year}|{self.layer}".encode())
        for kind, files in sorted(self.given().items()):
            for f in files:
                digest.update(kind.encode() + b"\0" + f.key().encode())
        return digest.hexdigest()[:16]


@lru_cache(maxsize=2)
def embedded(geometry: bool = True) -> Dataset:
    """The embedded dataset, loaded once per process (read-only; never modify it)."""
    return load_embedded(geometry=geometry)


def _check_used(report: Reconciliation) -> None:
    """Refuse a file of which nothing could be used, saying why."""
    if report.rows_used > 0:
        return
    reasons = report.by_reason()
    top = "; ".join(f"{r.reason} ({int(r.rows)} rows)" for r in reasons.head(3).itertuples()) or "no data rows"
    raise InputError(f"nothing in this file could be used: every row was set aside ({top})", file=report.file)


def open_dataset(files: UserFiles | None = None, *, geometry: bool = True) -> Dataset:
    """The embedded data with the user's files in place of the parts they cover.

    Parameters
    ----------
    files : the user's files (None or empty: the embedded data as it is)
    geometry : load boundary shapes (the map needs them; most CLI commands do not)

    Returns
    -------
    Dataset with ``key`` (content hash), ``reconciliation`` (rows read, used and set
    aside per user file), ``set_aside`` (every set-aside row), ``sources`` and ``files``.

    Raises
    ------
    InputError (or a subclass) naming the file, row, column and problem.
    """
    base = embedded(geometry)
    if files is None or not files.given():
        return base
    if files.net_gain is not None and files.demand is None:
        raise InputError(NET_GAIN_ALONE, file=files.net_gain.name)
    from sufficiency.service.user_files import read_boundaries_file, read_demand_files, read_provider_files

    frames: dict = {}
    reports: list[Reconciliation] = []
    sources = dict(base.sources)
    years: dict[str, tuple[int, ...]] = {}
    notices: list[str] = []
    if files.providers:
        read = read_provider_files(base, files.providers, files.year)
        frames.update(supply=read.supply, supply_partial=read.partial)
        reports += read.reports
        years["providers"] = read.years
        notices += read.notices
        sources["supply"] = "your file: " + ", ".join(f.name for f in files.providers)
    if files.demand is not None:
        frames["demand"], frames["demand_totals"], recs = read_demand_files(base, files.demand, files.net_gain)
        reports += recs
        years["demand"] = tuple(sorted(int(y) for y in frames["demand"]["year"].unique()))
        sources["demand"] = "your file: " + ", ".join(f.name for f in (files.demand, files.net_gain) if f)
    if files.boundaries is not None:
        if not geometry:
            base = embedded(True)
        frames["boundaries"], rec = read_boundaries_file(base, files.boundaries, files.layer)
        reports.append(rec)
        sources["boundaries"] = f"your file: {files.boundaries.name}"
    for report in reports:
        _check_used(report)
    names = {kind: tuple(f.name for f in given) for kind, given in files.given().items()}
    key = hashlib.sha256(f"{base.key}|{files.key()}".encode()).hexdigest()[:16]
    return replace(base, **frames, sources=sources, key=f"user:{key}", files=names, file_years=years,
                   boundary_layer=files.layer if files.boundaries is not None else None,
                   notices=tuple(notices), reconciliation=combine(reports), set_aside=combine_rows(reports))


#: The command line's flag for each kind of user file (``Dataset.files``).
FILE_FLAGS = {"providers": "--providers", "demand": "--demand", "net_gain": "--net-gain", "boundaries": "--boundaries"}


def file_arguments(files: dict[str, tuple[str, ...]], layer: str | None = None) -> list[str]:
    """The command-line arguments that read the same user files (``Dataset.files``, ``boundary_layer``)."""
    parts: list[str] = []
    for kind, names in (files or {}).items():
        for name in names if kind in FILE_FLAGS else ():
            parts += [FILE_FLAGS[kind], name]
    if layer and (files or {}).get("boundaries"):
        parts += ["--layer", layer]
    return parts

