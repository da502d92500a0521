"""The front-door pages through Django's test client: the flows, the errors naming their fields, and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.core.models import AuditEvent
from safehub.intake import services
from safehub.intake.models import AgencyCheckResponse, Contact, MashDecision, StrategyDiscussion, Task

from .fixtures import LONDON, make_contact


def contact_post(**overrides) -> dict:
    return {
        "reporter_name": "Sam Teacher",
        "reporter_agency": "",
        "reporter_relationship": "Designated safeguarding lead",
        "received_day": "19",
        "received_month": "12",
        "received_year": "2025",
        "received_time": "16:00",
        "concerns": ["3A", "11A"],
        "consent": "given",
        "urgency": "normal",
        "summary": "Disclosed being hit at home.",
        "caveat": "partnership",
        **overrides,
    }


def test_search_then_select_then_record(client, world, personas):
    client.force_login(personas["mash_practitioner"])
    url = reverse("intake:record_contact")
    found = client.get(url, {"name": "Brennan"})
    assert f"?child={world.police_child.pk}" in found.content.decode()
    assert AuditEvent.objects.filter(action="child.search", purpose="Record a contact").exists()
    assert reverse("people:record_child_search") in found.content.decode()  # not found: record a new child first
    form = client.get(url, {"child": world.police_child.pk})
    assert "Contact about Olivia Brennan" in form.content.decode()
    response = client.post(url, contact_post(child=world.police_child.pk))
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intake:contact", args=[contact.pk])
    assert contact.child == world.police_child
    assert contact.decision_due == dt.datetime(2025, 12, 22, 16, 0, tzinfo=LONDON)
    assert contact.concerns == ["3A", "11A"]


def test_recording_without_a_child_needs_a_description(client, personas):
    client.force_login(personas["mash_practitioner"])
    response = client.post(reverse("intake:record_contact"), contact_post(child="new", subject_description=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_subject_description"' in page and "Say who the contact is about" in page
    response = client.post(
        reverse("intake:record_contact"), contact_post(child="new", subject_description="Unborn baby of J Doe")
    )
    assert response.status_code == 302
    assert Contact.objects.get().child is None


def test_contact_form_errors_name_each_field(client, world, personas):
    client.force_login(personas["mash_practitioner"])
    response = client.post(
        reverse("intake:record_contact"),
        contact_post(
            child=world.police_child.pk,
            reporter_name="",
            received_day="31",
            received_month="2",
            consent="refused",
            summary="",
        ),
    )
    page = response.content.decode()
    assert "There is a problem" in page
    for anchor, message in [
        ("id_reporter_name", "Enter the name of the person who made the contact"),
        ("id_received_day", "must be a real date"),
        ("id_without_consent_reason", "Give the reason for sharing without consent"),
        ("id_summary", "Enter a summary of what was reported"),
    ]:
        assert f'href="#{anchor}"' in page and message in page
    assert not Contact.objects.exists()


def test_a_future_received_time_comes_back_from_the_service_on_its_field(client, world, personas):
    client.force_login(personas["mash_practitioner"])
    next_year = str(timezone.localdate().year + 1)
    response = client.post(
        reverse("intake:record_contact"), contact_post(child=world.police_child.pk, received_year=next_year)
    )
    page = response.content.decode()
    assert 'href="#id_received_day">The date and time received must be in the past' in page


def test_a_child_the_user_cannot_see_cannot_be_chosen(client, world, personas):
    client.force_login(personas["panel_chair"])  # cannot record at all
    assert client.get(reverse("intake:record_contact")).status_code == 403
    mash = personas["mash_practitioner"]
    world.restricted_child.restricted_to.remove(mash)
    client.force_login(mash)
    response = client.get(reverse("intake:record_contact"), {"child": world.restricted_child.pk})
    assert response.status_code == 404
    response = client.post(reverse("intake:record_contact"), contact_post(child=world.restricted_child.pk))
    assert response.status_code == 404 and not Contact.objects.exists()


def test_contact_page_sends_checks_decides_and_records_a_strategy_discussion(client, world, personas, agencies):
    mash = personas["mash_practitioner"]
    contact = make_contact(mash, world.police_child)
    client.force_login(mash)
    url = reverse("intake:contact", args=[contact.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"form": "checks", "question": "", "agencies": []})
    page = response.content.decode()
    assert 'href="#id_agencies_0">Select at least one agency to ask' in page
    assert 'href="#id_question">Enter the question for the agencies' in page
    response = client.post(
        url, {"form": "checks", "question": "Known?", "agencies": [agencies["police"].pk, agencies["health"].pk]}
    )
    assert response.status_code == 302
    assert set(contact.check_requests.values_list("agency__code", flat=True)) == {"police", "health"}

    response = client.post(url, {"form": "decision", "outcome": "s47", "reason": ""})
    assert 'href="#id_reason">Give the reason for the decision' in response.content.decode()
    assert client.post(url, {"form": "decision", "outcome": "s47", "reason": "Harm"}).status_code == 302
    assert MashDecision.objects.get().outcome == "s47"

    page = client.get(url).content.decode()
    assert "Record a strategy discussion" in page
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    strategy = {
        "form": "strategy",
        "held_day": yesterday.day,
        "held_month": yesterday.month,
        "held_year": yesterday.year,
        "held_time": "10:00",
        "social_work_present": "yes",
        "social_work_name": "Maya Ashworth",
        "police_present": "yes",
        "police_name": "",
        "health_present": "no",
        "education_present": "no",
        "decision": "s47",
        "lead_practitioner": "",
    }
    page = client.post(url, strategy).content.decode()
    assert 'href="#id_police_name">Enter the name of the police attendee' in page
    assert 'href="#id_lead_practitioner">Choose the lead child protection practitioner' in page
    response = client.post(url, {**strategy, "police_name": "DC Oduya", "lead_practitioner": mash.pk})
    assert response.status_code == 302
    discussion = StrategyDiscussion.objects.get()
    page = client.get(url).content.decode()
    assert f"Initial child protection conference due by <strong>{discussion.icpc_due:%A} {discussion.icpc_due.day}" in page


def test_agency_answers_a_check_in_the_browser(client, intake_world, personas):
    police = personas["police_contributor"]
    client.force_login(police)
    queue = client.get(reverse("intake:check_queue")).content.decode()
    assert intake_world.police_check.reference in queue
    assert intake_world.health_check.reference not in queue
    url = reverse("intake:answer_check", args=[intake_world.police_check.pk])
    page = client.get(url).content.decode()
    assert "Olivia Brennan" in page and "What do you know about the child" in page
    assert "Sam Teacher" not in page and "Disclosed being hit" not in page  # the contact itself stays with the MASH
    response = client.post(url, {"known": "yes", "text": "", "caveat": "partnership"})
    assert 'href="#id_text">Enter what your agency knows' in response.content.decode()
    response = client.post(url, {"known": "yes", "text": "Two incidents.", "caveat": "agency_only"})
    assert response.status_code == 302
    assert AgencyCheckResponse.objects.get().caveat == "agency_only"


def test_mash_sees_that_an_agency_only_answer_exists_but_not_its_text(client, intake_world, personas):
    services.respond_to_check(
        intake_world.police_check, actor=personas["police_contributor"], known=True, text="Sensitive intelligence",
        caveat="agency_only",
    )
    services.respond_to_check(
        intake_world.health_check, actor=personas["health_contributor"], known=True, text="Known to health visiting",
    )
    client.force_login(personas["mash_practitioner"])
    page = client.get(reverse("intake:contact", args=[intake_world.contact.pk])).content.decode()
    assert "Known to health visiting" in page
    assert "Sensitive intelligence" not in page
    assert "Police restricted the answer to their own agency" in page


def test_front_door_lists_newest_first_with_rag_and_filters_in_few_queries(
    client, world, personas, django_assert_max_num_queries
):
    mash = personas["mash_practitioner"]
    now = timezone.now()
    for hours in range(12):
        make_contact(mash, world.police_child, received_at=now - dt.timedelta(hours=hours * 5))
    client.force_login(mash)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("intake:front_door")).content.decode()
    assert "12 contacts" in page
    assert "govuk-tag--red" in page and "Overdue" in page
    red = client.get(reverse("intake:front_door"), {"rag": "red"}).content.decode()
    red_count = Contact.objects.filter(decision_due__lt=timezone.now()).count()
    assert f"{red_count} contact" in red


def test_rag_filter_agrees_with_the_python_rag(world, personas):
    from safehub.intake.deadlines import Rag
    from safehub.intake.selectors import rag_filter

    mash = personas["mash_practitioner"]
    now = dt.datetime(2025, 12, 22, 12, 0, tzinfo=LONDON)
    for received in [
        dt.datetime(2025, 12, 18, 9, 0, tzinfo=LONDON),  # due Fri 19th: red
        dt.datetime(2025, 12, 19, 15, 0, tzinfo=LONDON),  # due Mon 22nd 15:00: amber
        dt.datetime(2025, 12, 19, 23, 0, tzinfo=LONDON),  # due Mon 22nd 23:00: amber (today)
        dt.datetime(2025, 12, 22, 9, 0, tzinfo=LONDON),  # due Tue 23rd 09:00: green
    ]:
        make_contact(mash, world.police_child, received_at=received)
    for rag in Rag:
        in_sql = set(Contact.objects.filter(rag_filter(rag, now)).values_list("pk", flat=True))
        in_python = {c.pk for c in Contact.objects.all() if c.rag(now) is rag}
        assert in_sql == in_python
    assert [len(Contact.objects.filter(rag_filter(r, now))) for r in Rag] == [1, 2, 1]


def test_tasks_page_calendar_and_done(client, intake_world, personas):
    mash = personas["mash_practitioner"]
    client.force_login(mash)
    page = client.get(reverse("intake:my_tasks")).content.decode()
    assert f"MASH decision on contact {intake_world.contact.reference}" in page
    ics = client.get(reverse("intake:tasks_calendar"))
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    body = ics.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"UID:task-{intake_world.task.pk}@safehub" in body
    assert "DTEND:20251222T160000Z" in body
    assert "Brennan" not in body
    assert AuditEvent.objects.filter(action="task.calendar_exported", actor=mash).exists()
    response = client.post(reverse("intake:complete_task", args=[intake_world.task.pk]))
    assert response.status_code == 302
    assert Task.objects.get(pk=intake_world.task.pk).done_at is not None
    client.force_login(personas["police_contributor"])
    agency_tasks = client.get(reverse("intake:my_tasks"), {"scope": "agency"}).content.decode()
    assert intake_world.police_check.reference in agency_tasks
    assert intake_world.health_check.reference not in agency_tasks
    assert client.post(reverse("intake:complete_task", args=[intake_world.task.pk])).status_code == 404


def test_overdue_view_lists_overdue_checks_and_decisions(client, intake_world, personas):
    client.force_login(personas["mash_practitioner"])
    page = client.get(reverse("intake:overdue")).content.decode()
    # the fixture's checks were due on 22 December 2025, long past
    assert page.count(intake_world.contact.reference) >= 3
    assert 'data-testid="overdue-checks">2<' in page
    assert 'data-testid="overdue-decisions">1<' in page


@pytest.mark.parametrize("persona", ["police_contributor", "health_contributor", "panel_chair", "board_member"])
def test_contact_page_is_mash_only(client, intake_world, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("intake:contact", args=[intake_world.contact.pk])).status_code == 403


def test_overdue_view_queries_do_not_grow_with_the_list(client, world, personas, agencies, django_assert_max_num_queries):
    mash = personas["mash_practitioner"]
    for n in range(8):
        contact = make_contact(mash, world.police_child, received_at=dt.datetime(2025, 12, 1 + n, 9, 0, tzinfo=LONDON))
        services.send_agency_checks(
            contact, agencies=[agencies["police"]], question="Known?", actor=mash,
            now=dt.datetime(2025, 12, 1 + n, 10, 0, tzinfo=LONDON),
        )
    client.force_login(mash)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("intake:overdue")).status_code == 200


def test_dashboard_front_door_panel(client, intake_world, personas):
    client.force_login(personas["mash_practitioner"])
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="front-door-panel"' in page and "Contacts awaiting a decision" in page
    client.force_login(personas["police_contributor"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "MASH checks waiting" in page
    client.force_login(personas["board_member"])
    assert 'data-testid="front-door-panel"' not in client.get(reverse("dashboard")).content.decode()
