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

#: Config shared by every validated input dataclass: unknown keys are errors.
STRICT = ConfigDict(extra="forbid")

T = TypeVar("T")


class ConfigError(ValueError):
    """A bad input file: one line naming the file, the key and what is allowed."""

    def __init__(self, source: str, key: str, problem: str) -> None:
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


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file, turning I/O and syntax errors into :class:`ConfigError`."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(str(p), "", "file not found") from None
    except IsADirectoryError:
        raise ConfigError(str(p), "", "is a directory, expected a TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(p), "", f"not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(str(p), "", "not a UTF-8 text file") from None


def _field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def _resolve(cls: type, loc: tuple[Any, ...]) -> type | None:
    """Follow a pydantic error location through nested dataclasses to the owner type."""
    current: Any = cls
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not dataclasses.is_dataclass(current):
            return None
        hints = typing.get_type_hints(current)
        current = hints.get(part)
        while typing.get_origin(current) in (tuple, list, typing.Union, typing.Annotated):
            args = [a for a in typing.get_args(current) if a is not Ellipsis]
            current = next((a for a in args if dataclasses.is_dataclass(a)), args[0])
    return current if dataclasses.is_dataclass(current) else None


#: Tags of the distribution union: pydantic puts them in error locations; users never
#: write them as keys, so they are dropped from the key shown.
DIST_TAGS = {"fixed", "uniform", "lognormal", "exponential", "choice"}


def _describe(err: dict[str, Any], cls: type) -> tuple[str, str]:
    loc = tuple(p for p in err["loc"] if p not in DIST_TAGS)
    key = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")
    kind = err["type"]
    given = err.get("input")
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return key, ("must name a distribution: dist = " + " | ".join(repr(t) for t in sorted(DIST_TAGS))
                     + (f" (got {given.get('dist')!r})" if isinstance(given, dict)
                        and "dist" in given else ""))
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        owner = _resolve(cls, loc)
        allowed = ", ".join(_field_names(owner)) if owner else "see the documentation"
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
    if isinstance(given, (str, int, float, bool, list, tuple)) or given is None and kind != "missing":
        msg = f"{msg} (got {given!r})"
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
        raise ConfigError(name, "", "no such file, and not a preset; presets: "
                          + ", ".join(presets))
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
