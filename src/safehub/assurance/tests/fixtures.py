"""A small assurance world on top of the shared `world`: a section 11 round sent to police and health, a scrutiny panel
meeting to challenge them, a case review about the police-and-health child (the panel chair's review team) with a
recommendation turned into an action, a case audit of that child, an improvement plan, a private fostering arrangement and
an annual report draft.

Imported by tests/test_permission_matrix.py for its rows, and by this app's tests through conftest.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from safehub.assurance import services
from safehub.assurance.models import (
    AnnualReport,
    AuditCase,
    CaseAudit,
    CaseReview,
    ImprovementAction,
    ImprovementPlan,
    PrivateFosteringArrangement,
    Recommendation,
    Section11Return,
    TrackedAction,
)
from safehub.meetings import services as meetings_services
from safehub.meetings.models import Meeting
from safehub.performance.models import AssessmentRound

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2025, 5, 12, 10, 0, tzinfo=LONDON)


@dataclass
class AssuranceWorld:
    round: AssessmentRound
    police_return: Section11Return
    health_return: Section11Return
    panel_meeting: Meeting
    review: CaseReview
    recommendation: Recommendation
    tracked_action: TrackedAction
    audit: CaseAudit
    audit_case: AuditCase
    plan: ImprovementPlan
    plan_action: ImprovementAction
    arrangement: PrivateFosteringArrangement
    report: AnnualReport


@pytest.fixture
def assurance_world(world, personas, agencies) -> AssuranceWorld:
    board, chair, mash = personas["board_member"], personas["panel_chair"], personas["mash_practitioner"]
    round_ = services.open_section11_round(actor=board, name="Section 11 audit 2025", opens_on=dt.date(2025, 4, 1),
                                           due_on=dt.date(2025, 6, 30), agencies=[agencies["police"], agencies["health"]])
    police_return = Section11Return.objects.get(round=round_, agency=agencies["police"])
    health_return = Section11Return.objects.get(round=round_, agency=agencies["health"])
    scrutiny = meetings_services.create_body(actor=board, name="Northshire Section 11 Challenge Panel", kind="scrutiny")
    panel_meeting = meetings_services.create_meeting(scrutiny, actor=board, date=dt.date(2025, 7, 10), venue="Civic Centre")
    review = services.notify_serious_incident(actor=chair, reference="Child T", notified_on=dt.date(2025, 5, 1),
                                              notifying_agency=agencies["police"], incident_type="Serious harm",
                                              child=world.police_child, circumstances="Admitted to hospital with injuries.")
    recommendation = services.add_recommendation(review, actor=chair, text="Agencies share pre-birth concerns with the MASH.")
    tracked = services.add_recommendation_action(recommendation, actor=chair, meeting=panel_meeting,
                                                 details="Pre-birth protocol revised", owner_name="Designated Nurse",
                                                 owner_agency=agencies["health"], due_on=dt.date(2025, 9, 30), now=NOW)
    audit = services.create_case_audit(actor=mash, title="Neglect audit", theme="Neglect",
                                       questions=["Was the child seen?", "Was the child's voice heard?"],
                                       agencies=[agencies["police"], agencies["health"]], sampling="random", size=3, seed=7,
                                       now=NOW)
    audit_case = audit.cases.get(child=world.police_child)
    plan = services.create_improvement_plan(actor=board, title="Neglect strategy plan", objectives=["Earlier help"], now=NOW)
    plan_action = services.add_improvement_action(plan.objectives.get(), actor=board, details="Launch the neglect toolkit",
                                                  owner="Head of Early Help", due_on=dt.date(2025, 10, 1), now=NOW)
    arrangement = services.notify_private_fostering(actor=mash, child=world.police_child, source_agency=agencies["health"],
                                                    notified_on=dt.date(2025, 5, 2), carer="Aunt")
    report = services.start_annual_report(actor=board, year_start=dt.date(2025, 4, 1), now=NOW)
    return AssuranceWorld(round_, police_return, health_return, panel_meeting, review, recommendation, tracked, audit,
                          audit_case, plan, plan_action, arrangement, report)
