"""The demo's inspector login: read only, audited, and in force for 30 days from the run that printed it."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from safehub.core.models import User
from safehub.core.roles import Role

from .models import InspectorAccess
from .services import create_inspector

DEMO_INSPECTOR = "inspector"
DEMO_DAYS = 30


@transaction.atomic
def ensure_demo_inspector(now: dt.datetime | None = None) -> tuple[str, str, str]:
    """Create (or renew for another 30 days, with a new password) the demo inspector. Returns (username, role, password)
    for the demo's table of logins."""
    now = now or timezone.now()
    expires_at = now + dt.timedelta(days=DEMO_DAYS)
    access = InspectorAccess.objects.filter(user__username=DEMO_INSPECTOR).select_related("user").first()
    if access is None:
        admin = User.objects.filter(username="admin").first()
        access, password = create_inspector(
            actor=admin, username=DEMO_INSPECTOR, first_name="Isla", last_name="Marsh", email="inspector@example.org",
            organisation="Ofsted (demo)", purpose="Joint targeted area inspection (demo)", starts_at=now,
            expires_at=expires_at, now=now,
        )
    else:
        password = secrets.token_urlsafe(12)
        access.user.set_password(password)
        access.user.save(update_fields=["password"])
        InspectorAccess.objects.filter(pk=access.pk).update(starts_at=now, expires_at=expires_at, ended_by=None)
    label = f"{Role.INSPECTOR.label}, until {timezone.localtime(expires_at):%-d %b %Y}"
    return DEMO_INSPECTOR, label, password
