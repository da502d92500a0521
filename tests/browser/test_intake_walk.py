"""The front door in Chromium: a MASH practitioner records a contact and sends checks to the police and health, each agency
answers in its own session, and the MASH decides on a section 47 strategy discussion, records it and sees the ICPC date.

Every page passes axe-core with no serious or critical violations; screenshots go to var/screenshots/intake-*.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from safehub.intake.models import AgencyCheckResponse, Contact, Enquiry

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")


def accessible(page, name: str) -> None:
    assert run_axe(page) == [], name
    screenshot(page, f"intake-{name}")


def answer_check(page, username: str, text: str, caveat: str) -> None:
    sign_in(page, username)
    page.get_by_role("link", name="MASH checks").click()
    expect(page.get_by_role("heading", name="MASH checks")).to_be_visible()
    accessible(page, f"{username}-queue")
    page.get_by_role("link", name=re.compile("answer the check about Olivia Brennan")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About Olivia Brennan")
    page.get_by_label("Yes, we hold information").check()
    page.get_by_label("Your answer").fill(text)
    page.get_by_label(caveat).check()
    accessible(page, f"{username}-answer")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text(re.compile("Answer sent to the MASH"))).to_be_visible()
    sign_out(page)


def test_front_door_walk(page, world, personas):
    sign_in(page, personas["mash_practitioner"].username)
    page.get_by_role("link", name="Front door").click()
    expect(page.get_by_role("heading", name="MASH front door")).to_be_visible()
    accessible(page, "front-door-empty")

    # search, then select the child
    page.get_by_role("link", name="Record a contact").click()
    page.get_by_label("Name").fill("Brennan")
    page.get_by_role("button", name="Search").click()
    accessible(page, "choose-child")
    page.get_by_role("link", name="Select Olivia Brennan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact about Olivia Brennan")

    # an incomplete form names its fields
    page.get_by_role("button", name="Record the contact").click()
    expect(page.get_by_role("link", name="Enter the name of the person who made the contact")).to_be_visible()
    accessible(page, "record-contact-errors")

    page.get_by_label("Reporter's name").fill("Sam Teacher")
    # received on Friday 19 December 2025 at 16:00: the decision was due on Monday 22nd at 16:00
    page.locator("#id_received_day").fill("19")
    page.locator("#id_received_month").fill("12")
    page.locator("#id_received_year").fill("2025")
    page.locator("#id_received_time").fill("16:00")
    page.get_by_label("Reporter's agency").select_option(label="Voluntary")
    page.get_by_label("Role, or relationship to the child").fill("Youth worker")
    page.get_by_label("3A Domestic abuse: child subject").check()
    page.get_by_label("11A Child sexual exploitation").check()
    page.get_by_label("What was reported").fill("Seen getting into cars with older males; bruising to the arm.")
    page.get_by_label("Shared without consent: consent not sought").check()
    page.get_by_label("Reason for sharing without consent").fill("Asking would put the child at risk.")
    accessible(page, "record-contact")
    page.get_by_role("button", name="Record the contact").click()
    expect(page.get_by_text(re.compile(r"Contact C\d{6} recorded"))).to_be_visible()
    contact = Contact.objects.get()
    expect(page.get_by_test_id("decision-due")).to_have_text("Monday 22 December 2025 16:00")

    # send checks to the police and health
    page.get_by_role("group", name="Send checks to").get_by_label("Police").check()
    page.get_by_role("group", name="Send checks to").get_by_label("Health").check()
    page.get_by_label("Question for the agencies").fill("What do you hold about Olivia and her household?")
    page.get_by_role("button", name="Send checks").click()
    expect(page.get_by_text("Checks sent to Health, Police")).to_be_visible()
    accessible(page, "contact-checks-sent")
    sign_out(page)

    police, health = personas["police_contributor"].username, personas["health_contributor"].username
    answer_check(page, police, "Two domestic incidents at the address.", "Share within the partnership for safeguarding")
    answer_check(page, health, "Known to CAMHS.", "Owning agency only — ask before sharing")
    assert AgencyCheckResponse.objects.count() == 2

    # the MASH reads the police answer, sees health restricted theirs, and decides
    sign_in(page, personas["mash_practitioner"].username)
    page.goto(f"/intake/contacts/{contact.pk}/")
    expect(page.get_by_text("Two domestic incidents at the address.")).to_be_visible()
    expect(page.get_by_text(re.compile("Health restricted the answer"))).to_be_visible()
    page.get_by_label("Section 47 strategy discussion").check()
    page.get_by_label("Reason for the decision").fill("Reasonable cause to suspect significant harm.")
    accessible(page, "decision")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded: Section 47 strategy discussion")).to_be_visible()

    # the strategy discussion, held on Monday 22 December 2025
    page.locator("#id_held_day").fill("22")
    page.locator("#id_held_month").fill("12")
    page.locator("#id_held_year").fill("2025")
    page.locator("#id_held_time").fill("14:00")
    for discipline, name in [("social work", "Maya Ashworth"), ("police", "DC Oduya"), ("health", "Nurse Ellis")]:
        page.get_by_role("group", name=f"Did {discipline} take part?").get_by_label("Yes").check()
        page.get_by_label(f"Name of the {discipline} attendee").fill(name)
    page.get_by_role("group", name="Did education take part?").get_by_label("No").check()
    page.get_by_label("Start a section 47 enquiry").check()
    page.get_by_label("Lead child protection practitioner (for a section 47 enquiry)").select_option(
        label=personas["mash_practitioner"].get_full_name()
    )
    accessible(page, "strategy-discussion-form")
    page.get_by_role("button", name="Record the strategy discussion").click()
    expect(page.get_by_test_id("icpc-due")).to_contain_text("Thursday 15 January 2026")
    accessible(page, "strategy-discussion")
    assert Enquiry.objects.get().icpc_due.isoformat() == "2026-01-15"

    page.get_by_role("link", name="MASH front door").click()
    expect(page.get_by_text("Section 47 strategy discussion")).to_be_visible()
    accessible(page, "front-door")
    page.goto("/intake/overdue/")
    accessible(page, "overdue")
    page.get_by_role("link", name="Tasks").click()
    expect(page.get_by_role("heading", name="Tasks")).to_be_visible()
    accessible(page, "tasks")
