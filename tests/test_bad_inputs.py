"""The bad-input corpus: every bad file or argument is one line and exit code 2.

``tests/bad_inputs/`` holds the corpus (docs/architecture.md, "Bad input"): one
TOML file per mistake in ``terms/``, ``scenario/``, ``script/`` and ``spec/`` (its first
line ``# expect: KEY`` names the key the message must name, ``-`` for a file that is not
TOML at all; an optional ``# hint: WORD`` line, a word the message must hold), and
``args.toml``, the bad command lines. The folder gives the command a file runs under
(:data:`COMMANDS`). A few cases are made here at run time instead of kept: a 10 MB
value (:func:`generated_cases`) and an empty file.

Every case runs in this process through click's CliRunner, in a fresh working folder
(``tmp_path``), and must, within :data:`SECONDS` and :data:`MEMORY_KIB` more memory:
exit with code 2; print nothing on stdout and exactly one line on stderr,
``regsim: error: ...``, that names the file (or the option) and the expected key and
says what is allowed (:data:`ALLOWED`); and write nothing.
"""

from __future__ import annotations

import resource
import signal
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli.main import main

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "bad_inputs"

#: The command each folder's files run under (FILE: the case's file).
COMMANDS = {
    "terms": ("terms", "show", "FILE"),
    "scenario": ("scenario", "show", "FILE"),
    "script": ("timeline", "--script", "FILE"),
    "spec": ("sweep", "FILE", "--workers", "0"),
}
SECONDS = 10
MEMORY_KIB = 1024 * 1024            # ru_maxrss is in KiB on Linux
#: A message says what is allowed when it holds one of these.
ALLOWED = ("must", "allowed", "expected", "one of", "between", "at least", "at most",
           "required", "give ", "only ", "less than", "greater than", "should", "needs ",
           " once")
#: No message needs more: the longest lists every term (allowed keys).
MAX_LINE = 4000
BIG = 10 * 1024 * 1024


class CaseTimeout(BaseException):
    """Raised by the alarm inside a case that runs too long (a BaseException, so no
    ``except Exception`` in the program can swallow it)."""


def _header(path: Path) -> tuple[str, list[str]]:
    """The expected key and hints of a corpus file (its leading comment lines)."""
    expect, hints = None, []
    for raw in path.read_bytes().split(b"\n")[:3]:
        line = raw.decode("ascii", "replace")
        if line.startswith("# expect:"):
            expect = line.partition(":")[2].strip()
        elif line.startswith("# hint:"):
            hints.append(line.partition(":")[2].strip())
    assert expect is not None, f"{path}: first line must be '# expect: KEY'"
    return expect, hints


def file_cases() -> list:
    cases = []
    for kind in COMMANDS:
        for path in sorted((CORPUS / kind).glob("*.toml")):
            expect, hints = _header(path)
            args = [str(path) if a == "FILE" else a for a in COMMANDS[kind]]
            cases.append(pytest.param(args, str(path), None if expect == "-" else expect,
                                      hints, id=f"{kind}/{path.stem}"))
    return cases


def arg_cases() -> list:
    cases = []
    for i, case in enumerate(tomllib.loads((CORPUS / "args.toml").read_text("utf-8"))["case"]):
        label = " ".join(Path(a).name if a.startswith("{repo}") else
                         a if len(a) < 30 else a[:12] + "..." for a in case["args"])
        cases.append(pytest.param(case["args"], None, case["expect"], case.get("hints", []),
                                  id=f"args/{i:02d} {label}"))
    return cases


#: Made at run time (not kept: 10 MB each): kind, file name, text, expected key.
GENERATED = [
    ("terms", "big-switch", 'majority_base = "' + "x" * BIG + '"\n', "majority_base"),
    ("scenario", "big-name", 'name = "' + "x" * BIG + '"\n', "name"),
    ("script", "big-investor", '[demand]\nby = ["' + "x" * BIG + '"]\n', "demand.by"),
    ("spec", "big-name", 'name = "' + "x" * BIG + '"\nseed = 1\nreplications = 10\n', "name"),
    ("spec", "empty", "", "name"),
]


def generated_cases() -> list:
    return [pytest.param(kind, name, text, key, id=f"generated/{kind}/{name}")
            for kind, name, text, key in GENERATED]


def _alarm(signum, frame):
    raise CaseTimeout("still running at the time limit")


def run_case(args: list[str], tmp_path: Path, monkeypatch, seconds: float = SECONDS) -> tuple:
    """Run ``regsim ARGS`` in ``tmp_path`` under the time limit; (result, KiB risen)."""
    monkeypatch.chdir(tmp_path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        result = CliRunner().invoke(main, args)
    except CaseTimeout as exc:
        pytest.fail(f"regsim {' '.join(a[:40] for a in args)}: {exc} (a hang)")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    risen = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return result, risen


def check(result, risen: int, names: list[str], key: str | None, hints: list[str]) -> None:
    """The promise: exit 2, one line naming the file or option and the key, saying what
    is allowed, within the memory bound."""
    assert risen < MEMORY_KIB, f"memory rose by {risen / 1024:,.0f} MiB"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        exc = result.exception
        pytest.fail(f"{type(exc).__name__}: {str(exc)[:300]} (exit {result.exit_code})")
    assert result.exit_code == 2, (f"exit {result.exit_code}: the input was accepted; "
                                   f"stderr: {result.stderr[:300]}")
    assert result.stdout == "", result.stdout[:300]
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"{len(lines)} lines on stderr: {result.stderr[:600]}"
    line = lines[0]
    assert line.startswith("regsim: error: "), line[:300]
    assert len(line) <= MAX_LINE, f"{len(line):,} characters: {line[:300]}"
    rest = line
    for name in names:
        assert name in line, f"{name!r} not named: {line[:400]}"
        rest = rest.replace(name, "")       # the key must be named besides the file name
    if key is not None:
        assert key in rest, f"key {key!r} not named: {line[:400]}"
    for hint in hints:
        assert hint in line, f"{hint!r} missing: {line[:400]}"
    assert any(word in line for word in ALLOWED), f"does not say what is allowed: {line[:400]}"


def _files(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


@pytest.mark.parametrize("args,file,key,hints", file_cases() + arg_cases())
def test_bad_input_is_one_line_exit_2(args, file, key, hints, tmp_path, monkeypatch):
    args = [a.replace("{repo}", str(REPO)).replace("{tmp}", str(tmp_path)) for a in args]
    key = key.replace("{tmp}", str(tmp_path)) if key else key
    result, risen = run_case(args, tmp_path, monkeypatch)
    check(result, risen, [Path(file).name] if file else [], key, hints)
    assert _files(tmp_path) == set(), f"wrote {sorted(_files(tmp_path))[:3]}"


@pytest.mark.parametrize("kind,name,text,key", generated_cases())
def test_generated_bad_input_is_one_line_exit_2(kind, name, text, key, tmp_path, monkeypatch):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    path = inputs / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    args = [str(path) if a == "FILE" else a for a in COMMANDS[kind]]
    result, risen = run_case(args, tmp_path, monkeypatch)
    check(result, risen, [path.name], key, [])
    assert _files(tmp_path) == {inputs, path}, f"wrote {sorted(_files(tmp_path))[:3]}"


def test_the_corpus_holds_at_least_150_cases():
    assert len(file_cases()) + len(arg_cases()) + len(generated_cases()) >= 150


def test_the_argument_bounds_are_where_the_streams_stop():
    """--deal and --seed are bounded where the random streams stop taking them: a deal's
    overflow counter word is unsigned 64-bit, a SeedSequence pools 128 bits."""
    import numpy as np

    from sim.cli.types import MAX_DEAL, MAX_SEED

    np.array([0, 1, MAX_DEAL, 0], dtype=np.uint64)          # the last deal fits ...
    with pytest.raises(OverflowError):                        # ... one more does not
        np.array([0, 1, MAX_DEAL + 1, 0], dtype=np.uint64)
    assert np.random.SeedSequence(MAX_SEED).pool_size * 32 == 128
    result = CliRunner().invoke(main, ["timeline", "--seed", str(MAX_SEED),
                                       "--deal", str(MAX_DEAL), "--json"])
    assert result.exit_code == 0, result.output[-500:]
    assert result.stdout.count("\n") > 10


def test_a_hang_fails_its_case_and_does_not_hang_the_suite(tmp_path, monkeypatch):
    """The time limit interrupts a pure-Python loop: here a --policy module whose import
    never ends, under a limit of a second."""
    (tmp_path / "endless_policy.py").write_text("while True:\n    pass\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match="a hang"):
        run_case(["timeline", "--policy", "endless_policy:Policy"], tmp_path, monkeypatch,
                 seconds=1)
