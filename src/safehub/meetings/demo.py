"""Demo data for boards and panels: `load_demo(now)` makes a partnership board with two meetings (seed-like business: an
exempt rapid review, RESOLVED decisions, an action log carried into matters arising) and a MACE panel whose agenda is
built from the children flagged in the demo data. Idempotent: a second call changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safehub.core.models import Agency, User

from . import services
from .models import Body

BOARD = "Northshire Safeguarding Children Partnership Board"
PANEL = "Northshire MACE Panel"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def load_demo(now: dt.datetime) -> str:
    """Create the demo board, its meetings and action log, and a MACE panel. Returns a one-line summary."""
    if Body.objects.filter(name=BOARD).exists():
        return "Meetings demo already loaded."
    board_member, chair = _user("board"), _user("panel.chair")
    agencies = {a.code: a for a in Agency.objects.all()}
    today = now.date()
    board = services.create_body(
        actor=board_member, name=BOARD, kind=Body.Kind.BOARD, quorum=3, quorum_needs_statutory_partners=True,
        terms_of_reference="The three safeguarding partners' arrangements under Working Together to Safeguard Children "
                           "2023: agree priorities, hold agencies to account, and learn from reviews.",
    )
    for name, initials, position, code in [
        ("Ann Flynn", "AF", "Partnership Development Manager", "social_care"),
        ("Elaine Allegretti", "EA", "Head of Strategy and Performance", "social_care"),
        ("Justin Armstrong", "JA", "Detective Chief Inspector, Public Protection", "police"),
        ("Mary Mason", "MM", "Designated Nurse", "health"),
    ]:
        services.add_member(board, actor=board_member, name=name, initials=initials, position=position,
                            agency=agencies.get(code))
    first_date = today - dt.timedelta(days=56)
    first = services.create_meeting(board, actor=board_member, date=first_date, venue="Civic Centre, Conference Room 3",
                                    start_time=dt.time(11), end_time=dt.time(13))
    for name, status, code in [("Ann Flynn", "present", "social_care"), ("Justin Armstrong", "present", "police"),
                               ("Mary Mason", "present", "health"), ("Elaine Allegretti", "apologies", "social_care")]:
        services.record_attendance(first, actor=board_member, name=name, status=status, agency=agencies.get(code))
    services.record_declaration(first, actor=board_member, name="Mary Mason",
                                interest="Trustee of a local young people's charity bidding for the exploitation contract")
    report = services.add_agenda_item(first, actor=board_member, title="Child exploitation: partnership response",
                                      presenter="Justin Armstrong", minutes="The board considered the exploitation profile.")
    services.record_decision(report, actor=board_member, text="That the exploitation profile be noted and a MACE panel "
                             "be established under the pan-London protocol.")
    services.add_agenda_item(first, actor=board_member, title="Rapid review: Child R", exempt=True, exempt_category="1,2",
                             exempt_reason="Information likely to identify a child and family.",
                             minutes="The board agreed the rapid review findings.")
    services.record_action(first, actor=board_member, item=report, details="Circulate the exploitation profile to health",
                           owner_name="JA", owner_agency=agencies.get("police"), due_on=first_date + dt.timedelta(days=21),
                           now=now - dt.timedelta(days=56))
    services.record_action(first, actor=board_member, details="Bring the annual report draft to the next meeting",
                           owner_user=board_member, due_on=today + dt.timedelta(days=7), now=now - dt.timedelta(days=56))
    services.hold_meeting(first, actor=board_member)
    services.circulate_minutes(first, actor=board_member, now=now - dt.timedelta(days=50))
    services.add_forward_plan_item(board, actor=board_member, title="Section 11 audit results", due_by=today)
    second = services.create_meeting(board, actor=board_member, date=today + dt.timedelta(days=1),
                                     venue="Civic Centre, Conference Room 3", start_time=dt.time(11))
    panel = services.create_body(actor=chair, name=PANEL, kind=Body.Kind.MACE)
    for username in ("police", "health", "missing"):
        user = _user(username)
        if user is not None:
            services.add_member(panel, actor=chair, user=user)
    panel_meeting = services.create_panel_meeting(panel, actor=chair, date=today, since=now - dt.timedelta(days=90),
                                                  online=True) if chair is not None and chair.agency_id else None
    cases = panel_meeting.panel_cases.count() if panel_meeting else 0
    return (f"Boards and panels: {board.name} (meetings on {first.date:%-d %b} and {second.date:%-d %b}, "
            f"{board.memberships.count()} members), {panel.name} with {cases} flagged case(s).")
