"""The facility dossier as a PDF, offline, with the same citations as the HTML page.

Written with fpdf2 in a TrueType font that has Hangul, since the documents quoted are
often Korean. The font is ``$SILLOK_PDF_FONT`` if set, else the first of the usual
system fonts found (NanumGothic from Debian's ``fonts-nanum``, Noto Sans KR, UnDotum,
Baekmuk Gulim). Without one, a dossier that quotes Hangul is refused with a message
saying what to install; one without Hangul falls back to DejaVu Sans.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from ..exc import ConfigError
from .dossier import Dossier, amount

log = logging.getLogger(__name__)

FONT_ENV = "SILLOK_PDF_FONT"
HANGUL_FONTS = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansKR-Regular.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansKR-Regular.otf",
    "/usr/share/fonts/truetype/unfonts-core/UnDotum.ttf",
    "/usr/share/fonts/truetype/baekmuk/gulim.ttf",
    "/Library/Fonts/NanumGothic.ttf",
    "C:/Windows/Fonts/malgun.ttf",
)
LATIN_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
GREY, INK, MARK = (95, 95, 95), (0, 0, 0), (150, 40, 0)


def _has_hangul(path: Path) -> bool:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            cmap = font.getBestCmap() or {}
    except Exception:  # not a font file at all
        return False
    return 0xAC00 in cmap and 0xD7A3 in cmap


def find_font(need_hangul: bool) -> Path:
    """The TrueType font to write with; :class:`ConfigError` says what to install."""
    configured = os.environ.get(FONT_ENV)
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ConfigError(f"{FONT_ENV}={configured} is not a file: give a .ttf font file")
        if need_hangul and not _has_hangul(path):
            raise ConfigError(f"{FONT_ENV}={configured} has no Hangul: the dossier quotes "
                              "Korean text; give a Korean font such as NanumGothic.ttf")
        return path
    for candidate in HANGUL_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    if need_hangul:
        raise ConfigError("no font with Hangul was found to write the PDF: install one "
                          "(Debian/Ubuntu: apt-get install fonts-nanum) or set "
                          f"{FONT_ENV} to a .ttf file with Hangul; or write --html instead")
    for candidate in LATIN_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ConfigError("no Unicode TrueType font was found to write the PDF: install "
                      f"fonts-nanum or fonts-dejavu, or set {FONT_ENV} to a .ttf file")


def _clean(value: Any) -> str:
    return CONTROL.sub(" ", "" if value is None else str(value))


def _all_text(dossier: Dossier) -> str:
    import json

    return json.dumps(dossier.as_dict(), ensure_ascii=False)


class _Writer:
    def __init__(self, font: Path) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_margins(18, 16, 18)
        self.pdf.add_font("body", fname=str(font))
        # Romanised names use letters (ŏ, ŭ) that Korean fonts may lack.
        fallbacks = [f for f in LATIN_FONTS if Path(f).is_file() and Path(f) != font]
        for number, fallback in enumerate(fallbacks):
            self.pdf.add_font(f"fallback{number}", fname=fallback)
        if fallbacks:
            self.pdf.set_fallback_fonts([f"fallback{n}" for n in range(len(fallbacks))])
        self.pdf.set_creator("Sillok")
        self.pdf.add_page()

    def para(self, text: str, size: float = 10, colour: tuple[int, int, int] = INK,
             gap: float = 1.5) -> None:
        self.pdf.set_font("body", size=size)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(0, size * 0.5, _clean(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(gap)

    def quote(self, item: dict[str, Any]) -> None:
        pdf = self.pdf
        pdf.set_font("body", size=9.5)
        height = 5.0
        pdf.set_x(pdf.l_margin + 4)
        pdf.set_text_color(*GREY)
        pdf.write(height, "…" + _clean(item["before"]))
        pdf.set_text_color(*MARK)
        pdf.write(height, _clean(item["text"]))
        pdf.set_text_color(*GREY)
        pdf.write(height, _clean(item["after"]) + "…")
        pdf.ln(height + 1)
        review = f" ({item['review']})" if item.get("review") else ""
        self.para(f"[{item['citation']}] {item['title']}{review}", 8.5, GREY, 0)
        self.para(f"document {item['document']}, characters {item['start']}–{item['end']}",
                  8.5, GREY, 3)


def render_pdf(dossier: Dossier) -> bytes:
    """The dossier as PDF bytes: the facility, each violation and figure quoted with its
    citation (document SHA-256 and character span), the imported records, the documents."""
    font = find_font(bool(HANGUL.search(_all_text(dossier))))
    # Subsetting narrates every TrueType table it drops; none matters for the PDF.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    out = _Writer(font)
    f, generated = dossier.facility, dossier.generated
    out.pdf.set_title(f"Dossier: {f['name']} ({f['id']})")
    out.para(f"Dossier: {f['name']} ({f['id']})", 16, INK, 2)
    if f.get("known"):
        place = ", ".join(p for p in (f.get("county"), f.get("province")) if p)
        out.para(f"{f['type_label']}; run by {f['agency_name']}; {place}.")
        out.para(f"Also known as: {'; '.join(f['names'][1:])}", 9)
        for status in f["status"]:
            out.para(f"Status: {status['value']} as of {status['as_of']} ({status['source']})",
                     9, INK, 0.5)
    out.para(f"Generated {generated['at']} by {generated['actor']} with {generated['tool']} "
             f"from the archive {generated['archive']}. {generated['extraction_note']} Each "
             "fact cites the exact characters of the document's clean text "
             "(sillok text DOC).", 8.5, GREY, 3)
    out.para(f"Violations reported ({len(dossier.violations)})", 13, INK, 2)
    for item in dossier.violations:
        statute = ", ".join(item["rome_statute"])
        out.para(item["label"] + (f" (Rome Statute art. 7(1)({statute}))" if statute else ""),
                 11, INK, 1)
        out.quote(item)
    out.para(f"Figures ({len(dossier.claims)})", 13, INK, 2)
    for item in dossier.claims:
        who = ", ".join(item["attributed_to"]) or "not attributed"
        when = f" as of {item['as_of']}" if item["as_of"] else ""
        out.para(f"{item['measure']}: {amount(item['low'], item['high'])}{when} ({who})",
                 11, INK, 1)
        out.quote(item)
    if dossier.imported:
        out.para(f"Records in imported datasets ({len(dossier.imported)})", 13, INK, 2)
        for record in dossier.imported:
            out.para(f"{record['source_title']} ({record['source']}), record "
                     f"{record['external_id']}: {record['name']}", 9.5, INK, 0.5)
            out.para(f"retrieved {record['retrieved'] or 'unknown'}; "
                     f"{record['record_url'] or record['source_url'] or ''}", 8.5, GREY, 2)
    out.para(f"Documents ({len(dossier.documents)})", 13, INK, 2)
    for doc in dossier.documents:
        out.para(f"{doc['title']} - {doc['publisher'] or 'publisher unknown'}, "
                 f"{doc['published'] or 'undated'}; extraction {doc['status']}", 9.5, INK, 0.5)
        out.para(f"document {doc['id']}", 8.5, GREY, 2)
    return bytes(out.pdf.output())
