"""The house rules a new engineer relies on, checked by parsing the code (not by reading it).

- app.py, ui/ and the CLI reach the model only through :mod:`sufficiency.service`;
- nothing under sufficiency/ or geo/ imports Streamlit;
- geo/ is geometry: from sufficiency it may use only the floor-0 modules (errors, and the
  byte-level readers: files, reconcile);
- the top level of sufficiency/ holds at most six modules; no file is much over 400 lines;
- imports point downward: model and distances never import service or cli.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FLOOR_ZERO = {"sufficiency.errors", "sufficiency.readers.files", "sufficiency.readers.reconcile"}


def _imports(path: Path) -> set[str]:
    """Every module a file imports (absolute names; ``from a import b`` counts as a and a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _files(*globs: str) -> list[Path]:
    return sorted(p for g in globs for p in REPO.glob(g))


def _ours(imports: set[str], package: str) -> set[str]:
    return {m for m in imports if m == package or m.startswith(package + ".")}


@pytest.mark.parametrize("path", _files("app.py", "ui/**/*.py", "sufficiency/cli/*.py"),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_app_and_cli_reach_the_model_only_through_the_service(path):
    allowed = {"sufficiency", "sufficiency.service"} | {m for m in _ours(_imports(path), "sufficiency")
                                                       if m.startswith(("sufficiency.service.", "sufficiency.cli"))}
    used = _ours(_imports(path), "sufficiency")
    assert used <= allowed, f"{path.name} imports {sorted(used - allowed)}: call sufficiency.service instead"


@pytest.mark.parametrize("path", _files("sufficiency/**/*.py", "geo/*.py"), ids=lambda p: str(p.relative_to(REPO)))
def test_the_model_never_imports_streamlit(path):
    assert not {m for m in _imports(path) if m.split(".")[0] in ("streamlit", "streamlit_folium")}


@pytest.mark.parametrize("path", _files("geo/*.py"), ids=lambda p: p.name)
def test_geo_uses_only_the_floor_zero_of_sufficiency(path):
    used = {m for m in _ours(_imports(path), "sufficiency") if not any(m.startswith(f) for f in FLOOR_ZERO)}
    assert not used, f"geo/{path.name} imports {sorted(used)}"


@pytest.mark.parametrize("path", [p for p in _files("sufficiency/**/*.py")
                                  if p.parent.name in ("model", "distances", "readers") or p.parent.name == "sufficiency"
                                  and p.name not in ("__main__.py",)], ids=lambda p: str(p.relative_to(REPO)))
def test_imports_point_downward(path):
    upward = {m for m in _ours(_imports(path), "sufficiency") if m.startswith(("sufficiency.service", "sufficiency.cli"))}
    assert not upward, f"{path.relative_to(REPO)} imports {sorted(upward)}"


def test_floor_zero_imports_nothing_else_of_ours():
    for module in FLOOR_ZERO:
        path = REPO / (module.replace(".", "/") + ".py")
        ours = _ours(_imports(path), "sufficiency") | _ours(_imports(path), "geo")
        assert {m for m in ours if not any(m.startswith(f) for f in FLOOR_ZERO)} == set(), module


def test_top_level_of_sufficiency_holds_at_most_six_modules():
    modules = sorted(p.name for p in (REPO / "sufficiency").glob("*.py"))
    assert len(modules) <= 6, modules


@pytest.mark.parametrize("path", _files("*.py", "geo/*.py", "sufficiency/**/*.py", "ui/**/*.py", "scripts/*.py",
                                        "bench/*.py"), ids=lambda p: str(p.relative_to(REPO)))
def test_no_file_is_much_over_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 420
