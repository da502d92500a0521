"""The multi-agency chronology in Chromium: a child known to four agencies, seen by the MASH and by the police, and the
conference export whose PDF (rendered to PNG with pypdfium2) shows exactly what the police user's screen shows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from safehub.core.caveats import Caveat
from safehub.core.models import AgencyType, AuditEvent
from safehub.people.models import Event
from safehub.people.services import record_event
from tests.factories import AgencyFactory, SourceRecordFactory, link

from .conftest import SCREENSHOTS, run_axe, screenshot

pytestmark = pytest.mark.browser


def at(y, m, d):
    return dt.datetime(y, m, d, 10, 0, tzinfo=dt.UTC)


def sign_in(page, user):
    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


@pytest.fixture
def four_agency_child(world, agencies):
    """Olivia (police_child) known to the police, health, social care and education, with entries from each."""
    Event.objects.filter(type="share.decision").delete()  # the shared world's share decision is dated now
    education = AgencyFactory(code="education", name="Education", type=AgencyType.EDUCATION)
    link(SourceRecordFactory(agency=agencies["social_care"], system="LCS", given_name="Olivia", family_name="Brennan",
                             received={"Case Status": "Closed"}), world.police_child)
    link(SourceRecordFactory(agency=education, system="Capita One", given_name="Olivia", family_name="Brennan"),
         world.police_child)
    child = world.police_child
    for agency, title, when, caveat, significance in (
        (agencies["police"], "Domestic incident, child present", at(2025, 3, 14), Caveat.PARTNERSHIP, 3),
        (agencies["police"], "Missing overnight, found at a friend's address", at(2025, 9, 2), Caveat.PARTNERSHIP, 3),
        (agencies["health"], "Emergency department: head injury", at(2025, 4, 20), Caveat.MASH_ONLY, 3),
        (agencies["social_care"], "Strategy discussion held", at(2025, 5, 6), Caveat.PARTNERSHIP, 3),
        (education, "Attendance below 80 percent", at(2025, 6, 30), Caveat.PARTNERSHIP, 3),
        (education, "Designated lead's private note", at(2025, 7, 1), Caveat.AGENCY_ONLY, 3),
    ):
        record_event(child=child, agency=agency, type=f"{agency.code}.entry", occurred_at=when, title=title,
                     caveat=caveat, significance=significance, summary=f"{title}. Recorded by {agency.name}.")
    return child


def test_chronology_across_four_agencies_and_the_police_export(page, personas, four_agency_child):
    child = four_agency_child
    sign_in(page, personas["mash_practitioner"])
    page.goto(f"/people/children/{child.pk}/")
    expect(page.get_by_role("heading", name="Known to")).to_be_visible()
    expect(page.get_by_role("cell", name="Closed", exact=True)).to_be_visible()  # social care's closed episode is still listed
    page.get_by_role("link", name="Full multi-agency chronology").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Multi-agency chronology")
    timeline = page.locator(".moj-timeline")
    for agency in ("Police", "Health", "Social Care", "Education"):
        expect(timeline.get_by_text(f"by {agency}", exact=True).first).to_be_visible()
    expect(page.locator(".moj-timeline__item")).to_have_count(5)
    expect(page.locator("#withheld")).to_contain_text("1 entry is not shown")  # education's own-agency note
    assert run_axe(page) == []
    screenshot(page, "chronology-mash")

    page.context.clear_cookies()
    sign_in(page, personas["police_contributor"])
    page.goto(f"/people/children/{child.pk}/chronology/")
    page.get_by_label("Significance").select_option("3")
    page.get_by_label("From (YYYY-MM-DD)").fill("2025-01-01")
    page.get_by_label("To (YYYY-MM-DD)").fill("2025-12-31")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="2 entries")).to_be_visible()
    screen_titles = page.locator(".moj-timeline__title").all_inner_texts()
    screen_titles = [re.sub(r"\s*Significant$", "", t).strip() for t in screen_titles]
    assert screen_titles == ["Domestic incident, child present", "Missing overnight, found at a friend's address"]
    withheld = page.locator("#withheld").inner_text()
    assert "4 entries are not shown" in withheld
    assert run_axe(page) == []
    screenshot(page, "chronology-police")

    page.get_by_label("Prepared for").select_option("conference")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    pdf_path = download.value.path()
    audit = AuditEvent.objects.filter(action="child.chronology_export").latest("seq")
    assert audit.actor == personas["police_contributor"] and audit.detail["format"] == "pdf"
    assert audit.detail["filters"] == {"significance": "3", "from": "2025-01-01", "to": "2025-12-31"}

    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(pdf_path))
    text = " ".join("\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).split())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf[0].render(scale=1.5).to_pil().save(SCREENSHOTS / "chronology-police-export.png")
    for title in screen_titles:
        assert title in text
    for hidden in ("Emergency department", "Strategy discussion", "Attendance below", "private note"):
        assert hidden not in text  # what the caveats hid on screen is not in the export either
    assert " ".join(withheld.split()) in text
    assert "Prepared for: Child protection conference" in text
    assert "Part 1: Facts" in text and "Part 2: Analysis" in text


def test_record_a_new_child_after_a_search_then_a_warning_note_signed_off(page, world, personas):
    from safehub.people.models import Child, WarningNote
    from safehub.people.search import service

    service.reset()
    sign_in(page, personas["mash_practitioner"])
    page.goto("/people/children/new/")
    page.get_by_label("Name").fill("Amara Okafor")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="0 possible matches")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("button", name="None of these — record a new child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The child's details")
    expect(page.get_by_label("First name")).to_have_value("Amara")
    assert run_axe(page) == []
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2019")
    page.get_by_role("button", name="Record the child").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amara Okafor")
    child = Child.objects.get(given_name="Amara")
    assert child.sex == "U"  # nobody said: not known, never a default guess
    assert child.record_links.get().source_record.agency == personas["mash_practitioner"].agency
    assert run_axe(page) == []

    page.get_by_role("link", name="Record a warning note (risk to staff or others)").click()
    page.get_by_label("Reason").fill("Older brother has threatened visiting staff with a knife")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2099")
    assert run_axe(page) == []
    page.get_by_role("button", name="Record warning note").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warning note")
    expect(page.get_by_text("Awaiting manager sign-off")).to_be_visible()
    expect(page.get_by_role("button", name="Sign off as manager")).to_have_count(0)  # not their own note
    assert run_axe(page) == []

    page.context.clear_cookies()
    sign_in(page, personas["panel_chair"])
    page.goto(f"/people/warnings/{WarningNote.objects.get().pk}/")
    page.get_by_role("button", name="Sign off as manager").click()
    expect(page.get_by_text("signed off by")).to_be_visible()
    page.get_by_role("link", name="Back to the child").click()
    warning = page.locator(".govuk-warning-text").first
    expect(warning).to_contain_text("Older brother has threatened visiting staff with a knife")
    expect(warning).not_to_contain_text("Awaiting manager sign-off")
    assert run_axe(page) == []
    screenshot(page, "child-with-warning")
    service.reset()
