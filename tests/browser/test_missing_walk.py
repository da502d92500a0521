"""A missing-episodes coordinator in Chromium: records a missing episode, the return, offers and completes the return home
interview; then a third episode within 90 days shows the trigger exactly once. axe-core finds no serious or critical
violations on any page. Screenshots go to var/screenshots/missing-*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safehub.missing.models import MissingEpisode, ReturnHomeInterview, TriggerFiring
from safehub.missing.services import record_missing_episode

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


def fill_when(page, name: str, hours_ago: float) -> None:
    local = timezone.localtime(timezone.now() - dt.timedelta(hours=hours_ago))
    page.locator(f"#{name}_day").fill(str(local.day))
    page.locator(f"#{name}_month").fill(str(local.month))
    page.locator(f"#{name}_year").fill(str(local.year))
    page.locator(f"#{name}_time").fill(f"{local:%H:%M}")


def record_episode(page, child_name: str, family_name: str, hours_ago: float) -> None:
    page.get_by_role("link", name="Missing children").click()
    page.get_by_role("link", name="Record a missing episode").click()
    page.get_by_label("Child's name").fill(family_name)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=f"Choose {child_name}").click()
    fill_when(page, "started_at", hours_ago)
    page.get_by_label("Who reported it?").select_option("placement")
    page.get_by_role("button", name="Record episode").click()


def test_coordinator_records_episode_return_and_interview_then_trigger(page, world, personas, agencies):
    child = world.health_only_child
    name = child.full_name
    page.goto("/login/")
    page.get_by_label("Username").fill(personas["missing_coordinator"].username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")

    page.get_by_role("link", name="Missing children").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children missing now")
    assert run_axe(page) == []
    page.get_by_role("link", name="Record a missing episode").click()
    page.get_by_label("Child's name").fill(child.family_name)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=f"Choose {name}").click()

    # First without a date: the error summary names the field and links to it.
    page.get_by_role("button", name="Record episode").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date and time the child went missing")
    assert run_axe(page) == []
    screenshot(page, "missing-record-error")
    fill_when(page, "started_at", 20)
    page.get_by_label("Who reported it?").select_option("placement")
    page.get_by_label("Name of the person, home or school").fill("Oak House children's home")
    page.get_by_role("radio", name="Medium").check()
    page.get_by_label("Places (optional)").fill("Missing from Oak House; thought to be in the town centre")
    page.get_by_role("button", name="Record episode").click()

    expect(page.get_by_text("Missing episode recorded")).to_be_visible()
    expect(page.get_by_text("Still missing:")).to_be_visible()
    assert run_axe(page) == []
    screenshot(page, "missing-episode-ongoing")

    page.get_by_role("link", name="Record the return").click()
    fill_when(page, "ended_at", 2)
    page.get_by_label("Where were they found?").fill("Friend's address")
    page.get_by_role("button", name="Record return").click()
    expect(page.get_by_text("A return home interview is due within 72 hours")).to_be_visible()

    page.get_by_role("link", name="Offer a return home interview").click()
    fill_when(page, "offered_at", 1)
    page.get_by_label("Provider (optional)").fill("Safe Steps")
    page.get_by_role("radio", name="Yes").check()
    assert run_axe(page) == []
    page.get_by_role("button", name="Record offer").click()

    page.get_by_role("link", name="Record the child's response").click()
    page.get_by_role("radio", name="Accepted").check()
    fill_when(page, "responded_at", 0.8)
    page.get_by_role("button", name="Record response").click()

    page.get_by_role("link", name="Record the interview").click()
    fill_when(page, "completed_at", 0.2)
    page.get_by_label("I held the interview").check()
    page.get_by_role("radio", name="Yes").check()
    page.get_by_label("Push factors").fill("Arguments about curfew at the home")
    page.get_by_label("Pull factors").fill("Older friends in the town centre")
    assert run_axe(page) == []
    screenshot(page, "missing-interview-form")
    page.get_by_role("button", name="Complete interview").click()
    expect(page.get_by_text("Return home interview completed")).to_be_visible()
    expect(page.get_by_test_id("interview")).to_contain_text("Completed")
    expect(page.get_by_test_id("interview")).to_contain_text("Arguments about curfew at the home")
    assert run_axe(page) == []
    screenshot(page, "missing-episode-returned")
    interview = ReturnHomeInterview.objects.get()
    assert interview.completed_at and interview.conducted_by == personas["missing_coordinator"]

    # A second episode 40 days ago (recorded earlier by someone else), then the third within 90 days through the page.
    now = timezone.now()
    record_missing_episode(
        child=child, agency=agencies["social_care"], started_at=now - dt.timedelta(days=40),
        ended_at=now - dt.timedelta(days=40, hours=-5), now=now,
    )
    assert not TriggerFiring.objects.exists()
    record_episode(page, name, child.family_name, hours_ago=0.5)
    expect(page.get_by_text("Trigger fired: 3 episodes in 90 days")).to_have_count(1)
    expect(page.get_by_test_id("child-firings").locator("li")).to_have_count(1)
    assert run_axe(page) == []
    screenshot(page, "missing-trigger-fired")
    page.get_by_role("link", name="Missing children").click()
    page.get_by_role("link", name="Triggers").click()
    expect(page.get_by_test_id("firings").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("open-actions")).to_contain_text("Hold a strategy discussion or multi-agency meeting")
    assert run_axe(page) == []
    screenshot(page, "missing-triggers")
    assert TriggerFiring.objects.count() == 1 and MissingEpisode.objects.count() == 3

    page.get_by_role("link", name="Return interviews due").click()
    page.get_by_role("link", name="Reconciliation").click()
    expect(page.get_by_test_id("reconciliation")).to_contain_text("Safe Steps")
    assert run_axe(page) == []
    screenshot(page, "missing-reconciliation")
