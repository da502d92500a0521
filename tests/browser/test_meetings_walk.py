"""Boards and panels in Chromium.

A board member sets up the partnership board, records a meeting (apologies, a declaration of interest, an exempt item with
its Schedule 12A paragraphs and reason, two actions), and the next meeting carries the actions as matters arising. The
public minutes PDF names the exempt item and its paragraphs but not what was said (page 1 rendered to
var/screenshots/meetings-public-minutes.png).

A panel chair sets up a MACE panel whose agenda is built from a risk flag on a child; an action agreed there goes on the
child's plan and on its owner's dashboard. Every page passes axe-core with no serious or critical violations.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pdfplumber
import pypdfium2 as pdfium
import pytest
from playwright.sync_api import expect

from safehub.intake.models import PlanItem
from safehub.meetings.models import Action, Meeting
from safehub.people.models import Event
from safehub.people.services import record_event

from .conftest import SCREENSHOTS, run_axe, screenshot
from .test_accessibility import sign_in

pytestmark = pytest.mark.browser

BOARD = "Northshire Safeguarding Children Partnership Board"
PANEL = "Northshire MACE Panel"
EXEMPT_TITLE = "Rapid review: Child Q"
EXEMPT_MINUTES = "The board heard the confidential findings of the rapid review."


def accessible(page, name: str) -> None:
    assert run_axe(page) == [], name
    screenshot(page, f"meetings-{name}")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")


def recording(page, what: str):
    """The form on the meeting page that posts `what` (attendance, declaration, item, action...)."""
    return page.locator("form").filter(has=page.locator(f'input[name="what"][value="{what}"]'))


def set_up_body(page, name: str, kind: str) -> None:
    page.goto("/meetings/")
    accessible(page, f"{kind}-bodies")
    page.get_by_role("link", name="Set up a board or panel").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Kind of body").select_option(kind)
    accessible(page, f"{kind}-set-up")
    page.get_by_role("button", name="Set up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def schedule(page, date: str, venue: str = "", since: str = "") -> None:
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Date of the meeting").fill(date)
    if since:
        page.get_by_label("Flags raised since").fill(since)
    if venue:
        page.get_by_label("Venue").fill(venue)
    else:
        page.get_by_label("Held online").check()
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_text("Meeting scheduled and agenda drafted")).to_be_visible()


def add_action(page, details: str, due: str, owner_name: str = "", owner_user: str = "", case: str = "") -> None:
    form = recording(page, "action")
    if case:
        form.get_by_label("About case").select_option(label=case)
    form.get_by_label("Action", exact=True).fill(details)
    if owner_user:
        form.get_by_label("Owner (user)").select_option(label=owner_user)
    if owner_name:
        form.get_by_label("Owner name or initials").fill(owner_name)
    form.get_by_label("Due date").fill(due)
    form.get_by_role("button", name="Add action").click()
    expect(page.get_by_text(re.compile(r"Action \d+ added to the log"))).to_be_visible()


def test_board_meeting_minutes_and_matters_arising(page, world, personas, agencies):
    sign_in(page, personas["board_member"].username)
    set_up_body(page, BOARD, "board")
    schedule(page, "2025-01-15", venue="Civic Centre, Room 3")
    first = Meeting.objects.get(body__name=BOARD)
    accessible(page, "board-agenda")

    attendance = recording(page, "attendance")
    attendance.get_by_label("Name", exact=True).fill("Dr Priya Shah")
    attendance.get_by_label("Role or position").fill("Designated Doctor")
    attendance.get_by_label("Attendance").select_option(label="Apologies")
    attendance.get_by_role("button", name="Record attendance").click()
    expect(page.get_by_test_id("apologies")).to_contain_text("Dr Priya Shah, Designated Doctor")

    declaration = recording(page, "declaration")
    declaration.get_by_label("Who declared").fill("Ann Flynn")
    declaration.get_by_label("Interest declared").fill("Trustee of a charity bidding for the contract at item 5")
    declaration.get_by_label("Action taken").fill("Left the room for item 5")
    declaration.get_by_role("button", name="Record declaration").click()
    expect(page.get_by_test_id("declarations")).to_contain_text("Ann Flynn: Trustee of a charity")

    item = recording(page, "item")
    item.get_by_label("Title").fill(EXEMPT_TITLE)
    item.get_by_label("Exempt item (taken in private)").check()
    item.get_by_label("1 — Information relating to any individual").check()
    item.get_by_label("2 — Information likely to reveal the identity of an individual").check()
    item.get_by_label("Reason for exemption").fill("Identifies a child and family; the review is not yet published.")
    item.get_by_role("button", name="Add item").click()
    expect(page.get_by_text(re.compile(r"Item \d+ added"))).to_be_visible()
    exempt = first.items.get(title=EXEMPT_TITLE)
    page.get_by_text(f"Minute item {exempt.number}").click()
    page.get_by_label(f"Minutes of item {exempt.number}").fill(EXEMPT_MINUTES)
    page.get_by_role("button", name=f"Save minutes of item {exempt.number}").click()
    expect(page.get_by_text(f"Minutes of item {exempt.number} saved")).to_be_visible()

    add_action(page, "Circulate the annual report draft", "2025-02-28", owner_name="AF")
    add_action(page, "Report on the neglect audit", "2025-03-01", owner_name="PS")
    expect(page.get_by_test_id("other-actions")).to_contain_text("Report on the neglect audit — PS, by 1 Mar 2025")
    page.get_by_role("button", name="Mark as held").click()
    expect(page.get_by_text("Meeting marked as held")).to_be_visible()
    accessible(page, "board-recorded")

    # the public minutes: the exempt item's title and paragraphs, never its minutes
    response = page.request.get(f"/meetings/{first.pk}/minutes.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdfium.PdfDocument(pdf)[0].render(scale=1.5).to_pil().save(SCREENSHOTS / "meetings-public-minutes.png")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = " ".join((p.extract_text() or "") for p in document.pages)
    text = " ".join(text.split())
    assert EXEMPT_TITLE in text
    assert "Schedule 12A paragraphs 1 and 2" in text
    assert "confidential findings" not in text
    assert "Dr Priya Shah" in text and "Ann Flynn" in text
    assert "Action 1: Circulate the annual report draft — AF, by 28 February 2025" in text
    assert "Action 2: Report on the neglect audit — PS, by 1 March 2025" in text

    # the next meeting carries both open actions
    page.get_by_role("link", name=f"Back to {BOARD}").click()
    schedule(page, "2025-03-12", venue="Civic Centre, Room 3")
    carried = page.get_by_test_id("matters-arising")
    expect(carried).to_contain_text("Circulate the annual report draft")
    expect(carried).to_contain_text("Report on the neglect audit")
    expect(carried.locator("tbody tr")).to_have_count(2)
    accessible(page, "board-matters-arising")


def test_mace_panel_from_a_risk_flag(page, world, personas, agencies):
    flagged_at = dt.datetime(2025, 1, 10, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    record_event(agency=agencies["police"], type="risk.flag_mace", occurred_at=flagged_at, title="CCE screening: High",
                 child=world.police_child)
    owner = personas["mash_practitioner"]

    sign_in(page, personas["panel_chair"].username)
    set_up_body(page, PANEL, "mace")
    schedule(page, "2025-01-15", since="2025-01-01")
    cases = page.get_by_test_id("cases")
    expect(cases).to_contain_text("Olivia Brennan")
    expect(cases).to_contain_text("CCE screening: High")
    accessible(page, "mace-agenda")

    add_action(page, "Joint visit with the allocated social worker", "2025-01-31",
               owner_user=str(owner), case="C1: Olivia Brennan")
    action = Action.objects.get(meeting__body__name=PANEL)
    assert action.child == world.police_child
    page.get_by_role("link", name="Panel pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel pack")
    expect(page.get_by_text("Joint visit with the allocated social worker")).to_be_visible()
    accessible(page, "mace-pack")

    plan_item = PlanItem.objects.get(pk=action.plan_item_id)
    assert plan_item.plan.child == world.police_child
    assert plan_item.text == "Joint visit with the allocated social worker"
    assert plan_item.source == f"{PANEL} 2025-01-15 action 1"
    assert Event.objects.filter(type="panel.action_agreed", child=world.police_child).exists()
    sign_out(page)

    sign_in(page, owner.username)
    dashboard = page.get_by_test_id("meeting-actions")
    expect(dashboard).to_contain_text(f"{PANEL} action 1: Joint visit with the allocated social worker, due 31 Jan 2025")
    accessible(page, "owner-dashboard")
