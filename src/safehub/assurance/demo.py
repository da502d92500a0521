"""Demo data for learning and assurance: `load_demo(now)` makes a section 11 round (police and health submitted, the
others still to answer), a challenge panel meeting with an agreed action, a case review with a recommendation on the action
log, a neglect case audit, an improvement plan, the training framework with compliance, private fostering notifications
and this year's annual report draft. Idempotent: a second call changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safehub.core.models import Agency, User
from safehub.meetings import services as meetings_services
from safehub.meetings.models import Body
from safehub.people.models import Child

from . import services
from .models import CaseReview, Section11Return

CHALLENGE_PANEL = "Northshire Section 11 Challenge Panel"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _financial_year(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


@transaction.atomic
def load_demo(now: dt.datetime) -> str:
    """Create the assurance demo data. Returns a one-line summary."""
    if CaseReview.objects.filter(reference="Child T").exists():
        return "Assurance demo already loaded."
    board, chair, mash, admin = _user("board"), _user("panel.chair"), _user("mash"), _user("admin")
    police_user, health_user = _user("police"), _user("health")
    if not (board and chair and mash and admin and police_user and health_user):
        return "Assurance demo skipped: the demo users are missing."
    agencies = {a.code: a for a in Agency.objects.all()}
    today = now.date()
    year = _financial_year(today)
    taking_part = [a for code, a in agencies.items() if code in ("police", "health", "education", "social_care")]
    last = services.open_section11_round(actor=board, name=f"Section 11 audit {year.year - 1}", opens_on=year.replace(
        year=year.year - 1), due_on=year.replace(year=year.year - 1) + dt.timedelta(days=90), agencies=taking_part)
    current = services.open_section11_round(actor=board, name=f"Section 11 audit {year.year}", opens_on=year,
                                            due_on=max(today + dt.timedelta(days=28), year + dt.timedelta(days=60)),
                                            agencies=taking_part)
    for round_, ratings in ((last, {"police": "amber", "health": "amber"}), (current, {"police": "green", "health": "amber"})):
        for code, rag in ratings.items():
            user = police_user if code == "police" else health_user
            section11_return = Section11Return.objects.get(round=round_, agency=agencies[code])
            values = {s.pk: {"rag": rag if s.number != "5" else "red", "evidence": "Policy, audit and staff survey",
                             "action_plan": "" if rag == "green" and s.number != "5" else "Refresh training by March"}
                      for s in round_.standard_set.standards.all()}
            services.save_section11_return(section11_return, actor=user, ratings=values, submit=True, now=now)
    panel = meetings_services.create_body(actor=board, name=CHALLENGE_PANEL, kind=Body.Kind.SCRUTINY,
                                          terms_of_reference="Challenge agencies' section 11 self-assessments.")
    meeting = meetings_services.create_meeting(panel, actor=board, date=today - dt.timedelta(days=7),
                                               venue="Civic Centre, Room 2")
    services.record_challenge(Section11Return.objects.get(round=current, agency=agencies["health"]), actor=board,
                              meeting=meeting, challenge="Standard 5 is red for a second year: what is different now?",
                              action_details="Training trajectory to the next panel", action_owner="Designated Nurse",
                              action_due_on=today + dt.timedelta(days=42), now=now)
    child = Child.objects.visible_to(chair).first()
    review = services.notify_serious_incident(actor=chair, reference="Child T", notified_on=today - dt.timedelta(days=40),
                                              notifying_agency=agencies["police"], incident_type="Serious harm",
                                              child=child, circumstances="Admitted to hospital with unexplained injuries.")
    services.update_case_review(review, actor=chair, rapid_review_completed_on=today - dt.timedelta(days=22),
                                rapid_review_summary="Learning about pre-birth information sharing.",
                                decision="lcspr", decision_on=today - dt.timedelta(days=20),
                                decision_reason="Practice learning across agencies.", reviewer="Dr R. Smith",
                                terms_of_reference="Pre-birth assessment and information sharing.")
    services.add_milestone(review, actor=chair, title="Practitioner event", due_on=today + dt.timedelta(days=30))
    recommendation = services.add_recommendation(review, actor=chair,
                                                 text="Midwifery shares pre-birth concerns with the MASH by 20 weeks.")
    services.add_recommendation_action(recommendation, actor=chair, meeting=meeting, details="Revise the pre-birth protocol",
                                       owner_name="Designated Nurse", owner_agency=agencies.get("health"),
                                       due_on=today + dt.timedelta(days=60), now=now)
    audit = services.create_case_audit(actor=mash, title="Neglect multi-agency audit", theme="Neglect",
                                       questions=["Was the child seen and heard?", "Was the plan SMART?"],
                                       agencies=[agencies["police"], agencies["health"]], sampling="random", size=4, seed=2025,
                                       now=now)
    for case, grade in zip(audit.cases.all(), ["good", "requires_improvement", "good", "outstanding"], strict=False):
        services.answer_audit_case(case, actor=health_user, agency=agencies["health"], answers=["Yes", "Partly"], grade=grade,
                                   now=now)
    plan = services.create_improvement_plan(actor=board, title="Neglect strategy improvement plan", now=now,
                                            objectives=["Earlier help for neglected children", "Better supervision"])
    first_objective = plan.objectives.first()
    action = services.add_improvement_action(first_objective, actor=board, details="Launch the neglect toolkit",
                                             owner="Head of Early Help", owner_agency=agencies.get("social_care"),
                                             due_on=today + dt.timedelta(days=30), now=now)
    services.record_progress(action, actor=board, rag="green", note="Toolkit drafted", now=now)
    level = {1: "Safeguarding essentials", 2: "Working together", 3: "Child exploitation", 4: "Leading safeguarding"}
    courses = {n: services.add_course(actor=admin, title=t, level=n) for n, t in level.items()}
    for code, workforce in (("police", 12), ("health", 10), ("education", 20)):
        if code in agencies:
            services.set_training_requirement(actor=admin, agency=agencies[code], required_level=2, workforce=workforce)
    services.record_course_session(courses[2], actor=admin, held_on=today - dt.timedelta(days=14), venue="Online", attendees=[
        (f"Officer {n}", agencies["police"], "Police officer") for n in range(1, 7)] + [
        (f"Health visitor {n}", agencies["health"], "Health visitor") for n in range(1, 9)])
    children = list(Child.objects.visible_to(mash)[:6])
    for n, child in enumerate(children):
        source = agencies.get("education" if n % 2 else "health") or agencies["health"]
        services.notify_private_fostering(actor=mash, child=child, source_agency=source,
                                          notified_on=today - dt.timedelta(days=20 + 45 * n))
    services.start_annual_report(actor=board, year_start=year, now=now)
    return (f"Assurance: 2 section 11 rounds, case review Child T, audit of {audit.cases.count()} children, "
            f"{len(children)} private fostering notifications, annual report {year.year} draft.")
