"""Packaging: what a user installing the wheel gets (issue 15, item 9)."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from conftest import cli, one_line
from experiments.execution.spec import load_spec
from sim.core.config import ConfigError

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_a_shipped_spec_is_found_by_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                   # not from the repository's folder
    exp = load_spec("as-written")
    assert exp.name == "as-written" and exp.source.endswith("as-written.toml")
    assert load_spec("term-sheets").name == "term-sheets"


def test_an_unknown_spec_name_lists_the_shipped_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("sweep", "as-writen", "--workers", "0")
    one_line(code, err, "as-writen", "no such file, and not a shipped spec",
             "as-written", "negotiated-variants", "term-sheets")


def test_the_specs_and_presets_are_package_data():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    assert data["experiments.specs"] == ["*.toml"]
    assert data["sim.law"] == ["agreement.txt"] and (REPO / "sim" / "law" / "agreement.txt").exists()
    for package in ("experiments.specs", "sim.law.presets", "sim.world.presets"):
        folder = REPO.joinpath(*package.split("."))
        assert (folder / "__init__.py").exists() and list(folder.glob("*.toml")), package


def test_dask_is_an_extra_and_its_absence_is_one_line(tmp_path, monkeypatch):
    project = PYPROJECT["project"]
    assert not any(d.startswith("distributed") for d in project["dependencies"])
    assert any(d.startswith("distributed") for d in project["optional-dependencies"]["dask"])
    monkeypatch.setitem(sys.modules, "distributed", None)        # as if not installed
    spec = REPO / "tests" / "fixtures" / "specs" / "variants.toml"
    code, _, err = cli("sweep", spec, "--dask", "local", "--out", tmp_path / "r")
    one_line(code, err, "--dask", "needs Dask", "pip install 'regsim[dask]'")


def test_the_license_file_matches_the_metadata():
    project = PYPROJECT["project"]
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert project["license"] == "MIT" and text.startswith("MIT License")
    assert "License :: OSI Approved :: MIT License" not in project["classifiers"]  # PEP 639
    assert "Programming Language :: Python :: 3.12" in project["classifiers"]


@pytest.mark.parametrize("name", ["mesa", "simpy", "numpy", "scipy", "pandas", "pydantic",
                                  "click", "matplotlib", "weasyprint"])
def test_dependencies_stop_before_the_next_major_version(name):
    spec = next(d for d in PYPROJECT["project"]["dependencies"] if d.startswith(name))
    assert "<" in spec, spec


#: What a reader of an installed copy cannot open: the team's working notes beside the
#: repository. The project's own pages replace them (docs/calibration.md,
#: docs/clauses.md, sim/law/agreement.txt).
OUTSIDE = ("../shared", "shared/", "CALIBRATION.md", "RULES.md", "DECISIONS.md",
           "DESIGN.md")


def test_nothing_shipped_or_documented_points_outside_the_project():
    shipped = [p for top in ("sim", "agents", "experiments", "docs")
               for p in (REPO / top).rglob("*") if p.suffix in {".py", ".toml", ".md", ".txt"}]
    shipped += [REPO / "README.md", REPO / "pyproject.toml"]
    found = [f"{p.relative_to(REPO)}: {word}" for p in shipped
             for word in OUTSIDE if word in p.read_text(encoding="utf-8")]
    assert not found


def test_the_project_names_where_its_agreement_is_on_record():
    urls = PYPROJECT["project"]["urls"]
    assert any("sec.gov" in u and "799694" in u for u in urls.values()), urls
    assert (REPO / "docs" / "calibration.md").exists()


def test_every_library_the_tests_import_is_declared():
    """A fresh machine installs `.[test]` and nothing else: each third-party module a
    test imports (at the top or inside a function) comes from a declared distribution
    (pypdfium2 was once only on the developer's machine)."""
    import ast
    import importlib.metadata as md
    import re as _re

    declared = {_re.split(r"[\s<>=!;\[]", d, maxsplit=1)[0].lower().replace("_", "-")
                for d in (PYPROJECT["project"]["dependencies"]
                          + PYPROJECT["project"]["optional-dependencies"]["test"])}
    ours = {"sim", "agents", "experiments"} | {p.stem for p in (REPO / "tests").glob("*.py")}
    owners = md.packages_distributions()
    missing = set()
    for path in (REPO / "tests").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for top in {n.split(".")[0] for n in names} - ours:
                if top in sys.stdlib_module_names:
                    continue
                dists = {d.lower().replace("_", "-") for d in owners.get(top, [top])}
                if not dists & declared:
                    missing.add(f"{path.name}: {top} ({', '.join(sorted(dists))})")
    assert not missing, sorted(missing)



def test_a_shipped_spec_is_found_beside_a_folder_of_its_name(tmp_path, monkeypatch):
    """`regsim sensitivity drivers --out drivers`, then the same command again: the
    folder named like the spec is not a spec file, so the name finds the shipped one."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "as-written").mkdir()
    assert load_spec("as-written").name == "as-written"
