"""Checking a package someone hands you: the bag, then the custody entries inside it.

The bag check is the reference ``bagit`` library's full validation (every file
re-hashed against every manifest). The custody check works even where a bag's
manifests were regenerated after tampering: each entry's hash is recomputed,
consecutive entries must link, entries removed from the log are named by their
sequence number (against the count bag-info.txt records), and every original, text
and extraction must hash to what its custody entry recorded. Any bag can be checked; one without
Sillok's ``documents.jsonl`` and ``custody.jsonl`` gets the bag check alone.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bagit

from ..ids import canonical_json, sha256_bytes, sha256_file
from ..store.custody import HASHED_FIELDS, entry_hash
from .bagwriter import SAFE_COMPONENT


@dataclass(frozen=True)
class PackageProblem:
    """One thing in a package that does not check out, named exactly."""

    kind: str  # bag | custody-edited | custody-unlinked | custody-missing | custody-extra
    #            | unlogged | mismatch | missing | extra | unreadable
    where: str  # a file in the bag, or custody#seq
    message: str


@dataclass
class PackageReport:
    path: Path
    bag_valid: bool = False
    sillok_package: bool = False
    documents: int = 0
    custody_entries: int = 0
    problems: list[PackageProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.bag_valid and not self.problems

    def add(self, kind: str, where: str, message: str) -> None:
        self.problems.append(PackageProblem(kind, where, message))

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "ok": self.ok, "bag_valid": self.bag_valid,
                "sillok_package": self.sillok_package, "documents": self.documents,
                "custody_entries": self.custody_entries,
                "problems": [{"kind": p.kind, "where": p.where, "message": p.message}
                             for p in self.problems]}


def _check_bag(path: Path, report: PackageReport) -> None:
    try:
        bag = bagit.Bag(str(path))
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = list(exc.details or [])
        for detail in details:
            where = str(getattr(detail, "path", "") or path)
            report.add("bag", where, f"bag: {detail}")
        if not details:
            report.add("bag", str(path), f"bag: {exc.message}")
        return
    except bagit.BagError as exc:
        report.add("bag", str(path), f"not a valid bag: {exc}")
        return
    report.bag_valid = True


def _lines(path: Path, report: PackageReport, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                report.add("unreadable", f"{name}:{number}", f"{name} line {number} is not JSON")
                continue
            if not isinstance(value, dict):
                report.add("unreadable", f"{name}:{number}",
                           f"{name} line {number} is not a JSON object")
                continue
            yield number, value


@dataclass
class _Logged:
    """What the custody entries in the package say about one document."""

    ingest_hashes: set[str] = field(default_factory=set)
    text_hashes: set[str] = field(default_factory=set)
    extractions: dict[str, str] = field(default_factory=dict)  # extractor -> newest hash
    reviews: int = 0  # review decisions logged about the document


def _check_custody(data: Path, report: PackageReport) -> dict[str, _Logged]:
    logged: dict[str, _Logged] = {}
    links: dict[int, tuple[str, str]] = {}  # seq -> (prev_hash, entry_hash)
    for number, entry in _lines(data / "custody.jsonl", report, "custody.jsonl"):
        report.custody_entries += 1
        missing = [k for k in (*HASHED_FIELDS, "entry_hash") if k not in entry]
        if missing:
            report.add("custody-edited", f"custody.jsonl:{number}", f"custody.jsonl line "
                       f"{number} lacks {', '.join(missing)}: it is not a whole custody entry")
            continue
        seq = entry["seq"]
        if entry_hash(entry) != entry["entry_hash"]:
            report.add("custody-edited", f"custody#{seq}",
                       f"custody entry #{seq} ({entry['action']} {str(entry['object_id'])[:16]}) "
                       "was edited: its content no longer matches its hash")
            continue
        if isinstance(seq, int):
            links[seq] = (str(entry["prev_hash"]), str(entry["entry_hash"]))
        object_id = str(entry["object_id"])
        doc_id = object_id.split("/", 1)[0]
        facts = logged.setdefault(doc_id, _Logged())
        details = entry["details"] if isinstance(entry["details"], dict) else {}
        if entry["action"] == "ingest" and object_id == doc_id and entry["object_sha256"]:
            facts.ingest_hashes.add(str(entry["object_sha256"]))
        if details.get("text_sha256"):
            facts.text_hashes.add(str(details["text_sha256"]))
        if entry["action"] == "review" and "/" in object_id:
            facts.reviews += 1
        if entry["action"] == "extract" and "/" in object_id and entry["object_sha256"]:
            facts.extractions[object_id.split("/", 1)[1]] = str(entry["object_sha256"])
    for seq, (prev_hash, _digest) in sorted(links.items()):
        before = links.get(seq - 1)
        if before is not None and before[1] != prev_hash:
            report.add("custody-unlinked", f"custody#{seq}",
                       f"custody entry #{seq} does not follow entry #{seq - 1}: one of the two "
                       "was replaced")
    _check_count(data.parent, links, report)
    return logged


def _recorded_entries(root: Path) -> int | None:
    """The custody-entry count bag-info.txt states (Sillok-Custody-Entries), if any."""
    try:
        lines = (root / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        label, _, value = line.partition(":")
        if label.strip() == "Sillok-Custody-Entries" and value.strip().isdigit():
            return int(value.strip())
    return None


def _check_count(root: Path, links: dict[int, tuple[str, str]], report: PackageReport) -> None:
    """Entries deleted from custody.jsonl, named by sequence number where possible.

    A package holds only the entries about its documents, so a gap in the sequence is
    normal (the entry was about something else). A gap is named as a missing entry only
    when bag-info.txt says entries are missing and the gaps account for exactly that many.
    """
    recorded = _recorded_entries(root)
    present = report.custody_entries
    if recorded is None or recorded == present:
        return
    if recorded < present:
        report.add("custody-extra", "data/custody.jsonl",
                   f"custody.jsonl holds {present} entries but bag-info.txt records "
                   f"{recorded}: {present - recorded} were added after the export")
        return
    seqs = sorted(links)
    gaps = [n for n in range(seqs[0] + 1, seqs[-1]) if n not in links] if seqs else []
    lost = recorded - present
    counts = f"bag-info.txt records {recorded} custody entries, custody.jsonl holds {present}"
    if gaps and len(gaps) == lost:
        for n in gaps:
            report.add("custody-missing", f"custody#{n}",
                       f"custody entry #{n} is missing from the package log: {counts}, and "
                       f"the sequence skips #{n} (entry #{n + 1}'s prev_hash "
                       f"{links[n + 1][0][:16]}… names it)" if n + 1 in links else
                       f"custody entry #{n} is missing from the package log: {counts}, and "
                       f"the sequence skips #{n}")
        return
    skipped = f"; the sequence skips {', '.join(f'#{n}' for n in gaps)}" if gaps else \
        "; the sequence has no gap, so the first or last entries were removed"
    report.add("custody-missing", "data/custody.jsonl",
               f"{lost} custody entr{'y is' if lost == 1 else 'ies are'} missing from the "
               f"package log: {counts}{skipped}")


def _safe_file(data: Path, relpath: Any) -> Path | None:
    """The file a documents.jsonl record names, if it is a plain path inside data/."""
    if not isinstance(relpath, str) or not relpath.startswith("data/"):
        return None
    parts = relpath.split("/")[1:]
    if not parts or not all(SAFE_COMPONENT.match(p) and p not in (".", "..") for p in parts):
        return None
    return data.joinpath(*parts)


def _check_document(data: Path, record: dict[str, Any], logged: dict[str, _Logged],
                    report: PackageReport) -> None:
    doc_id = str(record.get("id", ""))
    short = doc_id[:12]
    facts = logged.get(doc_id, _Logged())
    original = _safe_file(data, f"data/originals/{doc_id}")
    if original is None or not original.is_file():
        report.add("missing", f"data/originals/{doc_id}", f"the original of {short} is missing")
    else:
        digest = sha256_file(str(original))
        if digest != doc_id:
            report.add("mismatch", f"data/originals/{doc_id}", f"the original of {short} does "
                       "not match its SHA-256 (its name): it was altered")
        elif digest not in facts.ingest_hashes:
            report.add("unlogged", f"data/originals/{doc_id}", f"the original of {short} has no "
                       "ingest entry in custody.jsonl recording its SHA-256"
                       + _see_missing(report))
    text = record.get("text")
    if isinstance(text, dict):
        path = _safe_file(data, text.get("file"))
        if path is None or not path.is_file():
            report.add("missing", str(text.get("file")), f"the clean text of {short} is missing")
        else:
            digest = sha256_file(str(path))
            if digest != text.get("sha256"):
                report.add("mismatch", str(text.get("file")), f"the clean text of {short} does "
                           "not match the hash in documents.jsonl: it was altered")
            elif digest not in facts.text_hashes:
                report.add("unlogged", str(text.get("file")), f"the clean text of {short} "
                           "matches no text hash in its custody entries")
    extraction = record.get("extraction")
    if isinstance(extraction, dict):
        path = _safe_file(data, extraction.get("file"))
        if path is None or not path.is_file():
            report.add("missing", str(extraction.get("file")),
                       f"the extraction of {short} is missing")
            return
        raw = path.read_bytes()
        try:
            canonical = sha256_bytes(canonical_json(json.loads(raw)).encode("utf-8"))
        except ValueError:
            canonical = ""
        expected = facts.extractions.get(str(extraction.get("extractor")))
        if expected is None:
            report.add("unlogged", str(extraction.get("file")), f"the extraction of {short} "
                       f"({extraction.get('extractor')}) has no extract entry in custody.jsonl")
        elif expected not in (hashlib.sha256(raw).hexdigest(), canonical):
            report.add("mismatch", str(extraction.get("file")), f"the extraction of {short} "
                       "does not match the hash its newest extract entry records: it was altered")
        if isinstance(extraction.get("reviewed"), dict):
            _check_reviewed(data, extraction["reviewed"], expected, facts, short, report)


def _see_missing(report: PackageReport) -> str:
    """A pointer to the deleted entries, when some were found, for an unlogged file."""
    if any(p.kind == "custody-missing" for p in report.problems):
        return " (its entry may be one of those missing from the package log)"
    return ""


def _check_reviewed(data: Path, reviewed: dict[str, Any], machine_sha256: str | None,
                    facts: _Logged, short: str, report: PackageReport) -> None:
    """A reviewed extraction must be the one listed, rest on the logged machine output
    and be backed by review entries in the custody log."""
    where = str(reviewed.get("file"))
    path = _safe_file(data, reviewed.get("file"))
    if path is None or not path.is_file():
        report.add("missing", where, f"the reviewed extraction of {short} is missing")
        return
    raw = path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != reviewed.get("sha256"):
        report.add("mismatch", where, f"the reviewed extraction of {short} does not match the "
                   "hash in documents.jsonl: it was altered")
        return
    try:
        review = json.loads(raw).get("review") or {}
    except (ValueError, AttributeError):
        review = {}
    if machine_sha256 is not None and review.get("machine_output_sha256") != machine_sha256:
        report.add("mismatch", where, f"the reviewed extraction of {short} does not rest on "
                   "the machine extraction the custody log records")
    if facts.reviews == 0:
        report.add("unlogged", where, f"the reviewed extraction of {short} has no review "
                   "entries in custody.jsonl")


def verify_package(path: str | os.PathLike[str]) -> PackageReport:
    """Validate the bag at ``path`` and, for a Sillok package, its custody entries."""
    root = Path(path)
    report = PackageReport(path=root)
    if not root.is_dir():
        report.add("bag", str(root), f"{root} is not a folder: give the package's folder")
        return report
    _check_bag(root, report)
    data = root / "data"
    if not ((data / "documents.jsonl").is_file() and (data / "custody.jsonl").is_file()):
        return report
    report.sillok_package = True
    logged = _check_custody(data, report)
    listed: set[str] = set()
    for _number, record in _lines(data / "documents.jsonl", report, "documents.jsonl"):
        report.documents += 1
        listed.add(str(record.get("id")))
        _check_document(data, record, logged, report)
    originals = data / "originals"
    if originals.is_dir():
        for extra in sorted(p.name for p in originals.iterdir() if p.name not in listed):
            report.add("extra", f"data/originals/{extra}", f"data/originals/{extra} is not "
                       "listed in documents.jsonl")
    return report
