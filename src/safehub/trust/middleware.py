"""Idle sessions end; sessions from before "sign out everywhere" end; inspector accounts are read only, audited and end
when their access does (`safehub.trust.inspection`); and, when SAFEHUB_REQUIRE_MFA is on, a signed-in user
reaches nothing but the sign-in, sign-out and two-factor pages (and static files) until they have verified a code.

API calls with a bearer token are exempt from the two-factor requirement: the token is itself a separate credential, issued
to a verified user (docs/security.md). API calls riding on the browser session need a verified session like the pages.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .sessions import LAST_SEEN_KEY, VERSION_KEY, current_version

REFRESH_SECONDS = 60


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        from .inspection import InspectionModeMiddleware

        # Inspection mode (read only, audited, time-limited) runs inside this one, so it needs no settings entry of its own.
        self.get_response = InspectionModeMiddleware(get_response)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle_limit = settings.SAFEHUB_IDLE_TIMEOUT_SECONDS
            if last_seen is not None and now - int(last_seen) > idle_limit:
                return self._end(request, "idle")
            if last_seen is None or now - int(last_seen) >= REFRESH_SECONDS:
                if request.session.get(VERSION_KEY, 1) != current_version(user):
                    return self._end(request, "signed_out_everywhere")
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _end(request, why: str):
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Your session has ended; sign in again"}, status=401)
        return redirect(f"{reverse('login')}?{urlencode({'ended': why, 'next': request.get_full_path()})}")


def _exempt(path: str) -> bool:
    exempt = (
        reverse("login"),
        reverse("logout"),
        reverse("trust:mfa_setup"),
        reverse("trust:mfa_verify"),
        settings.STATIC_URL,
    )
    return path.startswith(exempt)


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "SAFEHUB_REQUIRE_MFA", False):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _exempt(request.path):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            if request.headers.get("Authorization", "").lower().startswith("bearer "):
                return self.get_response(request)
            if not user.is_verified():
                return JsonResponse({"detail": "Two-factor verification required for session API calls"}, status=403)
            return self.get_response(request)
        if user.is_verified():
            return self.get_response(request)
        from django_otp import user_has_device

        target = "trust:mfa_verify" if user_has_device(user) else "trust:mfa_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
