"""The import rules of docs/architecture.md, checked on the source.

Walks every import in hub/ and bots/ (lazy ones inside functions too; not those under
`if TYPE_CHECKING:`, which never run) and fails on:
- a cycle between the hub's packages (each subpackage, or top-level module, is one node);
- a bot importing anything of the hub but `hub.botkit`;
- `hub.botkit` importing the bot runtime (`hub.bots`), whose internals bots never see.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import that runs."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (
                item for child in node.orelse for item in _imports(child, module, is_package)
            )
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:
                # `from hub.x import y` may import the submodule hub.x.y.
                yield (
                    (f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base),
                    node.lineno,
                )
        yield from _imports(node, module, is_package)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _walk() -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    for top in ("hub", "bots"):
        for path in sorted((ROOT / top).rglob("*.py")):
            module = _module_name(path)
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            found[module] = list(_imports(tree, module, path.name == "__init__.py"))
    return found


IMPORTS = _walk()


def _node(module: str) -> str:
    """The package a module counts for: `hub.api.deps` -> `hub.api`, `hub.models` itself."""
    return ".".join(module.split(".")[:2])


def _package_graph() -> dict[str, dict[str, tuple[str, int]]]:
    graph: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    for module, imports in IMPORTS.items():
        if not module.startswith("hub.") or module.startswith("hub.migrations"):
            continue
        for target, line in imports:
            if target.startswith("hub.") and _node(target) != _node(module):
                graph[_node(module)].setdefault(_node(target), (module, line))
    return graph


def _cycles(graph: dict[str, dict[str, tuple[str, int]]]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_the_hub_has_no_package_cycles() -> None:
    graph = _package_graph()
    problems = []
    for component in _cycles(graph):
        edges = [
            f"  {source} -> {target} ({where[0]} line {where[1]})"
            for source in component
            for target, where in graph[source].items()
            if target in component
        ]
        problems.append(f"packages {', '.join(component)} import each other:\n" + "\n".join(edges))
    assert not problems, "\n".join(problems) + "\nSee docs/architecture.md for who may import whom."


def test_bots_import_only_the_bot_api() -> None:
    wrong = [
        f"{module} line {line} imports {target}"
        for module, imports in IMPORTS.items()
        if module.startswith("bots.")
        for target, line in imports
        if target.startswith("hub")
        and not (target == "hub.botkit" or target.startswith("hub.botkit."))
    ]
    assert not wrong, "a bot may import only hub.botkit:\n" + "\n".join(wrong)


def test_the_bot_api_does_not_reach_into_the_runtime() -> None:
    wrong = [
        f"{module} line {line} imports {target}"
        for module, imports in IMPORTS.items()
        if module.startswith("hub.botkit")
        for target, line in imports
        if target == "hub.bots" or target.startswith("hub.bots.")
    ]
    assert not wrong, "hub.botkit must not import the bot runtime (hub.bots):\n" + "\n".join(wrong)


def test_the_checks_see_the_imports() -> None:
    """The walk itself works: known imports are found, type-only ones are not."""
    assert any(target == "hub.writer" for target, _ in IMPORTS["hub.app"])
    assert not any(target.startswith("hub.bots") for target, _ in IMPORTS["hub.state"])
    assert _cycles({"a": {"b": ("a", 1)}, "b": {"a": ("b", 1)}}) == [["a", "b"]]
