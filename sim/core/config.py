"""Loading and validating TOML inputs (terms, scenarios, scripts).

Every input file is validated on load and turned into frozen dataclasses. A mistake
becomes one :class:`ConfigError` whose message is a single line naming the file, the
key (as a dotted path) and what is allowed; the CLI prints it and exits with code 2.

Validation is done by pydantic (v2) dataclasses: typed, keyword-only, frozen fields with
range constraints. This module only adds the translation of pydantic's error records
into the one-line messages users see.
"""

from __future__ import annotations

import dataclasses
import datetime
import tomllib
import typing
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

import pydantic
from pydantic import ConfigDict

#: Config shared by every validated input dataclass: unknown keys are errors, and no
#: float may be NaN or infinite (TOML writes ``nan``, ``inf`` and ``-inf``).
STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)

#: Largest count of shares or Units an input may give (a million times BestNet's 4.5
#: million Units; every sum of them stays far inside a 64-bit integer).
MAX_COUNT = 10**12

#: Deepest nesting of tables and arrays an input file may have (a scenario needs 4, a
#: spec's variant 6): deeper input is refused before anything recurses into it.
MAX_DEPTH = 32

#: Characters of a bad value echoed in a message; a longer one is cut (:func:`shown`).
SHOWN_CHARS = 60

T = TypeVar("T")


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)`` for a message, cut to ``limit`` characters with its full length.

    A 10 MB string is echoed as ``'aaaa...' (10,485,760 chars)``, not whole.
    """
    return cut(repr(value), limit)


def cut(text: str, limit: int) -> str:
    """``text`` without line breaks or control characters, cut to ``limit`` characters
    with its full length."""
    if not text.isprintable():
        text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} chars)"


class ConfigError(ValueError):
    """A bad input file: one line naming the file, the key and what is allowed.

    The key is kept to one printable line (a quoted TOML key may hold a line break or
    be megabytes long), as is the problem.
    """

    def __init__(self, source: str, key: str, problem: str) -> None:
        key = cut(str(key), 200)
        problem = cut(str(problem), 4000)
        self.source = source
        self.key = key
        self.problem = problem
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {problem}")


@dataclasses.dataclass(frozen=True)
class Clause:
    """Marker attached to a field (via ``Annotated``): the clause it encodes.

    Attributes:
        section: The agreement's own section number, e.g. ``"§1(a)"``.
        words: The words of the agreement the field stands for.
    """

    section: str
    words: str


def depth_error(data: Any, limit: int = MAX_DEPTH) -> str | None:
    """The dotted key at which ``data`` nests tables or arrays deeper than ``limit``, or
    None. Walks without recursion, so any depth is safe to check."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, key = stack.pop()
        if isinstance(value, dict):
            items = ((f"{key}.{k}" if key else str(k), v) for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            items = ((f"{key}[{i}]", v) for i, v in enumerate(value))
        else:
            continue
        if depth >= limit:
            return key
        stack.extend((v, depth + 1, k) for k, v in items)
    return None


def _too_deep() -> str:
    return f"nested too deeply; at most {MAX_DEPTH} levels of tables and arrays"


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file, turning I/O and syntax errors into :class:`ConfigError`.

    Tables and arrays nested deeper than :data:`MAX_DEPTH` are refused too (a TOML
    file nested 5,000 deep would exhaust Python's recursion limit later).
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except RecursionError:
        raise ConfigError(str(p), "", _too_deep()) from None
    except FileNotFoundError:
        raise ConfigError(str(p), "", "file not found; expected the path of a TOML file") from None
    except IsADirectoryError:
        raise ConfigError(str(p), "", "is a directory, expected a TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(p), "", f"not valid TOML ({exc}); expected TOML syntax "
                          "(https://toml.io): key = value lines under [table] headers") from None
    except UnicodeDecodeError:
        raise ConfigError(str(p), "", "not a UTF-8 text file; expected a TOML file (UTF-8 "
                          "text)") from None
    deep = depth_error(data)
    if deep is not None:
        raise ConfigError(str(p), deep, _too_deep())
    return data


def preset_of(data: dict[str, Any], presets: Iterable[str], default: str,
              source: str) -> str:
    """Pop the ``preset`` key of a terms or scenario table: a preset's name.

    Raises:
        ConfigError: ``preset`` is not one of ``presets`` (or not a string at all).
    """
    preset = data.pop("preset", default)
    if not isinstance(preset, str) or preset not in presets:
        raise ConfigError(source, "preset", f"unknown preset {shown(preset)}; allowed: "
                          + ", ".join(presets))
    return preset


def _field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def _resolve(cls: type, loc: tuple[Any, ...]) -> type | None:
    """Follow a pydantic error location through nested dataclasses to the owner type."""
    current: Any = cls
    options: list[Any] = []
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if part in DIST_TAGS and options:      # the union member the tag names
            current = next((a for a in options if getattr(a, "dist", None) == part), current)
            continue
        if not dataclasses.is_dataclass(current):
            return None
        hints = typing.get_type_hints(current)
        current = hints.get(part)
        while typing.get_origin(current) in (tuple, list, typing.Union, typing.Annotated):
            args = [a for a in typing.get_args(current) if a is not Ellipsis]
            options = [a for a in args if dataclasses.is_dataclass(a)]
            current = options[0] if options else args[0]
    return current if dataclasses.is_dataclass(current) else None


#: Tags of the distribution union: pydantic puts them in error locations; users never
#: write them as keys, so they are dropped from the key shown.
DIST_TAGS = {"fixed", "uniform", "lognormal", "exponential", "choice"}


def _name_a_distribution() -> str:
    return "must name a distribution: dist = " + " | ".join(repr(t) for t in sorted(DIST_TAGS))


def _describe(err: dict[str, Any], cls: type) -> tuple[str, str]:
    tags = [p for p in err["loc"] if p in DIST_TAGS]
    loc = tuple(p for p in err["loc"] if p not in DIST_TAGS)
    key = ".".join(f"[{p}]" if isinstance(p, int) else f'"{p}"' if "." in str(p) else str(p)
                   for p in loc).replace(".[", "[")
    kind = err["type"]
    given = err.get("input")
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return key, (_name_a_distribution()
                     + (f" (got {shown(given.get('dist'))})" if isinstance(given, dict)
                        and "dist" in given else ""))
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        owner = _resolve(cls, tuple(err["loc"]))
        allowed = ", ".join(_field_names(owner)) if owner else "see the documentation"
        if tags:
            # A table without ``dist`` merges into the distribution it overrides (a
            # preset's lognormal): a key of another distribution is unknown to it. The
            # message names the distribution's key, and the stray key in its words.
            head, _, stray = key.rpartition(".")
            return (head or key), (
                f"{stray!r} is not a key of a {tags[-1]} distribution; allowed keys: "
                f"{allowed}; a table without dist changes the preset's {tags[-1]}, so to "
                "change the distribution, " + _name_a_distribution().replace("must name",
                                                                             "name"))
        return key, f"unknown key; allowed keys: {allowed}"
    if kind == "missing" or kind == "missing_keyword_argument":
        return key, "required key is missing"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
        # A validator over several keys names them itself: "KEY: problem".
        head, sep, rest = msg.partition(": ")
        if sep and " " not in head:
            return (f"{key}.{head}" if key else head), rest
        return key, msg
    msg = msg.replace("Input should be", "must be")
    if kind in ("too_long", "too_short"):
        return key, msg                                 # the count says it; no echo
    if isinstance(given, (str, int, float, bool, list, tuple)) or given is None and kind != "missing":
        msg = f"{msg} (got {shown(given)})"
    return key, msg


def build(cls: type[T], data: dict[str, Any], source: str, prefix: str = "") -> T:
    """Validate ``data`` into the frozen dataclass ``cls``.

    Args:
        cls: A pydantic dataclass (keyword-only, frozen).
        data: The parsed TOML table.
        source: File name (or preset name) used in error messages.
        prefix: Dotted key prefix for error messages when ``data`` is a sub-table.

    Returns:
        The validated, frozen instance.

    Raises:
        ConfigError: On the first problem found, as one line.
    """
    if not isinstance(data, dict):
        raise ConfigError(source, prefix, f"must be a table, got {type(data).__name__}")
    try:
        return cls(**data)
    except RecursionError:
        raise ConfigError(source, prefix, _too_deep()) from None
    except pydantic.ValidationError as exc:
        key, problem = _describe(exc.errors()[0], cls)
        full = f"{prefix}.{key}" if prefix and key else (prefix or key)
        raise ConfigError(source, full, problem) from None
    except TypeError as exc:  # e.g. a positional mishap; keep it one line
        raise ConfigError(source, prefix, str(exc)) from None


def load_with_presets(path: str | Path | None, presets: Iterable[str], default: str,
                      from_dict: Callable[[dict[str, Any], str], T]) -> T:
    """Load ``path`` -- a preset name, a TOML file overriding a preset, or None for the
    default preset -- through ``from_dict(table, source)``."""
    if path is None:
        return from_dict({}, default)
    name = str(path)
    if name in presets:
        return from_dict({"preset": name}, name)
    if not Path(path).exists() and not name.endswith(".toml"):
        raise ConfigError(name, "", "no such file, and not a preset; allowed: a TOML "
                          "file, or one of the presets " + ", ".join(presets))
    return from_dict(read_toml(path), name)


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` updated by ``override``; sub-tables merge, lists are replaced.

    A sub-table that names a distribution (a ``dist`` key) replaces the old one whole:
    ``{ dist = "fixed", value = 5 }`` over a lognormal must not keep its ``median``.
    A sub-table without ``dist`` merges (``{ median = 20 }`` changes one parameter).
    """
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and "dist" in value:
            out[key] = value
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def as_dict(obj: Any) -> Any:
    """Turn a (nested) frozen dataclass into plain dicts/lists for TOML/JSON output."""
    if dataclasses.is_dataclass(obj):
        return {f.name: as_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [as_dict(v) for v in obj]
    if isinstance(obj, datetime.date):      # a scenario's closing date: ISO, as TOML writes it
        return obj.isoformat()
    return obj
