"""The house stays as docs/architecture.md draws it: data flows one way, no module
imports another that imports it back (type-only imports included), and every module
the docs name exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "agents", "experiments")
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# Layers, bottom up: a module may import from its own layer or below, never above.
# (Longest prefix wins.)
LAYERS = {
    "sim.core": 0,
    "sim.law": 1,
    "sim.world": 1,
    "sim.engine": 2,
    "agents": 3,
    "sim.deal": 4,
    "sim.deal.model": 4,
    "sim.read": 4,
    "sim.deal.batch": 5,
    "experiments": 6,
    "sim.cli": 7,
}


def _modules() -> dict[str, Path]:
    mods = {}
    for top in PACKAGES:
        for path in (ROOT / top).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            mods[name.removesuffix(".__init__")] = path
    return mods


def _imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of the project's own modules, wherever they stand in the
    file (inside functions and ``if TYPE_CHECKING:`` too)."""
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                while name and name not in mods:
                    name = name.rpartition(".")[0]
                if name and name != mod:
                    edges[mod].add(name)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def _layer(module: str) -> int | None:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")),
               key=len, default=None)
    return LAYERS[best] if best is not None else None


def test_no_import_cycle_anywhere():
    assert _cycles(_imports(_modules())) == []


def _folder(module: str) -> str:
    parts = module.split(".")
    return parts[0] if parts[0] == "agents" or len(parts) < 3 else ".".join(parts[:2])


def test_no_cycle_among_folders():
    """One concept per folder, and the folders too import one way: e.g. the analysis
    reads what the execution wrote, never the other way round."""
    folders: dict[str, set[str]] = {}
    for m, targets in _imports(_modules()).items():
        folders.setdefault(_folder(m), set()).update(
            _folder(n) for n in targets if _folder(n) != _folder(m))
    for targets in list(folders.values()):
        for t in targets:
            folders.setdefault(t, set())
    assert _cycles(folders) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_data_flows_one_way():
    upward = [f"{m} -> {n}" for m, targets in _imports(_modules()).items()
              for n in targets
              if _layer(m) is not None and _layer(n) is not None and _layer(n) > _layer(m)]
    assert upward == []


def test_every_module_has_a_layer():
    assert [m for m in _modules() if _layer(m) is None and m not in PACKAGES] == []


def _architecture_table() -> list[tuple[str, list[str]]]:
    rows = []
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0].endswith("/`"):
            rows.append((cells[0].strip("`"), re.findall(r"`([\w.]+(?:\.py|/))`", cells[2])))
    return rows


def test_every_module_the_architecture_names_exists():
    rows = _architecture_table()
    assert len(rows) >= 10
    missing = [folder + name for folder, names in rows for name in [""] + names
               if not (ROOT / folder / name).exists()]
    assert missing == []


PATH = re.compile(r"(?<![\w/.-])((?:sim|agents|experiments|tests|docs)/[\w/.*<>-]*[\w/*>])")


@pytest.mark.parametrize("doc", ["docs/architecture.md", "README.md"])
def test_every_path_the_docs_name_exists(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    named = sorted({p for p in PATH.findall(text) if "<" not in p and "*" not in p})
    assert named
    assert [p for p in named if not (ROOT / p).exists()] == []


def test_every_package_folder_is_in_the_architecture():
    described = {folder.rstrip("/") for folder, _ in _architecture_table()}
    folders = {str(p.parent.relative_to(ROOT)) for top in PACKAGES
               for p in (ROOT / top).rglob("__init__.py")} - set(PACKAGES)
    nested = {f for f in folders if any(f.startswith(d + "/") for d in described)}
    assert sorted(folders - described - nested) == []
