"""CP-IS style exchange with the NHS (docs/cp-is.md): the export of children on child protection plans and looked-after
children, and the import of unscheduled-care access notifications, each of which becomes a contact at the front door.

The export reads through `Plan.objects.visible_to(user)`; the import parses the whole file into typed rows first (pure,
no database), collects every row error, and writes nothing unless every row is good. Re-importing a file adds nothing twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field

import nhs_number as nhs
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.models import Agency, AgencyType, User
from safehub.people.models import Child

from .models import Contact, Plan, Task, UnscheduledCareNotification

# ---------------------------------------------------------------------------------------------------------------------
# Export

EXPORT_COLUMNS = [
    "nhs_number",
    "plan_type",
    "start_date",
    "end_date",
    "responsible_authority",
    "contact_name",
    "contact_email",
    "local_reference",
]
PLAN_TYPE_CODES = {Plan.Type.CHILD_PROTECTION: "CPP", Plan.Type.LOOKED_AFTER: "LAC"}
ENDED_WITHIN = dt.timedelta(days=30)  # ended plans stay in the export this long, so NHS systems see the end date


@dataclass
class CpisExport:
    as_of: dt.date
    rows: list[dict[str, str]]
    without_nhs_number: int  # plans left out because the child has no NHS number (CP-IS matches on it alone)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def _plans(user, as_of: dt.date):
    return (
        Plan.objects.visible_to(user)
        .filter(type__in=list(PLAN_TYPE_CODES), start_on__lte=as_of)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=as_of - ENDED_WITHIN))
        .select_related("child", "lead_practitioner__agency", "created_by__agency")
        .order_by("child__nhs_number", "start_on", "pk")
    )


def summary(user, *, as_of: dt.date) -> dict[str, int]:
    """Counts only (no names): the export's plans on `as_of` by CP-IS plan type, and those left out for want of an NHS
    number.
    """
    plans = list(_plans(user, as_of).values_list("type", "child__nhs_number"))
    counts = {code: sum(1 for t, n in plans if t == plan_type and n) for plan_type, code in PLAN_TYPE_CODES.items()}
    counts["without_nhs_number"] = sum(1 for _, n in plans if not n)
    return counts


def export_plans(user, *, as_of: dt.date, purpose: str = "CP-IS export") -> CpisExport:
    """Children on child protection plans and looked-after children, as CP-IS rows: plans open on `as_of`, and those
    ended in the 30 days before it. Audits `cpis.exported` with the children included.
    """
    rows, without, children = [], 0, []
    for plan in _plans(user, as_of):
        if not plan.child.nhs_number:
            without += 1
            continue
        holder = plan.lead_practitioner or plan.created_by
        authority = holder.agency.name if holder is not None and holder.agency_id else ""
        rows.append(
            {
                "nhs_number": plan.child.nhs_number,
                "plan_type": PLAN_TYPE_CODES[plan.type],
                "start_date": plan.start_on.isoformat(),
                "end_date": plan.end_on.isoformat() if plan.end_on and plan.end_on <= as_of else "",
                "responsible_authority": authority,
                "contact_name": (holder.get_full_name() or holder.username) if holder is not None else "",
                "contact_email": holder.email if holder is not None else "",
                "local_reference": f"PLAN-{plan.pk}",
            }
        )
        children.append(plan.child_id)
    record_audit(
        user,
        "cpis.exported",
        object_type="intake.plan",
        purpose=purpose,
        detail={"as_of": as_of, "rows": len(rows), "children": sorted(set(children)), "without_nhs_number": without},
    )
    return CpisExport(as_of=as_of, rows=rows, without_nhs_number=without)


# ---------------------------------------------------------------------------------------------------------------------
# Import

IMPORT_REQUIRED = ["nhs_number", "attended_at", "setting", "site"]
IMPORT_OPTIONAL = ["reason"]
SETTINGS = {
    "ED": "Emergency department",
    "UTC": "Urgent treatment centre",
    "MIU": "Minor injuries unit",
    "WIC": "Walk-in centre",
    "OOH": "GP out of hours",
    "MAT": "Unscheduled maternity care",
}


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # the line in the file: 1 is the header, so the first notification is row 2
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, {self.column}: {self.reason}"


@dataclass(frozen=True)
class Notification:
    row: int
    nhs_number: str
    attended_at: dt.datetime
    setting: str
    site: str
    reason: str = ""

    @property
    def key(self) -> str:
        text = "|".join(
            [self.nhs_number, self.attended_at.astimezone(dt.UTC).isoformat(), self.setting, self.site.casefold()]
        )
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class ImportReport:
    file: str
    errors: list[RowError] = field(default_factory=list)
    created: list[Contact] = field(default_factory=list)
    already_imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return f"{self.file}: {len(self.errors)} error(s); nothing imported."
        return f"{self.file}: {len(self.created)} contact(s) made, {self.already_imported} notification(s) already imported."


def _parse_attended_at(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def parse_notifications(data: bytes | str, *, file: str, now: dt.datetime) -> tuple[list[Notification], list[RowError]]:
    """Read a notification CSV into typed rows and every error (file, row, column, reason). Touches no database."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in IMPORT_REQUIRED if c not in header]
    if missing:
        return [], [RowError(file, 1, c, "required column missing") for c in missing]
    reader.fieldnames = header
    rows, errors = [], []
    for number, raw in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        row_errors = []
        digits = values["nhs_number"].replace(" ", "")
        if not digits:
            row_errors.append(RowError(file, number, "nhs_number", "required"))
        elif not (digits.isdigit() and len(digits) == 10 and nhs.is_valid(digits)):
            row_errors.append(RowError(file, number, "nhs_number", f"{values['nhs_number']!r} is not a valid NHS number"))
        attended_at = None
        try:
            attended_at = _parse_attended_at(values["attended_at"])
        except ValueError:
            row_errors.append(
                RowError(file, number, "attended_at", f"{values['attended_at']!r} is not a date and time like 2026-03-01T14:30")
            )
        else:
            if attended_at > now:
                row_errors.append(RowError(file, number, "attended_at", "is in the future"))
        setting = values["setting"].upper()
        if setting not in SETTINGS:
            row_errors.append(
                RowError(file, number, "setting", f"{values['setting']!r} is not one of {', '.join(SETTINGS)}")
            )
        if not values["site"]:
            row_errors.append(RowError(file, number, "site", "required"))
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(Notification(number, digits, attended_at, setting, values["site"][:200], values.get("reason", "")))
    return rows, errors


def _on_plan(child: Child, day: dt.date) -> Plan | None:
    return (
        Plan.objects.filter(child=child, type__in=list(PLAN_TYPE_CODES), start_on__lte=day)
        .exclude(end_on__lt=day)
        .select_related("lead_practitioner")
        .order_by("-start_on", "-pk")
        .first()
    )


def import_notifications(data: bytes | str, *, file: str, actor: User, now: dt.datetime | None = None) -> ImportReport:
    """Import NHS unscheduled-care access notifications: all rows or none. Each new notification about a child the actor
    may see, on a child protection plan or looked after on the day of attendance, becomes a contact at the front door
    whose decision task goes to the responsible team (the plan's lead practitioner and their team). Notifications
    imported before are skipped. Audits `cpis.imported` (and each contact as `contact.recorded`).
    """
    from .services import record_contact

    now = now or timezone.now()
    report = ImportReport(file=file)
    rows, report.errors = parse_notifications(data, file=file, now=now)
    resolved = []
    for row in rows:
        children = list(Child.objects.visible_to(actor).filter(nhs_number=row.nhs_number, merged_into__isnull=True)[:2])
        if len(children) != 1:
            reason = "no child you can see has this NHS number" if not children else "more than one child has this NHS number"
            report.errors.append(RowError(file, row.row, "nhs_number", reason))
            continue
        plan = _on_plan(children[0], timezone.localdate(row.attended_at))
        if plan is None:
            report.errors.append(
                RowError(file, row.row, "nhs_number", "the child was not on a child protection plan or looked after then")
            )
            continue
        resolved.append((row, children[0], plan))
    if report.errors:
        report.errors.sort(key=lambda e: (e.row, e.column))
        record_audit(actor, "cpis.import_rejected", object_type="intake.contact", detail={"file": file,
                     "errors": len(report.errors)})
        return report
    health = Agency.objects.filter(type=AgencyType.HEALTH, active=True).order_by("pk").first()
    with transaction.atomic():
        seen = set(
            UnscheduledCareNotification.objects.filter(key__in=[r.key for r, _, _ in resolved]).values_list("key", flat=True)
        )
        for row, child, plan in resolved:
            if row.key in seen:
                report.already_imported += 1
                continue
            seen.add(row.key)
            setting = SETTINGS[row.setting]
            when = timezone.localtime(row.attended_at)
            contact = record_contact(
                actor=actor,
                child=child,
                received_at=now,
                reporter_name=row.site,
                reporter_agency=health,
                reporter_relationship=f"CP-IS notification: {setting}",
                consent=Contact.Consent.NOT_SOUGHT,
                without_consent_reason="Shared through CP-IS to protect a child on a plan or looked after.",
                summary=(
                    f"Attended {setting.lower()} at {row.site} on {when:%d %B %Y at %H:%M} while on a "
                    f"{plan.get_type_display().lower()}." + (f" Reason given: {row.reason}" if row.reason else "")
                ),
                now=now,
            )
            lead = plan.lead_practitioner
            if lead is not None:
                Task.objects.filter(
                    detail_type=contact._meta.label_lower, detail_id=str(contact.pk), done_at__isnull=True
                ).update(assigned_to=lead, team=lead.teams.order_by("pk").first(), agency=lead.agency or actor.agency)
            UnscheduledCareNotification.objects.create(
                key=row.key,
                nhs_number=row.nhs_number,
                attended_at=row.attended_at,
                setting=row.setting,
                site=row.site,
                child=child,
                contact=contact,
                file=file[:200],
                row=row.row,
                imported_by=actor,
                imported_at=now,
            )
            report.created.append(contact)
        record_audit(
            actor,
            "cpis.imported",
            object_type="intake.contact",
            detail={"file": file, "contacts": [c.pk for c in report.created], "already": report.already_imported},
        )
    return report


# ---------------------------------------------------------------------------------------------------------------------
# The `safehub cpis` commands (src/safehub/cli.py): exit codes 0 ok, 1 rejected file, 2 bad arguments


def _user(username: str, console) -> User | None:
    user = User.objects.filter(username=username, is_active=True).first() if username else None
    if user is None:
        console.print(f"No active user {username!r}: give --user, whose access and audit trail apply.", markup=False)
    return user


def run_export(out, *, username: str, as_of: str | None, console) -> int:
    user = _user(username, console)
    if user is None:
        return 2
    try:
        day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    except ValueError:
        console.print(f"--as-of {as_of!r} is not a date like 2026-03-27", markup=False)
        return 2
    export = export_plans(user, as_of=day, purpose="CP-IS export (command line)")
    text = export.csv()
    if str(out) == "-":
        console.file.write(text)
    else:
        out.write_text(text, encoding="utf-8")
    console.print(
        f"{len(export.rows)} plan(s) exported as of {day:%Y-%m-%d}; {export.without_nhs_number} left out without an NHS number.",
        markup=False,
    )
    return 0


def run_import(path, *, username: str, console) -> int:
    user = _user(username, console)
    if user is None:
        return 2
    report = import_notifications(path.read_bytes(), file=path.name, actor=user)
    for error in report.errors:
        console.print(str(error), markup=False, highlight=False)
    console.print(report.summary(), markup=False, highlight=False)
    return 0 if report.ok else 1
