"""The design's boundaries, checked by reading the imports (STYLE.md practice 1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([ROOT / "app.py", ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "vtm").rglob("*.py")])


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def uses(path: Path, package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in imports(path))


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("duckdb", lambda p: p.startswith("vtm/store/")),
        ("streamlit", lambda p: p in ("app.py", "dashboard.py") or p.startswith(("pages/", "vtm/ui/"))),
        ("av", lambda p: p.startswith("vtm/media/") or p.startswith("vtm/bench")),
        ("cv2", lambda p: p.startswith("vtm/media/") or p.startswith("vtm/bench")),
    ],
)
def test_outside_libraries_stay_behind_one_module(package: str, allowed) -> None:
    offenders = [rel(p) for p in SOURCES if uses(p, package) and not allowed(rel(p))]
    assert offenders == [], f"{package} imported outside its module: {offenders}"


def test_media_imports_nothing_of_ours_but_models_and_errors() -> None:
    for path in (ROOT / "vtm" / "media").rglob("*.py"):
        ours = {n for n in imports(path) if n == "vtm" or n.startswith("vtm.")}
        bad = {n for n in ours if not n.startswith(("vtm.media", "vtm.models", "vtm.errors"))}
        assert not bad, f"{rel(path)} imports {bad}"


def test_nothing_imports_pages_and_pages_hold_no_sql() -> None:
    for path in SOURCES:
        assert not any(n == "pages" or n.startswith("pages.") for n in imports(path)), rel(path)
    for path in (ROOT / "pages").glob("*.py"):
        text = path.read_text().upper()
        assert not any(word in text for word in ("SELECT ", "INSERT ", "UPDATE ", "DELETE FROM")), rel(path)
