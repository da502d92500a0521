"""Changes the trust controls make. Each function runs in a transaction and writes the audit trail."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safehub.core.audit import record_audit
from safehub.people.models import Address, Child, Event, Identifier, Name, Person, SourceRecord

from .models import BreakGlassGrant, InspectorAccess, SessionVersion, SubjectAccessRequest
from .sessions import delete_stored_sessions

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


# ---------------------------------------------------------------------------------------------------------------------
# Two-factor sign-in


def pending_totp_device(user) -> TOTPDevice:
    """The user's unconfirmed authenticator-app device, made on first visit to the set-up page (no audit: nothing is
    trusted until a code from it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_totp_device(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm an authenticator app with a code from it, and issue fresh backup codes (returned once, stored only as the
    one-time tokens django-otp checks). Returns None when the code is wrong. Audits `mfa.enrolled`."""
    if device.user_id != user.pk or not device.verify_token(code.strip()):
        record_audit(user, "mfa.enrolment_failed", object_type="core.user", object_id=user.pk, outcome="denied")
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = issue_backup_codes(user, audit=False)
    record_audit(user, "mfa.enrolled", object_type="core.user", object_id=user.pk, detail={"backup_codes": len(codes)})
    return codes


@transaction.atomic
def issue_backup_codes(user, *, audit: bool = True) -> list[str]:
    """Replace the user's backup codes with ten new single-use ones. Audits `mfa.backup_codes_issued`."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    if audit:
        record_audit(user, "mfa.backup_codes_issued", object_type="core.user", object_id=user.pk)
    return codes


def verify_second_factor(user, code: str):
    """The confirmed device (authenticator app or a backup code, which is then used up) that accepts the code, or None.
    Audits `mfa.verified` or `mfa.failed`."""
    from django_otp import match_token

    device = match_token(user, code.strip().replace(" ", ""))
    record_audit(user, "mfa.verified" if device else "mfa.failed", object_type="core.user", object_id=user.pk,
                 outcome="ok" if device else "denied",
                 detail={"method": "backup_code" if isinstance(device, StaticDevice) else "app"} if device else {})
    return device


# ---------------------------------------------------------------------------------------------------------------------
# Sessions


@transaction.atomic
def sign_out_everywhere(user, *, keep_session: str | None = None) -> int:
    """End every session of the user (but `keep_session`): bump their session version and delete stored sessions.
    Audits `auth.signed_out_everywhere`."""
    version, created = SessionVersion.objects.get_or_create(user=user, defaults={"version": 2})
    if not created:
        SessionVersion.objects.filter(pk=version.pk).update(version=F("version") + 1)
    ended = delete_stored_sessions(user, keep=keep_session)
    record_audit(user, "auth.signed_out_everywhere", object_type="core.user", object_id=user.pk, detail={"sessions": ended})
    return ended


# ---------------------------------------------------------------------------------------------------------------------
# Break-glass


@dataclass
class BreakGlassSummary:
    grant: BreakGlassGrant
    child: Child
    names: list[Name]
    identifiers: list[Identifier]
    addresses: list[Address]
    records: list[SourceRecord]
    events: list[Event]


def active_grant(user, child: Child, now: datetime) -> BreakGlassGrant | None:
    return BreakGlassGrant.objects.filter(user=user, child=child).active(now).first()


@transaction.atomic
def break_glass_view(user, child: Child, reason: str, *, now: datetime) -> BreakGlassSummary:
    """Open a child's record outside the user's scope, for a stated reason: grants (or reuses) a time-limited access record,
    which the data protection role sees on their dashboard and reviews, and returns the record summary.

    This is the one read path that deliberately does not go through `Child.objects.visible_to`; the caller has already
    checked `trust.break_glass`. Audits `child.break_glass` (outcome ok) with the reason.
    """
    reason = reason.strip()
    if len(reason) < 10:
        raise ValueError("Give the reason in at least 10 characters")
    grant = active_grant(user, child, now)
    if grant is None:
        grant = BreakGlassGrant.objects.create(
            user=user, child=child, reason=reason, granted_at=now,
            expires_at=now + timedelta(minutes=settings.SAFEHUB_BREAK_GLASS_MINUTES),
        )
    record_audit(user, "child.break_glass", child, purpose=reason[:200], outcome="ok",
                 detail={"grant": grant.pk, "expires_at": grant.expires_at})
    return BreakGlassSummary(
        grant=grant,
        child=child,
        names=list(Name.objects.filter(child=child)),
        identifiers=list(Identifier.objects.filter(child=child)),
        addresses=list(Address.objects.filter(child=child)),
        records=list(SourceRecord.objects.filter(link__child=child).select_related("agency")),
        events=list(Event.objects.filter(child=child).select_related("agency")[:50]),
    )


@transaction.atomic
def review_break_glass(grant: BreakGlassGrant, *, actor, note: str, now: datetime) -> BreakGlassGrant:
    """Record that the data protection role has looked at a break-glass use. Audits `break_glass.reviewed`."""
    grant.reviewed_by, grant.reviewed_at, grant.review_note = actor, now, note.strip()
    grant.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    record_audit(actor, "break_glass.reviewed", grant, detail={"note": grant.review_note})
    return grant


# ---------------------------------------------------------------------------------------------------------------------
# Subject access requests


def sar_due(received: date) -> date:
    """One calendar month after receipt (UK GDPR Art. 12(3)); 31 January gives 28 or 29 February."""
    return received + relativedelta(months=1)


@transaction.atomic
def create_subject_access_request(
    *, actor, requester: str, received: date, child: Child | None = None, person: Person | None = None
) -> SubjectAccessRequest:
    """Log a subject access request about one child or person, due a calendar month after receipt.
    Audits `sar.created` (no child event: the request is data protection business, not part of the chronology)."""
    if (child is None) == (person is None):
        raise ValueError("A subject access request is about exactly one child or one person.")
    sar = SubjectAccessRequest.objects.create(
        child=child, person=person, requester=requester.strip(), received=received, due=sar_due(received), created_by=actor
    )
    record_audit(actor, "sar.created", sar, detail={"subject": f"{'child' if child else 'person'}:{(child or person).pk}"})
    return sar


@transaction.atomic
def mark_sar_exported(sar: SubjectAccessRequest, *, now: datetime) -> SubjectAccessRequest:
    """Note the first export and move the request into progress. The export itself is audited by the view's fetch."""
    if sar.exported_at is None:
        sar.exported_at = now
        if sar.status == SubjectAccessRequest.Status.RECEIVED:
            sar.status = SubjectAccessRequest.Status.IN_PROGRESS
        sar.save(update_fields=["exported_at", "status"])
    return sar


# ---------------------------------------------------------------------------------------------------------------------
# Inspection mode

MAX_INSPECTION_DAYS = 90


@transaction.atomic
def create_inspector(
    *, actor, username: str, first_name: str, last_name: str, email: str, organisation: str, purpose: str,
    starts_at: datetime, expires_at: datetime, now: datetime,
) -> tuple[InspectorAccess, str]:
    """Create a read-only inspector login that works from `starts_at` until `expires_at` (at most 90 days), and return it
    with a password made for it (shown once, never stored in clear). Audits `inspection.account_created`."""
    from safehub.core.models import RoleAssignment, User
    from safehub.core.roles import Role

    errors = {}
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = "That username is already taken"
    if expires_at <= max(starts_at, now):
        errors["expires_at"] = "The access must end after it starts, and in the future"
    elif expires_at - starts_at > timedelta(days=MAX_INSPECTION_DAYS):
        errors["expires_at"] = f"Inspector access can last at most {MAX_INSPECTION_DAYS} days"
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError(errors)
    password = secrets.token_urlsafe(12)
    user = User(username=username, first_name=first_name.strip(), last_name=last_name.strip(), email=email.strip(),
                job_title=f"Inspector, {organisation.strip()}")
    user.set_password(password)
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR)
    access = InspectorAccess.objects.create(
        user=user, organisation=organisation.strip(), purpose=purpose.strip(), starts_at=starts_at, expires_at=expires_at,
        created_by=actor,
    )
    record_audit(actor, "inspection.account_created", access, detail={
        "user": user.username, "organisation": access.organisation, "starts_at": starts_at, "expires_at": expires_at,
    })
    return access, password


@transaction.atomic
def end_inspector_access(access: InspectorAccess, *, actor, now: datetime) -> InspectorAccess:
    """End an inspector's access now (if it has not ended already) and every session they have open.
    Audits `inspection.ended`."""
    if access.expires_at > now:
        access.starts_at = min(access.starts_at, now - timedelta(seconds=1))
        access.expires_at, access.ended_by = now, actor
        access.save(update_fields=["starts_at", "expires_at", "ended_by"])
    version, created = SessionVersion.objects.get_or_create(user=access.user, defaults={"version": 2})
    if not created:
        SessionVersion.objects.filter(pk=version.pk).update(version=F("version") + 1)
    ended = delete_stored_sessions(access.user)
    record_audit(actor, "inspection.ended", access, detail={"user": access.user.username, "sessions": ended})
    return access
