"""Agenda packs and minutes as PDF (WeasyPrint), the action log as XLSX. Built from the same selectors as the pages, so a
public copy carries an exempt item's title and Schedule 12A category only."""

from __future__ import annotations

import datetime as dt
import io

from django.template.loader import render_to_string

from .models import Action, Meeting
from .selectors import MeetingView

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _pdf(html: str, attachments=None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf(attachments=attachments or [])


def minutes_pdf(view: MeetingView, *, public: bool) -> bytes:
    html = render_to_string("meetings/pdf/minutes.html", {"view": view, "public": public or not view.full})
    return _pdf(html)


def agenda_pack_pdf(view: MeetingView) -> bytes:
    """The agenda with each paper attached to the PDF; exempt papers only in a member's copy."""
    from weasyprint import Attachment

    attachments = []
    for item in view.items:
        if item.exempt and not view.full:
            continue
        for paper in item.papers.all():
            with paper.file.open("rb") as handle:
                attachments.append(Attachment(string=handle.read(), name=paper.file.name.rsplit("/", 1)[-1],
                                              description=f"Item {item.number}: {paper.title}"))
    html = render_to_string("meetings/pdf/agenda.html", {"view": view, "public": not view.full})
    return _pdf(html, attachments)


def safe_cell(value):
    """Spreadsheet cells that start like a formula are written as text, so a crafted action cannot run in Excel."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def action_log_xlsx(actions: list[Action], *, today: dt.date, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Action log"
    sheet.append([safe_cell(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    headers = ["Reference", "Meeting", "Item", "Action", "Owner", "Agency", "Due", "Status", "History"]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for action in actions:
        history = "; ".join(f"{h.at:%Y-%m-%d} {h.to_status}" + (f" ({h.note})" if h.note else "") for h in action.history.all())
        sheet.append([safe_cell(v) for v in (
            action.reference, action.meeting.date, action.item.number if action.item_id else "", action.details,
            action.owner_name or (action.owner_user.get_full_name() if action.owner_user_id else ""),
            action.owner_agency.name if action.owner_agency_id else "", action.due_on, action.status_label_on(today), history,
        )])
    for column, width in zip("ABCDEFGHI", (10, 12, 8, 60, 22, 24, 12, 16, 40), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(meeting: Meeting, what: str, suffix: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in meeting.body.name.lower()).strip("-")[:50]
    return f"{slug}-{meeting.date:%Y-%m-%d}-{what}.{suffix}"
