"""docs/api.md runs: its ```python blocks, in order, in an empty folder, assert what it says."""

import re
from pathlib import Path

import matplotlib

import experiments.notebook.api as api

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_the_page_has_an_example_of_each_thing_the_api_does():
    code = "\n".join(blocks(DOC.read_text()))
    for name in ("api.run_deals(", "api.play(", "api.experiment(", "api.load(",
                 "api.compare(", ".plot(", "DealModel(", ".step()", "datacollector"):
        assert name in code, name
    reference = DOC.read_text().split("## Reference", 1)[1]
    for name in api.__all__:                         # every public name in the reference
        assert f"`{name}" in reference, name


def test_the_examples_of_docs_api_run(tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    found = blocks(DOC.read_text())
    assert len(found) >= 6
    for i, code in enumerate(found):
        exec(compile(code, f"docs/api.md block {i + 1}", "exec"), namespace)
    assert (tmp_path / "deal-3.png").stat().st_size > 0
    assert (tmp_path / "results" / "as-written" / "figures" / "who-gains-what.png").exists()


def test_bad_input_is_the_one_line_config_error(tmp_path, monkeypatch):
    import pytest

    from sim.core.config import ConfigError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="no-such-spec"):
        api.experiment("no-such-spec")
    with pytest.raises(ConfigError, match="runs"):
        api.run_deals(0)
    with pytest.raises(ConfigError):
        api.play(terms="missing.toml")
