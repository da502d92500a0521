"""Exact-value tests: due dates across bank holidays, training compliance %, audit grade aggregation, the section 11
matrix with change since the last round, and actions on the meetings action log completed with evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from safehub.assurance import services
from safehub.assurance.models import CaseReviewSubject, Section11Return
from safehub.assurance.selectors import grade_summary, section11_matrix, suppress, training_compliance
from safehub.assurance.services import AssuranceError
from safehub.assurance.tests.fixtures import NOW
from safehub.core.models import TimescaleRule
from safehub.meetings.models import Action, ActionStatusChange
from safehub.people.models import Event

pytestmark = pytest.mark.django_db


def test_rapid_review_due_15_working_days_across_two_bank_holidays(personas, agencies):
    # Fri 16 May 2025: the Spring bank holiday (Mon 26 May) is skipped, so the 15th working day is Mon 9 June.
    review = services.notify_serious_incident(actor=personas["panel_chair"], reference="Child K",
                                              notified_on=dt.date(2025, 5, 16), notifying_agency=agencies["police"],
                                              incident_type="Serious harm")
    assert review.rapid_review_due == dt.date(2025, 6, 9)
    # Thu 1 May 2025: the Early May bank holiday (Mon 5 May) is skipped: Fri 23 May.
    other = services.notify_serious_incident(actor=personas["panel_chair"], reference="Child L",
                                             notified_on=dt.date(2025, 5, 1), notifying_agency=agencies["police"],
                                             incident_type="Death")
    assert other.rapid_review_due == dt.date(2025, 5, 23)


def test_rapid_review_timescale_can_be_changed_by_the_partnership(personas, agencies):
    TimescaleRule.objects.create(code="rapid_review", name="Rapid review (local)", amount=10, unit="working_days")
    review = services.notify_serious_incident(actor=personas["panel_chair"], reference="Child M",
                                              notified_on=dt.date(2025, 5, 16), notifying_agency=agencies["police"],
                                              incident_type="Serious harm")
    assert review.rapid_review_due == dt.date(2025, 6, 2)


def test_private_fostering_visit_and_assessment_due_dates(world, personas, agencies):
    arrangement = services.notify_private_fostering(actor=personas["mash_practitioner"], child=world.health_only_child,
                                                    source_agency=agencies["health"], notified_on=dt.date(2025, 5, 2))
    assert arrangement.visit_due == dt.date(2025, 5, 14)  # 7 working days, Mon 5 May a bank holiday
    assert arrangement.assessment_due == dt.date(2025, 7, 3)  # 42 working days, both May bank holidays skipped
    assert Event.objects.filter(child=world.health_only_child, type="private_fostering.notified").count() == 1


def test_training_compliance_exact_percentages(agencies, personas):
    admin = personas["admin"]
    level2 = services.add_course(actor=admin, title="Working together", level=2)
    level3 = services.add_course(actor=admin, title="Child exploitation", level=3)
    level1 = services.add_course(actor=admin, title="Safeguarding basics", level=1)
    services.set_training_requirement(actor=admin, agency=agencies["police"], required_level=2, workforce=8)
    services.set_training_requirement(actor=admin, agency=agencies["health"], required_level=3, workforce=3)
    police, health = agencies["police"], agencies["health"]
    services.record_course_session(level2, actor=admin, held_on=dt.date(2025, 5, 1), attendees=[
        ("PC Able", police, "Officer"), ("PC Baker", police, "Officer"), ("DS Clark", police, "Detective"),
        ("Nurse Dee", health, "Health visitor")])
    services.record_course_session(level3, actor=admin, held_on=dt.date(2025, 6, 1), attendees=[
        ("pc able ", police, "Officer"),  # the same person again: counted once
        ("PC Evans", police, "Officer"), ("Nurse Dee", health, "Health visitor")])
    services.record_course_session(level1, actor=admin, held_on=dt.date(2025, 6, 2), attendees=[("PC Fox", police, "")])
    services.record_course_session(level2, actor=admin, held_on=dt.date(2024, 6, 2), attendees=[("PC Gale", police, "")])
    rows = {r.agency: r for r in training_compliance((dt.date(2025, 4, 1), dt.date(2026, 3, 31)))}
    assert (rows["Police"].trained, rows["Police"].workforce, rows["Police"].percent) == (4, 8, 50.0)
    assert (rows["Health"].trained, rows["Health"].percent) == (1, 33.3)


def test_audit_grades_aggregate_by_agency_and_overall(assurance_world, personas, agencies):
    audit = assurance_world.audit
    cases = list(audit.cases.all())
    assert len(cases) == 3
    police, health, mash = agencies["police"], agencies["health"], personas["mash_practitioner"]
    grades = [(cases[0], police, "good"), (cases[1], police, "inadequate"), (cases[0], health, "outstanding"),
              (cases[1], health, "good"), (cases[2], health, "requires_improvement")]
    for case, agency, grade in grades:
        services.answer_audit_case(case, actor=mash, agency=agency, answers=["Yes", "Partly"], grade=grade, now=NOW)
    summary = grade_summary(audit)
    assert summary.overall == {"outstanding": 1, "good": 2, "requires_improvement": 1, "inadequate": 1}
    assert summary.by_agency["Police"] == {"outstanding": 0, "good": 1, "requires_improvement": 0, "inadequate": 1}
    assert summary.answers == 5
    assert summary.good_or_better_percent == 60.0
    # a second answer from the same agency replaces the first
    services.answer_audit_case(cases[1], actor=mash, agency=police, answers=["Yes", "Yes"], grade="good", now=NOW)
    assert grade_summary(audit).good_or_better_percent == 80.0


def test_audit_answers_name_the_missing_field(assurance_world, personas, agencies):
    with pytest.raises(AssuranceError) as raised:
        services.answer_audit_case(assurance_world.audit_case, actor=personas["police_contributor"],
                                   agency=agencies["police"], answers=["Yes", ""], grade="")
    assert set(raised.value.errors) == {"answer_1", "grade"}


def test_random_sample_is_repeatable_with_the_seed(world, personas):
    first = services.sample_children(personas["mash_practitioner"], sampling="random", size=2, seed=42)
    again = services.sample_children(personas["mash_practitioner"], sampling="random", size=2, seed=42)
    assert [c.pk for c in first] == [c.pk for c in again]
    # only children the auditor may see: the police contributor sees the police child only
    assert [c.pk for c in services.sample_children(personas["police_contributor"], sampling="random", size=5, seed=1)] == [
        world.police_child.pk]


def _rate_all(section11_return, actor, rag):
    standards = section11_return.round.standard_set.standards.all()
    ratings = {s.pk: {"rag": rag, "evidence": "Policy and audit", "action_plan": "" if rag == "green" else "Plan"}
               for s in standards}
    return services.save_section11_return(section11_return, actor=actor, ratings=ratings, submit=True, now=NOW)


def test_section11_returns_submitted_and_compared_with_the_last_round(assurance_world, personas, agencies):
    police, health = personas["police_contributor"], personas["health_contributor"]
    _rate_all(assurance_world.police_return, police, "amber")
    _rate_all(assurance_world.health_return, health, "green")
    with pytest.raises(PermissionDenied):  # an agency rates only itself
        services.save_section11_return(assurance_world.health_return, actor=police, ratings={}, submit=False)
    second = services.open_section11_round(actor=personas["board_member"], name="Section 11 audit 2026",
                                           opens_on=dt.date(2026, 4, 1), due_on=dt.date(2026, 6, 30),
                                           agencies=[agencies["police"], agencies["health"]])
    _rate_all(Section11Return.objects.get(round=second, agency=agencies["police"]), police, "green")
    view = section11_matrix(second)
    rows = {row.agency: (row, ret) for row, ret in view.rows}
    assert [c.change for c in rows["Police"][0].cells] == ["better"] * 8
    assert rows["Police"][1].submitted_at is not None
    assert [c.rag for c in rows["Health"][0].cells] == [None] * 8


def test_submitting_needs_every_standard_and_evidence(assurance_world, personas):
    section11_return = assurance_world.police_return
    first = section11_return.round.standard_set.standards.first()
    with pytest.raises(AssuranceError) as raised:
        services.save_section11_return(section11_return, actor=personas["police_contributor"],
                                       ratings={first.pk: {"rag": "red", "evidence": ""}}, submit=True)
    assert f"evidence_{first.pk}" in raised.value.errors and f"action_plan_{first.pk}" in raised.value.errors
    assert any(key.startswith("rag_") for key in raised.value.errors)


def test_challenge_panel_records_an_action_on_the_meetings_log(assurance_world, personas, meetings_world):
    record = services.record_challenge(assurance_world.police_return, actor=personas["board_member"],
                                       meeting=assurance_world.panel_meeting, challenge="Evidence for standard 5 is thin",
                                       action_details="Provide training records", action_owner="Head of PPU",
                                       action_due_on=dt.date(2025, 9, 1), now=NOW)
    action = record.actions.get().action
    assert action.meeting == assurance_world.panel_meeting and action.owner_agency.code == "police"
    assert action.details.startswith("Section 11 (Police):")
    with pytest.raises(AssuranceError) as raised:  # a partnership board meeting is not a challenge panel
        services.record_challenge(assurance_world.police_return, actor=personas["board_member"],
                                  meeting=meetings_world.first, challenge="Why?")
    assert "meeting" in raised.value.errors


def test_recommendation_action_completed_with_evidence(assurance_world, personas):
    tracked = assurance_world.tracked_action
    with pytest.raises(AssuranceError):
        services.complete_tracked_action(tracked, actor=personas["panel_chair"], evidence=" ")
    services.complete_tracked_action(tracked, actor=personas["panel_chair"], evidence="Protocol v2 signed off 1 Sept",
                                     now=NOW)
    action = Action.objects.get(pk=tracked.action_id)
    assert action.status == "done" and action.completed_at == NOW
    assert ActionStatusChange.objects.get(action=action, to_status="done").note == "Protocol v2 signed off 1 Sept"
    tracked.refresh_from_db()
    assert tracked.evidence == "Protocol v2 signed off 1 Sept"


def test_identifiable_details_for_the_review_team_only(assurance_world, personas, world):
    subject = CaseReviewSubject.objects.get(review=assurance_world.review)
    assert list(CaseReviewSubject.objects.visible_to(personas["panel_chair"])) == [subject]
    for persona in ("board_member", "admin", "mash_practitioner", "police_contributor"):
        assert not CaseReviewSubject.objects.visible_to(personas[persona]).exists()
    # a team member who may not see the child does not see the details either
    services.add_review_team_member(assurance_world.review, actor=personas["panel_chair"], member=personas["board_member"])
    assert not CaseReviewSubject.objects.visible_to(personas["board_member"]).exists()
    assert Event.objects.filter(child=world.police_child, type="review.notified").count() == 1


def test_review_stages_in_order(assurance_world, personas):
    review, chair = assurance_world.review, personas["panel_chair"]
    with pytest.raises(AssuranceError) as raised:
        services.update_case_review(review, actor=chair, decision="lcspr", decision_on=dt.date(2025, 5, 20))
    assert "decision" in raised.value.errors
    services.update_case_review(review, actor=chair, rapid_review_completed_on=dt.date(2025, 5, 20))
    services.update_case_review(review, actor=chair, decision="lcspr", decision_on=dt.date(2025, 5, 22),
                                reviewer="Dr R. Smith", terms_of_reference="Pre-birth practice")
    with pytest.raises(AssuranceError) as raised:
        services.update_case_review(review, actor=chair, publication="published")
    assert "published_on" in raised.value.errors
    assert review.stage == "Practice review"


def test_improvement_action_complete_needs_evidence_and_keeps_history(assurance_world, personas):
    action, board = assurance_world.plan_action, personas["board_member"]
    with pytest.raises(AssuranceError) as raised:
        services.record_progress(action, actor=board, rag="complete", note="Done")
    assert "evidence" in raised.value.errors
    services.record_progress(action, actor=board, rag="red", note="Launch delayed", now=NOW)
    services.record_progress(action, actor=board, rag="complete", note="Launched", evidence="Toolkit on the website",
                             now=NOW)
    assert [u.rag for u in action.history.all()] == ["amber", "red", "complete"]


@pytest.mark.parametrize(("value", "shown"), [(0, "0"), (1, "*"), (4, "*"), (5, "5"), (12, "12")])
def test_small_numbers_suppressed(value, shown):
    assert suppress(value) == shown
