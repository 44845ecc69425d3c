"""The layout holds: no import loops among the project's modules, imports point down the
layers, and an import inside a function says why it is there.

Layers, top to bottom (a module may import its own layer and any below):
interfaces (views, api, admin, management commands, the worker's tasks) → interchange and
preservation → domain → public (the read model and its readers) → the base (models,
choices, evidence, text, countries). ``registry`` (settings, cache backend) sits beside
them and is imported by name only.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("incidents", "api", "registry")

LAYERS = [  # (rank, module prefixes); higher ranks may import lower ones
    (0, ["incidents.models", "incidents.choices", "incidents.evidence", "incidents.text", "incidents.countries",
         "incidents.private_paths", "incidents.replicas",
         "api.models", "registry"]),
    (1, ["incidents.public"]),
    (2, ["incidents.domain"]),
    (3, ["incidents.interchange", "incidents.preservation", "incidents.tasks"]),
    (4, ["incidents.views", "incidents.admin", "incidents.urls", "incidents.management", "incidents.apps", "incidents.worker",
         "incidents.middleware", "incidents.mfa", "incidents.templatetags", "api"]),
]


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(modules):
    """Yield (importer, imported, line, inside a function, the line's text) for project imports."""
    for module, path in modules.items():
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        in_function = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                in_function.update(id(n) for n in ast.walk(node) if n is not node)
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, path.name == "__init__.py", node)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != module:
                    yield module, target, node.lineno, id(node) in in_function, lines[node.lineno - 1]


def _rank(module: str) -> int:
    best = None
    for rank, prefixes in LAYERS:
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (rank, len(prefix))
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best[0]


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state, stack = {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


MODULES = _modules()
IMPORTS = list(_imports(MODULES))


def test_there_is_no_import_loop_among_the_project_modules():
    graph = {}
    for importer, imported, *_ in IMPORTS:  # function-level imports too: they hide loops, not remove them
        graph.setdefault(importer, set()).add(imported)
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_imports_point_down_the_layers():
    upward = [f"{a} imports {b} (line {line})" for a, b, line, *_ in IMPORTS if _rank(b) > _rank(a)]
    assert not upward, "\n".join(upward)


def test_an_import_inside_a_function_says_why():
    unexplained = [f"{a}:{line}: {text.strip()}" for a, b, line, inside, text in IMPORTS if inside and "#" not in text]
    assert not unexplained, "\n".join(unexplained)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_much_over_400_lines(module):
    assert len(MODULES[module].read_text().splitlines()) <= 420, f"{module}: split it"
