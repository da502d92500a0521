"""Performance demo data: a population base, a regional comparator, 24 partnership standards with two rounds rated by
the agencies that have demo users (so the matrix shows change since the last round), and analyst commentary.

Call `load_demo(now)` after the other apps' demo data. It does nothing when a standards set exists already.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safehub.core.models import Agency, User

from . import indicators as library
from . import services
from .models import StandardSet
from .periods import period_containing

STANDARDS = [
    "Senior leadership commitment to safeguarding is clear and visible",
    "A named safeguarding lead with the time, training and authority to do the job",
    "Safeguarding policies are current, known to staff and reviewed every year",
    "Safer recruitment, including DBS checks and references, for every post working with children",
    "Allegations against staff are managed through the LADO process",
    "Staff receive safeguarding training at the right level and refresh it on time",
    "Staff have regular safeguarding supervision",
    "The voice of the child is heard and recorded in practice",
    "Information is shared promptly and lawfully, with decisions recorded",
    "Referrals to the MASH are of good quality and explain the concern",
    "Agency checks from the MASH are answered within the deadline",
    "Attendance at strategy discussions and child protection conferences",
    "Reports to conferences are shared with families before the meeting",
    "Actions from plans and panels are completed on time",
    "Escalation and resolution of professional disagreement is used and reviewed",
    "Children missing from home, care or education are identified and acted on",
    "Risks of exploitation are recognised and referred to MACE",
    "Domestic abuse is identified and routed to MARAC where high risk",
    "Learning from case reviews is disseminated and changes practice",
    "Single and multi-agency audits happen and their findings are acted on",
    "Data on safeguarding activity is collected and reported to the partnership",
    "Early help is offered and coordinated with a lead practitioner",
    "Children with disabilities and SEND are safeguarded with adjusted practice",
    "Transitions to adult services are planned for young people at risk",
]

RATINGS = {  # agency code -> (previous round RAGs, current round RAGs), cycled over the 24 standards
    "social_care": ("gaaggragaggagagaggaaggag", "ggaggaagggggagggggaagggg"),
    "police": ("aaraagaagrgaaggagrgaagag", "agaagggagagaaggaggaagggg"),
    "health": ("gggagaaggarggagaaggagaga", "gggagagggaaggagaaggagggg"),
}
RAG = {"r": "red", "a": "amber", "g": "green"}
COMMENTARY = {
    "checks_in_time": "Health answers improved after the new duty inbox; police remain below target on weekends.",
    "re_referrals": "Re-referrals are above the England rate; the audit of closed early help cases reports next quarter.",
    "rhi_offered_in_time": "Offers within 72 hours depend on weekday notification; the provider now works Saturdays.",
}


def load_demo(now: dt.datetime) -> str:
    """Create the performance demo data relative to `now`. Returns a one-line summary."""
    if StandardSet.objects.filter(code="partnership-standards").exists():
        return "Performance: demo data already loaded"
    analyst = User.objects.filter(role_assignments__role="analyst").first()
    today = timezone.localdate(now)
    for year, children in ((today.year - 2, 51_900), (today.year - 1, 52_300)):
        services.set_population(year=year, children=children, actor=analyst,
                                source="Demo figure in the style of ONS mid-year estimates (0-17)")
    services.set_comparator("checks_in_time", kind="region", value=88.0, year=f"{today.year - 2}-{(today.year - 1) % 100:02d}",
                            source="Demo: regional MASH benchmarking group", actor=analyst)
    standard_set = services.define_standard_set(
        "partnership-standards", "Partnership safeguarding standards",
        [(str(n), title) for n, title in enumerate(STANDARDS, start=1)], actor=analyst,
    )
    raters = {}
    for code in RATINGS:
        user = User.objects.filter(agency__code=code, role_assignments__role__in=["agency_contributor", "mash_practitioner"]
                                   ).first()
        if user is not None:
            raters[code] = user
    agencies = list(Agency.objects.filter(code__in=RATINGS))
    rounds = [
        services.open_round(standard_set, name=f"Self-assessment {today.year - 1}", opens_on=today - dt.timedelta(days=400),
                            due_on=today - dt.timedelta(days=340), agencies=agencies, actor=analyst),
        services.open_round(standard_set, name=f"Self-assessment {today.year}", opens_on=today - dt.timedelta(days=35),
                            due_on=today + dt.timedelta(days=25), agencies=agencies, actor=analyst),
    ]
    standards = list(standard_set.standards.all())
    rated = 0
    for code, user in raters.items():
        for round_, pattern in zip(rounds, RATINGS[code], strict=True):
            for standard, letter in zip(standards, pattern, strict=True):
                rag = RAG[letter]
                services.rate_standard(
                    round_, standard, actor=user, rag=rag, now=now,
                    evidence=f"{user.agency.name}: audit of practice and training records for standard {standard.number}.",
                    action_plan="" if rag == "green" else "Named lead to report progress to the next board.",
                )
                rated += 1
    services.close_round(rounds[0], actor=analyst)
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    if analyst is not None:
        for indicator, text in COMMENTARY.items():
            period = period_containing(library.get(indicator).period, last_month_end)
            services.save_commentary(indicator, period.key, text=text, actor=analyst)
    return (f"Performance: population base, {len(STANDARDS)} standards, 2 rounds with {rated} ratings by "
            f"{len(raters)} agencies, commentary on {len(COMMENTARY)} indicators")
