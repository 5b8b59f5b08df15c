"""Output places that fail (issue 14, the output side of item 6, and item 10): a
read-only place for `run --out`, `report -o`, `plot -o` and `timeline --plot` is one line
naming it, exit 2, checked before any work and with nothing left behind; a full disk
while `run` writes a shard or the manifest is one line and leaves no temporary file;
`--dask` addresses are checked before connecting, and a remote one without TLS warns."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

import experiments.execution.files as files
from experiments.execution.files import check_writable, write_atomic
from experiments.execution.sweep import check_dask_address, load_table
from conftest import cli, one_line
from sim.core.config import ConfigError

REPO = Path(__file__).resolve().parents[1]
VARIANTS_SPEC = REPO / "tests" / "fixtures" / "specs" / "variants.toml"
VARIANTS = REPO / "tests" / "fixtures" / "results" / "variants"




@pytest.fixture
def read_only(tmp_path):
    """An empty folder nothing can be written into, even by the superuser (immutable
    when run as root, where permission bits do not stop a write)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
    yield folder
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(0o755)


def test_the_read_only_fixture_really_refuses_writes(read_only):
    with pytest.raises(OSError):
        (read_only / "x").write_text("x")


# --- read-only output places ---------------------------------------------------------------
@pytest.mark.parametrize("where", ["the folder", "a folder inside it"])
def test_run_into_a_read_only_place_is_one_line_before_any_deal(read_only, where, monkeypatch):
    import experiments.execution.sweep as sweep_module

    def no_deals(*_a, **_k):
        raise AssertionError("deals were played before the folder was checked")

    monkeypatch.setattr(sweep_module, "sweep", no_deals)
    out = read_only if where == "the folder" else read_only / "run" / "deep"
    code, _, err = cli("run", "--runs", "20", "--out", out, "--workers", "0")
    one_line(code, err, str(out), "--out", "not writable")
    assert list(read_only.iterdir()) == []


@pytest.mark.parametrize("command", ["sweep", "compare"])
def test_a_sweep_into_a_read_only_place_is_one_line(read_only, command):
    """It said "PermissionError: [Errno 1] Operation not permitted: 'ro/.lock'"."""
    code, _, err = cli(command, VARIANTS_SPEC, "--out", read_only, "--workers", "0")
    one_line(code, err, str(read_only), "--out", "not writable")
    assert list(read_only.iterdir()) == []


def test_plot_into_a_read_only_folder_is_one_line(read_only):
    code, _, err = cli("plot", VARIANTS, "-o", read_only / "figs")
    one_line(code, err, str(read_only / "figs"), "not writable")
    assert list(read_only.iterdir()) == []


@pytest.mark.parametrize("name", ["report.html", "report.pdf"])
def test_report_into_a_read_only_folder_is_one_line(read_only, name):
    code, _, err = cli("report", VARIANTS, "-o", read_only / name)
    one_line(code, err, str(read_only), "not writable")
    assert list(read_only.iterdir()) == []


def test_timeline_plot_into_a_read_only_folder_is_one_line_before_the_deal(read_only):
    code, out, err = cli("timeline", "--plot", read_only / "deal.png")
    one_line(code, err, str(read_only), "--plot", "not writable")
    assert out == "" and list(read_only.iterdir()) == []


def test_a_file_in_the_way_of_the_output_folder_is_one_line(tmp_path):
    (tmp_path / "taken").write_text("a file\n")
    code, _, err = cli("run", "--runs", "20", "--out", tmp_path / "taken" / "sub",
                       "--workers", "0")
    one_line(code, err, "is a file, not a folder")


# --- a full disk -----------------------------------------------------------------------------
def disk_full_after(monkeypatch, when):
    """Make Parquet and text writes fail with ENOSPC (after writing part of the file)
    whenever ``when(path, data)`` says so."""
    import pyarrow.parquet as pq

    real_parquet, real_text = pq.write_table, Path.write_text

    def parquet(table, where, *a, **k):
        if when(Path(where), None):
            Path(where).write_bytes(b"PAR1 half a shard")
            raise OSError(errno.ENOSPC, "No space left on device", str(where))
        return real_parquet(table, where, *a, **k)

    def text(self, data, *a, **k):
        if when(self, data):
            real_text(self, data[:10], *a, **k)
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_text(self, data, *a, **k)

    monkeypatch.setattr(pq, "write_table", parquet)
    monkeypatch.setattr(Path, "write_text", text)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*.tmp"))


def test_a_full_disk_while_writing_a_shard_is_one_line_and_leaves_no_temporary_file(
        tmp_path, monkeypatch):
    out = tmp_path / "run"
    disk_full_after(monkeypatch, lambda p, data: p.name.startswith(".p00000-"))
    code, _, err = cli("run", "--runs", "30", "--out", out, "--workers", "0", "--no-plot")
    one_line(code, err, str(out / "shards"), "no space left", "finished results are kept")
    assert leftovers(out) == [] and list((out / "shards").iterdir()) == []
    monkeypatch.undo()
    code, _, err = cli("run", "--runs", "30", "--out", out, "--workers", "0", "--no-plot")
    assert code == 0, err


def test_a_full_disk_while_writing_the_manifest_keeps_the_shards(tmp_path, monkeypatch):
    out = tmp_path / "run"
    disk_full_after(monkeypatch, lambda p, data: p.name == ".manifest.json.tmp"
                    and '"complete"' in data)
    code, _, err = cli("run", "--runs", "30", "--out", out, "--workers", "0", "--no-plot")
    one_line(code, err, str(out / "manifest.json"), "no space left")
    assert leftovers(out) == []
    assert '"running"' in (out / "manifest.json").read_text()      # the old one, whole
    monkeypatch.undo()
    code, stdout, err = cli("run", "--runs", "30", "--out", out, "--workers", "0",
                            "--no-plot")
    assert code == 0 and "1 of 1 tasks kept" in stdout, err
    assert len(load_table(out)) == 30


def test_write_atomic_removes_its_temporary_file_on_any_failure(tmp_path):
    target = tmp_path / "x.json"

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text("{ half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ConfigError, match="no space left"):
        write_atomic(target, half_then_fail)

    def half_then_bug(tmp: Path) -> None:
        tmp.write_text("{ half")
        raise ZeroDivisionError("a bug")

    with pytest.raises(ZeroDivisionError):      # a bug is not hidden as a disk error
        write_atomic(target, half_then_bug)
    assert list(tmp_path.iterdir()) == []


def test_check_writable_leaves_nothing_behind(tmp_path):
    assert check_writable(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert list(tmp_path.iterdir()) == []
    assert files.write_error(tmp_path, OSError(errno.EROFS, "ro")).problem.startswith(
        "not writable")


# --- --dask addresses --------------------------------------------------------------------------
@pytest.mark.parametrize("address", ["not an address", "tcp://scheduler", "tcp://h:99999",
                                     "udp://h:8786", "tcp://h:8786/path", ""])
def test_a_malformed_dask_address_is_one_line_before_connecting(address, tmp_path,
                                                                 monkeypatch):
    import distributed

    def no_client(*_a, **_k):
        raise AssertionError("connected before the address was checked")

    monkeypatch.setattr(distributed, "Client", no_client)
    spec = REPO / "tests" / "fixtures" / "specs" / "variants.toml"
    code, _, err = cli("sweep", spec, "--dask", address, "--out", tmp_path / "r")
    one_line(code, err, "--dask", "not a scheduler address", "tls://host:port")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("address, warns", [
    ("local", False), ("localhost:8786", False), ("tcp://127.0.0.1:8786", False),
    ("tcp://[::1]:8786", False), ("tls://scheduler.example.org:8786", False),
    ("tcp://10.1.2.3:8786", True), ("scheduler.example.org:8786", True)])
def test_a_remote_scheduler_without_tls_gets_a_warning(address, warns):
    warning = check_dask_address(address)
    assert (warning is not None) == warns
    if warns:
        assert "unpickled" in warning and "tls://" in warning and "\n" not in warning


def test_the_warning_is_printed_once_before_connecting(tmp_path, monkeypatch):
    import distributed

    def unreachable(*_a, **_k):
        raise OSError("Timed out trying to connect to tcp://10.1.2.3:8786 after 15 s")

    monkeypatch.setattr(distributed, "Client", unreachable)
    spec = REPO / "tests" / "fixtures" / "specs" / "variants.toml"
    code, _, err = cli("sweep", spec, "--dask", "tcp://10.1.2.3:8786", "--out",
                       tmp_path / "r")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 2, err
    assert lines[0].startswith("regsim: warning: --dask tcp://10.1.2.3:8786: results come "
                               "back unpickled")
    assert lines[1].startswith("regsim: error: --dask: could not connect to a Dask scheduler "
                               "at tcp://10.1.2.3:8786 (OSError: Timed out")


def test_a_full_disk_while_drawing_figures_leaves_no_half_figure(tmp_path, monkeypatch):
    """`regsim plot` on a full disk: one line, and no partly written PNG or SVG (the
    figures were written in place, not atomically)."""
    from matplotlib.figure import Figure

    def half_then_full(self, fname, *args, **kwargs):
        Path(fname).write_bytes(b"\x89PNG half")
        raise OSError(errno.ENOSPC, "No space left on device", str(fname))

    monkeypatch.setattr(Figure, "savefig", half_then_full)
    figures = tmp_path / "figs"
    code, _, err = cli("plot", REPO / "tests" / "fixtures" / "results" / "variants", "-o",
                       figures)
    one_line(code, err, "no space left")
    assert [p.name for p in figures.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("failure", [OSError("Timed out trying to connect"),
                                     MemoryError("Unable to allocate 3.07 EiB"),
                                     ValueError("not Dask's protocol")])
def test_a_scheduler_that_cannot_be_reached_is_one_line(failure, tmp_path, monkeypatch):
    """Something at the address that does not speak Dask's protocol made the client try
    to allocate 3 EiB: a MemoryError traceback."""
    import distributed

    def refuse(*_a, **_k):
        raise failure

    monkeypatch.setattr(distributed, "Client", refuse)
    code, _, err = cli("sweep", VARIANTS_SPEC, "--dask", "127.0.0.1:8786", "--out",
                       tmp_path / "r")
    one_line(code, err, "--dask", "could not connect to a Dask scheduler at 127.0.0.1:8786",
             type(failure).__name__)
