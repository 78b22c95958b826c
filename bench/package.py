"""Package benchmark: time and peak memory of `sillok package` as the selection grows.

For each N it builds an archive of N small synthetic documents, then packages all of
them in a fresh child process and prints elapsed time, documents/s, MB/s and the
child's peak resident memory (and, with --tracemalloc, the peak of Python
allocations, which runs slower). Streaming means peak memory should stay roughly
flat from 5,000 to 50,000 documents.

Fast path for building the archive (the thing being measured is packaging, not
ingest): documents, clean texts, extractions and custody entries are written
straight into the tables in batches of 1,000 per transaction through the store's
own functions (`custody.append_event`, `extractions.save_extraction`), and the
originals straight into objects/ without fsync. No parsing, language detection
or near-duplicate index. Each document is a ~1.5 KB text report with an
extraction naming a facility, a violation and a claim.

Usage: python bench/package.py [--n 5000] [--n 50000] [--tracemalloc] [--keep DIR]
(--keep DIR keeps the archives and packages, and reuses an archive already built there.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FACILITIES = [("kwanliso-15", "Yodok"), ("kwanliso-14", "Kaechon"), ("kwanliso-16", "Hwasong"),
              ("kyohwaso-12", "Jongo-ri"), ("kwanliso-25", "Chongjin")]
VIOLATIONS = [("torture", "beaten during interrogation"),
              ("forced-labour", "forced to work in the mine"),
              ("starvation", "rations of a few hundred grams of maize"),
              ("execution", "a public execution")]


def _document(i: int, rng: random.Random) -> tuple[str, dict[str, Any]]:
    facility, place = rng.choice(FACILITIES)
    violation, phrase = rng.choice(VIOLATIONS)
    low = rng.randrange(1000, 100000, 500)
    head = (f"Report {i}: testimony on detention at {place}\n\n"
            f"A witness (interview {i}) held at {place} said prisoners were {phrase}. ")
    claim = f"more than {low:,} prisoners"
    body = (f"The witness estimated {claim} were held there in {2000 + i % 24}. "
            + "Guards searched the barracks at night and punished whole work units. " * 18)
    text = head + body
    output = {
        "document": f"report-{i}.txt", "language": "en", "title": f"Report {i}",
        "published": None, "publisher": None, "facility_types": [],
        "facilities": [{"id": facility, "mentions": [
            {"start": text.find(place), "end": text.find(place) + len(place), "text": place}]}],
        "agencies": [], "organizations": [],
        "violations": [{"id": violation, "facilities": [facility], "mentions": [
            {"start": text.find(phrase), "end": text.find(phrase) + len(phrase),
             "text": phrase}]}],
        "claims": [{"subject": facility, "measure": "prisoner-population", "low": low,
                    "high": None, "as_of": str(2000 + i % 24), "attributed_to": [],
                    "start": text.find(claim), "end": text.find(claim) + len(claim),
                    "text": claim}],
    }
    return text, output


def build(root: Path, n: int) -> float:
    """A synthetic archive of ``n`` documents at ``root``; returns seconds taken."""
    import sillok
    from sillok.ids import sha256_bytes
    from sillok.store import custody, extractions
    from sillok.store.tables import documents, texts

    started = time.perf_counter()
    archive = sillok.init_archive(root)
    rng = random.Random(7)
    actor = archive.settings.actor
    for start in range(0, n, 1000):
        with archive.writer() as conn:
            for i in range(start, min(n, start + 1000)):
                text, output = _document(i, rng)
                data = text.encode("utf-8")
                sha = sha256_bytes(data)
                path = archive.object_path(sha)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
                now = custody.utc_now()
                conn.execute(documents.insert().values(
                    id=sha, size=len(data), media_type="text/plain", status="ok", reason=None,
                    original_name=f"report-{i}.txt", title=f"Report {i}", author=None,
                    publisher=None, published=None, url=None, language="en", encoding="utf-8",
                    metadata={}, ingested_at=now, children_complete=True))
                conn.execute(texts.insert().values(
                    document_id=sha, extractor="plain@bench", text=text, text_sha256=sha,
                    pages=[], created_at=now, current=True))
                custody.append_event(conn, action="ingest", object_type="document",
                                     object_id=sha, object_sha256=sha, actor=actor,
                                     details={"source": f"bench/report-{i}.txt",
                                              "text_sha256": sha, "status": "ok"})
                output["sha256"] = sha
                extractions.save_extraction(conn, doc_id=sha, extractor="bench@1",
                                            text_sha256=sha, output=output, actor=actor)
    archive.engine.dispose()
    return time.perf_counter() - started


def package_child(archive: str, out: str, trace: bool) -> None:
    """Run in a fresh process: package everything, print one JSON line of figures."""
    import tracemalloc

    from sillok import export

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    result = export.package(out, archive=archive)
    elapsed = time.perf_counter() - started
    figures = {"documents": result.documents, "elapsed": elapsed,
               "octets": int(result.payload_oxum.split(".")[0]),
               "rss_baseline_kib": baseline,
               "rss_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    if trace:
        figures["python_peak_bytes"] = tracemalloc.get_traced_memory()[1]
    started = time.perf_counter()
    report = export.verify_package(out)
    figures["verify_elapsed"] = time.perf_counter() - started
    figures["verify_ok"] = report.ok
    print(json.dumps(figures))


def run(n: int, work: Path, trace: bool) -> None:
    archive = work / f"archive-{n}"
    if (archive / "sillok.db").is_file():
        print(f"N={n:,}: reusing the synthetic archive in {archive}", flush=True)
    else:
        seconds = build(archive, n)
        print(f"N={n:,}: built the synthetic archive in {seconds:.1f} s (fast path)",
              flush=True)
    out = work / f"package-{n}"
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, __file__, "--child", str(archive), str(out)]
    if trace:
        command.append("--tracemalloc")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    elapsed = figures["elapsed"]
    line = (f"N={n:,}: packaged {figures['documents']:,} documents "
            f"({figures['octets'] / 1e6:.1f} MB payload) in {elapsed:.1f} s, "
            f"{figures['documents'] / elapsed:,.0f} documents/s, "
            f"{figures['octets'] / 1e6 / elapsed:.2f} MB/s; peak RSS "
            f"{figures['rss_peak_kib'] / 1024:.1f} MiB (after imports "
            f"{figures['rss_baseline_kib'] / 1024:.1f} MiB)")
    if trace:
        line += f"; Python peak allocations {figures['python_peak_bytes'] / 2**20:.2f} MiB"
    print(line)
    print(f"N={n:,}: verify-package {'OK' if figures['verify_ok'] else 'FAILED'} in "
          f"{figures['verify_elapsed']:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="documents (repeatable)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also report the peak of Python allocations (slower)")
    parser.add_argument("--keep", metavar="DIR",
                        help="build in DIR and keep it; an archive already there is reused")
    parser.add_argument("--child", nargs=2, metavar=("ARCHIVE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        package_child(args.child[0], args.child[1], args.tracemalloc)
        return
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="sillok-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for n in args.n or [5000]:
            run(n, work, args.tracemalloc)
    finally:
        if not args.keep:
            for path in work.rglob("*"):
                if path.is_file():
                    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
