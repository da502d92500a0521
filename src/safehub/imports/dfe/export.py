"""Annex A lists generated from the platform: the contacts, referrals, section 47 enquiries and plans safehub itself
records, written as an Annex A workbook that `safehub import --format annex-a` (and Ofsted's template) reads.

Only what the person may see goes in (every query goes through `visible_to(user)`), and the export is audited.
Lists safehub does not record (early help assessments, care leavers, adoption, adopters) are written with their headings
and no rows. The child's id in the workbook is safehub's child number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from safehub.core.audit import record_audit

#: Agency type of the person who made the contact → CIN census referral source code.
SOURCE_OF_AGENCY = {
    "police": "6",
    "health": "3F",
    "education": "2B",
    "social_care": "5A",
    "housing": "4",
    "youth_justice": "7",
    "probation": "7",
    "voluntary": "8",
    "other": "8",
}
PUBLIC_SOURCE = "1D"  # a member of the public with no agency


@dataclass(frozen=True)
class AnnexAExport:
    path: Path
    children: int
    rows: dict[int, int]  # list number → rows written


def annex_a_from_platform(user, *, start: dt.date, end: dt.date, path: Path, purpose: str = "Annex A") -> AnnexAExport:
    """Write the Annex A lists safehub can fill for contacts, referrals, enquiries and plans between `start` and `end`
    (inclusive; plans open at any time in the period). Audits `annex_a.exported` with the counts."""
    from safehub.intake.models import Contact, Enquiry, MashDecision, Plan
    from safehub.people.models import Child
    from safehub.synth.dfe_returns import CpPlan, Episode, Referral, ReturnChild, annex_a_rows, write_annex_a
    from safehub.synth.dfe_returns import Enquiry as EnquiryRow

    children = Child.objects.visible_to(user)
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    last = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    by_child: dict[int, ReturnChild] = {}

    def row_for(child: Child) -> ReturnChild:
        if child.pk not in by_child:
            by_child[child.pk] = ReturnChild(str(child.pk), child.sex, child.date_of_birth, child.ethnicity or "")
        return by_child[child.pk]

    contacts = (Contact.objects.visible_to(user).filter(child__isnull=False, received_at__gte=first,
                                                         received_at__lt=last)
                .select_related("child", "reporter_agency").order_by("received_at", "pk"))
    seen: set[tuple[int, dt.date]] = set()
    for contact in contacts:
        day = timezone.localdate(contact.received_at)
        if (contact.child_id, day) in seen:
            continue  # Annex A lists a child's contacts by day
        seen.add((contact.child_id, day))
        agency = contact.reporter_agency
        row_for(contact.child).contacts.append((day, SOURCE_OF_AGENCY.get(agency.type, "8") if agency else PUBLIC_SOURCE))
    referred: set[tuple[int, dt.date]] = set()
    decisions = (MashDecision.objects.filter(contact__in=Contact.objects.visible_to(user), contact__child__isnull=False,
                                             outcome__in=("s17", "s47"), decided_at__gte=first, decided_at__lt=last)
                 .select_related("contact__child", "contact__reporter_agency").order_by("decided_at", "pk"))
    for decision in decisions:
        day = timezone.localdate(decision.decided_at)
        if (decision.contact.child_id, day) in referred:
            continue
        referred.add((decision.contact.child_id, day))
        agency = decision.contact.reporter_agency
        source = SOURCE_OF_AGENCY.get(agency.type, "8") if agency else PUBLIC_SOURCE
        row_for(decision.contact.child).referrals.append(Referral(day, source))
    plans = list(Plan.objects.filter(child__in=children, type__in=("cp", "cla"), start_on__lte=end)
                 .exclude(end_on__lt=start).select_related("child").order_by("start_on", "pk"))
    cp_starts: dict[int, list[dt.date]] = {}
    for plan in Plan.objects.filter(child__in=children, type="cp").order_by("start_on"):
        cp_starts.setdefault(plan.child_id, []).append(plan.start_on)
    for enquiry in (Enquiry.objects.filter(child__in=children, started_on__range=(start, end))
                    .select_related("child").order_by("started_on", "pk")):
        icpc = next((d for d in cp_starts.get(enquiry.child_id, []) if enquiry.started_on <= d
                     <= enquiry.started_on + dt.timedelta(days=90)), None)
        row_for(enquiry.child).enquiries.append(EnquiryRow(enquiry.started_on, icpc, plan=icpc is not None))
    for plan in plans:
        child = row_for(plan.child)
        if plan.type == "cp":
            previous = sum(1 for d in cp_starts.get(plan.child_id, []) if d < plan.start_on)
            child.cp_plans.append(CpPlan(plan.start_on, plan.end_on if plan.end_on and plan.end_on <= end else None,
                                         None, previous))
        else:
            ended = plan.end_on if plan.end_on and plan.end_on <= end else None
            # safehub records no legal status, placement or reason ceased: "ceased for any other reason" (E8)
            child.episodes.append(Episode(plan.start_on, ended, legal_status=None, need=None, placement=None,
                                          reason_ceased="E8" if ended else ""))
    rows = {n: 0 for n in range(1, 12)}
    for child in by_child.values():
        for number, listed in annex_a_rows(child, end).items():
            rows[number] += len(listed)
    write_annex_a(list(by_child.values()), path, year_end=end, team=None)
    record_audit(user, "annex_a.exported", object_type="imports.returnrecord", object_id="",
                 purpose=purpose, detail={"start": start.isoformat(), "end": end.isoformat(), "children": len(by_child),
                                          "rows": {str(k): v for k, v in rows.items() if v}})
    return AnnexAExport(path, len(by_child), rows)
