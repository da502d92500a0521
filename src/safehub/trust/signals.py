"""Stamp each new session with the user's sign-out-everywhere version and the time, and audit sign-in outcomes."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from safehub.core.audit import record_audit

from .sessions import LAST_SEEN_KEY, VERSION_KEY, current_version


@receiver(user_logged_in, dispatch_uid="trust_stamp_session")
def stamp_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[VERSION_KEY] = current_version(user)
    request.session[LAST_SEEN_KEY] = int(time.time())


@receiver(user_logged_in, dispatch_uid="trust_refuse_expired_inspector")
def refuse_expired_inspector(sender, request, user, **kwargs):
    # After expiry an inspector's password still matches, but the session it opens ends at once.
    if request is not None and hasattr(request, "session"):
        from .inspection import refuse_expired_sign_in

        refuse_expired_sign_in(request, user)


@receiver(user_login_failed, dispatch_uid="trust_audit_failed_sign_in")
def audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    # The username tried is kept (it is how a locked-out account is found); the password never is.
    record_audit(None, "auth.sign_in_failed", object_type="core.user", object_id=str(credentials.get("username", ""))[:64],
                 outcome="denied")
