"""A chronology as PDF (WeasyPrint) and DOCX (python-docx), from the same `ChronologyDocument` as the page.

Both carry the same entries, the same "not shown to you" count and the same sharing labels as the screen: they are
renderings of the one selector's result, never a second query. Facts (each agency's entries) come first; analysis, when the
author adds any, is a separate, signed section after them, so the two are never mixed.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.template.loader import render_to_string

from .selectors import ChronologyDocument

PURPOSES = {
    "conference": "Child protection conference",
    "court": "Court",
    "review": "Case review",
    "other": "Multi-agency meeting",
}
MARKING = "OFFICIAL-SENSITIVE — personal data about a child. Do not share beyond the purpose stated."


@dataclass(frozen=True)
class ExportDetails:
    purpose: str  # a key of PURPOSES
    produced_by: str
    produced_by_agency: str
    produced_at: dt.datetime
    analysis: str = ""

    @property
    def purpose_label(self) -> str:
        return PURPOSES.get(self.purpose, PURPOSES["other"])


def _context(doc: ChronologyDocument, details: ExportDetails) -> dict:
    return {"doc": doc, "details": details, "marking": MARKING}


def chronology_pdf(doc: ChronologyDocument, details: ExportDetails) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string("people/pdf/chronology.html", _context(doc, details))).write_pdf()


def withheld_text(doc: ChronologyDocument) -> str:
    if not doc.withheld:
        return ""
    return (f"{doc.withheld} entr{'y is' if doc.withheld == 1 else 'ies are'} not shown: other agencies have not "
            "shared them with you. Ask the owning agency or the MASH.")


def chronology_docx(doc: ChronologyDocument, details: ExportDetails) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Mm(14))
    section.header.paragraphs[0].text = MARKING
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(f"{doc.title}: {doc.display_name}", level=0)
    born = f", born {doc.display_dob.day} {doc.display_dob:%B %Y}" if doc.display_dob else ""
    document.add_paragraph(f"{doc.display_name}{born}. Prepared for: {details.purpose_label}. "
                           f"Produced by {details.produced_by} ({details.produced_by_agency}) on "
                           f"{details.produced_at.day} {details.produced_at:%B %Y %H:%M}.")
    document.add_paragraph("; ".join(doc.filter_summary) + ".")
    if doc.composite:
        document.add_paragraph("Covers: " + "; ".join(f"{s.name} ({s.relationship.lower()})" for s in doc.subjects) + ".")
    if text := withheld_text(doc):
        document.add_paragraph(text)
    document.add_heading("Part 1: Facts — what each agency recorded", level=1)
    headers = ["Date", *(["Who"] if doc.composite else []), "Agency", "What happened", "Action taken and outcome",
               "Significance"]
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, headers, strict=True):
        cell.text = text
    for e in doc.entries:
        what = e.title + (f"\n{e.summary}" if e.summary else "") + (f"\nSharing: {e.sharing}" if e.sharing else "")
        done = "\n".join(part for part in (f"Action taken: {e.action_taken}" if e.action_taken else "",
                                           f"Outcome: {e.outcome}" if e.outcome else "") if part)
        row = [e.when, *([e.subject.name] if doc.composite else []), e.agency, what, done, e.significance_label]
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = text
    if not doc.entries:
        document.add_paragraph("No entries you can see for this period.")
    document.add_heading("Part 2: Analysis", level=1)
    if details.analysis.strip():
        document.add_paragraph(f"The author's analysis ({details.produced_by}, {details.produced_by_agency}). "
                               "This is professional judgement, not a record of fact.")
        for paragraph in details.analysis.strip().split("\n\n"):
            document.add_paragraph(paragraph.strip())
    else:
        document.add_paragraph("No analysis was added to this export. Part 1 records facts only.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
