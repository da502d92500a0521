"""The annual report as PDF (rendered to PNG) and DOCX: figures from the year's data, small numbers suppressed, and no
child's name anywhere. The improvement plan's one-page status PDF."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from safehub.assurance import services
from safehub.assurance.selectors import annual_report_data
from safehub.assurance.tests.fixtures import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_data(assurance_world, meetings_world, personas, agencies):
    admin, mash = personas["admin"], personas["mash_practitioner"]
    course = services.add_course(actor=admin, title="Working together", level=2)
    services.set_training_requirement(actor=admin, agency=agencies["police"], required_level=2, workforce=4)
    services.record_course_session(course, actor=admin, held_on=dt.date(2025, 6, 3),
                                   attendees=[("PC Able", agencies["police"], "Officer"),
                                              ("PC Baker", agencies["police"], "Officer")])
    for case in assurance_world.audit.cases.all():
        services.answer_audit_case(case, actor=mash, agency=agencies["health"], answers=["Yes", "Yes"], grade="good", now=NOW)
    services.save_annual_report_narrative(assurance_world.report, actor=personas["board_member"],
                                          narrative={"introduction": "A year of steady improvement."}, now=NOW)
    return assurance_world


def _child_names(world) -> list[str]:
    return [n for c in (world.police_child, world.health_only_child, world.restricted_child)
            for n in (c.given_name, c.family_name)]


def test_annual_report_figures_are_suppressed(year_of_data):
    data = annual_report_data(dt.date(2025, 4, 1))
    assert data["reviews"]["notifications"] == "*"  # one notification
    assert data["audits"]["grades"]["Good"] == 3 and data["audits"]["grades_shown"]["Good"] == "*"
    assert data["private_fostering"]["total_shown"] == "*"
    assert [(c.agency, c.percent) for c in data["training"]["compliance"]] == [("Police", 50.0)]


def test_annual_report_pdf_has_no_child_names(client, personas, world, year_of_data):
    import pypdfium2 as pdfium

    client.force_login(personas["board_member"])
    response = client.get(reverse("assurance:annual_report_pdf", args=[year_of_data.report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = pdfium.PdfDocument(response.content)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "A year of steady improvement." in text
    assert "Serious incident notifications" in text
    for name in _child_names(world):
        assert name not in text
    out = Path(settings.VAR_DIR) / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    pdf[0].render(scale=1.2).to_pil().save(out / "assurance-annual-report-page1.png")
    if len(pdf) > 1:
        pdf[1].render(scale=1.2).to_pil().save(out / "assurance-annual-report-page2.png")


def test_annual_report_docx_opens_and_has_no_child_names(client, personas, world, year_of_data):
    from docx import Document

    client.force_login(personas["analyst"])
    response = client.get(reverse("assurance:annual_report_docx", args=[year_of_data.report.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "A year of steady improvement." in text
    assert "Serious incident notifications" in cells
    assert len(document.inline_shapes) == 2  # training and board charts; 3 audit answers are too few to chart
    for name in _child_names(world):
        assert name not in text and name not in cells


def test_annual_report_page_is_editable_by_the_board(client, personas, world, year_of_data):
    client.force_login(personas["board_member"])
    url = reverse("assurance:annual_report", args=[year_of_data.report.pk])
    response = client.post(url, {"priorities": "Neglect and exploitation."})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Neglect and exploitation." in page
    for name in _child_names(world):
        assert name not in page
    client.force_login(personas["analyst"])
    assert client.post(url, {"priorities": "x"}).status_code == 403


def test_plan_status_pdf(client, personas, assurance_world):
    import pypdfium2 as pdfium

    client.force_login(personas["board_member"])
    response = client.get(reverse("assurance:plan_pdf", args=[assurance_world.plan.pk]))
    pdf = pdfium.PdfDocument(response.content)
    assert len(pdf) == 1
    assert "Launch the neglect toolkit" in pdf[0].get_textpage().get_text_range()
