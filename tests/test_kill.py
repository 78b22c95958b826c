"""A killed ingest (kill -9, a real subprocess) leaves an archive that verifies clean,
and running the same command again completes the batch with no duplicates."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import sillok

FILES = 120


def _batch(root: Path) -> None:
    root.mkdir()
    for n in range(FILES):
        (root / f"report-{n:03d}.txt").write_text(
            f"Testimony {n}: the witness was held at Camp {14 + n % 3} for {n} months and "
            "describes forced labour, beatings and starvation rations.\n" * 20)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for n in range(30):
            bundle.writestr(f"bundle/member-{n:02d}.txt",
                            f"Bundled statement {n} about Kyohwaso No. 12 at Jongo-ri.\n" * 10)
    (root / "bundle.zip").write_bytes(buffer.getvalue())


def _ingest(archive: Path, batch: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SILLOK_ARCHIVE": str(archive), "SILLOK_ACTOR": "kill-test"}
    return subprocess.Popen([sys.executable, "-m", "sillok", "ingest", str(batch)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _documents(archive: Path) -> int:
    return len(sillok.list_documents(archive))


def _band_rows(archive: Path) -> tuple[int, int, int]:
    """Near-duplicate band rows, documents still waiting for theirs, signatures."""
    with contextlib.closing(sqlite3.connect(archive / "sillok.db")) as conn:
        bands, waiting, signed = (conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                                  for table in ("minhash_bands", "minhash_pending", "signatures"))
    return bands, waiting, signed


def test_kill_9_mid_ingest_then_rerun(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    _batch(batch)
    expected = FILES + 1 + 30  # the files, the zip, its members
    archive = tmp_path / "archive"
    killed_midway = 0
    for delay in (1.0, 1.7, 2.4, 3.1, 3.8):
        process = _ingest(archive, batch)
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed_midway += 1
        process.wait()
        if not (archive / "sillok.db").exists():
            continue  # killed while Python was still starting: nothing was written yet
        report = sillok.verify(archive)
        assert report.ok, [p.message for p in report.problems]
        assert _documents(archive) <= expected
    assert killed_midway >= 2, "the ingest finished before it could be killed"
    final = _ingest(archive, batch)
    _out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    assert _documents(archive) == expected
    assert sillok.verify(archive).ok
    # band rows left waiting by the killed runs were written: 32 for every signature
    bands, waiting, signed = _band_rows(archive)
    assert signed > 100 and (bands, waiting) == (32 * signed, 0)
    # a complete re-run adds nothing
    again = _ingest(archive, batch)
    again.communicate(timeout=300)
    assert _documents(archive) == expected
    assert not list((archive / "staging").glob("[!.]*"))


def test_kill_9_while_parsing_in_workers_leaves_no_orphans(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    for n in range(600):
        (batch / f"page-{n:03d}.html").write_text(
            f"<html><head><title>Report {n}</title></head><body><nav>Home | Donate</nav>"
            f"<article><p>Witness {n} was held at Camp 15 near Yodok.</p>"
            + "<p>Prisoners were beaten and given starvation rations.</p>" * 40
            + "</article></body></html>")
    archive = tmp_path / "archive"
    process = _ingest(archive, batch)
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while not workers and process.poll() is None and time.monotonic() < deadline:
        workers = _children(process.pid)
        time.sleep(0.05)
    assert workers, "the ingest never started its parse workers"
    time.sleep(0.5)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "parse workers outlived the killed ingest"
    report = sillok.verify(archive)
    assert report.ok, [p.message for p in report.problems]
    final = _ingest(archive, batch)
    _out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    assert _documents(archive) == 600
