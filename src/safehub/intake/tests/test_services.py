"""Front-door services: what each changes, the events it writes on the child, and what it audits."""

from __future__ import annotations

import datetime as dt

import pytest

from safehub.core.models import AuditEvent
from safehub.intake import services
from safehub.intake.models import Assessment, Contact, Enquiry, MashDecision, Plan, PlanItem, StrategyDiscussion, Task
from safehub.intake.selectors import SlaShare, share_within_sla
from safehub.intake.services import Attendee, IntakeError
from safehub.people.models import Event

from .fixtures import LONDON, RECEIVED, make_contact


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


ALL_PRESENT = {
    "social_work": Attendee(True, "Maya Ashworth"),
    "police": Attendee(True, "DC Peter Oduya"),
    "health": Attendee(True, "Hannah Ellis"),
    "education": Attendee(False),
}


def test_recording_a_contact_starts_the_clock_writes_the_event_task_and_audit(world, personas):
    mash = personas["mash_practitioner"]
    contact = make_contact(mash, world.police_child)
    assert contact.decision_due == at(2025, 12, 22, 16, 0)
    event = Event.objects.get(type="contact", child=world.police_child)
    assert event.occurred_at == RECEIVED
    assert event.agency == mash.agency
    assert event.detail_type == "intake.contact" and event.detail_id == str(contact.pk)
    assert "3A Domestic abuse: child subject" in event.title
    task = Task.objects.get(detail_type="intake.contact", detail_id=str(contact.pk))
    assert (task.assigned_to, task.due_at, task.child) == (mash, contact.decision_due, world.police_child)
    assert world.police_child.full_name not in task.title  # titles travel into calendars
    audit = AuditEvent.objects.get(action="contact.recorded")
    assert (audit.actor, audit.object_id) == (mash, str(contact.pk))


def test_an_urgent_contact_is_due_in_four_hours_and_is_significant(world, personas):
    contact = make_contact(personas["mash_practitioner"], world.police_child, urgency="urgent")
    assert contact.decision_due == at(2025, 12, 19, 20, 0)
    assert Event.objects.get(type="contact").significance == Event.Significance.SIGNIFICANT


def test_a_contact_about_an_unborn_baby_needs_no_child_and_writes_no_event(personas):
    contact = make_contact(personas["mash_practitioner"], None, subject_description="Unborn baby of J Doe, due May")
    assert contact.subject_label == "Unborn baby of J Doe, due May"
    assert not Event.objects.exists()


def test_record_contact_names_every_field_at_fault(world, personas):
    with pytest.raises(IntakeError) as caught:
        services.record_contact(
            actor=personas["mash_practitioner"],
            received_at=at(2026, 1, 1, 9, 0),
            reporter_name="",
            summary="",
            consent="refused",
            concerns=["99Z"],
            now=at(2025, 12, 19, 9, 0),
        )
    assert set(caught.value.errors) == {
        "subject_description",
        "reporter_name",
        "reporter_relationship",
        "received_at",
        "concerns",
        "without_consent_reason",
        "summary",
    }
    assert not Contact.objects.exists()


def test_decision_closes_the_task_starts_an_assessment_and_is_audited(intake_world, personas, world):
    contact = intake_world.contact
    decision = services.decide(
        contact,
        outcome=MashDecision.Outcome.SECTION_47,
        reason="Disclosure of physical harm",
        actor=personas["mash_practitioner"],
        now=at(2025, 12, 22, 11, 0),
    )
    assert decision.on_time
    assert Task.objects.get(pk=intake_world.task.pk).done_at == at(2025, 12, 22, 11, 0)
    assessment = Assessment.objects.get(contact=contact)
    assert (assessment.started_on, assessment.due_on) == (dt.date(2025, 12, 22), dt.date(2026, 2, 26))
    event = Event.objects.get(type="mash_decision")
    assert event.title == "MASH decision: Section 47 strategy discussion"
    assert event.significance == Event.Significance.SIGNIFICANT
    assert AuditEvent.objects.filter(action="mash_decision.recorded", object_id=str(decision.pk)).exists()
    assert AuditEvent.objects.filter(action="assessment.started").exists()
    with pytest.raises(IntakeError, match="already"):
        services.decide(contact, outcome="nfa", reason="x", actor=personas["mash_practitioner"])


def test_a_late_decision_is_recorded_as_late(intake_world, personas):
    decision = services.decide(
        intake_world.contact,
        outcome=MashDecision.Outcome.NO_FURTHER_ACTION,
        reason="Resolved",
        actor=personas["mash_practitioner"],
        now=at(2025, 12, 22, 16, 1),
    )
    assert not decision.on_time


def test_decision_needs_a_reason_and_a_transfer_needs_an_authority(intake_world, personas):
    with pytest.raises(IntakeError) as caught:
        services.decide(intake_world.contact, outcome="transfer", reason=" ", actor=personas["mash_practitioner"])
    assert set(caught.value.errors) == {"reason", "transfer_to"}


def test_checks_copy_name_and_date_of_birth_and_are_due_in_72_hours(intake_world, world):
    check = intake_world.police_check
    assert (check.subject_name, check.subject_dob) == ("Olivia Brennan", world.police_child.date_of_birth)
    assert check.deadline == at(2025, 12, 22, 16, 30)
    assert check.status(at(2025, 12, 22, 16, 0)) == "open"
    assert check.status(at(2025, 12, 22, 16, 31)) == "overdue"
    task = Task.objects.get(detail_type="intake.agencycheckrequest", detail_id=str(check.pk))
    assert (task.agency, task.child, task.assigned_to) == (check.agency, None, None)
    assert AuditEvent.objects.filter(action="agency_check.sent").count() == 2


def test_the_same_agency_is_not_asked_twice(intake_world, personas, agencies):
    with pytest.raises(IntakeError, match="Already asked: Police"):
        services.send_agency_checks(
            intake_world.contact, agencies=[agencies["police"]], question="Again?", actor=personas["mash_practitioner"]
        )


def test_an_answer_becomes_an_event_owned_by_the_agency_with_its_caveat(intake_world, personas, world):
    police = personas["police_contributor"]
    response = services.respond_to_check(
        intake_world.police_check,
        actor=police,
        known=True,
        text="Two domestic incidents at the address in 2025.",
        caveat="agency_only",
        now=at(2025, 12, 20, 9, 0),
    )
    assert response.on_time and response.agency == police.agency
    event = Event.objects.get(type="agency_check_response")
    assert (event.child, event.agency, event.caveat) == (world.police_child, police.agency, "agency_only")
    assert event.summary == "Two domestic incidents at the address in 2025."
    task = Task.objects.get(detail_type="intake.agencycheckrequest", detail_id=str(intake_world.police_check.pk))
    assert task.done_at == at(2025, 12, 20, 9, 0)
    assert AuditEvent.objects.filter(action="agency_check.answered", actor=police).exists()
    with pytest.raises(IntakeError, match="already been answered"):
        services.respond_to_check(intake_world.police_check, actor=police, known=False, text="x")


def test_only_the_agency_asked_can_answer(intake_world, personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.respond_to_check(intake_world.police_check, actor=personas["health_contributor"], known=False, text="x")


def test_strategy_discussion_opens_an_enquiry_with_the_icpc_date(intake_world, personas, world):
    mash = personas["mash_practitioner"]
    services.decide(intake_world.contact, outcome="s47", reason="Harm", actor=mash, now=at(2025, 12, 22, 10, 0))
    discussion = services.record_strategy_discussion(
        contact=intake_world.contact,
        held_at=at(2025, 12, 22, 14, 0),
        attendance=ALL_PRESENT,
        decision=StrategyDiscussion.Decision.SECTION_47,
        lead_practitioner=mash,
        notes="Joint visit today.",
        actor=mash,
        now=at(2025, 12, 22, 15, 0),
    )
    assert discussion.icpc_due == dt.date(2026, 1, 15)
    assert discussion.child == world.police_child
    assert {(a.discipline, a.present, a.name) for a in discussion.attendance.all()} == {
        ("social_work", True, "Maya Ashworth"),
        ("police", True, "DC Peter Oduya"),
        ("health", True, "Hannah Ellis"),
        ("education", False, ""),
    }
    enquiry = Enquiry.objects.get(strategy_discussion=discussion)
    assert (enquiry.lead_practitioner, enquiry.icpc_due) == (mash, dt.date(2026, 1, 15))
    assert enquiry.started_on == dt.date(2025, 12, 22)
    task = Task.objects.get(detail_type="intake.enquiry")
    assert task.all_day and task.assigned_to == mash
    event = Event.objects.get(type="strategy_discussion")
    assert "Not present: education" in event.summary
    assert AuditEvent.objects.filter(action="strategy_discussion.recorded").exists()


def test_strategy_discussion_rules(intake_world, personas):
    mash = personas["mash_practitioner"]
    with pytest.raises(IntakeError) as caught:
        services.record_strategy_discussion(
            contact=intake_world.contact,
            held_at=at(2025, 12, 22, 14, 0),
            attendance={"social_work": Attendee(True, ""), "police": Attendee(False)},
            decision="s47",
            actor=mash,
            now=at(2025, 12, 22, 15, 0),
        )
    assert set(caught.value.errors) == {
        "decision",  # the MASH decision is not section 47 yet
        "attendance_social_work",
        "attendance_health",
        "attendance_education",
        "lead_practitioner",
    }


def test_add_plan_item_uses_the_open_plan_or_starts_a_multi_agency_plan(world, personas, agencies):
    chair = personas["panel_chair"]
    item = services.add_plan_item(
        world.police_child,
        text="Disruption visit to the address",
        owner_name="PC Jones",
        owner_agency=agencies["police"],
        due_on=dt.date(2026, 3, 15),
        source="MACE panel 2026-03-01 action A3",
        actor=chair,
        today=dt.date(2026, 3, 1),
    )
    plan = item.plan
    assert (plan.type, plan.child, plan.start_on, plan.lead_practitioner) == (
        Plan.Type.MULTI_AGENCY, world.police_child, dt.date(2026, 3, 1), None
    )
    assert Event.objects.filter(type="plan_started", child=world.police_child).exists()
    second = services.add_plan_item(world.police_child, text="School to share attendance", actor=chair, today=dt.date(2026, 3, 2))
    assert second.plan == plan
    cp = services.start_plan(
        world.police_child, type="cp", actor=chair, start_on=dt.date(2026, 3, 10), lead_practitioner=personas["mash_practitioner"]
    )
    third = services.add_plan_item(world.police_child, text="Core group", actor=chair, today=dt.date(2026, 3, 11))
    assert third.plan == cp
    assert PlanItem.objects.count() == 3
    assert AuditEvent.objects.filter(action="plan_item.added").count() == 3


def test_share_within_sla_counts_checks_with_an_outcome(intake_world, personas, agencies):
    december = (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    # before the deadline, neither check has an outcome
    assert share_within_sla(december, now=at(2025, 12, 20, 9, 0)) == SlaShare(0, 0)
    services.respond_to_check(
        intake_world.police_check, actor=personas["police_contributor"], known=False, text="Nothing held",
        now=at(2025, 12, 21, 9, 0),
    )
    share = share_within_sla(december, now=at(2025, 12, 21, 10, 0))
    assert (share.numerator, share.denominator) == (1, 1)
    # after the deadline, health's unanswered check counts against
    share = share_within_sla(december, now=at(2025, 12, 23, 9, 0))
    assert (share.numerator, share.denominator, share.rate) == (1, 2, 0.5)
    # a late answer stays late
    services.respond_to_check(
        intake_world.health_check, actor=personas["health_contributor"], known=True, text="Known to health visiting",
        now=at(2025, 12, 23, 9, 0),
    )
    assert share_within_sla(december, now=at(2025, 12, 24, 9, 0)).numerator == 1
    assert share_within_sla(december, now=at(2025, 12, 24, 9, 0), agency=agencies["police"]).rate == 1.0
    assert share_within_sla((dt.date(2026, 1, 1), dt.date(2026, 1, 31)), now=at(2026, 2, 1, 9, 0)).denominator == 0


def test_complete_task_is_audited_once(intake_world, personas):
    services.complete_task(intake_world.task, actor=personas["mash_practitioner"], now=at(2025, 12, 20, 9, 0))
    services.complete_task(intake_world.task, actor=personas["mash_practitioner"])
    assert AuditEvent.objects.filter(action="task.completed").count() == 1


def test_a_strategy_discussion_cannot_predate_the_contact(intake_world, personas):
    mash = personas["mash_practitioner"]
    services.decide(intake_world.contact, outcome="s47", reason="Harm", actor=mash, now=at(2025, 12, 22, 10, 0))
    with pytest.raises(IntakeError) as caught:
        services.record_strategy_discussion(
            contact=intake_world.contact,
            held_at=at(2025, 12, 18, 14, 0),
            attendance=ALL_PRESENT,
            decision="nfa",
            actor=mash,
            now=at(2025, 12, 22, 15, 0),
        )
    assert caught.value.errors == {"held_at": "The discussion cannot be before the contact was received"}
