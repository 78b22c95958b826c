"""Collect and preserve: originals byte-for-byte, duplicates, metadata, listing, text."""

from __future__ import annotations

import os
import random
import stat
from pathlib import Path

import pytest

import sillok
from sillok.exc import ConfigError
from sillok.ingest import similar
from sillok.settings import load_settings
from sillok.store.archive import Archive

ARTICLE = """Satellite imagery shows Camp 15 expanding

Published on March 3, 2021

Analysts reviewed satellite imagery of Kwanliso No. 15 at Yodok and found new guard
posts along the perimeter fence, suggesting the camp remains in operation.

Former prisoners describe forced labour in gypsum mines and constant hunger, and say
that guards beat prisoners who failed to meet their daily quotas.
"""


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_ingest_keeps_the_original_byte_for_byte(tmp_path: Path, archive: Archive) -> None:
    # Windows line endings, a BOM and trailing bytes must all survive untouched.
    raw = b"\xef\xbb\xbf" + ARTICLE.replace("\n", "\r\n").encode() + b"\r\n\r\n"
    source = write(tmp_path / "in" / "report.txt", raw)
    report = sillok.ingest_path(source, archive=archive)
    (item,) = report.items
    assert item.status == "ok"
    assert sillok.original_bytes(item.document_id or "", archive=archive) == raw
    stored = archive.object_path(item.document_id or "")
    assert stored.read_bytes() == raw
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_same_bytes_twice_are_one_document_with_two_custody_events(
        tmp_path: Path, archive: Archive) -> None:
    first = write(tmp_path / "a" / "one.txt", ARTICLE)
    second = write(tmp_path / "b" / "copy-of-one.txt", ARTICLE)
    report = sillok.ingest_path(first, second, archive=archive)
    assert [i.status for i in report.items] == ["ok", "skipped-duplicate"]
    assert len(sillok.list_documents(archive)) == 1
    doc_id = report.items[0].document_id or ""
    events = [e for e in sillok.custody_log(doc_id, archive=archive) if e["action"] == "ingest"]
    assert len(events) == 2
    assert {e["details"]["source"] for e in events} == {str(first), str(second)}
    shown = sillok.show_document(doc_id, archive=archive)
    assert {s["source"] for s in shown["sources"]} == {str(first), str(second)}


def test_metadata_for_a_text_page(tmp_path: Path, archive: Archive) -> None:
    source = write(tmp_path / "camp15.txt", ARTICLE)
    (item,) = sillok.ingest_path(source, archive=archive).items
    doc = sillok.show_document(item.document_id or "", archive=archive)
    assert doc["title"] == "Satellite imagery shows Camp 15 expanding"
    assert doc["published"] == "2021-03-03"
    assert doc["language"] == "en"
    assert doc["media_type"] == "text/plain"
    assert doc["size"] == len(ARTICLE.encode())
    assert doc["sha256"] == item.document_id


def test_html_metadata_and_boilerplate(tmp_path: Path, archive: Archive) -> None:
    page = """<!doctype html><html lang="en"><head><meta charset="utf-8">
    <title>Women held at Jongo-ri - North Korea Monitor</title>
    <meta name="author" content="Jane Kim"><meta property="og:site_name" content="NK Monitor">
    <meta property="article:published_time" content="2022-06-14T09:00:00Z">
    <link rel="canonical" href="https://example.org/news/jongori"></head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
    <li><a href="/donate">Donate Now</a></li></ul></nav>
    <div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
    <article><h1>Women held at Jongo-ri</h1>
    <p>Former detainees of Kyohwaso No. 12 at Jongo-ri described being forced to work in a
    copper mine for twelve hours a day with almost no food.</p>
    <p>Several women said guards beat them when they could not meet the quota, and that
    detainees who fell ill were denied medical care.</p>
    <p>The testimony matches satellite images that show new barracks inside the walls.</p>
    </article>
    <aside><h3>Most read</h3><ul><li><a href="/x">Markets reopen in Hyesan after
    flooding</a></li></ul></aside>
    <div class="share">Share this via Facebook Share this via WhatsApp</div>
    <footer>© 2022 NK Monitor. All rights reserved. Privacy policy</footer>
    </body></html>"""
    source = write(tmp_path / "jongori.html", page)
    (item,) = sillok.ingest_path(source, archive=archive).items
    doc = sillok.show_document(item.document_id or "", archive=archive)
    text = sillok.document_text(item.document_id or "", archive=archive)
    assert "forced to work in a\ncopper mine" in text or "forced to work in a copper mine" in text
    assert "denied medical care" in text
    assert "new barracks inside the walls" in text
    for chrome in ("Donate Now", "cookies", "Share this via", "Markets reopen", "rights reserved"):
        assert chrome not in text
    assert doc["title"] == "Women held at Jongo-ri"
    assert doc["author"] == "Jane Kim"
    assert doc["published"] == "2022-06-14"
    assert doc["url"] == "https://example.org/news/jongori"
    assert doc["media_type"] == "text/html"


def test_encodings_are_detected_and_invalid_bytes_never_crash(
        tmp_path: Path, archive: Archive) -> None:
    korean = "요덕 정치범수용소에서 강제노동과 고문이 계속되고 있다고 탈북민들이 증언했다. " * 3
    euc = write(tmp_path / "euckr.txt", korean.encode("cp949"))
    broken = write(tmp_path / "broken.txt", b"Yodok camp report \xff\xfe\xfa invalid bytes " * 5
                   + "요덕".encode())
    report = sillok.ingest_path(euc, broken, archive=archive)
    assert [i.status for i in report.items] == ["ok", "ok"]
    euc_doc = sillok.show_document(report.items[0].document_id or "", archive=archive)
    assert euc_doc["language"] == "ko"
    assert "요덕 정치범수용소에서" in sillok.document_text(euc_doc["id"], archive=archive)
    assert "Yodok camp report" in sillok.document_text(report.items[1].document_id or "",
                                                        archive=archive)


def test_document_reference_by_prefix_and_path(tmp_path: Path, archive: Archive) -> None:
    source = write(tmp_path / "camp15.txt", ARTICLE)
    (item,) = sillok.ingest_path(source, archive=archive).items
    doc_id = item.document_id or ""
    assert sillok.resolve_document(doc_id[:8], archive=archive) == doc_id
    assert sillok.resolve_document(str(source), archive=archive) == doc_id
    assert sillok.resolve_document(doc_id.upper(), archive=archive) == doc_id


def test_near_duplicates_are_grouped_never_deleted(tmp_path: Path, archive: Archive) -> None:
    story = " ".join([
        "Seoul, 4 May. Former detainees of the Chongori reform-through-labour camp said",
        "that prisoners were forced to work in copper mines and on farms for up to fourteen",
        "hours a day. Several described public executions carried out in front of all",
        "inmates, and said food rations had been cut to a handful of maize. The accounts",
        "were collected by a Seoul-based documentation group over two years of interviews",
        "with more than sixty escapees who had been held at the facility between 2015",
        "and 2020. The group said it would share the testimonies with United Nations",
        "investigators working on accountability for crimes against humanity."])
    first = write(tmp_path / "site-a.html", f"""<html><head><title>Site A</title></head><body>
        <nav>Home | World | Asia</nav><article><h1>Escapees describe Chongori camp</h1>
        <p>{story}</p></article><footer>Site A news</footer></body></html>""")
    second = write(tmp_path / "site-b.html", f"""<html><head><title>Site B</title></head><body>
        <div class="menu">Politics Business Sport</div><main><h1>Inside Chongori</h1>
        <p>{story} Reporting by Site B staff.</p></main></body></html>""")
    other = write(tmp_path / "other.txt", ARTICLE)
    report = sillok.ingest_path(first, second, other, archive=archive)
    a, b, c = (i.document_id or "" for i in report.items)
    assert len(sillok.list_documents(archive)) == 3
    dups_a = sillok.show_document(a, archive=archive)["near_duplicates"]
    assert [d["id"] for d in dups_a] == [b]
    assert dups_a[0]["similarity"] >= 80
    assert sillok.show_document(c, archive=archive)["near_duplicates"] == []


def _distinct_article(rng: random.Random) -> str:
    """A short report of its own: no two share more than a few word sequences."""
    people = ["A former prisoner", "An escapee", "A witness", "A guard who defected",
              "A woman from Hyesan", "A farmer from Onsong", "A student", "A miner"]
    verbs = ["described", "recalled", "reported", "said she saw", "said he saw", "wrote about"]
    things = ["beatings in the cells", "hunger in the winter", "forced labour in the mines",
              "public executions", "the death of a cellmate", "interrogations at night",
              "punishment of whole families", "the closing of the camp school"]
    sentences = [f"{rng.choice(people)} {rng.choice(verbs)} {rng.choice(things)} in "
                 f"{rng.randint(1970, 2023)}, {rng.randint(2, 900)} days after arriving at "
                 f"block {rng.randint(1, 60)}." for _ in range(14)]
    return " ".join(sentences)


@pytest.mark.parametrize("memory", ["default", "tiny"])
def test_near_duplicates_are_found_across_batches_workers_and_runs(
        tmp_path: Path, archive: Archive, monkeypatch: pytest.MonkeyPatch, memory: str) -> None:
    # Enough files for the worker pool and for more than one transaction, with the two
    # copies of one story far apart; a third copy then arrives in a later run. With
    # "tiny", the index keeps almost nothing in memory and must find them in the database.
    if memory == "tiny":
        monkeypatch.setattr(similar, "SIGNATURE_CACHE", 3)
        monkeypatch.setattr(similar, "HOLDER_CACHE", 5)
    rng = random.Random(5)
    story = _distinct_article(rng)
    folder = tmp_path / "batch"
    copies = {0: f"Site A\n\n{story}\n", 70: f"Reprinted from Site A\n\n{story}\n\nShare\n",
              140: f"{story}\n\nMore from Site C\n"}
    for n in range(150):
        write(folder / f"{n:03d}.txt", copies.get(n) or _distinct_article(rng))
    first = sillok.ingest_path(folder, archive=archive)
    assert first.counts == {"ok": 150}
    ids = {int(Path(i.source).stem): i.document_id or "" for i in first.items}
    later = sillok.ingest_path(write(tmp_path / "later.txt", f"{story}\nMore reading\n"),
                               archive=archive).items[0].document_id or ""

    def near(doc: str) -> set[str]:
        return {d["id"] for d in sillok.show_document(doc, archive=archive)["near_duplicates"]}

    family = {ids[0], ids[70], ids[140], later}
    for member in family:
        assert near(member) == family - {member}
    assert near(ids[50]) == set()


def test_the_number_of_parse_workers_is_a_setting(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "many"
    rng = random.Random(9)
    for n in range(40):
        write(folder / f"{n:02d}.txt", _distinct_article(rng))
    monkeypatch.setenv("SILLOK_WORKERS", "2")
    settings = load_settings(tmp_path / "a")
    assert settings.workers == 2
    report = sillok.ingest_path(folder, archive=sillok.init_archive(tmp_path / "a"))
    assert report.counts == {"ok": 40}
    monkeypatch.setenv("SILLOK_WORKERS", "many")
    with pytest.raises(ConfigError, match="workers must be a whole number"):
        load_settings(tmp_path / "a")


def test_folder_ingest_is_recursive_and_ordered(tmp_path: Path, archive: Archive) -> None:
    root = tmp_path / "batch"
    write(root / "b.txt", ARTICLE + "b")
    write(root / "sub" / "deeper" / "c.md", "# Report\n\n" + ARTICLE + "c")
    write(root / "a.txt", ARTICLE + "a")
    report = sillok.ingest_path(root, archive=archive)
    names = [os.path.relpath(i.source, root) for i in report.items]
    assert names == ["a.txt", "b.txt", os.path.join("sub", "deeper", "c.md")]
    assert all(i.status == "ok" for i in report.items)
    md = sillok.show_document(report.items[2].document_id or "", archive=archive)
    assert md["media_type"] == "text/markdown"


def test_metadata_of_a_run_together_web_dump(dev_corpus: Path, archive: Archive) -> None:
    report = sillok.ingest_path(dev_corpus / "000_00f1d34da9d8489a.txt", archive=archive)
    doc = sillok.show_document(report.items[0].document_id or "", archive=archive)
    assert doc["title"] == "UN Finds Torture, Forced Labor Still Rampant in North Korean Prisons"
    assert doc["publisher"] == "Human Rights Watch"
    # the byline date, not the earlier date of the photo caption
    assert doc["published"] == "2021-02-09"
    text = sillok.document_text(doc["id"], archive=archive)
    assert "Share this via WhatsApp" not in text and "Donate Now" not in text
    assert "kyohwaso" in text
