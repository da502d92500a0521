"""Front-door demo data: a handful of contacts on demo children, checks (some answered, some overdue), decisions and a
strategy discussion, all made through the services so they are audited and on the children's chronologies.

Call `load_demo(now)` after the demo partnership is loaded. It does nothing when contacts exist already.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safehub.core.models import Agency, User
from safehub.people.models import Child

from . import services
from .models import Contact, MashDecision, StrategyDiscussion

ASK = "What do you hold about the child and the adults in the household? Any incidents in the last 12 months?"

# hours before `now` the contact arrived, urgency, concerns, reporter, summary
CONTACTS = [
    (2, "normal", ["3A", "4B"], ("Sam Carter", "education", "Designated safeguarding lead"),
     "Pupil said there was shouting and a smashed window at home last night; mother seemed low at pick-up."),
    (76, "normal", ["11A", "10A"], ("PC Dana Hughes", "police", "Missing person coordinator"),
     "Third missing episode this month; found in a car with two adult males in another town."),
    (1, "urgent", ["18B"], ("Dr Leah Amin", "health", "Emergency department paediatric registrar"),
     "Spiral fracture to the forearm in a 3-year-old; explanation does not fit the injury."),
    (130, "normal", ["16A"], ("Anonymous", None, "Neighbour"),
     "Children often left alone in the evening; seen going through bins for food."),
    (250, "normal", ["24A", "13A"], ("Jo Patel", "youth_justice", "YOT case manager"),
     "Found with cash and two phones; says he 'owes' someone. Linked to a county lines group by police."),
]


def _at(now: dt.datetime, hours: float) -> dt.datetime:
    return now - dt.timedelta(hours=hours)


def load_demo(now: dt.datetime) -> str:
    """Create demo contacts relative to `now` (an aware datetime). Returns a one-line summary."""
    if Contact.objects.exists():
        return "Front door: demo contacts already loaded."
    mash = User.objects.filter(username="mash").first()
    police = User.objects.filter(username="police").first()
    health = User.objects.filter(username="health").first()
    if mash is None or mash.agency_id is None:
        return "Front door: no demo MASH practitioner, skipped."
    children = list(
        Child.objects.filter(restricted=False, record_links__source_record__agency__code="police")
        .distinct()
        .order_by("pk")[: len(CONTACTS)]
    )
    agencies = {a.code: a for a in Agency.objects.all()}
    made = []
    for child, (hours, urgency, concerns, (name, agency_code, role), summary) in zip(children, CONTACTS, strict=False):
        received = _at(now, hours)
        made.append(
            services.record_contact(
                actor=mash,
                child=child,
                received_at=received,
                reporter_name=name,
                reporter_agency=agencies.get(agency_code) if agency_code else None,
                reporter_relationship=role,
                concerns=concerns,
                consent="not_sought",
                without_consent_reason="Seeking consent could place the child at increased risk of harm.",
                urgency=urgency,
                summary=summary,
                now=received + dt.timedelta(minutes=10),
            )
        )
    services.record_contact(
        actor=mash,
        subject_description="Unborn baby of a 17-year-old care leaver, due in about eight weeks",
        received_at=_at(now, 5),
        reporter_name="Midwife R. Osei",
        reporter_agency=agencies.get("health"),
        reporter_relationship="Community midwife",
        concerns=["4B"],
        consent="given",
        summary="Mother has asked for support; history of self-harm and no stable address.",
        now=_at(now, 4.9),
    )
    checks = 0
    police_agency, health_agency = agencies.get("police"), agencies.get("health")
    for contact in made[1:]:
        asked = [a for a in (police_agency, health_agency) if a is not None]
        sent_at = contact.received_at + dt.timedelta(hours=1)
        requests = services.send_agency_checks(contact, agencies=asked, question=ASK, actor=mash, now=sent_at)
        checks += len(requests)
        for request in requests:
            # the oldest contacts were answered; the 76-hour-old one waits on the police (overdue) but has health's answer
            answerer = police if request.agency == police_agency else health
            old_enough = contact.received_at < _at(now, 100) or (answerer is health and contact.received_at < _at(now, 50))
            if answerer is not None and old_enough:
                services.respond_to_check(
                    request,
                    actor=answerer,
                    known=True,
                    text=(
                        "Two domestic incidents at the address this year; father on bail with conditions."
                        if answerer is police
                        else "Known to health visiting; missed the last two developmental reviews."
                    ),
                    caveat="agency_only" if answerer is police and contact.received_at < _at(now, 200) else "partnership",
                    now=sent_at + dt.timedelta(hours=20),
                )
    decided = 0
    for contact, outcome in zip(made[3:], (MashDecision.Outcome.EARLY_HELP, MashDecision.Outcome.SECTION_47), strict=False):
        services.decide(
            contact,
            outcome=outcome,
            reason="Threshold document level 3: family needs coordinated support."
            if outcome == MashDecision.Outcome.EARLY_HELP
            else "Reasonable cause to suspect significant harm (criminal exploitation).",
            actor=mash,
            now=contact.received_at + dt.timedelta(hours=22),
        )
        decided += 1
        if outcome == MashDecision.Outcome.SECTION_47:
            held = contact.received_at + dt.timedelta(hours=26)
            services.record_strategy_discussion(
                contact=contact,
                held_at=held,
                attendance={
                    "social_work": services.Attendee(True, "Maya Ashworth"),
                    "police": services.Attendee(True, "DS Peter Oduya"),
                    "health": services.Attendee(True, "Hannah Ellis"),
                    "education": services.Attendee(False),
                },
                decision=StrategyDiscussion.Decision.SECTION_47,
                lead_practitioner=mash,
                notes="Joint police and social work visit; child to be seen alone.",
                actor=mash,
                now=held + dt.timedelta(hours=1),
            )
    act = _load_act_workflows(now, mash, police, [c.child for c in made])
    return f"Front door: {len(made) + 1} contacts, {checks} agency checks, {decided} decisions.{act}"


def _load_act_workflows(now: dt.datetime, mash: User, police: User | None, children: list[Child]) -> str:
    """The 2026 Act workflows: an accepted FGDM offer before proceedings, an NRM referral with a positive reasonable grounds
    decision for the exploited child under a section 47 enquiry, and that child taken off a school roll (an alert).
    """
    if len(children) < 5:
        return ""
    today = timezone.localdate(now)
    family, exploited = children[0], children[4]
    proceedings = services.record_decision_to_consider_proceedings(
        family, actor=mash, considered_on=today - dt.timedelta(days=14), today=today
    )
    offer = services.record_fgdm_offer(proceedings, actor=mash, offered_on=today - dt.timedelta(days=10), today=today)
    services.record_fgdm_response(
        offer, actor=mash, response="accepted", responded_on=today - dt.timedelta(days=9),
        meeting_on=today - dt.timedelta(days=2), outcome="Maternal grandmother and aunt offered to share care.",
        family_plan="Grandmother cares on weekdays, aunt at weekends; mother has supervised contact.", today=today,
    )
    referral = services.record_nrm_referral(
        exploited, actor=mash, referred_on=today - dt.timedelta(days=8),
        first_responder_organisation="Northshire Police", first_responder_name="DS Peter Oduya",
        exploitation="criminal", today=today,
    )
    services.record_reasonable_grounds_decision(
        referral, actor=mash, decision="positive", decided_on=today - dt.timedelta(days=4), decided_by="ddm_panel",
        today=today,
    )
    notice = services.record_home_education_notice(
        exploited, "Northshire Academy", today - dt.timedelta(days=1), mash, now=now
    )
    alerts = 1 if notice.alert else 0
    return f" 2026 Act: 1 FGDM offer, 1 NRM referral, {alerts} home education alert."
