"""Ingest benchmark: the whole `sillok ingest` pipeline against trafilatura alone.

Generates N realistic saved web pages — article text in the style of reporting on the
DPRK detention system, wrapped in varied site templates with real-looking chrome
(navigation, language menus, cookie and donation banners, share buttons, comments,
sidebars, footers) — then prints, from one run, documents/s and MB/s for

  * trafilatura's extraction alone on the same pages (the options Sillok uses), timed
    before and after the pipeline and averaged, and
  * the whole pipeline (`sillok.ingest_path` into a fresh archive: hashing, format
    detection, decoding, boilerplate removal, language, near-duplicate index, the
    database transaction, the custody log, the write-once object store).

Usage: python bench/ingest.py [--n 1000] [--n 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

import trafilatura

import sillok
from sillok.ingest.html import EXTRACTOR

FACILITIES = [
    ("Kwanliso No. 15", "Yodok", "South Hamgyong"), ("Camp 14", "Kaechon", "South Pyongan"),
    ("Camp 16", "Hwasong", "North Hamgyong"), ("Camp 25", "Chongjin", "North Hamgyong"),
    ("Kyohwaso No. 12", "Jongo-ri", "North Hamgyong"), ("Kyohwaso No. 1", "Kaechon",
                                                         "South Pyongan"),
    ("the Onsong holding centre", "Onsong", "North Hamgyong"),
    ("the Hyesan labour training centre", "Hyesan", "Ryanggang"),
]
ABUSES = [
    "were beaten during interrogation and forced to hold stress positions for hours",
    "received rations of a few hundred grams of maize a day and many died of hunger",
    "were forced to work in mines and logging sites for up to fourteen hours a day",
    "witnessed public executions carried out in front of assembled prisoners",
    "were denied medical care when they fell ill with tuberculosis or typhoid",
    "described sexual violence by guards and forced abortions of repatriated women",
    "said entire families had been sent to the camp under guilt by association",
    "were held for months without charge or any contact with their relatives",
]
SOURCES = ["the UN Commission of Inquiry", "the Database Center for North Korean Human Rights",
           "Human Rights Watch", "the Committee for Human Rights in North Korea",
           "the Korea Institute for National Unification", "the Transitional Justice Working "
           "Group", "the UN Office of the High Commissioner for Human Rights"]
NAMES = ["Witness A-{n}", "a former prisoner identified as B-{n}", "an escapee, C-{n},"]


def article(rng: random.Random, n: int) -> tuple[str, list[str]]:
    facility, place, province = rng.choice(FACILITIES)
    title = f"{rng.choice(['New testimony', 'Report', 'Satellite study', 'Survivors'])} on " \
            f"{facility} at {place} ({n})"
    paragraphs = []
    for p in range(rng.randint(5, 9)):
        sentences = []
        for _ in range(rng.randint(3, 6)):
            witness = rng.choice(NAMES).format(n=rng.randint(1, 9999))
            year = rng.randint(1995, 2023)
            sentences.append(rng.choice([
                f"In {year}, {witness} said prisoners at {facility} in {place}, {province}, "
                f"{rng.choice(ABUSES)}.",
                f"According to {rng.choice(SOURCES)}, between {rng.randint(5, 50)},000 and "
                f"{rng.randint(51, 120)},000 people were held there as of {year}.",
                f"{rng.choice(SOURCES).capitalize()} documented {rng.randint(2, 400)} cases in "
                f"which detainees {rng.choice(ABUSES)}.",
                f"Satellite imagery from {year} shows {rng.randint(2, 30)} new buildings and "
                f"{rng.randint(1, 9)} guard towers along the perimeter near {place}.",
            ]))
        paragraphs.append(" ".join(sentences) + f" [{n}.{p}]")
    return title, paragraphs


def page(rng: random.Random, n: int) -> str:
    title, paragraphs = article(rng, n)
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    nav = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in
                  ["Home", "News", "Reports", "Asia", "Take Action", "About", "Donate"])
    langs = "".join(f'<a href="/{c}">{c}</a> ' for c in
                    ["English", "한국어", "日本語", "Français", "Español", "中文"])
    share = "".join(f'<a class="share" href="#">Share this via {s}</a>'
                    for s in ["Facebook", "Twitter", "WhatsApp", "Email", "LinkedIn"])
    related = "".join(f'<li><a href="/s/{i}">{rng.choice(["Markets", "Floods", "Elections"])} '
                      f"update {i}</a></li>" for i in range(rng.randint(4, 9)))
    comments = "".join(f'<div class="comment"><b>user{rng.randint(1, 999)}</b> '
                       f"<span>{rng.randint(1, 11)} months ago</span><p>Thanks for this "
                       "report, everyone should read it.</p></div>"
                       for _ in range(rng.randint(0, 4)))
    template = rng.randrange(3)
    published = f"{rng.randint(2010, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    head = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}'
            f' | Site {template}</title><meta name="author" content="Staff {template}">'
            f'<meta property="article:published_time" content="{published}"></head><body>')
    cookie = ('<div id="cookie">We use cookies to improve your experience. '
              '<button>Accept all</button></div>')
    if template == 0:
        main = f"<article><h1>{title}</h1>{body}</article>"
        return (f"{head}{cookie}<header><nav><ul>{nav}</ul></nav><div>{langs}</div></header>"
                f"<main>{main}<div>{share}</div><section id='comments'><h3>Comments</h3>"
                f"{comments}</section></main><aside><h3>Most read</h3><ul>{related}</ul>"
                "</aside><footer>© Site 0. All rights reserved. Privacy</footer></body></html>")
    if template == 1:
        return (f"{head}<div class='top'>{langs}</div><div class='menu'><ul>{nav}</ul></div>"
                f"<div class='donate'>Help us continue our work. Donate Now</div>"
                f"<div class='content'><h1>{title}</h1><div class='body'>{body}</div></div>"
                f"<div class='social'>{share}</div><div class='related'><h4>More reading</h4>"
                f"<ul>{related}</ul></div><div class='footer'>Sign up for updates"
                "<form><input name='email'></form></div></body></html>")
    return (f"{head}<table><tr><td>{nav}</td></tr></table>{cookie}<div id='main'>"
            f"<h2>{title}</h2>{body}</div><div id='side'><ul>{related}</ul></div>"
            f"<div>{comments}</div><div>{share}</div></body></html>")


def generate(folder: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        data = page(rng, i).encode("utf-8")
        (folder / f"page-{i:06d}.html").write_bytes(data)
        total += len(data)
    return total


def trafilatura_alone(folder: Path) -> float:
    started = time.perf_counter()
    for path in sorted(folder.iterdir()):
        trafilatura.bare_extraction(path.read_bytes().decode("utf-8"), options=EXTRACTOR)
    return time.perf_counter() - started


def _cpu() -> tuple[float, float]:
    """CPU seconds used so far by this process and by its finished children (workers)."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                          resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def pipeline(folder: Path, archive: Path) -> tuple[float, dict[str, int], tuple[float, float]]:
    started, (own, children) = time.perf_counter(), _cpu()
    report = sillok.ingest_path(folder, archive=archive)
    elapsed, (own_after, children_after) = time.perf_counter() - started, _cpu()
    return elapsed, report.counts, (own_after - own, children_after - children)


def run(n: int, work: Path) -> float:
    pages = work / f"pages-{n}"
    size = generate(pages, n)
    mb = size / 1e6
    # warm both paths (imports, model loading) outside the timings
    sillok.ingest_path(next(pages.iterdir()), archive=work / f"warm-{n}")
    # trafilatura alone is timed before and after the pipeline, and the pipeline compared
    # with their mean: on a shared machine the speed of the cores drifts between runs.
    before = trafilatura_alone(pages)
    whole, counts, (main_cpu, worker_cpu) = pipeline(pages, work / f"archive-{n}")
    after = trafilatura_alone(pages)
    alone = (before + after) / 2
    ratio = alone / whole
    print(f"N={n:>6}  {mb:7.1f} MB  trafilatura alone: {n / alone:7.1f} docs/s "
          f"{mb / alone:5.2f} MB/s | sillok ingest: {n / whole:7.1f} docs/s {mb / whole:5.2f} "
          f"MB/s | pipeline/trafilatura = {ratio:.2f}  {counts}\n"
          f"          trafilatura alone {n / before:.1f} docs/s before the pipeline, "
          f"{n / after:.1f} after: pipeline/trafilatura {before / whole:.2f} and "
          f"{after / whole:.2f} against each\n"
          f"          per page: trafilatura alone {alone * 1000 / n:.2f} ms (one process); "
          f"pipeline CPU {main_cpu * 1000 / n:.2f} ms main + {worker_cpu * 1000 / n:.2f} ms "
          f"workers, on {os.cpu_count()} cores", flush=True)
    return n / whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, action="append", help="pages (repeatable)")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: temporary)")
    args = parser.parse_args()
    sizes = args.n or [1000, 10000]
    work = args.keep or Path(tempfile.mkdtemp(prefix="sillok-bench-"))
    try:
        rates = [run(n, work) for n in sizes]
        if len(rates) > 1:
            print(f"throughput at N={sizes[-1]} is {rates[-1] / rates[0]:.2f}x "
                  f"throughput at N={sizes[0]}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
