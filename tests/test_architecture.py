"""The shape of the code, enforced.

- federation/ never imports app/;
- inside app/, each layer imports only the layers below it (`LAYERS`, lowest first); the domain
  packages share one layer and may use each other, the adapters (web/, api/, workers/) never use
  each other;
- no module imports form a cycle (a cycle means a boundary is wrong; function-level imports to
  dodge one are not allowed);
- SQL (SQLAlchemy query building, `databases` calls, the tables) only in app/store/ and app/db/;
- no module-level mutable state outside the wiring.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "federation")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> tuple[set[str], list[str]]:
    """Module-level imports of our packages, and any imports found inside functions."""
    tree = ast.parse(path.read_text(), filename=str(path))
    top: set[str] = set()
    nested: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        ours = [n for n in names if n.split(".")[0] in PACKAGES]
        if not ours:
            continue
        if node in tree.body:
            top.update(ours)
        else:
            nested.append(f"{module_name(path)}: {ours[0]}")
    return top, nested


def graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for pkg in PACKAGES for path in (ROOT / pkg).rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        top, _ = imports_of(path)
        edges[name] = {target for target in top if target in modules and target != name}
    return edges


def test_federation_never_imports_app() -> None:
    offenders = [
        f"{module}: {target}"
        for module, targets in graph().items()
        if module.startswith("federation")
        for target in targets
        if target.startswith("app")
    ]
    assert offenders == []


def test_no_imports_inside_functions() -> None:
    nested = [
        entry
        for pkg in PACKAGES
        for path in (ROOT / pkg).rglob("*.py")
        for entry in imports_of(path)[1]
    ]
    assert nested == []


def test_no_import_cycles() -> None:
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycles.append(trail[trail.index(target) :] + [target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


# Lowest first. A module may import modules of its own package and of any layer below its own.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("app.core",)),
    ("db", ("app.db",)),
    ("store", ("app.store",)),
    ("domain", ("app.security", "app.moderation", "app.notes", "app.fedi", "app.blocklists")),
    ("services", ("app.services",)),
    ("http", ("app.http",)),
    ("adapters", ("app.web", "app.api", "app.workers")),
    ("wiring", ("app.main", "app.cli")),
)
# Layers whose packages are independent of each other (the domain's packages are not).
SEALED_LAYERS = {"adapters"}
SQL_PACKAGES = ("app.store", "app.db")
SQL_MODULES = ("sqlalchemy", "databases", "asyncpg", "aiosqlite", "app.db.tables")
DB_CALLS = {"execute", "execute_many", "fetch_one", "fetch_all", "fetch_val", "iterate"}
WIRING = ("app.main", "app.cli")
MUTATING_METHODS = {
    "append", "appendleft", "extend", "insert", "update", "add", "discard", "remove", "pop",
    "popitem", "popleft", "clear", "setdefault", "sort", "reverse",
}  # fmt: skip


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def place(module: str) -> tuple[int, str] | None:
    """(layer rank, package) of an app module; None for one outside every layer."""
    for rank, (_, packages) in enumerate(LAYERS):
        for package in packages:
            if _within(module, package):
                return rank, package
    return None


def app_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in (ROOT / "app").rglob("*.py")
        if module_name(path) != "app"
    }


def test_every_app_module_has_a_layer() -> None:
    assert [module for module in app_modules() if place(module) is None] == []


def test_each_layer_imports_only_layers_below() -> None:
    offenders = []
    for module, targets in graph().items():
        own = place(module)
        if own is None:
            continue
        for target in targets:
            theirs = place(target)
            if theirs is None or theirs[1] == own[1]:
                continue
            layer = LAYERS[own[0]][0]
            if theirs[0] > own[0] or (theirs[0] == own[0] and layer in SEALED_LAYERS):
                offenders.append(f"{module} ({layer}) imports {target} ({LAYERS[theirs[0]][0]})")
    assert sorted(offenders) == []


def _sql_uses(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in DB_CALLS
        ):
            yield f"line {node.lineno}: .{node.func.attr}()"
            continue
        else:
            continue
        for name in names:
            if any(_within(name, sql) for sql in SQL_MODULES):
                yield f"line {node.lineno}: import {name}"


def test_sql_only_in_store_and_db() -> None:
    offenders = [
        f"{module} {use}"
        for module, path in app_modules().items()
        if not any(_within(module, package) for package in SQL_PACKAGES)
        for use in _sql_uses(path)
    ]
    assert offenders == []


def _module_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _mutations(path: Path) -> Iterator[str]:
    """Module-level names a function changes: rebound (`global`), assigned into, or mutated by
    a method. Memoised pure functions (functools.cache) are not state: their answers are the
    same with the cache or without it."""
    tree = ast.parse(path.read_text(), filename=str(path))
    shared = _module_level_names(tree)
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for function in functions:
        own = {a.arg for a in function.args.args + function.args.kwonlyargs}
        own.update(
            n.id
            for n in ast.walk(function)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        )
        for node in ast.walk(function):
            changed: list[ast.expr] = []
            if isinstance(node, ast.Global):
                yield f"line {node.lineno}: global {', '.join(node.names)}"
            elif isinstance(node, ast.Assign | ast.Delete):
                changed = [t for t in node.targets if isinstance(t, ast.Subscript | ast.Attribute)]
            elif isinstance(node, ast.AugAssign) and isinstance(
                node.target, ast.Subscript | ast.Attribute
            ):
                changed = [node.target]
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in MUTATING_METHODS
            ):
                changed = [node.func.value]
            for target in changed:
                name = _root_name(target)
                if name in shared and name not in own:
                    yield f"line {node.lineno}: changes {name}"


def test_no_module_level_mutable_state_outside_wiring() -> None:
    modules = {**app_modules(), **{module_name(p): p for p in (ROOT / "federation").rglob("*.py")}}
    offenders = [
        f"{module} {change}"
        for module, path in modules.items()
        if not any(_within(module, wiring) for wiring in WIRING)
        for change in _mutations(path)
    ]
    assert offenders == []
