"""Meetings, actions carried forward, minutes workflow and case-panel actions on the child's plan and timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from safehub.meetings import services
from safehub.meetings.models import Action, AgendaItem, Meeting, MinutesVersion
from safehub.meetings.selectors import flagged_subjects, my_actions, overdue_for_chair, quorum
from safehub.meetings.services import MeetingsError
from safehub.people.models import Event
from safehub.people.services import record_event

from .fixtures import NOW

pytestmark = pytest.mark.django_db


def test_next_meeting_carries_open_actions_as_matters_arising(meetings_world):
    second = meetings_world.second
    carried = {row.action.details for row in second.matters_arising.all()}
    assert carried == {"Circulate the annual report draft", "Report on neglect audit"}
    kinds = list(second.items.values_list("kind", flat=True))
    assert kinds[:4] == ["apologies", "declarations", "previous_minutes", "matters_arising"]
    assert second.items.get(kind="previous_minutes").title == "Minutes of the meeting held on 15 January 2025"


def test_action_added_later_reaches_the_scheduled_next_meeting(meetings_world, personas):
    late = services.record_action(meetings_world.first, actor=personas["board_member"], details="Late action",
                                  owner_name="EA", now=NOW)
    assert meetings_world.second.matters_arising.filter(action=late).exists()
    assert late.reference == "3"


def test_status_history_and_rules(meetings_world, personas):
    action = meetings_world.action
    with pytest.raises(MeetingsError) as error:
        services.update_action_status(action, actor=personas["board_member"], status="dropped")
    assert error.value.errors == {"note": "Enter why the action is being dropped"}
    services.update_action_status(action, actor=personas["board_member"], status="carried_forward",
                                  meeting=meetings_world.second, now=NOW)
    services.update_action_status(action, actor=personas["board_member"], status="done", now=NOW)
    assert [(h.from_status, h.to_status) for h in action.history.all()] == [
        ("", "open"), ("open", "carried_forward"), ("carried_forward", "done")]
    assert action.completed_at == NOW


def test_overdue_and_my_actions(meetings_world, personas):
    board_member = personas["board_member"]
    assert [a.details for a in my_actions(board_member)] == ["Report on neglect audit"]
    overdue = overdue_for_chair(board_member, dt.date(2025, 3, 2))
    assert {a.details for a in overdue} == {"Circulate the annual report draft", "Report on neglect audit"}
    assert meetings_world.action.status_on(dt.date(2025, 3, 1)) == "overdue"
    assert list(overdue_for_chair(board_member, dt.date(2025, 2, 1))) == []


def test_exempt_item_needs_category_and_reason(meetings_world, personas):
    with pytest.raises(MeetingsError) as error:
        services.add_agenda_item(meetings_world.first, actor=personas["board_member"], title="Private", exempt=True)
    assert "exempt_category" in error.value.errors
    with pytest.raises(MeetingsError) as error:
        services.add_agenda_item(meetings_world.first, actor=personas["board_member"], title="Private", exempt=True,
                                 exempt_category="9", exempt_reason="x")
    assert "Schedule 12A" in error.value.errors["exempt_category"]


def test_minutes_workflow_versions(meetings_world, personas):
    first, second = meetings_world.first, meetings_world.second
    board_member = personas["board_member"]
    with pytest.raises(MeetingsError):
        services.approve_minutes(first, at_meeting=second, actor=board_member, now=NOW)
    v1 = services.circulate_minutes(first, actor=board_member, now=NOW)
    services.record_item_minutes(first.items.first(), actor=board_member, minutes="Apologies from Eva Edohen.")
    first.refresh_from_db()
    assert first.minutes_status == Meeting.MinutesStatus.DRAFT
    services.circulate_minutes(first, actor=board_member, now=NOW)
    approved = services.approve_minutes(first, at_meeting=second, actor=board_member, now=NOW)
    assert [v.number for v in MinutesVersion.objects.filter(meeting=first)] == [v1.number, 2, 3]
    assert approved.status == "approved"
    first.refresh_from_db()
    assert first.minutes_approved_at == second
    resolution = second.items.get(kind=AgendaItem.Kind.PREVIOUS_MINUTES).decisions.get()
    assert resolution.text == "That the minutes of the meeting held on 15 January 2025 be approved as a correct record."
    with pytest.raises(MeetingsError):
        services.record_item_minutes(first.items.first(), actor=board_member, minutes="Changed")


def test_quorum_counts_voting_members_and_partners(meetings_world, personas, agencies):
    first = meetings_world.first
    board = meetings_world.board
    board.quorum_needs_statutory_partners = True
    board.save()
    services.record_attendance(first, actor=personas["board_member"], name="Ann Flynn", status="present",
                               agency=agencies["social_care"])
    result = quorum(first)
    assert (result.present_voting, result.quorate) == (1, False)
    assert result.missing_partners == ["the police", "health"]


def test_panel_action_goes_on_plan_and_timeline(meetings_world, world, personas):
    from safehub.intake.models import PlanItem

    action = meetings_world.case_action
    item = PlanItem.objects.get(pk=action.plan_item_id)
    assert item.plan.child == world.police_child
    assert item.source == "Northshire MACE Panel 2025-01-15 action 1"
    agreed = Event.objects.get(type="panel.action_agreed", child=world.police_child)
    assert agreed.summary == "Joint visit with the allocated social worker"
    services.update_action_status(action, actor=personas["police_contributor"], status="done", note="Visit held", now=NOW)
    done = Event.objects.get(type="panel.action_completed", child=world.police_child)
    assert done.outcome == "Visit held"
    assert [a.pk for a in my_actions(personas["police_contributor"])] == []
    item.refresh_from_db()
    assert item.status == PlanItem.Status.DONE
    on_plan = Event.objects.get(type="plan_item_completed", child=world.police_child)
    police = personas["police_contributor"].agency
    assert (on_plan.outcome, on_plan.detail_id, on_plan.agency) == ("Visit held", str(item.pk), police)
    from safehub.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="plan_item.completed", object_id=str(item.pk)).count() == 1


def test_flagged_subjects_from_events(world, personas, agencies):
    chair = personas["panel_chair"]
    record_event(agency=agencies["police"], type="risk.flag_mace", occurred_at=NOW, title="CCE risk high",
                 child=world.police_child)
    record_event(agency=agencies["police"], type="missing.trigger", occurred_at=NOW + dt.timedelta(hours=1),
                 title="3 missing episodes in 90 days", child=world.police_child)
    record_event(agency=agencies["police"], type="risk.flag_mace", occurred_at=NOW, title="Hidden", child=world.restricted_child)
    flags = flagged_subjects(chair, NOW - dt.timedelta(days=1))
    assert [f.child for f in flags] == [world.police_child]
    assert flags[0].reason == "CCE risk high; 3 missing episodes in 90 days"
    assert flagged_subjects(personas["mash_practitioner"], NOW - dt.timedelta(days=1))[-1].child == world.restricted_child


def test_create_panel_meeting_builds_cases(world, personas, agencies):
    chair = personas["panel_chair"]
    record_event(agency=agencies["police"], type="risk.flag_mace", occurred_at=NOW, title="CSE risk", child=world.police_child)
    panel = services.create_body(actor=chair, name="MACE", kind="mace")
    meeting = services.create_panel_meeting(panel, actor=chair, date=dt.date(2025, 1, 20), since=NOW - dt.timedelta(days=30))
    case = meeting.panel_cases.get()
    assert case.child == world.police_child and case.item.exempt and case.item.exempt_category == "1,2"
    assert meeting.items.last().kind == "aob"


def test_forward_plan_pulled_into_agenda(meetings_world, personas):
    board = meetings_world.board
    services.add_forward_plan_item(board, actor=personas["board_member"], title="Annual report 2024/25",
                                   due_by=dt.date(2025, 5, 1))
    meeting = services.create_meeting(board, actor=personas["board_member"], date=dt.date(2025, 5, 14), venue="Hall")
    titles = list(meeting.items.values_list("title", flat=True))
    assert "Annual report 2024/25" in titles and titles[-1] == "Forward plan"
    assert Action.objects.filter(reviews__meeting=meeting).count() == 2


def test_demo_loads_once(personas, agencies):
    from safehub.meetings.demo import load_demo
    from safehub.meetings.models import Body

    summary = load_demo(NOW)
    assert "Northshire Safeguarding Children Partnership Board" in summary
    assert load_demo(NOW) == "Meetings demo already loaded."
    board = Body.objects.get(name="Northshire Safeguarding Children Partnership Board")
    first, second = board.meetings.order_by("date")
    assert second.matters_arising.count() == 2
    assert first.minutes_status == "circulated"
