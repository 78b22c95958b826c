"""The ingest workers run ahead of the writer by a bounded amount of work: enough to keep
them busy while it writes, never so much that big files pile up in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

import sillok
from sillok.ingest import pipeline

FILES = 120  # enough for the worker pool (32), in 15 chunks of 8


def _reports(folder: Path) -> list[str]:
    folder.mkdir()
    names = []
    for n in range(FILES):
        name = f"report-{n:03d}.txt"
        (folder / name).write_text(
            f"Report {n}: a former prisoner of Camp {14 + n % 3} describes forced labour "
            f"in {1990 + n % 30} and rations of {100 + n} grams of maize a day.\n" * 40)
        names.append(name)
    return names


def _ahead(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many chunks the workers hold each time the writer hands them one more."""
    seen: list[int] = []
    send = pipeline.Ingester._send_chunk

    def counting(self: pipeline.Ingester) -> None:
        send(self)
        seen.append(len(self._window))

    monkeypatch.setattr(pipeline.Ingester, "_send_chunk", counting)
    return seen


@pytest.mark.parametrize("budget", ["chunks", "bytes"])
def test_workers_run_ahead_within_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              budget: str) -> None:
    names = _reports(tmp_path / "reports")
    if budget == "chunks":
        monkeypatch.setattr(pipeline, "IN_FLIGHT", 3)
    else:  # each chunk is over the budget: one at a time
        monkeypatch.setattr(pipeline, "IN_FLIGHT_BYTES", 1000)
    seen = _ahead(monkeypatch)
    report = sillok.ingest_path(tmp_path / "reports", archive=tmp_path / "archive")
    assert [Path(item.source).name for item in report.items] == names  # in input order
    assert report.counts == {"ok": FILES}
    limit = 4 if budget == "chunks" else 2  # the one just sent, over the limit a moment
    assert seen and max(seen) == limit
