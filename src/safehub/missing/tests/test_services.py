"""Recording episodes, returns, risk grades and return home interviews: exact timescales, events and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from safehub.core.models import AuditEvent, TimescaleRule
from safehub.missing.models import CURRENT_RISK_GRADE_CODE_LIST, MissingAction, ReturnHomeInterview
from safehub.missing.services import (
    complete_action,
    complete_return_interview,
    create_return_interview,
    grade_risk,
    record_interview_response,
    record_return,
    rhi_due_at,
)
from safehub.people.models import Event

from .conftest import NOW


def test_recording_an_episode_writes_the_started_event_and_audits(world, record, personas):
    episode = record(
        world.police_child, NOW - dt.timedelta(hours=5), risk_grade="medium", police_reference="MP/2026/000001"
    )
    event = Event.objects.get(type="missing.started", child=world.police_child)
    assert event.occurred_at == episode.started_at and event.detail_id == str(episode.pk)
    assert "police reference MP/2026/000001" in event.summary and "medium" in event.summary
    assert episode.risk_grade_code_list_version == CURRENT_RISK_GRADE_CODE_LIST
    assert episode.risk_grade_reviewed_by == personas["missing_coordinator"] and episode.risk_grade_reviewed_at == NOW
    assert AuditEvent.objects.filter(action="missing.episode.recorded", object_id=str(episode.pk)).count() == 1


def test_returned_event_and_rhi_due_exactly_72_hours_after_return(world, record, personas):
    episode = record(world.police_child, NOW - dt.timedelta(hours=30))
    returned_at = dt.datetime(2026, 3, 13, 21, 15, tzinfo=dt.UTC)  # a Friday evening: hours, not working days
    record_return(episode, ended_at=NOW - dt.timedelta(hours=1), where_found="Friend's address", now=NOW)
    assert Event.objects.filter(type="missing.returned", child=world.police_child).count() == 1
    episode.refresh_from_db()
    assert rhi_due_at(episode) == NOW - dt.timedelta(hours=1) + dt.timedelta(hours=72)
    other = record(world.health_only_child, returned_at - dt.timedelta(hours=3), returned_at)
    interview = create_return_interview(other, now=NOW, actor=personas["missing_coordinator"])
    assert interview.due_at == dt.datetime(2026, 3, 16, 21, 15, tzinfo=dt.UTC)


def test_rhi_due_follows_a_configured_timescale(world, record, personas):
    TimescaleRule.objects.create(code="rhi", name="Local RHI", amount=48, unit="hours")
    episode = record(world.police_child, NOW - dt.timedelta(hours=10), NOW - dt.timedelta(hours=4))
    assert rhi_due_at(episode) == NOW + dt.timedelta(hours=44)


def test_an_episode_cannot_return_twice_or_before_it_started(world, record):
    episode = record(world.police_child, NOW - dt.timedelta(hours=10))
    with pytest.raises(ValidationError) as error:
        record_return(episode, ended_at=NOW - dt.timedelta(hours=11), now=NOW)
    assert "ended_at" in error.value.message_dict
    record_return(episode, ended_at=NOW - dt.timedelta(hours=1), now=NOW)
    with pytest.raises(ValidationError) as error:
        record_return(episode, ended_at=NOW, now=NOW)
    assert error.value.message_dict["ended_at"] == ["This episode already has a return recorded"]


def test_future_start_and_duplicate_police_reference_are_refused(world, record):
    with pytest.raises(ValidationError) as error:
        record(world.police_child, NOW + dt.timedelta(minutes=1))
    assert "started_at" in error.value.message_dict
    record(world.police_child, NOW - dt.timedelta(days=1), police_reference="MP/1")
    with pytest.raises(ValidationError) as error:
        record(world.police_child, NOW - dt.timedelta(hours=1), police_reference="MP/1")
    assert "police_reference" in error.value.message_dict


def test_grade_review_keeps_the_code_list_version_and_reviewer(world, record, personas):
    episode = record(world.police_child, NOW - dt.timedelta(hours=3), actor=None)
    assert episode.risk_grade_label == "Not graded"
    grade_risk(episode, risk_grade="high", now=NOW, actor=personas["mash_practitioner"])
    episode.refresh_from_db()
    assert (episode.risk_grade, episode.risk_grade_label) == ("high", "High")
    assert episode.risk_grade_code_list_version == CURRENT_RISK_GRADE_CODE_LIST
    assert (episode.risk_grade_reviewed_by, episode.risk_grade_reviewed_at) == (personas["mash_practitioner"], NOW)
    audit = AuditEvent.objects.get(action="missing.episode.graded")
    assert audit.detail["before"]["risk_grade"] == "" and audit.detail["after"]["risk_grade"] == "high"
    with pytest.raises(ValidationError):
        grade_risk(episode, risk_grade="extreme", now=NOW, actor=personas["mash_practitioner"])


def test_interview_lifecycle_offer_accept_complete_writes_one_completion_event(world, record, personas):
    coordinator = personas["missing_coordinator"]
    episode = record(world.police_child, NOW - dt.timedelta(hours=30), NOW - dt.timedelta(hours=20))
    with pytest.raises(ValidationError):
        create_return_interview(episode, offered_at=NOW - dt.timedelta(hours=21), now=NOW, actor=coordinator)
    interview = create_return_interview(
        episode, offered_at=NOW - dt.timedelta(hours=10), provider_name="Safe Steps", now=NOW, actor=coordinator
    )
    with pytest.raises(ValidationError):
        create_return_interview(episode, now=NOW, actor=coordinator)
    record_interview_response(interview, accepted=True, responded_at=NOW - dt.timedelta(hours=9), now=NOW, actor=coordinator)
    complete_return_interview(
        interview,
        completed_at=NOW - dt.timedelta(hours=1),
        conducted_by=coordinator,
        independent=True,
        push_factors="Arguments at home",
        pull_factors="Older friends",
        places="Bus station",
        people="Unknown adult 'J'",
        now=NOW,
        actor=coordinator,
    )
    interview.refresh_from_db()
    assert interview.status == "Completed" and interview.held_by.endswith("Safe Steps")
    event = Event.objects.get(type="missing.rhi_completed", child=world.police_child)
    assert event.occurred_at == NOW - dt.timedelta(hours=1) and "independent" in event.summary
    with pytest.raises(ValidationError):
        complete_return_interview(interview, completed_at=NOW, now=NOW, actor=coordinator)


def test_a_declined_interview_is_recorded_and_cannot_be_completed(world, record, personas):
    episode = record(world.police_child, NOW - dt.timedelta(hours=30), NOW - dt.timedelta(hours=20))
    interview = create_return_interview(episode, offered_at=NOW - dt.timedelta(hours=10), now=NOW)
    record_interview_response(interview, accepted=False, responded_at=NOW - dt.timedelta(hours=9), now=NOW)
    assert interview.status == "Declined"
    assert Event.objects.filter(type="missing.rhi_declined").count() == 1
    with pytest.raises(ValidationError):
        complete_return_interview(interview, completed_at=NOW, now=NOW)


def test_completing_without_an_offer_records_the_offer_and_acceptance(world, record):
    episode = record(world.police_child, NOW - dt.timedelta(hours=30), NOW - dt.timedelta(hours=20))
    interview = create_return_interview(episode, now=NOW)
    assert interview.status == "Not offered"
    complete_return_interview(interview, completed_at=NOW - dt.timedelta(hours=2), now=NOW)
    assert interview.offered_at == NOW - dt.timedelta(hours=2)
    assert interview.response == ReturnHomeInterview.Response.ACCEPTED


def test_interview_needs_a_returned_child(world, record):
    episode = record(world.police_child, NOW - dt.timedelta(hours=3))
    with pytest.raises(ValidationError) as error:
        create_return_interview(episode, now=NOW)
    assert "episode" in error.value.message_dict


def test_completing_an_action_audits_the_outcome(world, record, personas):
    for hours in (300, 200, 100):
        record(world.police_child, NOW - dt.timedelta(hours=hours), NOW - dt.timedelta(hours=hours - 2))
    action = MissingAction.objects.get()
    with pytest.raises(ValidationError):
        complete_action(action, outcome=" ", now=NOW, actor=personas["mash_practitioner"])
    complete_action(action, outcome="Strategy discussion held; MACE referral", now=NOW, actor=personas["mash_practitioner"])
    assert MissingAction.objects.open().count() == 0
    assert AuditEvent.objects.filter(action="missing.action.completed", object_id=str(action.pk)).exists()
