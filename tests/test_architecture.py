"""The layer rules of docs/ARCHITECTURE.md, checked by reading every import of app.py,
dashboard.py, pages/ and vtm/ (STYLE.md practice 1): each module imports only its own
layer or below, faces reach nothing but the Service, outside libraries stay behind one
module, vtm/media stays pure, and there is no import cycle."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([ROOT / "app.py", ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "vtm").rglob("*.py")])

# Each group of modules and its rank: a module imports modules of its rank or below.
RANKS: list[tuple[int, tuple[str, ...]]] = [
    (0, ("vtm.models", "vtm.errors", "vtm.media")),
    (1, ("vtm.parsing", "vtm.disk", "vtm.config", "vtm.urls", "vtm.mediatypes", "vtm.tickets", "vtm.signing", "vtm")),
    (2, ("vtm.files", "vtm.events", "vtm.executors")),
    (3, ("vtm.kinds",)),
    (4, ("vtm.store", "vtm.webhooks", "vtm.duplicates", "vtm.watch", "vtm.cluster")),
    (5, ("vtm.tasks", "vtm.worker", "vtm.doctor", "vtm.startup", "vtm.recipes")),
    (6, ("vtm.service",)),
    (7, ("vtm.assembly",)),
    (8, ("vtm.ui", "vtm.web", "vtm.cli", "vtm.__main__", "pages", "dashboard", "app")),
]
FACES = ("vtm.ui", "vtm.web", "vtm.cli", "pages", "dashboard", "app")
FACES_MAY_IMPORT = ("vtm.service", "vtm.models", "vtm.errors", "vtm.kinds", "vtm.config", "vtm.events", "vtm.parsing",
                    "vtm.urls", "vtm.mediatypes", "vtm.tickets", "vtm.signing", "vtm")
ENTRY_POINTS = ("app", "vtm.web.lifespan", "vtm.cli.library", "vtm.cli.doctor")  # they build VTM: vtm.assembly


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, *, typing_too: bool = False) -> set[str]:
    """Modules `path` imports (absolute names; `from vtm.x import y` counts as vtm.x.y when
    that is a module, else as vtm.x). Imports under `if TYPE_CHECKING:` are left out
    unless asked for."""
    tree = ast.parse(path.read_text(), filename=str(path))
    skipped: set[int] = set()
    if not typing_too:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & MODULES
            names |= submodules  # `from vtm.kinds import limits` imports vtm.kinds.limits
            if len(submodules) < len(node.names):
                names.add(node.module)
    return names


MODULES = {module_name(p) for p in SOURCES}


def ours(name: str) -> bool:
    return name == "vtm" or name.startswith(("vtm.", "pages.")) or name in ("app", "dashboard")


def within(name: str, groups: tuple[str, ...]) -> bool:
    return any(name == g or name.startswith(g + ".") for g in groups)


def rank(name: str) -> int:
    best: tuple[int, int] | None = None  # the most specific group wins
    for level, groups in RANKS:
        for group in groups:
            if within(name, (group,)) and (best is None or len(group) > best[1]):
                best = (level, len(group))
    assert best is not None, f"{name} has no rank in docs/ARCHITECTURE.md"
    return best[0]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def uses(path: Path, package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in imports(path, typing_too=True))


def test_every_module_imports_only_its_layer_or_below() -> None:
    upward = [f"{module_name(p)} ({rank(module_name(p))}) imports {name} ({rank(name)})"
              for p in SOURCES for name in imports(p) if ours(name) and rank(name) > rank(module_name(p))]
    assert upward == []


def test_faces_reach_nothing_but_the_service() -> None:
    found = []
    for path in SOURCES:
        name = module_name(path)
        if not within(name, FACES):
            continue
        for imported in imports(path, typing_too=True):
            if not ours(imported) or within(imported, FACES) or within(imported, FACES_MAY_IMPORT):
                continue
            if imported == "vtm.assembly" and name in ENTRY_POINTS:
                continue
            found.append(f"{rel(path)} imports {imported}")
    assert found == [], "faces get a Service; they never reach the store, workers, executors, files or media"


ALLOWED: list[tuple[str, Callable[[str], bool]]] = [
    ("duckdb", lambda p: p.startswith("vtm/store/")),
    ("streamlit", lambda p: p in ("app.py", "dashboard.py") or p.startswith(("pages/", "vtm/ui/"))),
    ("av", lambda p: p.startswith("vtm/media/")),
    ("cv2", lambda p: p.startswith("vtm/media/")),
    ("ray", lambda p: p.startswith("vtm/cluster/")),
    ("starlette", lambda p: p == "app.py" or p.startswith("vtm/web/")),
    ("python_multipart", lambda p: p.startswith("vtm/web/")),
]


@pytest.mark.parametrize(("package", "allowed"), ALLOWED, ids=[a[0] for a in ALLOWED])
def test_outside_libraries_stay_behind_one_module(package: str, allowed: Callable[[str], bool]) -> None:
    offenders = [rel(p) for p in SOURCES if uses(p, package) and not allowed(rel(p))]
    assert offenders == [], f"{package} imported outside its module: {offenders}"


def test_media_imports_nothing_of_ours_but_models_and_errors() -> None:
    for path in (ROOT / "vtm" / "media").rglob("*.py"):
        bad = {n for n in imports(path, typing_too=True) if ours(n) and not within(n, ("vtm.media", "vtm.models", "vtm.errors"))}
        assert not bad, f"{rel(path)} imports {bad}"


def test_there_is_no_import_cycle() -> None:
    graph = {module_name(p): {n for n in imports(p) if n in MODULES and n != module_name(p)} for p in SOURCES}
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_nothing_imports_pages_and_pages_hold_no_sql() -> None:
    for path in SOURCES:
        assert not any(n == "pages" or n.startswith("pages.") for n in imports(path, typing_too=True)), rel(path)
    for path in (ROOT / "pages").glob("*.py"):
        text = path.read_text().upper()
        assert not any(word in text for word in ("SELECT ", "INSERT ", "UPDATE ", "DELETE FROM")), rel(path)


def test_sql_lives_in_the_store_only() -> None:
    keywords = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE", "ALTER TABLE")
    found = []
    for path in SOURCES:
        if rel(path).startswith("vtm/store/"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lstrip().upper().startswith(keywords):
                found.append(f"{rel(path)}: {node.value[:40]!r}")
    assert found == []


STATEFUL = ("itertools.count", "threading.Lock", "threading.RLock", "threading.Event", "threading.Condition", "queue.Queue",
            "deque", "collections.deque", "dict", "list", "set")
MUTATORS = ("append", "add", "update", "pop", "popitem", "clear", "setdefault", "remove", "discard", "extend", "insert")


def module_state(path: Path) -> list[str]:
    """Module-level state of `path`: stateful objects, instances of private classes,
    containers the code changes later, and `global` statements."""
    tree = ast.parse(path.read_text())
    found = []
    for node in tree.body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        name = ast.unparse(node.targets[0] if isinstance(node, ast.Assign) else node.target)
        value = node.value
        called = ast.unparse(value.func) if isinstance(value, ast.Call) else ""
        if called in STATEFUL[:-3] or called.startswith("_") and called[1:2].isupper():
            found.append(name)
        elif isinstance(value, (ast.List, ast.Dict, ast.Set)) or called in ("dict", "list", "set"):
            for n in ast.walk(tree):
                changed = isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in MUTATORS \
                    and ast.unparse(n.func.value) == name
                targets = n.targets if isinstance(n, (ast.Assign, ast.Delete)) else [n.target] if isinstance(n, ast.AugAssign) else []
                changed = changed or any(isinstance(t, ast.Subscript) and ast.unparse(t.value) == name for t in targets)
                if changed:
                    found.append(name)
                    break
    found += [f"global {', '.join(n.names)}" for n in ast.walk(tree) if isinstance(n, ast.Global)]
    return found


def test_only_the_running_service_holder_is_module_level_state() -> None:
    """Components get what they need through their constructors; the one exception is
    the holder of the process's running Service (vtm/service/running.py)."""
    state = [f"{rel(p)}: {name}" for p in SOURCES for name in module_state(p)]
    assert state == ["vtm/service/running.py: HOLDER"]
