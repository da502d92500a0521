"""Charts (matplotlib, PNG), the annual report as PDF (WeasyPrint) and DOCX (python-docx), and an improvement plan's one-page
status PDF. Built only from the selectors' aggregate figures, so no document here carries a child's identity."""

from __future__ import annotations

import base64
import io

from django.template.loader import render_to_string

from .models import AnnualReport, ImprovementPlan

SECTIONS = [
    ("introduction", "Introduction from the safeguarding partners"),
    ("scorecard", "Performance scorecard"),
    ("reviews", "Serious incidents and practice reviews"),
    ("audits", "Multi-agency case audits"),
    ("section11", "Section 11 self-assessment"),
    ("training", "Multi-agency training"),
    ("private_fostering", "Private fostering"),
    ("exploitation", "Child exploitation (MACE)"),
    ("board", "Partnership board attendance"),
    ("priorities", "Priorities for next year"),
]


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


def bar_chart(labels: list[str], values: list[float], *, title: str, xlabel: str = "", percent: bool = False) -> bytes:
    pyplot = _figure()
    fig, ax = pyplot.subplots(figsize=(6.4, 0.45 * max(len(labels), 2) + 1.2), dpi=110)
    ax.barh(labels or ["No data"], values or [0], color="#1d70b8")
    ax.invert_yaxis()
    ax.set_title(title, loc="left", fontsize=11)
    if percent:
        ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    pyplot.close(fig)
    return out.getvalue()


def stacked_counts_chart(quarters: list[str], by_group: dict[str, list[int]], *, title: str) -> bytes:
    pyplot = _figure()
    fig, ax = pyplot.subplots(figsize=(6.4, 3.2), dpi=110)
    bottom = [0] * len(quarters)
    colours = ["#1d70b8", "#f47738", "#00703c", "#912b88", "#505a5f", "#d4351c", "#28a197", "#b58840"]
    for index, (group, counts) in enumerate(by_group.items()):
        ax.bar(quarters, counts, bottom=bottom, label=group, color=colours[index % len(colours)])
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel("Notifications")
    if by_group:
        ax.legend(fontsize=8, frameon=False)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    pyplot.close(fig)
    return out.getvalue()


def report_charts(data: dict) -> dict[str, bytes]:
    compliance = data["training"]["compliance"]
    grades = data["audits"]["grades"]
    total = sum(grades.values())
    return {
        "training": bar_chart([f"{c.agency} (level {c.required_level})" for c in compliance], [c.percent for c in compliance],
                              title="Training compliance by agency", xlabel="% of staff trained", percent=True),
        # Percentages of fewer than five answers would give the suppressed counts away: no chart then.
        "audits": bar_chart(list(grades), [round(100 * n / total, 1) for n in grades.values()],
                            title="Case audit grades", xlabel="% of agency answers", percent=True) if total >= 5 else b"",
        "board": bar_chart([b["agency"] for b in data["board_attendance"]], [b["percent"] for b in data["board_attendance"]],
                           title="Board attendance by agency", xlabel="% of meetings attended", percent=True),
    }


def _context(report: AnnualReport, data: dict, charts: dict[str, bytes]) -> dict:
    return {"report": report, "data": data, "sections": SECTIONS, "narrative": report.narrative,
            "charts": {k: base64.b64encode(v).decode() for k, v in charts.items()}}


def annual_report_pdf(report: AnnualReport, data: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("assurance/pdf/annual_report.html", _context(report, data, report_charts(data)))
    return HTML(string=html).write_pdf()


def annual_report_docx(report: AnnualReport, data: dict) -> bytes:
    from docx import Document
    from docx.shared import Cm

    charts = report_charts(data)
    document = Document()
    document.add_heading(report.title, level=0)
    start, end = data["period"]
    document.add_paragraph(f"Reporting year {start:%-d %B %Y} to {end:%-d %B %Y}. Status: {report.get_status_display()}. "
                           "Counts from 1 to 4 are shown as * so no child or family can be identified.")

    def table(headers, rows):
        grid = document.add_table(rows=1, cols=len(headers))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, headers, strict=True):
            cell.text = str(text)
        for row in rows:
            for cell, text in zip(grid.add_row().cells, row, strict=True):
                cell.text = str(text)

    for code, title in SECTIONS:
        document.add_heading(title, level=1)
        if report.narrative.get(code):
            for paragraph in report.narrative[code].split("\n\n"):
                document.add_paragraph(paragraph)
        if code == "scorecard":
            if data["scorecard"]:
                table(["Indicator", "Value", "RAG"], [(r["name"], r["value"], r["rag"]) for r in data["scorecard"]])
            else:
                document.add_paragraph("The performance scorecard is not available for this year.")
        elif code == "reviews":
            r = data["reviews"]
            table(["Measure", "Number"], [("Serious incident notifications", r["notifications"]),
                                          ("Rapid reviews completed within 15 working days", r["rapid_reviews_in_time"]),
                                          ("Local child safeguarding practice reviews", r["lcsprs"]),
                                          ("Reviews published", r["published"]),
                                          ("Recommendations", r["recommendations"])])
        elif code == "audits":
            table(["Grade", "Agency answers"], list(data["audits"]["grades_shown"].items()))
            if charts["audits"]:
                document.add_picture(io.BytesIO(charts["audits"]), width=Cm(15))
        elif code == "section11":
            s = data["section11"]
            document.add_paragraph(f"Rounds: {', '.join(s['rounds']) or 'none this year'}. "
                                   f"Returns submitted: {s['returns_submitted']}.")
        elif code == "training":
            table(["Agency", "Level", "Workforce", "Trained", "%"],
                  [(c.agency, c.required_level, c.workforce, c.trained, f"{c.percent:.1f}")
                   for c in data["training"]["compliance"]])
            document.add_picture(io.BytesIO(charts["training"]), width=Cm(15))
        elif code == "private_fostering":
            pf = data["private_fostering"]
            document.add_paragraph(f"Notifications: {pf['total_shown']}.")
            table(["Notified by", *pf["quarters"]], [(a, *v) for a, v in pf["by_agency_shown"].items()])
        elif code == "exploitation":
            document.add_paragraph(f"MACE panel meetings: {data['mace']['meetings']}; cases discussed: {data['mace']['cases']}.")
        elif code == "board":
            table(["Agency", "Meetings attended", "Meetings held", "%"],
                  [(b["agency"], b["attended"], b["meetings"], f"{b['percent']:.1f}") for b in data["board_attendance"]])
            document.add_picture(io.BytesIO(charts["board"]), width=Cm(15))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def plan_status_pdf(plan: ImprovementPlan, rows: list, *, today) -> bytes:
    from weasyprint import HTML

    html = render_to_string("assurance/pdf/plan_status.html", {"plan": plan, "rows": rows, "today": today})
    return HTML(string=html).write_pdf()
