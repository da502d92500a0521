"""The board scorecard as pages, PDF, XLSX and API; commentary; drill-down; what the board member can never reach."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from safehub.performance.models import Commentary
from safehub.performance.tests.fixtures import NOW

MARCH = {"month": "2026-03"}


@pytest.fixture
def frozen_now(monkeypatch):
    """The views take `timezone.now()`; pin it so 'the last complete month' and overdue checks are deterministic."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return NOW


def test_board_member_sees_the_suppressed_scorecard_without_child_data(client, scorecard_world, personas, frozen_now):
    client.force_login(personas["board_member"])
    response = client.get(reverse("reports:scorecard"), MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Partnership scorecard" in html and "Reporting to March 2026" in html
    row = html[html.index('id="row-contacts"'):html.index('id="row-contacts_to_referral"')]
    assert ">*<" in row.replace(" ", "")  # 3 contacts: suppressed
    assert "<svg" in row  # sparkline
    assert "Scorecard1" not in html and "Testfamily" not in html  # no child names anywhere
    assert 'data-testid="data-quality"' in html
    assert "No data: safehub does not record this yet" in html  # CP visits, police protection


def test_month_must_be_a_month(client, personas, frozen_now):
    client.force_login(personas["analyst"])
    response = client.get(reverse("reports:scorecard"), {"month": "March"})
    assert response.status_code == 200
    assert "Enter the month as YYYY-MM" in response.content.decode()


def test_pdf_renders_and_looks_like_a_scorecard(client, scorecard_world, personas, frozen_now):
    import pypdfium2 as pdfium

    client.force_login(personas["board_member"])
    response = client.get(reverse("reports:scorecard_pdf"), MARCH)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = pdfium.PdfDocument(response.content)
    assert len(pdf) >= 1
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Safeguarding partnership scorecard" in text
    assert "Scorecard1" not in text
    out = Path(settings.VAR_DIR) / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    pdf[0].render(scale=1.5).to_pil().save(out / "scorecard-pdf-page1.png")


def test_xlsx_opens_with_the_same_suppression(client, scorecard_world, personas, frozen_now):
    from openpyxl import load_workbook

    client.force_login(personas["analyst"])
    response = client.get(reverse("reports:scorecard_xlsx"), MARCH)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Scorecard", "Trends", "By agency", "Data quality"]
    rows = {r[0]: r for r in book["Scorecard"].iter_rows(min_row=5, values_only=True)}
    assert rows["Contacts received"][2] == "*"
    assert rows["Section 47 enquiries started"][2] == "*"
    by_agency = [r for r in book["By agency"].iter_rows(min_row=2, values_only=True)
                 if r[0] == "Agency checks answered within deadline"]
    # police answered 1 of 2 in time, health 0 of 1: the 1 is suppressed and so is its pair's 2 (secondary)
    assert {r[2]: (r[3], r[4], r[5]) for r in by_agency} == {"Health": ("0", "*", "*"), "Police": ("*", "*", "*")}


def test_analyst_writes_commentary_and_the_board_reads_it(client, scorecard_world, personas, frozen_now):
    url = reverse("reports:indicator", args=["contacts"]) + "?month=2026-03"
    client.force_login(personas["analyst"])
    response = client.post(url, {"period": "2026-03", "text": "Contacts rose after the schools' training week."})
    assert response.status_code == 302
    assert Commentary.objects.get(indicator="contacts", period="2026-03").author == personas["analyst"]
    bad = client.post(url, {"period": "March", "text": "x"})
    assert bad.status_code == 200 and "Not a period" in bad.content.decode()
    client.force_login(personas["board_member"])
    page = client.get(url).content.decode()
    assert "Contacts rose after the schools" in page and "Save commentary" not in page
    assert client.post(url, {"period": "2026-03", "text": "Board edit"}).status_code == 403
    scorecard = client.get(reverse("reports:scorecard"), MARCH).content.decode()
    assert "Contacts rose after the schools" in scorecard


def test_indicator_page_has_a_chart_and_agency_breakdown(client, scorecard_world, personas, frozen_now):
    client.force_login(personas["analyst"])
    html = client.get(reverse("reports:indicator", args=["missing_episodes"]), MARCH).content.decode()
    assert "data:image/svg+xml;base64," in html and 'data-testid="by-agency"' in html
    assert "Records behind this figure" in html


def test_drilldown_is_pseudonymised_for_analysts_and_named_for_the_mash(client, scorecard_world, personas, frozen_now):
    url = reverse("reports:drilldown", args=["missing_episodes"])
    client.force_login(personas["analyst"])
    html = client.get(url, MARCH).content.decode()
    assert html.count("P-") >= 3 and "Scorecard1" not in html and "/people/children/" not in html
    client.force_login(personas["mash_practitioner"])
    html = client.get(url, MARCH).content.decode()
    assert "Scorecard1" in html and "/people/children/" in html
    client.force_login(personas["board_member"])
    assert client.get(url, MARCH).status_code == 403
    client.force_login(personas["analyst"])
    assert client.get(reverse("reports:drilldown", args=["checks_in_time"]), MARCH).status_code == 404


def test_board_member_reaches_no_child_level_page_or_api(client, scorecard_world, personas):
    child = scorecard_world.children[1]
    client.force_login(personas["board_member"])
    assert client.get(reverse("people:child", args=[child.pk])).status_code == 403
    assert client.get(reverse("api:get_child", args=[child.pk])).status_code == 403
    assert client.get(reverse("reports:drilldown", args=["contacts"])).status_code == 403


def test_api_scorecard_is_suppressed_and_validates_the_month(client, scorecard_world, personas, frozen_now):
    client.force_login(personas["board_member"])
    body = client.get(reverse("api:performance_scorecard"), MARCH).json()
    rows = {r["id"]: r for r in body["rows"]}
    assert rows["contacts"]["value"] == "*" and rows["contacts"]["suppressed"] is True
    assert rows["cp_visits_in_time"]["note"].startswith("No data")
    bad = client.get(reverse("api:performance_scorecard"), {"month": "2026-13"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "month"]
    indicators = client.get(reverse("api:performance_indicators")).json()
    assert len(indicators) >= 25 and {"id", "target", "comparators"} <= set(indicators[0])
