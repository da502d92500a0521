"""The board report as PDF (WeasyPrint) and XLSX (openpyxl), from the same `BoardReport` as the page."""

from __future__ import annotations

import io

from django.template.loader import render_to_string

from .board import BoardReport

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def scorecard_pdf(report: BoardReport) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/pdf/scorecard.html", {"report": report})
    return HTML(string=html).write_pdf()


def _safe(value):
    """Text that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and value not in ("–", "-"):
        return "'" + value
    return value


def scorecard_xlsx(report: BoardReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    fills = {"red": "F6D7D2", "amber": "FDE3CF", "green": "CCE2D8"}
    book = Workbook()
    sheet = book.active
    sheet.title = "Scorecard"
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"Reporting to {report.month:%B %Y}; periods: {report.kind_label}. Counts of 1 to 4 are shown as *; "
                  "rates are not shown on denominators under 10 (see docs/suppression.md)."])
    sheet.append([])
    header = ["Indicator", "Period", "Value", "Numerator", "Denominator", "RAG", "Direction of travel", "Target",
              "Comparators", "Commentary", "Note"]
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in report.rows:
        sheet.append([_safe(v) for v in (
            row.title, row.period_label, row.value, row.numerator, row.denominator, row.rag_label, row.direction,
            row.target, "; ".join(row.comparators), row.commentary, row.status_note)])
        if row.rag:
            sheet.cell(sheet.max_row, 6).fill = PatternFill("solid", fgColor=fills[row.rag])
    for column, width in zip("ABCDEFGHIJK", (48, 22, 10, 11, 13, 26, 26, 30, 60, 60, 40), strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=5):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    trends = book.create_sheet("Trends")
    longest = max((len(r.trend_labels) for r in report.rows), default=0)
    trends.append(["Indicator", *[f"Period {n}" for n in range(1, longest + 1)]])
    for row in report.rows:
        trends.append([row.title, *[f"{k}: {t}" for k, t in zip(row.trend_labels, row.trend_text, strict=True)]])

    agencies = book.create_sheet("By agency")
    agencies.append(["Indicator", "Period", "Agency", "Numerator", "Denominator", "Value"])
    for row in report.rows:
        for line in row.agencies:
            agencies.append([row.title, row.period_label, line.agency, line.numerator, line.denominator, line.value])

    quality = book.create_sheet("Data quality")
    quality.append(["Check", "Count", "Note"])
    for line in report.data_quality:
        quality.append([line.label, line.value, line.note])

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
