"""The 2026 Act workflows at the front door: the multi-agency child protection team, family group decision-making before
care proceedings, home education during child protection and NRM referrals. Clocks are checked with exact dates across
England's Christmas 2026 and Easter 2027 bank holidays (Fri 25, Mon 28 Dec 2026; Fri 1 Jan, Fri 26 and Mon 29 Mar 2027).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from safehub.core.models import AuditEvent, TimescaleRule
from safehub.intake import services
from safehub.intake.models import (
    CareProceedings,
    FgdmOffer,
    HomeEducationNotice,
    NrmReferral,
    StrategyAttendance,
    StrategyDiscussion,
    Task,
)
from safehub.intake.selectors import fgdm_report
from safehub.intake.services import Attendee, IntakeError
from safehub.people.models import Event

from .fixtures import LONDON

D = dt.date


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


# ---------------------------------------------------------------------------------------------------------------------
# The multi-agency child protection team


def _discussion(actor, child, attendance, decision="s47", lead=None):
    return services.record_strategy_discussion(
        actor=actor, child=child, held_at=at(2026, 12, 21, 10, 0), attendance=attendance, decision=decision,
        lead_practitioner=lead, now=at(2026, 12, 21, 12, 0),
    )


def test_a_strategy_discussion_shows_which_of_the_four_disciplines_are_missing(world, personas):
    mash = personas["mash_practitioner"]
    discussion = _discussion(
        mash, world.police_child,
        {"social_work": Attendee(True, "Maya Ashworth"), "police": Attendee(True, "DC Oduya"),
         "health": Attendee(False), "education": Attendee(False)},
        lead=mash,
    )
    assert discussion.missing_disciplines() == ["Health", "Education"]
    StrategyAttendance.objects.filter(discussion=discussion, discipline="police").delete()
    assert StrategyDiscussion.objects.get(pk=discussion.pk).missing_disciplines() == ["Police", "Health", "Education"]


def test_a_section_47_enquiry_cannot_start_without_a_named_lead(world, personas):
    everyone = {d: Attendee(True, f"{d} attendee") for d in ("social_work", "police", "health", "education")}
    with pytest.raises(IntakeError) as caught:
        _discussion(personas["mash_practitioner"], world.police_child, everyone, lead=None)
    assert set(caught.value.errors) == {"lead_practitioner"}
    assert not StrategyDiscussion.objects.exists()
    discussion = _discussion(personas["mash_practitioner"], world.police_child, everyone, lead=personas["panel_chair"])
    assert discussion.enquiry.lead_practitioner == personas["panel_chair"]
    assert discussion.missing_disciplines() == []


def test_a_child_protection_plan_names_its_lead_practitioner(world, personas):
    with pytest.raises(IntakeError) as caught:
        services.start_plan(world.police_child, type="cp", actor=personas["mash_practitioner"], start_on=D(2026, 12, 1))
    assert set(caught.value.errors) == {"lead_practitioner"}
    plan = services.start_plan(
        world.police_child, type="cp", actor=personas["mash_practitioner"], start_on=D(2026, 12, 1),
        lead_practitioner=personas["mash_practitioner"],
    )
    assert plan.lead_practitioner == personas["mash_practitioner"]


def test_the_contact_page_warns_of_missing_disciplines(client, intake_world, personas):
    mash = personas["mash_practitioner"]
    contact = intake_world.contact
    services.decide(contact, outcome="s47", reason="Significant harm", actor=mash, now=at(2025, 12, 20, 9, 0))
    services.record_strategy_discussion(
        actor=mash, contact=contact, held_at=at(2025, 12, 20, 10, 0), decision="s47", lead_practitioner=mash,
        attendance={"social_work": Attendee(True, "Maya"), "police": Attendee(True, "DC Oduya"),
                    "health": Attendee(False), "education": Attendee(False)},
        now=at(2025, 12, 20, 11, 0),
    )
    client.force_login(mash)
    page = client.get(reverse("intake:contact", args=[contact.pk])).content.decode()
    assert "Not represented: Health, Education" in page


# ---------------------------------------------------------------------------------------------------------------------
# Family group decision-making before care proceedings


def test_the_fgdm_offer_is_due_ten_working_days_after_the_decision_across_christmas(world, personas):
    # Fri 18 Dec 2026 + 10 working days, skipping Fri 25 Dec, Mon 28 Dec (Boxing Day substitute) and Fri 1 Jan
    proceedings = services.record_decision_to_consider_proceedings(
        world.police_child, actor=personas["mash_practitioner"], considered_on=D(2026, 12, 18), today=D(2026, 12, 18)
    )
    assert proceedings.fgdm_offer_due == D(2027, 1, 6)
    task = Task.objects.get(detail_type="intake.careproceedings", detail_id=str(proceedings.pk))
    assert (task.due_at.date(), task.all_day, task.assigned_to) == (D(2027, 1, 6), True, personas["mash_practitioner"])
    assert Event.objects.filter(type="care_proceedings_considered", child=world.police_child).exists()
    assert AuditEvent.objects.filter(action="care_proceedings.considered", object_id=str(proceedings.pk)).exists()


def test_the_partnership_can_change_the_fgdm_timescale(world, personas):
    TimescaleRule.objects.create(code="fgdm_offer", name="FGDM offer", amount=5, unit="working_days")
    proceedings = services.record_decision_to_consider_proceedings(
        world.police_child, actor=personas["mash_practitioner"], considered_on=D(2026, 12, 18), today=D(2026, 12, 18)
    )
    assert proceedings.fgdm_offer_due == D(2026, 12, 29)  # 21, 22, 23, 24, (25 and 28 closed) 29


def test_proceedings_cannot_be_issued_without_an_offer_or_an_exception(world, personas):
    mash = personas["mash_practitioner"]
    proceedings = services.record_decision_to_consider_proceedings(
        world.police_child, actor=mash, considered_on=D(2026, 12, 18), today=D(2026, 12, 18)
    )
    with pytest.raises(IntakeError) as caught:
        services.record_proceedings_issued(proceedings, actor=mash, issued_on=D(2027, 1, 11), today=D(2027, 1, 11))
    assert set(caught.value.errors) == {"fgdm"}
    offer = services.record_fgdm_offer(proceedings, actor=mash, offered_on=D(2027, 1, 7), today=D(2027, 1, 7))
    assert offer.on_time is False  # due 6 January
    assert not Task.objects.filter(detail_type="intake.careproceedings", done_at__isnull=True).exists()
    with pytest.raises(IntakeError) as caught:
        services.record_proceedings_issued(proceedings, actor=mash, issued_on=D(2027, 1, 6), today=D(2027, 1, 11))
    assert "before proceedings are issued" in caught.value.errors["issued_on"]
    services.record_proceedings_issued(
        proceedings, actor=mash, issued_on=D(2027, 1, 11), court_reference="ZW27C00012", today=D(2027, 1, 11)
    )
    proceedings.refresh_from_db()
    assert (proceedings.issued_on, proceedings.court_reference) == (D(2027, 1, 11), "ZW27C00012")
    audit = AuditEvent.objects.get(action="care_proceedings.issued")
    assert audit.detail["fgdm"] == "offered"


def test_an_exception_needs_a_reason_and_a_manager_and_then_allows_issue(world, personas):
    mash = personas["mash_practitioner"]
    proceedings = services.record_decision_to_consider_proceedings(
        world.police_child, actor=mash, considered_on=D(2026, 12, 18), today=D(2026, 12, 18)
    )
    with pytest.raises(IntakeError) as caught:
        services.record_fgdm_exception(proceedings, actor=mash, reason=" ", manager=None)
    assert set(caught.value.errors) == {"reason", "manager"}
    services.record_fgdm_exception(
        proceedings, actor=mash, reason="Emergency protection order: immediate risk", manager=personas["panel_chair"]
    )
    issued = services.record_proceedings_issued(proceedings, actor=mash, issued_on=D(2026, 12, 18), today=D(2026, 12, 18))
    assert issued.issued_on == D(2026, 12, 18)
    assert AuditEvent.objects.get(action="care_proceedings.issued").detail["fgdm"] == "exception"
    assert AuditEvent.objects.get(action="fgdm.exception_recorded").detail["manager"] == personas["panel_chair"].pk


def test_the_family_answer_meeting_outcome_and_plan_are_recorded(world, personas):
    mash = personas["mash_practitioner"]
    proceedings = services.record_decision_to_consider_proceedings(
        world.police_child, actor=mash, considered_on=D(2026, 12, 18), today=D(2026, 12, 18)
    )
    offer = services.record_fgdm_offer(proceedings, actor=mash, offered_on=D(2026, 12, 22), today=D(2026, 12, 22))
    assert offer.on_time is True
    with pytest.raises(IntakeError) as caught:
        services.record_fgdm_response(offer, actor=mash, response="declined", meeting_on=D(2027, 1, 5))
    assert set(caught.value.errors) == {"meeting_on"}
    with pytest.raises(IntakeError) as caught:
        services.record_fgdm_response(offer, actor=mash, response="accepted", outcome="Agreed", today=D(2027, 1, 20))
    assert set(caught.value.errors) == {"meeting_on"}
    services.record_fgdm_response(
        offer, actor=mash, response="accepted", responded_on=D(2026, 12, 23), meeting_on=D(2027, 1, 12),
        outcome="Grandmother to care for the children during the week", family_plan="Nan: weekdays; aunt: weekends",
        today=D(2027, 1, 20),
    )
    offer.refresh_from_db()
    assert (offer.response, offer.meeting_on, offer.family_plan) == (
        FgdmOffer.Response.ACCEPTED, D(2027, 1, 12), "Nan: weekdays; aunt: weekends"
    )
    assert Event.objects.get(type="fgdm_meeting").outcome == "Nan: weekdays; aunt: weekends"
    assert AuditEvent.objects.get(action="fgdm.updated").detail["before"]["response"] == "awaiting"


def test_the_fgdm_report_counts_each_status(world, personas):
    mash = personas["mash_practitioner"]

    def considered(day):
        return services.record_decision_to_consider_proceedings(
            world.police_child, actor=mash, considered_on=day, today=D(2027, 2, 1)
        )

    on_time, late, excepted, due, overdue = (
        considered(D(2026, 12, 18)), considered(D(2026, 12, 18)), considered(D(2026, 12, 18)), considered(D(2027, 1, 29)),
        considered(D(2027, 1, 4)),
    )
    services.record_fgdm_offer(on_time, actor=mash, offered_on=D(2027, 1, 6), today=D(2027, 2, 1))
    services.record_fgdm_offer(late, actor=mash, offered_on=D(2027, 1, 7), today=D(2027, 2, 1))
    services.record_fgdm_exception(excepted, actor=mash, reason="Emergency", manager=personas["panel_chair"])
    report = fgdm_report(mash, today=D(2027, 2, 1))
    assert report.counts == {"offered": 1, "offered_late": 1, "exception": 1, "due": 1, "overdue": 1}
    statuses = {row.proceedings.pk: row.status for row in report.rows}
    assert (statuses[due.pk], statuses[overdue.pk]) == ("due", "overdue")  # overdue: due 18 January
    assert fgdm_report(personas["analyst"], today=D(2027, 2, 1)).rows == []


def test_the_fgdm_report_page_and_api(client, world, personas):
    mash = personas["mash_practitioner"]
    services.record_decision_to_consider_proceedings(world.police_child, actor=mash, considered_on=D(2025, 12, 18))
    client.force_login(mash)
    page = client.get(reverse("intake:fgdm_report"))
    assert page.status_code == 200 and "Olivia Brennan" in page.content.decode()
    data = client.get(reverse("api:intake_fgdm_report"), {"today": "2025-12-21"}).json()
    assert data["counts"]["due"] == 1
    # Thu 18 Dec 2025 + 10 working days, skipping 25 and 26 Dec and 1 Jan
    assert data["proceedings"][0]["fgdm_offer_due"] == "2026-01-06"


def test_the_child_page_records_proceedings_an_offer_and_refuses_issue_without_one(client, world, personas):
    mash = personas["mash_practitioner"]
    client.force_login(mash)
    url = reverse("intake:child_act", args=[world.police_child.pk])
    response = client.post(url, {"form": "proceedings", "proceedings-considered_on": "2026-12-01"})
    assert response.status_code == 302
    proceedings = CareProceedings.objects.get()
    response = client.post(url, {"form": "issued", "target": proceedings.pk, f"issued-{proceedings.pk}-issued_on": "2026-12-02"})
    assert response.status_code == 200
    assert "Record the offer of family group decision-making, or an exception" in response.content.decode()
    response = client.post(
        url, {"form": "fgdm_offer", "target": proceedings.pk, f"fgdm_offer-{proceedings.pk}-offered_on": "2026-12-02"}
    )
    assert response.status_code == 302
    assert FgdmOffer.objects.get().offered_on == D(2026, 12, 2)
    page = client.get(url).content.decode()
    assert "Family group decision-making due to be offered by" in page and "On time" in page
    assert client.post(url, {"form": "issued", "target": 999999}).status_code == 404


# ---------------------------------------------------------------------------------------------------------------------
# Home education during child protection


def test_home_education_during_a_section_47_enquiry_raises_an_alert_and_a_consent_task(world, personas, agencies):
    mash, chair = personas["mash_practitioner"], personas["panel_chair"]
    _discussion(
        mash, world.police_child, {d: Attendee(True, "Named") for d in ("social_work", "police", "health", "education")},
        lead=chair,
    )
    notice = services.record_home_education_notice(
        world.police_child, "Riverside Academy", D(2026, 12, 17), mash, now=at(2026, 12, 18, 10, 0)
    )
    # the enquiry started on 21 December, after the child came off the roll: no consent needed
    assert (notice.alert, notice.consent, notice.enquiry) == (False, HomeEducationNotice.Consent.NOT_NEEDED, None)
    notice = services.record_home_education_notice(
        world.police_child, "Riverside Academy", D(2026, 12, 22), mash, now=at(2026, 12, 22, 10, 0)
    )
    assert notice.alert and notice.consent == HomeEducationNotice.Consent.AWAITING
    assert notice.enquiry is not None and notice.plan is None
    # 15 working days from Tue 22 Dec 2026, skipping 25 and 28 Dec and 1 Jan
    assert notice.consent_due == D(2027, 1, 15)
    task = Task.objects.get(detail_type="intake.homeeducationnotice", detail_id=str(notice.pk))
    assert (task.assigned_to, task.agency, task.due_at.date()) == (chair, agencies["social_care"], D(2027, 1, 15))
    assert "Olivia" not in task.title
    event = Event.objects.filter(type="home_education_alert").latest("pk")
    assert event.significance == Event.Significance.SIGNIFICANT and "section 47 enquiry" in event.title
    audit = AuditEvent.objects.get(action="home_education.notice_recorded", object_id=str(notice.pk))
    assert audit.detail["alert"] is True and audit.detail["enquiry"] == notice.enquiry_id
    services.decide_home_education_consent(notice, actor=mash, consent="refused", reason="Child not seen", today=D(2027, 1, 4))
    task.refresh_from_db()
    assert task.done_at is not None
    assert AuditEvent.objects.get(action="home_education.consent_decided").detail["on_time"] is True


def test_home_education_on_a_child_protection_plan_alerts_but_not_without_one(world, personas):
    mash = personas["mash_practitioner"]
    plain = services.record_home_education_notice(world.health_only_child, "Hill School", D(2026, 12, 1), mash,
                                                  now=at(2026, 12, 2, 9, 0))
    assert not plain.alert and plain.consent_due is None
    assert not Task.objects.filter(detail_type="intake.homeeducationnotice").exists()
    assert Event.objects.get(child=world.health_only_child, type="home_education").significance == Event.Significance.NOTABLE
    services.start_plan(world.health_only_child, type="cp", actor=mash, start_on=D(2026, 11, 1), lead_practitioner=mash)
    on_plan = services.record_home_education_notice(world.health_only_child, "Hill School", D(2026, 12, 1), mash,
                                                     now=at(2026, 12, 2, 9, 0))
    assert on_plan.alert and on_plan.plan is not None
    with pytest.raises(IntakeError) as caught:
        services.record_home_education_notice(world.health_only_child, " ", D(2026, 12, 3), mash, now=at(2026, 12, 2, 9, 0))
    assert set(caught.value.errors) == {"school", "removed_on"}


def test_the_home_education_form_raises_the_alert(client, world, personas):
    mash = personas["mash_practitioner"]
    services.start_plan(world.police_child, type="cp", actor=mash, start_on=D(2026, 1, 1), lead_practitioner=mash)
    client.force_login(mash)
    url = reverse("intake:child_act", args=[world.police_child.pk])
    response = client.post(url, {"form": "home_education", "home_education-school": "Riverside Academy",
                                 "home_education-removed_on": "2026-03-02"}, follow=True)
    assert "Alert raised" in response.content.decode()
    assert "home education needs the council's consent" in response.content.decode()
    missing = client.post(url, {"form": "home_education", "home_education-school": ""})
    assert missing.status_code == 200 and "Enter the school that took the child off its roll" in missing.content.decode()


# ---------------------------------------------------------------------------------------------------------------------
# Modern slavery: National Referral Mechanism


def _referral(world, personas, referred_on):
    return services.record_nrm_referral(
        world.police_child, actor=personas["mash_practitioner"], referred_on=referred_on,
        first_responder_organisation="Northshire Police", first_responder_name="DC Peter Oduya", exploitation="criminal",
        today=D(2027, 6, 1),
    )


@pytest.mark.parametrize(
    ("referred_on", "due"),
    [
        (D(2026, 12, 23), D(2027, 1, 4)),  # Wed: Thu 24, Tue 29, Wed 30, Thu 31, (Fri 1 Jan closed) Mon 4
        (D(2027, 3, 25), D(2027, 4, 5)),  # Thu before Easter: Tue 30, Wed 31, Thu 1, Fri 2, Mon 5
        (D(2027, 3, 27), D(2027, 4, 5)),  # a Saturday counts from the next working day: Tue 30 ... Mon 5
        (D(2027, 6, 1), D(2027, 6, 8)),  # an ordinary week: Tue + 5 working days
    ],
)
def test_the_reasonable_grounds_decision_is_due_in_five_working_days(world, personas, referred_on, due):
    referral = _referral(world, personas, referred_on)
    assert referral.reasonable_grounds_due == due
    task = Task.objects.get(detail_type="intake.nrmreferral", detail_id=str(referral.pk))
    assert task.due_at.date() == due


@pytest.mark.parametrize(
    ("reasonable_grounds_on", "earliest"),
    [
        (D(2027, 1, 4), D(2027, 2, 3)),  # 30 calendar days
        (D(2026, 11, 25), D(2026, 12, 25)),  # calendar days: may fall on Christmas Day, not moved to a working day
        (D(2027, 2, 27), D(2027, 3, 29)),  # across the end of February, onto Easter Monday
    ],
)
def test_the_conclusive_grounds_decision_is_not_before_thirty_calendar_days(world, personas, reasonable_grounds_on,
                                                                            earliest):
    referral = _referral(world, personas, reasonable_grounds_on - dt.timedelta(days=3))
    services.record_reasonable_grounds_decision(
        referral, actor=personas["mash_practitioner"], decision="positive", decided_on=reasonable_grounds_on,
        decided_by="ddm_panel", today=D(2027, 6, 1),
    )
    assert referral.conclusive_grounds_earliest == earliest
    with pytest.raises(IntakeError) as caught:
        services.record_conclusive_grounds_decision(
            referral, actor=personas["mash_practitioner"], decision="positive",
            decided_on=earliest - dt.timedelta(days=1), decided_by="ddm_panel", today=D(2027, 6, 1),
        )
    assert "cannot be made before" in caught.value.errors["decided_on"]
    services.record_conclusive_grounds_decision(
        referral, actor=personas["mash_practitioner"], decision="positive", decided_on=earliest,
        decided_by="home_office", today=D(2027, 6, 1),
    )
    referral.refresh_from_db()
    assert (referral.conclusive_grounds, referral.conclusive_grounds_on, referral.conclusive_grounds_by) == (
        "positive", earliest, NrmReferral.DecisionMaker.HOME_OFFICE
    )
    assert AuditEvent.objects.filter(action="nrm.conclusive_grounds", object_id=str(referral.pk)).exists()


def test_reasonable_grounds_decisions_record_the_panel_and_close_the_task(world, personas):
    mash = personas["mash_practitioner"]
    referral = _referral(world, personas, D(2026, 12, 23))
    with pytest.raises(IntakeError) as caught:
        services.record_reasonable_grounds_decision(
            referral, actor=mash, decision="maybe", decided_on=D(2026, 12, 22), decided_by="council", today=D(2027, 6, 1)
        )
    assert set(caught.value.errors) == {"decision", "decided_on", "decided_by"}
    services.record_reasonable_grounds_decision(
        referral, actor=mash, decision="negative", decided_on=D(2027, 1, 5), decided_by="home_office", today=D(2027, 6, 1)
    )
    assert referral.conclusive_grounds_earliest is None
    assert Task.objects.get(detail_type="intake.nrmreferral").done_at is not None
    assert AuditEvent.objects.get(action="nrm.reasonable_grounds").detail["on_time"] is False  # due 4 January
    with pytest.raises(IntakeError) as caught:
        services.record_conclusive_grounds_decision(
            referral, actor=mash, decision="positive", decided_on=D(2027, 3, 1), decided_by="ddm_panel", today=D(2027, 6, 1)
        )
    assert "follows a positive reasonable grounds decision" in caught.value.errors["decision"]


def test_the_child_page_records_an_nrm_referral(client, world, personas):
    client.force_login(personas["mash_practitioner"])
    url = reverse("intake:child_act", args=[world.police_child.pk])
    response = client.post(url, {
        "form": "nrm", "nrm-referred_on": "2025-12-23", "nrm-first_responder_organisation": "Northshire Police",
        "nrm-first_responder_name": "DC Oduya", "nrm-exploitation": "criminal",
    })
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Due by Friday 2 January 2026" in page  # Tue 23 Dec 2025: 24, 29, 30, 31 Dec, 2 Jan


def test_the_fgdm_report_page_does_not_grow_its_queries_with_rows(client, world, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mash = personas["mash_practitioner"]
    client.force_login(mash)

    def add(n):
        for _ in range(n):
            p = services.record_decision_to_consider_proceedings(world.police_child, actor=mash, considered_on=D(2025, 12, 1))
            services.record_fgdm_offer(p, actor=mash, offered_on=D(2025, 12, 2))

    add(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("intake:fgdm_report")).status_code == 200
    add(4)
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("intake:fgdm_report")).status_code == 200
    assert len(five) == len(one)
