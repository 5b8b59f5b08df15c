"""The ``regsim`` command's argument types and its one-line usage errors.

Every numeric option is parsed by one of two types defined here, so each is bounded
where the program can honour it and says what is allowed:

* :class:`FiniteFloat`: a number within a range that also rejects ``nan``, ``inf`` and
  ``-inf`` (click's ``FloatRange`` accepts ``nan``: every comparison with it is false);
* :class:`BoundedInt`: an integer from ``low`` to ``high``, the reason for the bound
  named in the message.

The bounds, each where the machinery stops (or stops making sense):

* :data:`MAX_SEED` (2**128 - 1): the root seed feeds a :class:`numpy.random.SeedSequence`,
  whose entropy pool holds 128 bits; a larger seed cannot give more distinct streams.
* :data:`MAX_DEAL` (2**64 - 1): a deal's overflow draws come from the Philox counter
  ``[0, block, deal, 0]``, one unsigned 64-bit word per deal
  (``RandomStreams.overflow_block`` in ``sim/engine/streams.py``).
* :data:`MAX_REPLICATIONS` (10**8): the bound of a spec file's ``replications``
  (``experiments/execution/spec.py``), so ``--runs``, ``--replications`` and
  ``--max-replications`` allow what a spec allows.
* :data:`MAX_WORKERS`: four worker processes per core of this machine; deals are pure
  computation, and a process per worker more would only use memory.
* :data:`MAX_POINT` (9,999): a design has at most 10,000 points (the spec's
  ``MAX_POINTS``); the command checks the saved results' own count.

:class:`OneLineGroup` is the group class of ``regsim``: a usage mistake click itself
detects (a bad value, an unknown option or command, a missing argument) becomes the same
one line as a bad input file, ``regsim: error: <option>: <what is wrong; allowed>``,
with exit code 2, instead of click's usage block.
"""

from __future__ import annotations

import math
import os
from typing import Any

import click
from click.exceptions import NoArgsIsHelpError

from sim.core.config import SHOWN_CHARS, ConfigError, cut

MAX_SEED = 2**128 - 1
MAX_DEAL = 2**64 - 1
MAX_REPLICATIONS = 100_000_000
MAX_WORKERS = 4 * (os.cpu_count() or 1)
MAX_POINT = 9_999


def _number(x: float) -> str:
    return f"{x:g}"


class FiniteFloat(click.ParamType):
    """A finite number, optionally within ``(low, high)``; ``nan`` and infinities fail.

    Args:
        low, high: The bounds (None: unbounded on that side).
        low_open, high_open: Whether the bound itself is excluded.
    """

    name = "number"

    def __init__(self, low: float | None = None, high: float | None = None, *,
                 low_open: bool = False, high_open: bool = False) -> None:
        self.low, self.high = low, high
        self.low_open, self.high_open = low_open, high_open

    def allowed(self) -> str:
        """What is allowed, in words (ends every message of this type)."""
        low, high = self.low, self.high
        if low is not None and high is not None:
            ends = {(False, False): "both included", (True, True): "both excluded",
                    (True, False): f"{_number(low)} excluded",
                    (False, True): f"{_number(high)} excluded"}[(self.low_open, self.high_open)]
            return f"allowed: a number between {_number(low)} and {_number(high)} ({ends})"
        if low is not None:
            return (f"allowed: a finite number {'above' if self.low_open else 'at least'} "
                    f"{_number(low)}")
        if high is not None:
            return (f"allowed: a finite number {'below' if self.high_open else 'at most'} "
                    f"{_number(high)}")
        return "allowed: a finite number"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        """Parse ``value``; fail with one line saying what is allowed."""
        try:
            x = float(value)
        except (TypeError, ValueError):
            self.fail(f"{_shown(value)} is not a number; {self.allowed()}", param, ctx)
        if not math.isfinite(x):
            self.fail(f"{_shown(value)} is not a finite number; {self.allowed()}", param, ctx)
        below = self.low is not None and (x <= self.low if self.low_open else x < self.low)
        above = self.high is not None and (x >= self.high if self.high_open else x > self.high)
        if below or above:
            self.fail(f"{_shown(value)} is out of range; {self.allowed()}", param, ctx)
        return x

    def __repr__(self) -> str:
        return f"FiniteFloat({self.low}, {self.high})"


class BoundedInt(click.ParamType):
    """An integer from ``low`` to ``high`` (both included).

    Args:
        low, high: The bounds.
        why: Why the upper bound, shown after it (e.g. "the seed's 128 bits").
    """

    name = "integer"

    def __init__(self, low: int, high: int, why: str = "") -> None:
        self.low, self.high, self.why = low, high, why

    def allowed(self) -> str:
        """What is allowed, in words."""
        why = f" ({self.why})" if self.why else ""
        return f"allowed: an integer from {_integer(self.low)} to {_integer(self.high)}{why}"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        """Parse ``value``; fail with one line saying what is allowed."""
        if isinstance(value, bool):
            self.fail(f"{value!r} is not an integer; {self.allowed()}", param, ctx)
        if isinstance(value, int):
            n = value
        else:
            try:
                n = int(str(value).strip())
            except ValueError:
                self.fail(f"{_shown(value)} is not an integer; {self.allowed()}", param, ctx)
        if not self.low <= n <= self.high:
            self.fail(f"{_shown(value)} is out of range; {self.allowed()}", param, ctx)
        return n

    def __repr__(self) -> str:
        return f"BoundedInt({self.low}, {self.high})"


def _integer(n: int) -> str:
    """``n`` with thousands separators; one below a large power of two as ``2**k - 1``."""
    if n >= 2**32 and (n + 1) & n == 0:
        return f"2**{(n + 1).bit_length() - 1} - 1"
    return f"{n:,}"


def _shown(value: Any) -> str:
    """A value as the message shows it: as typed, on one line, a long one cut
    (:func:`sim.core.config.cut`)."""
    return cut(" ".join(str(value).split()) or repr(value), SHOWN_CHARS)


def _path(ctx: click.Context | None) -> str:
    """The command as the user typed it ("regsim sweep"), whatever click's prog name."""
    if ctx is None:
        return "regsim"
    return " ".join(["regsim", *ctx.command_path.split()[1:]])


def _options(ctx: click.Context | None) -> str:
    if ctx is None:
        return ""
    names = [opt for p in ctx.command.params if isinstance(p, click.Option)
             for opt in p.opts if opt.startswith("--")]
    return ", ".join(sorted(names + ["--help"]))


def _usage(ctx: click.Context | None) -> str:
    """The command's usage line ("regsim sweep [OPTIONS] SPEC")."""
    if ctx is None:
        return "regsim COMMAND [ARGS]"
    return " ".join([_path(ctx), *ctx.command.collect_usage_pieces(ctx)])


def one_line(exc: click.UsageError) -> ConfigError:
    """The one-line error of a usage mistake: ``<option>: <problem; allowed>``."""
    ctx = exc.ctx
    message = " ".join(exc.message.split()).rstrip(".")
    message = message[:1].lower() + message[1:]
    if isinstance(exc, click.MissingParameter):
        param = exc.param
        name = (max(param.opts, key=len) if isinstance(param, click.Option) and param.opts
                else param.human_readable_name if param is not None else "")
        return ConfigError(_path(ctx), name, f"is required; allowed: {_usage(ctx)}")
    if isinstance(exc, click.BadParameter):
        param = exc.param
        if isinstance(param, click.Option) and param.opts:
            name = max(param.opts, key=len)
        elif param is not None:
            name = param.human_readable_name
        else:
            name = exc.param_hint if isinstance(exc.param_hint, str) else _path(ctx)
        return ConfigError(name, "", message)
    if isinstance(exc, click.NoSuchOption):
        return ConfigError(_path(ctx), exc.option_name,
                           f"no such option; allowed: {_options(ctx)}")
    if isinstance(exc, click.BadOptionUsage):
        if "requires an argument" in message:
            return ConfigError(exc.option_name, "", "a value is required after the option")
        if "does not take a value" in message:
            return ConfigError(exc.option_name, "", "is a flag and takes no value; allowed: "
                               f"{exc.option_name} alone")
        return ConfigError(exc.option_name, "", f"{message}; allowed: {_usage(ctx)}")
    if ctx is not None and isinstance(ctx.command, click.Group):
        allowed = ", ".join(ctx.command.list_commands(ctx))
        return ConfigError(_path(ctx), "", f"{message}; allowed commands: {allowed}")
    return ConfigError(_path(ctx), "", f"{message}; allowed: {_usage(ctx)}")


class _OneLineUsage(click.ClickException):
    """A usage mistake shown as one line (exit code 2)."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"regsim: error: {self.message}", err=True)


class OneLineGroup(click.Group):
    """A click group whose usage mistakes, its own and its subcommands', are one line."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        """As :meth:`click.Group.make_context`, a usage mistake turned into one line."""
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise _OneLineUsage(str(one_line(exc))) from None

    def invoke(self, ctx: click.Context) -> Any:
        """As :meth:`click.Group.invoke`, a usage mistake turned into one line."""
        try:
            return super().invoke(ctx)
        except NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise _OneLineUsage(str(one_line(exc))) from None
