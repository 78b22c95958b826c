"""The crimes-against-humanity matrix: Rome Statute art. 7(1) against the evidence.

Each violation category in the knowledge base maps to the art. 7(1) crimes it may
evidence. For each crime, the matrix lists every (facility, violation) the
archive holds evidence for, with document and independent-source counts and the
strongest quotes, strongest corroboration first.
"""

from __future__ import annotations

from typing import Any

from ..kb import load_kb
from ..store.archive import Archive
from .evidence import corroborate_all, corroborate_facts, facility_label, strongest_quotes

ROME_STATUTE_7_1 = {
    "a": "murder",
    "b": "extermination",
    "c": "enslavement",
    "d": "deportation or forcible transfer of population",
    "e": "imprisonment or other severe deprivation of physical liberty",
    "f": "torture",
    "g": "rape, sexual slavery, enforced prostitution, forced pregnancy, enforced "
         "sterilization or other sexual violence",
    "h": "persecution",
    "i": "enforced disappearance of persons",
    "j": "the crime of apartheid",
    "k": "other inhumane acts",
}


def matrix(archive: Archive, *, facility: str | None = None, quotes: int = 2,
           categories: list[str] | None = None, max_groups: int | None = 10
           ) -> list[dict[str, Any]]:
    """One entry per art. 7(1) letter: its violations and the facts that evidence it."""
    kb = load_kb()
    letters = categories or list(ROME_STATUTE_7_1)
    out = []
    with archive.reader() as conn:
        facts = corroborate_facts(conn, facility=facility, max_groups=max_groups)
        best = strongest_quotes(conn, facts, per_fact=quotes)
        summaries = {}
        for letter in letters:
            violations = sorted(v.id for v in kb.violations.values()
                                if letter in v.rome_statute)
            summaries[letter] = (violations, corroborate_all(conn, facility=facility,
                                                             violations=violations))
    for letter in letters:
        violations, summary = summaries[letter]
        rows = []
        for (fac, violation), found in facts.items():
            if violation not in violations:
                continue
            rows.append({"facility": fac or None, "facility_label": facility_label(fac),
                         "violation": violation, **found,
                         "quotes": best.get((fac, violation), [])})
        rows.sort(key=lambda r: (-r["independent_sources"], -r["documents"],
                                 r["facility"] or "~", r["violation"]))
        out.append({
            "article": f"7(1)({letter})", "letter": letter,
            "crime": ROME_STATUTE_7_1[letter], "violations": violations,
            "facilities": len({r["facility"] for r in rows if r["facility"]}),
            "documents": summary["documents"],
            "independent_sources": summary["independent_sources"],
            "evidence": rows,
        })
    return out
