"""The floor plan: no import loop among the service's modules, small modules, a short top level."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[1] / "service"
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    found = {}
    for path in SERVICE.rglob("*.py"):
        parts = path.relative_to(SERVICE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports_at_load(path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules of ours that importing `path` imports (not those imported inside functions or for typing)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("service"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.add(sub if sub in modules else node.module)
    return out & modules.keys()


def test_no_module_imports_itself_back() -> None:
    modules = _modules()
    graph = {name: _imports_at_load(path, modules) - {name} for name, path in modules.items()}
    # A package's __init__ may import its own modules; a module importing its package is a loop.
    state: dict[str, int] = {}
    loops: list[list[str]] = []

    def visit(name: str, stack: list[str]) -> None:
        state[name] = 1
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                loops.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert loops == []


def test_modules_stay_small() -> None:
    long = {
        str(path.relative_to(SERVICE)): n
        for path in SERVICE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_top_level_names_whole_concepts() -> None:
    top = sorted(p.stem for p in SERVICE.glob("*.py") if p.stem != "__init__")
    assert len(top) <= 12, top
    assert not (SERVICE / "redisstate").exists()
