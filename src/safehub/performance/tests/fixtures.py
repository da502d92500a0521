"""A small, hand-built partnership for exact-value indicator tests (see test_indicators.py for every expected number).

Rows are created directly (not through the domain services) so each date is exactly what the test says: the services
stamp `now` and compute deadlines, which is what we want to check the engine against, not reproduce.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from tests.factories import ChildFactory

from safehub.intake.models import (
    AgencyCheckRequest,
    AgencyCheckResponse,
    Assessment,
    Contact,
    Enquiry,
    MashDecision,
    Plan,
    StrategyDiscussion,
)
from safehub.meetings.models import Action, Body, Meeting
from safehub.missing.models import MissingEpisode, ReturnHomeInterview
from safehub.people.models import Event
from safehub.performance.models import PopulationBase

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 4, 15, 12, 0, tzinfo=LONDON)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=LONDON)


def d(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


@dataclass
class ScorecardWorld:
    children: list
    agencies: dict
    personas: dict


@pytest.fixture
def scorecard_world(personas, agencies) -> ScorecardWorld:
    mash, board_member = personas["mash_practitioner"], personas["board_member"]
    police, health, care = agencies["police"], agencies["health"], agencies["social_care"]
    c = [None] + [ChildFactory(given_name=f"Scorecard{n}") for n in range(1, 9)]  # c[1]..c[8]
    PopulationBase.objects.create(year=2025, children=50_000, source="Test estimate")

    def event(type_, child, day, agency, hour=10):
        Event.objects.create(child=child, agency=agency, type=type_, occurred_at=at(day, hour), title=type_)

    for child, day in ((c[1], "2026-03-02"), (c[2], "2026-03-05"), (c[3], "2026-03-10"), (c[1], "2026-02-20")):
        event("contact", child, day, care)
    event("missing.started", c[1], "2026-03-03", police)
    event("missing.started", c[1], "2026-03-17", police)
    event("missing.started", c[2], "2026-03-21", care)
    event("missing.trigger", c[1], "2026-03-17", care, hour=11)
    event("risk.assessment", c[4], "2026-03-12", police)
    event("risk.assessment", c[5], "2026-03-13", care)
    event("risk.flag_mace", c[5], "2026-03-13", care)
    event("share.decision", c[1], "2026-03-02", police)
    # midnight starting 1 April in London (BST) is 23:00 UTC on 31 March: it belongs to April, not March
    event("contact", c[4], "2026-04-01", care, hour=0)

    def decision(child, outcome, decided, due, received=None):
        contact = Contact.objects.create(
            child=child, reporter_name="Reporter", received_at=received or (decided - dt.timedelta(hours=3)),
            consent="given", summary="Concern", decision_due=due, recording_agency=care, recorded_by=mash,
        )
        MashDecision.objects.create(contact=contact, outcome=outcome, reason="Reason", decided_by=mash,
                                    decided_at=decided)
        return contact

    first = decision(c[1], "s17", at("2026-03-02"), at("2026-03-03"))  # on time; re-referral (June 2025)
    second = decision(c[2], "s47", at("2026-03-05"), at("2026-03-04", 9))  # late; earlier referral > 12 months ago
    decision(c[3], "nfa", at("2026-03-10"), at("2026-03-11"))
    decision(c[4], "mace", at("2026-03-12"), at("2026-03-13"))
    decision(c[1], "s47", at("2025-06-10"), at("2025-06-11"))
    decision(c[2], "s17", at("2024-12-01"), at("2024-12-02"))

    # assessments completed in February 2026, started 22 December 2025: 45 working days skip 25, 26 Dec and 1 Jan,
    # so the due day is 26 February (a weekday count without bank holidays would give 23 February)
    Assessment.objects.create(child=c[1], started_on=d("2025-12-22"), due_on=d("2026-02-26"),
                              completed_on=d("2026-02-26"), started_by=mash)
    Assessment.objects.create(child=c[2], started_on=d("2025-12-22"), due_on=d("2026-02-26"),
                              completed_on=d("2026-02-27"), started_by=mash)

    def enquiry(child, held):
        discussion = StrategyDiscussion.objects.create(child=child, held_at=held, decision="s47",
                                                       icpc_due=held.date(), recorded_by=mash)
        Enquiry.objects.create(strategy_discussion=discussion, child=child, lead_practitioner=mash,
                               started_on=held.date(), icpc_due=held.date())

    enquiry(c[6], at("2025-12-19"))  # conference 14 January 2026: the 15th working day after (skips 25, 26 Dec, 1 Jan)
    enquiry(c[7], at("2026-02-02"))  # conference 24 February: 16 working days, late
    enquiry(c[8], at("2026-03-10"))  # no conference (yet)
    for child, type_, start, end in (
        (c[6], "cp", "2026-01-14", None),
        (c[7], "cp", "2026-02-24", None),
        (c[7], "cp", "2023-01-10", "2025-03-20"),
        (c[5], "cp", "2023-06-01", "2025-09-30"),
        (c[3], "cp", "2025-05-01", "2025-11-30"),
        (c[8], "cla", "2025-10-01", None),
    ):
        Plan.objects.create(child=child, type=type_, start_on=d(start), end_on=d(end) if end else None)

    # agency checks sent in March 2026
    def check(contact, agency, sent, deadline, answered=None):
        request = AgencyCheckRequest.objects.create(contact=contact, agency=agency, question="Known?",
                                                    subject_name="Child", sent_at=sent, sent_by=mash, deadline=deadline)
        if answered:
            AgencyCheckResponse.objects.create(request=request, agency=agency, known=True, text="Known",
                                               answered_by=personas["police_contributor"], answered_at=answered)

    check(first, police, at("2026-03-02", 9), at("2026-03-05", 9), at("2026-03-04"))  # on time
    check(first, health, at("2026-03-02", 9), at("2026-03-05", 9), at("2026-03-06"))  # late
    check(second, police, at("2026-03-05", 9), at("2026-03-08", 9))  # unanswered, past deadline
    check(second, health, at("2026-03-31", 9), at("2026-04-30", 9))  # open within deadline at NOW: no outcome yet

    # return home interviews due in March 2026
    for due, offered, response in (
        ("2026-03-05", "2026-03-04", "accepted"),
        ("2026-03-10", "2026-03-11", "declined"),
        ("2026-03-20", None, ""),
        ("2026-03-25", "2026-03-24", ""),
    ):
        episode = MissingEpisode.objects.create(child=c[1], agency=police, started_at=at(due) - dt.timedelta(days=5),
                                                ended_at=at(due) - dt.timedelta(hours=72))
        ReturnHomeInterview.objects.create(episode=episode, due_at=at(due, 12), offered_at=at(offered) if offered else None,
                                           response=response)

    # board actions due in Q4 2025-26 (January to March 2026)
    body = Body.objects.create(name="Scorecard test board", kind="board")
    meeting = Meeting.objects.create(body=body, date=d("2026-01-10"))
    for owner, due, status, completed in (
        (police, "2026-02-10", "done", "2026-02-09"),
        (health, "2026-03-01", "done", "2026-03-05"),
        (police, "2026-03-20", "open", None),
        (health, "2026-03-25", "dropped", None),
    ):
        Action.objects.create(meeting=meeting, details="Do it", owner_agency=owner, due_on=d(due), status=status,
                              completed_at=at(completed) if completed else None, created_by=board_member)
    return ScorecardWorld(c, agencies, personas)


@dataclass
class PerformanceWorld:
    standard_set: object
    round: object
    indicator: object  # has .pk = an indicator id, for URLs that take one


@pytest.fixture
def performance_world(personas, agencies) -> PerformanceWorld:
    """A standards round for social care, police and health (not the voluntary sector), for the matrix and page tests."""
    from types import SimpleNamespace

    from safehub.performance import services

    standard_set = services.define_standard_set("test-standards", "Test standards",
                                                [("1", "Leadership"), ("2", "Training"), ("3", "Information sharing")])
    round_ = services.open_round(standard_set, name="Round 2026", opens_on=d("2026-01-05"), due_on=d("2026-03-31"),
                                 agencies=[agencies["social_care"], agencies["police"], agencies["health"]])
    return PerformanceWorld(standard_set, round_, SimpleNamespace(pk="contacts"))
