"""Registry of rule functions and the clauses they cite."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)


@dataclass(frozen=True)
class Rule:
    """A registered rule: its function, section and the words it encodes."""

    name: str
    section: str
    words: str
    fn: Callable


REGISTRY: dict[str, Rule] = {}


def rule(section: str, words: str) -> Callable[[F], F]:
    """Register a rule function under its clause.

    Args:
        section: The agreement's section, e.g. ``"§1(a)"``.
        words: The words of the agreement the function encodes.
    """

    def mark(fn: F) -> F:
        doc = (fn.__doc__ or "").lstrip()
        if not doc.startswith(section):
            raise ValueError(f"{fn.__name__}: docstring must start with {section}")
        REGISTRY[f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"] = Rule(
            fn.__name__, section, words, fn)
        fn.section = section  # type: ignore[attr-defined]
        return fn

    return mark
