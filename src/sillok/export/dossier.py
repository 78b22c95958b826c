"""A facility dossier: what the archive's documents say about one facility, with citations.

``sillok dossier FACILITY --html OUT.html`` writes the HTML page (``OUT.pdf``: a
PDF) and its JSON twin (``OUT.json``, what the tests assert on). Every violation
and figure is cited to the document it comes from and the exact character span of
that document's clean text (``sillok text DOC`` prints it), quoted with its
surrounding words, so a reader can find the passage and anyone can re-check it
against an evidence package.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..__about__ import __version__
from ..exc import DocumentNotFound
from ..ids import sha256_bytes
from ..imports import imported_for
from ..kb import KnowledgeBase, load_kb
from ..store import custody
from ..store.archive import Archive
from .records import EXTRACTION_STATUS, exported_output, reviewed_documents
from .selection import Selection, selected_rows

CONTEXT = 160  # characters of clean text quoted on each side of a span


@dataclass
class Dossier:
    """The JSON twin of the HTML page."""

    facility: dict[str, Any]
    documents: list[dict[str, Any]] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    imported: list[dict[str, Any]] = field(default_factory=list)
    generated: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"facility": self.facility, "generated": self.generated,
                "documents": self.documents, "violations": self.violations,
                "claims": self.claims, "mentions": self.mentions, "imported": self.imported}


def _facility_record(kb: KnowledgeBase, facility_id: str) -> dict[str, Any]:
    facility = kb.facilities.get(facility_id)
    if facility is None:
        return {"id": facility_id, "name": facility_id, "known": False}
    kind = kb.facility_types.get(facility.type)
    agency = kb.agencies.get(facility.agency) if facility.agency else None
    return {
        "id": facility.id, "known": True, "name": facility.names[0],
        "names": facility.names, "type": facility.type,
        "type_label": kind.label if kind else facility.type,
        "agency": facility.agency, "agency_name": agency.name if agency else None,
        "province": facility.province, "county": facility.county,
        "coordinates": [{"lat": c.lat, "lon": c.lon, "source": c.source}
                        for c in facility.coordinates],
        "status": [{"value": s.value, "as_of": s.as_of, "source": s.source}
                   for s in facility.status],
        "population_estimates": [{"low": e.low, "high": e.high, "as_of": e.as_of,
                                  "source": e.source} for e in facility.population_estimates],
        "sources": facility.sources,
    }


def _citation(number: int, doc: dict[str, Any], text: str, start: int, end: int
              ) -> dict[str, Any]:
    return {"citation": number, "document": doc["id"], "title": doc["title"],
            "start": start, "end": end, "text": text[start:end],
            "before": text[max(0, start - CONTEXT):start], "after": text[end:end + CONTEXT]}


def build_dossier(archive: Archive, facility_id: str) -> Dossier:
    """Gather every document, violation, claim and mention about ``facility_id``."""
    kb = load_kb()
    dossier = Dossier(facility=_facility_record(kb, facility_id))
    counter = 0
    reviewed_docs = 0
    with archive.reader() as conn:
        reviewed = reviewed_documents(conn)
        dossier.imported = [_imported(r) for r in imported_for(conn, facility=facility_id)]
        for row in selected_rows(conn, Selection(facility=facility_id)):
            text = row["text"] or ""
            exported, review = exported_output(conn, row, reviewed)
            output = exported or {}
            reviewed_docs += review is not None
            doc = {"id": row["id"], "title": row["title"] or row["original_name"],
                   "original_name": row["original_name"], "publisher": row["publisher"],
                   "published": row["published"], "url": row["url"],
                   "text_sha256": row["text_sha256"],
                   "extractor": row["extraction_extractor"],
                   "status": review["status"] if review else EXTRACTION_STATUS,
                   "reviewed_by": review["reviewers"] if review else [],
                   "last_reviewed_at": review["last_reviewed_at"] if review else None}
            dossier.documents.append(doc)
            for entry in output.get("facilities") or []:
                if entry.get("id") == facility_id:
                    names = sorted({m["text"] for m in entry.get("mentions") or []})
                    dossier.mentions.append({"document": doc["id"], "names": names,
                                             "count": len(entry.get("mentions") or [])})
            for entry in output.get("violations") or []:
                if facility_id not in (entry.get("facilities") or []):
                    continue
                category = kb.violations.get(str(entry.get("id")))
                for mention in entry.get("mentions") or []:
                    counter += 1
                    dossier.violations.append({
                        "violation": entry.get("id"),
                        "label": category.label if category else entry.get("id"),
                        "rome_statute": category.rome_statute if category else [],
                        **_citation(counter, doc, text, mention["start"], mention["end"]),
                        **_state(mention)})
            for claim in output.get("claims") or []:
                if claim.get("subject") != facility_id:
                    continue
                counter += 1
                dossier.claims.append({
                    "measure": claim.get("measure"), "low": claim.get("low"),
                    "high": claim.get("high"), "as_of": claim.get("as_of"),
                    "attributed_to": claim.get("attributed_to") or [],
                    **_citation(counter, doc, text, claim["start"], claim["end"]),
                    **_state(claim)})
    if not dossier.documents:
        raise DocumentNotFound(f"no document's extraction names the facility {facility_id!r}: "
                               "check the id (e.g. kwanliso-15) or run `sillok extract` first")
    total = len(dossier.documents)
    status = EXTRACTION_STATUS if not reviewed_docs else \
        "reviewed" if reviewed_docs == total else "partly-reviewed"
    note = ("Facts below are machine extraction, not yet reviewed." if not reviewed_docs else
            f"Facts from the {reviewed_docs} reviewed document(s) of {total} are the reviewed "
            "extraction (rejected items left out, corrections applied; each marked); the rest "
            "are machine extraction.")
    dossier.generated = {"at": custody.utc_now(), "archive": str(archive.root),
                         "actor": archive.settings.actor, "tool": f"sillok {__version__}",
                         "extraction_status": status, "reviewed_documents": reviewed_docs,
                         "extraction_note": note}
    return dossier


def _state(item: dict[str, Any]) -> dict[str, Any]:
    return {"review": item["review"]} if "review" in item else {}


def _imported(record: dict[str, Any]) -> dict[str, Any]:
    """A record from an imported dataset, as the dossier shows it with its source."""
    keys = ("source", "source_title", "source_url", "kind", "external_id", "name",
            "record_url", "retrieved", "facts", "origin")
    return {k: record.get(k) for k in keys}


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _quote(item: dict[str, Any]) -> str:
    return (f'<blockquote>…{_e(item["before"])}<mark>{_e(item["text"])}</mark>'
            f'{_e(item["after"])}…</blockquote>'
            f'<p class="cite">[{item["citation"]}] {_e(item["title"])}, document '
            f'<code>{_e(item["document"])}</code>, characters {item["start"]}–{item["end"]}'
            + (f' <em>({_e(item["review"])})</em>' if item.get("review") else "") + "</p>")


def amount(low: Any, high: Any) -> str:
    """A figure or range as words: 5,000; 5,000–8,000; more than 500; up to 50,000."""
    if low is not None and high is not None:
        return f"{low:,}" if low == high else f"{low:,}–{high:,}"
    if low is not None:
        return f"more than {low:,}"
    return f"up to {high:,}" if high is not None else "unknown"


def render_html(dossier: Dossier) -> str:
    """The dossier as one self-contained HTML page (every value escaped)."""
    f = dossier.facility
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Dossier: {_e(f['name'])} ({_e(f['id'])})</title>",
        "<style>body{font-family:Georgia,serif;max-width:52em;margin:2em auto;padding:0 1em}"
        "blockquote{border-left:3px solid #999;margin:.5em 0;padding-left:1em;color:#333}"
        "mark{background:#fde68a}.cite{font-size:.85em;color:#555}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
        "code{font-size:.85em}</style></head><body>",
        f"<h1>{_e(f['name'])} <small>({_e(f['id'])})</small></h1>",
    ]
    if f.get("known"):
        parts.append(f"<p>{_e(f['type_label'])}; run by {_e(f['agency_name'])}; "
                     f"{_e(', '.join(p for p in (f['county'], f['province']) if p))}.</p>")
        parts.append(f"<p>Also known as: {_e('; '.join(f['names'][1:]))}</p>")
        for status in f["status"]:
            parts.append(f"<p>Status: {_e(status['value'])} as of {_e(status['as_of'])} "
                         f"({_e(status['source'])})</p>")
    generated = dossier.generated
    parts.append(f"<p class=\"cite\">Generated {_e(generated['at'])} by {_e(generated['actor'])}"
                 f" with {_e(generated['tool'])} from the archive {_e(generated['archive'])}. "
                 f"{_e(generated['extraction_note'])} Each fact cites the exact "
                 "characters of the document's clean text.</p>")
    parts.append(f"<h2>Violations reported ({len(dossier.violations)})</h2>")
    for item in dossier.violations:
        statute = ", ".join(item["rome_statute"])
        parts.append(f"<h3>{_e(item['label'])}"
                     + (f" <small>(Rome Statute art. 7(1)({_e(statute)}))</small>"
                        if statute else "") + "</h3>" + _quote(item))
    parts.append(f"<h2>Figures ({len(dossier.claims)})</h2>")
    for item in dossier.claims:
        who = ", ".join(item["attributed_to"]) or "not attributed"
        parts.append(f"<h3>{_e(item['measure'])}: {_e(amount(item['low'], item['high']))}"
                     f"{' as of ' + _e(item['as_of']) if item['as_of'] else ''} "
                     f"<small>({_e(who)})</small></h3>" + _quote(item))
    if dossier.imported:
        parts.append(f"<h2>Records in imported datasets ({len(dossier.imported)})</h2><ul>")
        for record in dossier.imported:
            link = record["record_url"] or record["source_url"]
            parts.append(f"<li>{_e(record['source_title'])} (<code>{_e(record['source'])}"
                         f"</code>), record <code>{_e(record['external_id'])}</code>: "
                         f"{_e(record['name'])}; retrieved {_e(record['retrieved'])}"
                         + (f"; {_e(link)}" if link else "") + "</li>")
        parts.append("</ul>")
    parts.append(f"<h2>Documents ({len(dossier.documents)})</h2><table><tr><th>title</th>"
                 "<th>publisher</th><th>published</th><th>SHA-256</th></tr>")
    for doc in dossier.documents:
        parts.append(f"<tr><td>{_e(doc['title'])}</td><td>{_e(doc['publisher'])}</td>"
                     f"<td>{_e(doc['published'])}</td><td><code>{_e(doc['id'])}</code></td></tr>")
    parts.append("</table></body></html>")
    return "\n".join(parts) + "\n"


def write_dossier(archive: Archive, facility_id: str, out: str | os.PathLike[str]
                  ) -> tuple[Path, Path, Dossier]:
    """Write OUT and its JSON twin beside it; log the export. Returns both paths.

    OUT ending in ``.pdf`` is written as a PDF (:mod:`sillok.export.dossier_pdf`),
    anything else as the HTML page.
    """
    dossier = build_dossier(archive, facility_id)
    page_path = Path(out).absolute()
    json_path = page_path.with_suffix(".json")
    if page_path.suffix.lower() == ".pdf":
        from .dossier_pdf import render_pdf

        page, kind = render_pdf(dossier), "pdf"
    else:
        page, kind = render_html(dossier).encode("utf-8"), "html"
    page_path.parent.mkdir(parents=True, exist_ok=True)
    twin = (json.dumps(dossier.as_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    page_path.write_bytes(page)
    json_path.write_bytes(twin)
    with archive.writer() as conn:
        archive.log_event(conn, "export", "dossier", f"dossier/{facility_id}",
                          sha256_bytes(page), {
                              "path": str(page_path), "format": kind, "json": str(json_path),
                              "json_sha256": sha256_bytes(twin), "facility": facility_id,
                              "documents": len(dossier.documents),
                              "reviewed_documents": dossier.generated["reviewed_documents"],
                              "imported_records": len(dossier.imported),
                              "citations": len(dossier.violations) + len(dossier.claims)})
    return page_path, json_path, dossier
