"""A small meetings world on top of the shared `world`: a partnership board (chaired by the board member) with two
meetings — the first with an exempt item and two actions, the second carrying them as matters arising — and a MACE panel
(chaired by the panel chair) with a case about the police-and-health child and an action on it.

Imported by tests/test_permission_matrix.py for its rows, and by this app's tests through conftest.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from safehub.meetings import services
from safehub.meetings.models import Action, AgendaItem, Body, Meeting, PanelCase

LONDON = ZoneInfo("Europe/London")
FIRST = dt.date(2025, 1, 15)
SECOND = dt.date(2025, 3, 12)
NOW = dt.datetime(2025, 1, 15, 12, 0, tzinfo=LONDON)


@dataclass
class MeetingsWorld:
    board: Body
    first: Meeting
    second: Meeting
    exempt_item: AgendaItem
    action: Action
    panel: Body
    panel_meeting: Meeting
    case: PanelCase
    case_action: Action


@pytest.fixture
def meetings_world(world, personas, agencies) -> MeetingsWorld:
    board_member, chair = personas["board_member"], personas["panel_chair"]
    board = services.create_body(actor=board_member, name="Northshire Safeguarding Children Partnership Board", kind="board",
                                 quorum=2, terms_of_reference="To hold partners to account for safeguarding children.")
    services.add_member(board, actor=board_member, name="Ann Flynn", initials="AF", agency=agencies["social_care"],
                        position="Board Development Manager")
    first = services.create_meeting(board, actor=board_member, date=FIRST, venue="Civic Centre, Room 3",
                                    start_time=dt.time(10), end_time=dt.time(12))
    exempt_item = services.add_agenda_item(first, actor=board_member, title="Rapid review: Child Q", exempt=True,
                                           exempt_category="1,2", exempt_reason="Identifies a child and family.",
                                           minutes="Confidential discussion of the rapid review.")
    action = services.record_action(first, actor=board_member, details="Circulate the annual report draft", owner_name="AF",
                                    owner_agency=agencies["social_care"], due_on=dt.date(2025, 2, 28), now=NOW)
    services.record_action(first, actor=board_member, details="Report on neglect audit", owner_user=board_member,
                           due_on=dt.date(2025, 3, 1), now=NOW)
    services.hold_meeting(first, actor=board_member)
    second = services.create_meeting(board, actor=board_member, date=SECOND, venue="Civic Centre, Room 3")
    panel = services.create_body(actor=chair, name="Northshire MACE Panel", kind="mace")
    panel_meeting = services.create_meeting(panel, actor=chair, date=FIRST, online=True)
    case = services.add_panel_case(panel_meeting, actor=chair, child=world.police_child, reason="Flagged by a risk assessment")
    case_action = services.record_action(panel_meeting, actor=chair, details="Joint visit with the allocated social worker",
                                         owner_user=personas["police_contributor"], due_on=dt.date(2025, 1, 31),
                                         panel_case=case, now=NOW)
    return MeetingsWorld(board, first, second, exempt_item, action, panel, panel_meeting, case, case_action)
