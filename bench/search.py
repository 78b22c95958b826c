"""Search and analysis benchmark: Sillok's index against plain SQLite FTS5, same data, one run.

Generates N documents of reporting on the DPRK detention system (English and Korean
sentences built from the field's vocabulary: facilities in their many spellings,
violations, credited organisations, figures, witness accounts, and filler prose),
with a syndicated copy for one in twenty. The documents go into a real archive by a
fast path — rows inserted directly into ``documents``, ``texts``, ``items``,
``extractions`` (the extraction JSON the generator knows to be true, with exact
offsets) and ``near_duplicates`` — because running ingest and the extractor over
100,000 documents would measure those stages, not this one. Then it prints:

* index build time (``sillok.index.refresh`` from empty: terms, facts, tantivy) and size;
* p50/p95 of ``sillok.search.search`` (the whole verb: index check, query parsing,
  knowledge-base expansion, engine, result rows, snippets) for single-term queries,
  variant-expanded queries, and the same with facet counts;
* p50/p95 of the dossier of the most-mentioned facility;
* a plain SQLite FTS5 table (unicode61) over the same texts: build time, size, and
  p50/p95 of a single-term bm25 top-20 query, with the ratio to Sillok's.

Usage: python bench/search.py [--n 100000] [--runs 60] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

import sillok
from sillok import analyse
from sillok.index import refresh
from sillok.index.tables import index_mentions
from sillok.search import search
from sillok.store import custody
from sillok.store.tables import documents, extractions, items, near_duplicates, runs, texts

# (id, English spellings, Korean spellings); the first is made the most mentioned.
FACILITIES = [
    ("kwanliso-15", ["Yodok", "Yoduk", "Camp 15", "Kwanliso No. 15", "Yodok political prison camp"],
     ["요덕", "요덕수용소", "15호 관리소"]),
    ("kwanliso-14", ["Camp 14", "Kaechon political prison camp", "Kwanliso 14"], ["14호 관리소"]),
    ("kwanliso-16", ["Camp 16", "Hwasong kwanliso", "Myonggan"], ["화성정치범수용소", "명간"]),
    ("kwanliso-25", ["Camp 25", "Kwanliso No. 25"], ["25호 관리소"]),
    ("kwanliso-18", ["Camp 18", "Kwanliso No. 18"], ["18호 관리소"]),
    ("kyohwaso-12", ["Kyohwaso No. 12", "Jongo-ri", "Chongori prison"], ["전거리교화소"]),
    ("kyohwaso-1", ["Kyohwaso No. 1", "Kaechon re-education camp"], ["개천교화소"]),
    ("kwanliso-22", ["Camp 22", "Haengyong camp"], ["22호 관리소"]),
]
VIOLATIONS = {
    "torture": ["were beaten with sticks during interrogation",
                "were forced into stress positions for days", "suffered water torture"],
    "execution": ["witnessed public executions by firing squad",
                  "saw guards shoot prisoners who tried to escape"],
    "forced-labour": ["were forced to work fourteen hours a day in the mines",
                      "had to meet logging quotas or lose their rations"],
    "starvation": ["received less than 300 grams of corn a day",
                   "ate rats and grass to survive the famine rations"],
    "death-in-custody": ["died of hunger and disease in large numbers",
                         "saw cellmates die of untreated injuries"],
    "sexual-violence": ["were sexually abused by guards"],
    "reproductive-violence": ["were subjected to forced abortions after repatriation"],
    "collective-punishment": ["were imprisoned with three generations of their family"],
    "medical-neglect": ["were denied any medical care for tuberculosis"],
}
VIOLATIONS_KO = {
    "torture": "고문을 당했다", "execution": "공개처형을 목격했다",
    "forced-labour": "강제노동에 시달렸다", "starvation": "굶주림에 시달렸다",
    "death-in-custody": "많은 수감자가 사망했다",
}
ORGS = [("ohchr", "the UN human rights office"), ("hrw", "Human Rights Watch"),
        ("nkdb", "the Database Center for North Korean Human Rights"), ("kinu", "KINU"),
        ("hrnk", "the Committee for Human Rights in North Korea"), ("un-coi", "the UN COI"),
        ("amnesty", "Amnesty International"), ("tjwg", "the Transitional Justice Working Group")]
ORGS_KO = [("nkdb", "북한인권정보센터"), ("kinu", "통일연구원")]
PUBLISHERS = ["Daily NK", "Radio Free Asia", "Reuters", "NK News", "Human Rights Watch",
              "Amnesty International", "The Korea Herald", "Yonhap", "Chosun Ilbo",
              "The Guardian", "BBC", "Korea JoongAng Daily", "Voice of America", "NK Watch"]
_WORD_LIST = ("prisoner detainee guard camp inmate family escape border China repatriation "
         "interrogation ration corn mine logging farm barracks punishment cell testimony "
         "defector survivor report satellite imagery perimeter fence watchtower province "
         "county ministry security agency police court sentence trial charge crime "
         "political religious Christian bible broadcast smuggling market winter cold "
         "hunger disease tuberculosis typhoid diarrhoea injury beating stick shoe "
         "kneeling women children elderly mother father brother sister village railway "
         "truck night morning year month week hour official cadre inspection quota "
              "production gold coal timber salt factory kitchen meal soup grain")
WORDS = _WORD_LIST.split()
FILLER = [
    "The government in Pyongyang has denied the existence of political prison camps.",
    "Satellite imagery analysed by researchers shows new guard posts along the perimeter.",
    "Families were not told where their relatives had been taken.",
    "Many former detainees now live in South Korea and agreed to speak on condition of "
    "anonymity.",
    "The report calls on the Security Council to refer the situation to the International "
    "Criminal Court.",
]
FILLER_KO = ["북한 당국은 정치범수용소의 존재를 부인해 왔다.",
             "위성사진 분석 결과 경비초소가 새로 설치된 것으로 나타났다.",
             "가족들은 수감자가 어디로 끌려갔는지 알지 못했다."]


class Doc:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.mentions: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.links: dict[str, set[str]] = {}
        self.claims: list[dict[str, Any]] = []

    def add(self, text: str, kind: str | None = None, ident: str | None = None) -> None:
        if kind and ident is not None and ident == "":
            kind = None
        if kind and ident:
            self.mentions.setdefault((kind, ident), []).append(
                {"start": self.size, "end": self.size + len(text), "text": text})
        self.parts.append(text)
        self.size += len(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _zipf(rng: random.Random, n: int) -> int:
    weights = [1 / (i + 1) for i in range(n)]
    return rng.choices(range(n), weights)[0]


def make_doc(rng: random.Random, korean: bool) -> Doc:
    doc = Doc()
    # most reports are about one or two facilities; some about none in particular
    subjects = [FACILITIES[_zipf(rng, len(FACILITIES))] for _ in range(rng.choice((0, 1, 1, 2)))]
    for _ in range(rng.randint(8, 18)):
        if subjects:
            fid, en, ko = rng.choice(subjects)
        else:
            fid, en, ko = "", ["the camp"], ["수용소"]
        roll = rng.random()
        if korean:
            if roll < 0.45:
                violation = rng.choice(list(VIOLATIONS_KO))
                doc.add("탈북민들은 ")
                doc.add(rng.choice(ko) + "에서", "facilities", fid)
                doc.add(" 수감자들이 ")
                doc.add(VIOLATIONS_KO[violation], "violations", violation)
                doc.add("고 증언했다. ")
                if fid:
                    doc.links.setdefault(violation, set()).add(fid)
            elif roll < 0.465 and fid:
                oid, name = rng.choice(ORGS_KO)
                low = rng.randrange(5, 200) * 1000
                doc.add(name, "organizations", oid)
                doc.add("에 따르면 ")
                doc.add(rng.choice(ko), "facilities", fid)
                doc.add(f"에는 약 {low:,}명이 수감되어 있다. ")
                doc.claims.append({"subject": fid, "measure": "prisoner-population",
                                   "low": low, "high": low, "as_of": None,
                                   "attributed_to": [oid]})
            else:
                doc.add(rng.choice(FILLER_KO) + " ")
            continue
        if roll < 0.45:
            violation = rng.choice(list(VIOLATIONS))
            doc.add(rng.choice(["Former prisoners of ", "Detainees held in ",
                                "A survivor of ", "Inmates at "]))
            doc.add(rng.choice(en), "facilities", fid)
            doc.add(" ")
            doc.add(rng.choice(VIOLATIONS[violation]), "violations", violation)
            if fid:
                doc.links.setdefault(violation, set()).add(fid)
            if rng.random() < 0.4:
                oid, name = rng.choice(ORGS)
                doc.add(", according to ")
                doc.add(name, "organizations", oid)
            doc.add(". ")
        elif roll < 0.46 and fid:
            oid, name = rng.choice(ORGS)
            low = rng.randrange(5, 200) * 1000
            high = low + rng.randrange(0, 5) * 10000
            year = rng.randrange(1995, 2024)
            doc.add(f"In {year}, ")
            doc.add(name, "organizations", oid)
            doc.add(f" estimated that between {low:,} and {high:,} people were held in ")
            doc.add(rng.choice(en), "facilities", fid)
            doc.add(". ")
            doc.claims.append({"subject": fid, "measure": "prisoner-population", "low": low,
                               "high": high, "as_of": str(year), "attributed_to": [oid]})
        elif roll < 0.75:
            doc.add(rng.choice(FILLER) + " ")
        else:
            words = rng.sample(WORDS, rng.randint(10, 22))
            doc.add(" ".join(words).capitalize() + ". ")
        if rng.random() < 0.25:
            doc.add("\n")
    return doc


def extraction_json(doc: Doc, name: str, sha: str, language: str, title: str,
                    published: str, publisher: str) -> dict[str, Any]:
    def entries(kind: str) -> list[dict[str, Any]]:
        return [{"id": ident, "mentions": found}
                for (k, ident), found in sorted(doc.mentions.items()) if k == kind]

    violations = entries("violations")
    for entry in violations:
        entry["facilities"] = sorted(doc.links.get(entry["id"], ()))
    return {"document": name, "sha256": sha, "language": language, "title": title,
            "published": published, "publisher": publisher, "facility_types": [],
            "facilities": entries("facilities"), "agencies": [],
            "organizations": entries("organizations"), "violations": violations,
            "claims": [{**c, "start": 0, "end": 0, "text": ""} for c in doc.claims]}


def populate(archive: Any, n: int, seed: int = 7) -> tuple[list[str], float, int]:
    """Insert ``n`` generated documents by the fast path; returns texts, seconds, bytes."""
    rng = random.Random(seed)
    began = time.perf_counter()
    now = custody.utc_now()
    all_texts: list[str] = []
    total_bytes = 0
    with archive.writer() as conn:
        run_id = conn.execute(runs.insert().values(
            command="bench", actor="bench", started_at=now, tool_version="bench",
            arguments={})).inserted_primary_key[0]
    batch: dict[str, list[dict[str, Any]]] = {"d": [], "t": [], "i": [], "e": [], "n": []}
    previous: tuple[str, str] | None = None
    for number in range(n):
        korean = rng.random() < 0.2
        if previous is not None and rng.random() < 0.05:
            # a syndicated copy: same story, another site's title line
            text = previous[1].replace("Former prisoners", "Ex-prisoners", 1)
            doc = None
        else:
            doc = make_doc(rng, korean)
            text = doc.text
        publisher = rng.choice(PUBLISHERS)
        title = " ".join(rng.sample(WORDS, 6)).title()
        published = f"{rng.randrange(2000, 2025)}-{rng.randrange(1, 13):02d}-" \
                    f"{rng.randrange(1, 29):02d}"
        sha = hashlib.sha256(f"{number}:{text}".encode()).hexdigest()
        text_sha = hashlib.sha256(text.encode()).hexdigest()
        name = f"bench/{number:06d}.txt"
        language = "ko" if korean else "en"
        batch["d"].append({"id": sha, "size": len(text.encode()), "media_type": "text/plain",
                           "status": "ok", "reason": None, "original_name": name,
                           "title": title, "author": None, "publisher": publisher,
                           "published": published, "url": None, "language": language,
                           "encoding": "utf-8", "metadata": {}, "ingested_at": now,
                           "children_complete": True})
        batch["t"].append({"document_id": sha, "extractor": "bench", "text": text,
                           "text_sha256": text_sha, "pages": [], "created_at": now,
                           "current": True})
        batch["i"].append({"run_id": run_id, "source": name, "parent_id": None,
                           "document_id": sha, "status": "ok", "reason": None,
                           "size": len(text), "at": now})
        if doc is not None:
            output = extraction_json(doc, name, sha, language, title, published, publisher)
            previous = (sha, text)
            source_output = output
        else:
            output = {**source_output, "document": name, "sha256": sha}
            assert previous is not None
            batch["n"] += [{"document_id": sha, "other_id": previous[0], "similarity": 97},
                           {"document_id": previous[0], "other_id": sha, "similarity": 97}]
        batch["e"].append({"document_id": sha, "extractor": "bench@1", "text_sha256": text_sha,
                           "output": output, "output_sha256": text_sha, "created_at": now,
                           "current": True})
        all_texts.append(text)
        total_bytes += len(text.encode())
        if len(batch["d"]) >= 5000 or number == n - 1:
            with archive.writer() as conn:
                conn.execute(documents.insert(), batch["d"])
                conn.execute(texts.insert(), batch["t"])
                conn.execute(items.insert(), batch["i"])
                conn.execute(extractions.insert(), batch["e"])
                if batch["n"]:
                    conn.execute(near_duplicates.insert(), batch["n"])
            batch = {k: [] for k in batch}
    return all_texts, time.perf_counter() - began, total_bytes


CPU: dict[str, float] = {}


def timed(runs_: int, func: Any, *args: Any, **kwargs: Any) -> tuple[float, float, Any]:
    """Wall-clock p50 and p95 in ms; the CPU time of this process goes to CPU["p50"] and
    CPU["p95"] (on a busy machine the two differ: wall time includes waiting for a core)."""
    samples, cpu, result = [], [], None
    for _ in range(runs_):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = func(*args, **kwargs)
        samples.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    samples.sort()
    cpu.sort()
    at95 = min(len(samples) - 1, round(0.95 * (len(samples) - 1)))
    CPU["p50"], CPU["p95"] = statistics.median(cpu), cpu[at95]
    return statistics.median(samples), samples[at95], result


def cycle(queries: list[str]) -> Any:
    state = {"i": 0}

    def next_query() -> str:
        state["i"] += 1
        return queries[state["i"] % len(queries)]
    return next_query


def db_size(archive: Any) -> int:
    """The database file's size once the write-ahead log is folded in."""
    with archive.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return int((archive.root / "sillok.db").stat().st_size)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def plain_fts5(folder: Path, corpus: list[str], queries: list[str], runs_: int
               ) -> dict[str, float]:
    path = folder / "plain-fts5.db"
    db = sqlite3.connect(path)
    began = time.perf_counter()
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(body)")
    db.executemany("INSERT INTO docs(body) VALUES (?)", ((t,) for t in corpus))
    db.commit()
    build = time.perf_counter() - began
    pick = cycle(queries)

    def query() -> list[Any]:
        return db.execute("SELECT rowid, bm25(docs) FROM docs WHERE docs MATCH ? "
                          "ORDER BY bm25(docs) LIMIT 20", (pick(),)).fetchall()
    timed(3, query)
    p50, p95, _ = timed(runs_, query)
    db.close()
    print(f"  (plain FTS5 CPU p50 {CPU['p50']:.1f} ms)")
    return {"build": build, "size": path.stat().st_size, "p50": p50, "p95": p95}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="documents (default 100000)")
    parser.add_argument("--runs", type=int, default=60, help="timed runs per figure")
    parser.add_argument("--keep", type=Path, help="keep the archive in this folder")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sillok-bench-search-"))
    root = args.keep or workdir / "archive"
    try:
        reuse = args.keep is not None and (root / "sillok.db").exists()
        archive = sillok.init_archive(root)
        if reuse:  # a kept archive: measure again without regenerating
            with archive.reader() as conn:
                corpus = [str(t) for t in conn.execute(select(texts.c.text)).scalars()]
            print(f"documents: {len(corpus):,} (reusing {root})")
        else:
            corpus, seconds, size = populate(archive, args.n)
            print(f"documents: {args.n:,} ({size / 1e6:.0f} MB of text) inserted in "
                  f"{seconds:.1f} s")
        db_before = db_size(archive)
        began = time.perf_counter()
        report = refresh(archive)
        build = time.perf_counter() - began
        db_after = db_size(archive)
        engine_size = folder_size(root / "index" / "fulltext")
        print(f"index build: {build:.1f} s ({report.indexed / build:,.0f} docs/s, "
              f"{report.indexed:,} indexed now); "
              f"full-text index {engine_size / 1e6:.1f} MB, analysis tables "
              f"~{max(0, db_after - db_before) / 1e6:.1f} MB")

        single = ["torture", "executions", "starvation", "guards", "tuberculosis", "mines",
                  "interrogation", "고문", "수감자들이", "satellite"]
        expanded = ["Yoduk", "요덕", "Camp 14", "kwan-li-so 16", "Hwasong", "Jongo-ri",
                    "Camp 25 torture", "kyohwaso no. 1"]
        figures: dict[str, tuple[float, float]] = {}
        cpu_times: dict[str, tuple[float, float]] = {}
        for label, queries, opts in (
                ("single-term", single, {"expand": False}),
                ("variant-expanded", expanded, {}),
                ("single-term + facets", single, {"expand": False, "facets": True}),
                ("variant-expanded + facets", expanded, {"facets": True})):
            pick = cycle(queries)
            timed(3, lambda o=opts, p=pick: search(p(), archive, **o))
            p50, p95, result = timed(args.runs, lambda o=opts, p=pick: search(p(), archive, **o))
            figures[label] = (p50, p95)
            cpu_times[label] = (CPU["p50"], CPU["p95"])
            target = 200 if "facets" in label else 50
            print(f"search {label:27s} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                  f"(CPU p50 {CPU['p50']:5.1f} p95 {CPU['p95']:5.1f} ms; target p95 <= "
                  f"{target} ms; last query {result['total']:,} hits)")
        counts = Counter[str]()
        with archive.reader() as conn:
            for value, found in conn.execute(
                    select(index_mentions.c.value, func.count())
                    .where(index_mentions.c.kind == "facility")
                    .group_by(index_mentions.c.value)):
                counts[str(value)] = int(found)
        top, mentions = counts.most_common(1)[0]
        p50, p95, found = timed(max(20, args.runs // 3), analyse.dossier, top, archive)
        cpu_times["dossier"] = (CPU["p50"], CPU["p95"])
        print(f"dossier {top} ({mentions:,} documents, {found['violations'][0]['documents']:,} "
              f"for its top violation, {found['estimates_total']:,} figures): p50 {p50:.0f} ms"
              f"  p95 {p95:.0f} ms  (CPU p50 {CPU['p50']:.0f} p95 {CPU['p95']:.0f} ms; "
              "target <= 500 ms)")
        fts = plain_fts5(workdir, corpus, single, args.runs)
        ours = figures["single-term"][1]
        print(f"plain SQLite FTS5 (unicode61, bm25 top 20, no snippets/expansion): build "
              f"{fts['build']:.1f} s, {fts['size'] / 1e6:.1f} MB, p50 {fts['p50']:.1f} ms, "
              f"p95 {fts['p95']:.1f} ms")
        print(f"ratio FTS5 p95 / Sillok single-term p95: {fts['p95'] / ours:.2f}x")
        print(json.dumps({"n": args.n, "build_s": round(build, 1),
                          "index_mb": round(engine_size / 1e6, 1),
                          "search_ms": {k: [round(a, 1), round(b, 1)]
                                        for k, (a, b) in figures.items()},
                          "dossier_ms": [round(p50), round(p95)],
                          "cpu_ms": {k: [round(a, 1), round(b, 1)]
                                     for k, (a, b) in cpu_times.items()},
                          "fts5": {k: round(v, 1) for k, v in fts.items()}}))
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
