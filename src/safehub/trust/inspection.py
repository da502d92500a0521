"""Inspection mode: time-limited, read-only, audited inspector accounts.

An inspector holds the `inspector` role and an `InspectorAccess` with an expiry. On every request `InspectionModeMiddleware`
(run by `SessionSecurityMiddleware`, so it covers every URL):

- ends the session (or refuses the API token) once the access has expired, or before it starts;
- refuses any POST, PUT, PATCH or DELETE with 403 (only signing in and out and the two-factor pages are exempt), so no view
  needs its own check and a new view cannot forget one;
- lets the user read as `INSPECTOR_READS_AS` (a MASH practitioner) for this request only, with every permission that is
  not a read (`*.view_*`, `*.search_*`) answered "no", so pages offer no change actions;
- audits the request (`inspection.request`: method, path, status), whatever the view itself audits.

The expanded reading is applied to the request's user object only: nothing is stored, so an inspector whose requests do not
pass through here (e.g. a script holding a token after expiry) reads nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.models import ApiToken
from safehub.core.roles import INSPECTOR_READS_AS, Role

from .models import InspectorAccess

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_PERMISSION_PREFIXES = ("view_", "search_")
ENDED_MESSAGE = "Your inspection access has ended. Ask the partnership's administrator if you need more time."


def is_read_permission(permission: str) -> bool:
    """Whether a permission only reads: `app.view_*` or `app.search_*`. Everything else changes something."""
    return permission.partition(".")[2].startswith(READ_PERMISSION_PREFIXES)


def is_inspector(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and Role.INSPECTOR in user.role_codes


def current_access(user, now) -> InspectorAccess | None:
    """The user's inspector access if it is in force at `now`; None before it starts, after it ends, or if there is none."""
    access = InspectorAccess.objects.filter(user_id=user.pk).first()
    return access if access is not None and access.is_current(now) else None


def read_only(user) -> None:
    """For this request: read as `INSPECTOR_READS_AS`, and hold no permission that is not a read."""
    user.role_codes = frozenset(user.role_codes | {INSPECTOR_READS_AS})
    original = user.has_perm

    def has_perm(permission, obj=None):
        return is_read_permission(permission) and original(permission, obj)

    user.has_perm = has_perm


def _exempt(path: str) -> bool:
    """Signing in and out and the two-factor steps may POST: they change the inspector's own session, not records."""
    return path in {
        reverse("login"), reverse("logout"), reverse("trust:mfa_setup"), reverse("trust:mfa_verify"),
        reverse("trust:sign_out_everywhere"),
    }


def _token_user(request):
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    found = ApiToken.objects.select_related("user").filter(
        digest=ApiToken.digest_of(header[7:].strip()), revoked_at__isnull=True
    ).first()
    return found.user if found is not None else None


class InspectionModeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        api = request.path.startswith("/api/")
        via_token = False
        if not getattr(user, "is_authenticated", False) and api:
            user, via_token = _token_user(request), True
        if user is None or not is_inspector(user):
            return self.get_response(request)
        now = timezone.now()
        detail = {"method": request.method, "path": request.path[:300], "query": request.META.get("QUERY_STRING", "")[:300]}
        access = current_access(user, now)
        if access is None:
            record_audit(user, "inspection.refused_expired", object_type="core.user", object_id=user.pk, outcome="denied",
                         detail=detail)
            if api:
                return JsonResponse({"detail": "Your inspection access has ended"}, status=401)
            logout(request)
            messages.error(request, ENDED_MESSAGE, fail_silently=True)  # shown when messages are set up by then
            return redirect(f"{reverse('login')}?ended=inspection")
        if request.method not in SAFE_METHODS and not _exempt(request.path):
            record_audit(user, "inspection.write_refused", object_type="core.user", object_id=user.pk, outcome="denied",
                         purpose=access.purpose, detail=detail)
            if api:
                return JsonResponse({"detail": "Inspector accounts are read only"}, status=403)
            raise PermissionDenied("Inspector accounts are read only.")
        if not via_token:
            read_only(user)
        response = self.get_response(request)
        record_audit(user, "inspection.request", object_type="core.user", object_id=user.pk, purpose=access.purpose,
                     detail={**detail, "status": response.status_code})
        return response


def refuse_expired_sign_in(request, user) -> bool:
    """Called as an inspector signs in: end the new session at once if their access is not in force. True if refused."""
    if not is_inspector(user) or current_access(user, timezone.now()) is not None:
        return False
    record_audit(user, "inspection.sign_in_refused", object_type="core.user", object_id=user.pk, outcome="denied")
    logout(request)
    messages.error(request, ENDED_MESSAGE, fail_silently=True)
    return True

