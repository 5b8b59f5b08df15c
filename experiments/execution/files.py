"""Writing results files so that a reader, or a killed run, never sees half a file, and a
folder that cannot be written is one line, not a traceback.

Every writer of results (shards, manifests, figures, reports, Gantt charts) goes
through :func:`write_atomic`, or checks its folder first with :func:`check_writable`;
an ``OSError`` while writing becomes a :class:`~sim.core.config.ConfigError` naming the
file and what to do (:func:`write_error`), and leaves no temporary file behind.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Callable

from sim.core.config import ConfigError

#: errno values meaning "this place cannot be written to".
_NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}


def write_error(path: str | Path, exc: OSError, key: str = "") -> ConfigError:
    """The one-line error for ``exc``, raised while writing ``path``.

    Args:
        path: The file or folder being written.
        exc: The error the operating system gave.
        key: The option that named the place (``--out``), if any.
    """
    if exc.errno in _NOT_WRITABLE:
        problem = "not writable (permission denied or a read-only file system); " \
                  "choose another output place"
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
        problem = "no space left on the device (disk full or quota); free some space " \
                  "and rerun the same command: finished results are kept"
    else:
        problem = f"cannot be written ({exc.strerror or type(exc).__name__})"
    return ConfigError(str(path), key, problem)


def check_writable(folder: str | Path, key: str = "") -> Path:
    """Check that files can be created in ``folder`` (or, if it does not exist yet, in
    its nearest existing parent) before any work is done; returns ``folder``.

    The check creates and removes a hidden empty file: it asks the file system, not the
    permission bits (which the superuser, an immutable folder or a read-only mount make
    misleading). Nothing is left behind.

    Raises:
        ConfigError: the folder (or its parent) is not writable, or a file is in the way.
    """
    folder = Path(folder)
    probe_in = folder
    while not probe_in.exists():
        if probe_in.parent == probe_in:
            break
        probe_in = probe_in.parent
    if probe_in.exists() and not probe_in.is_dir():
        raise ConfigError(str(folder), key, f"{probe_in} is a file, not a folder; choose "
                          "another output place")
    probe = probe_in / f".regsim-write-check-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise write_error(folder, exc, key) from None
    os.close(fd)
    probe.unlink()
    return folder


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(tmp)`` to a hidden temporary name, then rename it:
    a reader (or a killed run) never sees a half-written file.

    Raises:
        ConfigError: the file could not be written (a read-only folder, a full disk,
            ...); the temporary file is removed.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise write_error(path, exc) from None
        raise


def write_json(path: Path, data: dict) -> None:
    """Write ``data`` as indented JSON, atomically."""
    write_atomic(path, lambda p: p.write_text(json.dumps(data, indent=2, default=str) + "\n",
                                              encoding="utf-8"))
