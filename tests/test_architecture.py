"""The shape of the code, enforced: federation/ never imports app/, and no module imports form a
cycle (a cycle means a boundary is wrong; function-level imports to dodge one are not allowed)."""

from __future__ import annotations

import ast
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
