"""ui/cached.py: every cache is keyed by the data it depends on, so two datasets never share a result.

The second dataset is the embedded data with a hand-made provider file for 2024 (Bradford 500 places,
Leeds 7): the same year, categories and scenario must give each dataset its own figures, whichever
is asked first, and the keys must differ.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sufficiency import service
from ui import cached

UPLOAD = Path(__file__).parent / "fixtures" / "isolation" / "provider_at_march_2024.csv"
BRADFORD = "E08000032"
CATS = service.CATEGORIES_DEFAULT


@pytest.fixture(scope="module")
def datasets():
    embedded = service.embedded()
    files = service.UserFiles(providers=(service.UserFile(UPLOAD.name, UPLOAD.read_bytes()),))
    return embedded, cached.dataset(files.key(), files)


def test_the_keys_differ_and_follow_the_bytes(datasets):
    embedded, upload = datasets
    assert embedded.key != upload.key and upload.key.startswith("user:")
    same = service.UserFiles(providers=(service.UserFile(UPLOAD.name, UPLOAD.read_bytes()),))
    other = service.UserFiles(providers=(service.UserFile(UPLOAD.name, UPLOAD.read_bytes().replace(b"250", b"251")),))
    assert same.key() == service.UserFiles(providers=(service.UserFile(UPLOAD.name, UPLOAD.read_bytes()),)).key()
    assert same.key() != other.key()


@pytest.mark.parametrize("order", ["upload first", "embedded first"])
def test_measures_and_scenarios_are_never_shared(datasets, order):
    embedded, upload = datasets
    pair = [upload, embedded] if order == "upload first" else [embedded, upload]
    views = {ds.key: cached.year_view(ds.key, 2024, CATS, ds) for ds in pair}
    places = {k: v.measures.set_index("code").loc[BRADFORD, "places"] for k, v in views.items()}
    assert places[upload.key] == 500
    assert places[embedded.key] == 103  # Ofsted, 31 March 2024 (supply.csv)
    results = {ds.key: cached.scenario(views[ds.key].key, ((BRADFORD, 20),), ds, views[ds.key]) for ds in pair}
    before = {k: r.report.set_index("code").loc[BRADFORD, "places_before"] for k, r in results.items()}
    assert before == {upload.key: 500, embedded.key: 103}
