"""The missing-children pages: forms with GOV.UK errors, the lists, reconciliation counts and the import page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from tests.factories import SourceRecordFactory, link

from safehub.missing.models import MissingEpisode, ReturnHomeInterview, TriggerFiring
from safehub.missing.selectors import reconciliation
from safehub.missing.services import create_return_interview, record_interview_response
from safehub.people.models import Event


def when(name: str, moment: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {
        f"{name}_day": str(local.day),
        f"{name}_month": str(local.month),
        f"{name}_year": str(local.year),
        f"{name}_time": f"{local:%H:%M}",
    }


def ago(**kwargs) -> dt.datetime:
    return (timezone.now() - dt.timedelta(**kwargs)).replace(second=0, microsecond=0)


@pytest.fixture
def coordinator(client, personas):
    client.force_login(personas["missing_coordinator"])
    return personas["missing_coordinator"]


def test_choose_the_child_then_record_the_episode(client, coordinator, world):
    page = client.get(reverse("missing:episode_new"), {"name": "Whitfield"})
    assert f'href="?child={world.health_only_child.pk}"' in page.content.decode()
    url = reverse("missing:episode_new") + f"?child={world.health_only_child.pk}"
    assert client.get(url).status_code == 200
    started = ago(hours=3)
    response = client.post(
        url,
        {"child": world.health_only_child.pk, **when("started_at", started), "category": "missing",
         "reported_by": "placement", "reported_by_detail": "Oak House", "risk_grade": "medium", "places": "Bus station"},
    )
    episode = MissingEpisode.objects.get()
    assert response.status_code == 302 and response.url == reverse("missing:episode", args=[episode.pk])
    assert episode.started_at == started and episode.agency.code == "social_care" and episode.risk_grade == "medium"
    assert Event.objects.filter(type="missing.started", child=world.health_only_child).count() == 1


def test_episode_form_errors_name_the_field(client, coordinator, world):
    url = reverse("missing:episode_new")
    base = {"child": world.health_only_child.pk, "category": "missing", "reported_by": "police"}
    page = client.post(url, base).content.decode()
    assert "There is a problem" in page
    assert '<a href="#started_at_day">Enter the date and time the child went missing</a>' in page
    page = client.post(url, {**base, **when("started_at", ago(hours=1)), "started_at_time": "25:00"}).content.decode()
    assert "The time the child went missing must be hours and minutes, for example 14:30" in page
    future = timezone.now() + dt.timedelta(days=2)
    page = client.post(url, {**base, **when("started_at", future)}).content.decode()
    assert "The date and time the child went missing must be in the past" in page
    page = client.post(url, {**base, **when("started_at", ago(hours=1)), "started_at_day": "31", "started_at_month": "2"})
    assert "must be a real date" in page.content.decode()
    assert not MissingEpisode.objects.exists()


def test_police_contributor_records_an_episode_owned_by_the_police(client, personas, world):
    client.force_login(personas["police_contributor"])
    url = reverse("missing:episode_new") + f"?child={world.police_child.pk}"
    client.post(url, {"child": world.police_child.pk, **when("started_at", ago(hours=2)), "category": "missing",
                      "reported_by": "parent_carer", "police_reference": "MP/2026/1"})
    assert MissingEpisode.objects.get().agency.code == "police"
    # a child police do not know is not there to choose
    assert client.get(reverse("missing:episode_new"), {"child": world.health_only_child.pk}).status_code == 404


def test_return_interview_walk_offer_response_complete(client, coordinator, missing_world):
    episode = missing_world.police_episode
    returned = ago(hours=2)
    client.post(reverse("missing:episode_return", args=[episode.pk]), {**when("ended_at", returned), "where_found": "Park"})
    episode.refresh_from_db()
    assert episode.ended_at == returned and episode.where_found == "Park"
    url = reverse("missing:interview", args=[episode.pk])
    assert "Offer a return home interview" in client.get(url).content.decode()
    client.post(url, {"stage": "offer", **when("offered_at", ago(hours=1)), "provider_name": "Safe Steps", "independent": "yes"})
    interview = ReturnHomeInterview.objects.get(episode=episode)
    assert interview.due_at == returned + dt.timedelta(hours=72) and interview.provider_name == "Safe Steps"
    stale = client.post(url, {"stage": "offer"})
    assert stale.status_code == 302 and ReturnHomeInterview.objects.filter(episode=episode).count() == 1
    client.post(url, {"stage": "response", "response": "accepted", **when("responded_at", ago(minutes=50))})
    page = client.post(url, {"stage": "complete", **when("completed_at", ago(minutes=90)), "independent": "yes"})
    assert "The interview cannot be held before it was offered" in page.content.decode()
    client.post(url, {"stage": "complete", **when("completed_at", ago(minutes=10)), "held_by_me": "on", "independent": "yes",
                      "push_factors": "Row at home", "pull_factors": "Older friends"})
    interview.refresh_from_db()
    assert interview.completed_at and interview.conducted_by == coordinator and interview.push_factors == "Row at home"
    assert Event.objects.filter(type="missing.rhi_completed").count() == 1
    detail = client.get(reverse("missing:episode", args=[episode.pk])).content.decode()
    assert "Row at home" in detail and "Completed" in detail


def test_the_third_episode_shows_the_trigger_once(client, coordinator, world):
    child = world.health_only_child
    url = reverse("missing:episode_new") + f"?child={child.pk}"
    for days in (50, 20, 1):
        response = client.post(url, {"child": child.pk, **when("started_at", ago(days=days)), "category": "missing",
                                     "reported_by": "placement"}, follow=True)
    page = response.content.decode()
    assert page.count("Trigger fired: 3 episodes in 90 days") == 1
    assert TriggerFiring.objects.filter(child=child, rule__code="episodes-in-window").count() == 1
    triggers = client.get(reverse("missing:triggers")).content.decode()
    assert triggers.count("3 episodes in 90 days</td>") == 1


def test_lists_show_hours_missing_and_overdue_interviews(client, coordinator, missing_world, record, agencies):
    ongoing = client.get(reverse("missing:ongoing")).content.decode()
    assert "1 ongoing episode," in ongoing  # the police episode; the restricted child's is not visible to the coordinator
    late = record(missing_world.care_episode.child, ago(hours=200), ago(hours=190), now=timezone.now())
    due = client.get(reverse("missing:interviews_due")).content.decode()
    assert "Overdue by" in due and reverse("missing:episode", args=[late.pk]) in due
    assert reverse("missing:episode", args=[missing_world.care_episode.pk]) in due  # offered, not yet held


@pytest.mark.parametrize("name", ["missing:ongoing", "missing:interviews_due", "missing:triggers", "missing:reconciliation"])
def test_list_pages_do_not_query_per_row(client, coordinator, missing_world, record, django_assert_max_num_queries, name):
    for hours in range(10, 200, 10):
        record(missing_world.care_episode.child, ago(hours=hours + 5), ago(hours=hours) if hours % 20 else None,
               now=timezone.now())
    with django_assert_max_num_queries(40):
        assert client.get(reverse(name)).status_code == 200


def test_reconciliation_counts_per_provider(world, record, personas):
    coordinator = personas["missing_coordinator"]
    now = dt.datetime(2026, 4, 10, 12, 0, tzinfo=dt.UTC)
    child = world.health_only_child

    def returned(day, hour=10):
        start = dt.datetime(2026, 3, day, hour, tzinfo=dt.UTC)
        return record(child, start, start + dt.timedelta(hours=4), now=now)

    in_time = returned(2)
    create_return_interview(in_time, offered_at=in_time.ended_at + dt.timedelta(hours=71), provider_name="Safe Steps", now=now)
    late = returned(9)
    create_return_interview(late, offered_at=late.ended_at + dt.timedelta(hours=73), provider_name="Safe Steps", now=now)
    in_house = returned(16)
    interview = create_return_interview(in_house, offered_at=in_house.ended_at + dt.timedelta(hours=1), now=now)
    record_interview_response(interview, accepted=False, responded_at=in_house.ended_at + dt.timedelta(hours=2), now=now)
    never = returned(23)
    record(child, dt.datetime(2026, 2, 27, tzinfo=dt.UTC), dt.datetime(2026, 2, 28, tzinfo=dt.UTC), now=now)  # February
    record(child, dt.datetime(2026, 3, 30, tzinfo=dt.UTC), None, now=now)  # not returned
    result = reconciliation(coordinator, month=dt.date(2026, 3, 1))
    lines = {line.provider: (line.episodes, line.offered_in_time, line.offered_late, line.not_offered) for line in result.lines}
    assert lines == {"Safe Steps": (2, 1, 1, 0), "In-house": (1, 1, 0, 0), "No interview arranged": (1, 0, 0, 1)}
    total = result.total
    counts = (total.episodes, total.offered_in_time, total.offered_late, total.not_offered, total.percent_in_time)
    assert counts == (4, 2, 1, 1, 50)
    assert [(e.pk, why) for e, _name, _due, why in result.unmatched] == [(late.pk, "Offered late"), (never.pk, "Not offered")]


def test_month_boundaries_are_london_time(world, record, personas):
    now = dt.datetime(2026, 8, 10, tzinfo=dt.UTC)
    # 31 July 23:30 UTC is 1 August 00:30 in London (BST)
    start, end = dt.datetime(2026, 7, 31, 20, tzinfo=dt.UTC), dt.datetime(2026, 7, 31, 23, 30, tzinfo=dt.UTC)
    record(world.police_child, start, end, now=now)
    assert reconciliation(personas["missing_coordinator"], month=dt.date(2026, 8, 1)).total.episodes == 1
    assert reconciliation(personas["missing_coordinator"], month=dt.date(2026, 7, 1)).total.episodes == 0


def test_import_page_reports_row_errors_and_imports_a_good_file(client, coordinator, world, agencies):
    bad = SimpleUploadedFile("903.csv", b"CHILD,MISSING,MIS_START,MIS_END\nLCS9,Z,03/02/2026,\n", content_type="text/csv")
    page = client.post(reverse("missing:import"), {"kind": "ssda903", "file": bad}).content.decode()
    assert "nothing was imported" in page and "Must be M (missing) or A (absent)" in page
    link(SourceRecordFactory(agency=agencies["social_care"], system="LCS", local_id="LCS9"), world.health_only_child)
    good = SimpleUploadedFile("903.csv", b"CHILD,MISSING,MIS_START,MIS_END\nLCS9,M,03/02/2026,04/02/2026\n")
    response = client.post(reverse("missing:import"), {"kind": "ssda903", "file": good})
    assert response.status_code == 302 and MissingEpisode.objects.count() == 1
    page = client.post(reverse("missing:import"), {"kind": "ssda903"}).content.decode()
    assert '<a href="#file">Select a CSV file</a>' in page


def test_completing_an_action_is_for_managers_only(client, personas, missing_world):
    url = reverse("missing:action", args=[missing_world.action.pk])
    client.force_login(personas["panel_chair"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"outcome": "Held"}).status_code == 403
    client.force_login(personas["missing_coordinator"])
    assert '<a href="#outcome">Enter what was decided</a>' in client.post(url, {"outcome": ""}).content.decode()
    assert client.post(url, {"outcome": "Strategy discussion held"}).status_code == 302
    missing_world.action.refresh_from_db()
    assert missing_world.action.completed_at is not None


def test_dashboard_panel_for_the_coordinator(client, coordinator, missing_world):
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="missing-panel"' in page and "Trigger actions open" in page
