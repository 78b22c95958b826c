#!/usr/bin/env python3
"""Benchmark extraction on a ~30 KB report; prints the median time and throughput.

    python bench/extract.py [--runs 50] [--size 30000] [--korean]

The report is built from the development corpus (cleaned like ``sillok text``
cleans it) and the synthetic evaluation documents, English and Korean, cut at
a paragraph boundary near the requested size. The target from issue 3 is a
median of at most 20 ms and at least 1 MB/s. Not a test: timings depend on the
machine and on its load, so the CPU time of the process is printed as well.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT.parent / "shared" / "corpus" / "dev", ROOT / "tests" / "eval" / "docs"]


def build_report(size: int, korean: bool = False) -> str:
    from sillok.api import parse_file

    paragraphs: list[str] = []
    for folder in SOURCES:
        if folder.is_dir():
            paragraphs.extend(parse_file(path).text for path in sorted(folder.glob("*.txt")))
    if korean:  # only the Korean evaluation documents
        paragraphs = [p for p in paragraphs if len(re.findall("[\uac00-\ud7a3]", p)) * 2 >
                      len(re.findall("[A-Za-z]", p))]
    # English first (the dev corpus), then the mixed and Korean evaluation documents
    paragraphs.sort(key=lambda text: bool(re.search("[\uac00-\ud7a3]", text[:2000])))
    if not paragraphs:
        raise SystemExit("no documents found to build the report from")
    pieces: list[str] = []
    used = 0
    while used < size:
        for text in paragraphs:
            for paragraph in text.split("\n\n"):
                pieces.append(paragraph)
                used += len(paragraph.encode("utf-8")) + 2
                if used >= size:
                    return "\n\n".join(pieces)
    return "\n\n".join(pieces)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--size", type=int, default=30_000, help="report size in bytes")
    parser.add_argument("--korean", action="store_true",
                        help="build the report from the Korean documents only")
    args = parser.parse_args(argv)

    from sillok.extract import extract_text

    report = build_report(args.size, korean=args.korean)
    size = len(report.encode("utf-8"))
    extract_text(report, document="bench", sha256="0" * 64)  # warm-up: caches, lazy imports
    timings: list[float] = []
    cpu: list[float] = []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        record = extract_text(report, document="bench", sha256="0" * 64)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    median = statistics.median(timings)
    print(f"report: {size:,} bytes, {len(report):,} characters; {args.runs} runs")
    print(f"found: {len(record['violations'])} violation categories, "
          f"{len(record['claims'])} claims, "
          f"{sum(len(o['mentions']) for o in record['organizations'])} organisation mentions")
    print(f"median {median * 1000:.1f} ms  (min {min(timings) * 1000:.1f} ms, "
          f"max {max(timings) * 1000:.1f} ms)")
    print(f"throughput {size / median / 1_000_000:.2f} MB/s")
    # CPU time is what the extractor costs when other processes compete for the machine
    print(f"CPU time median {statistics.median(cpu) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
