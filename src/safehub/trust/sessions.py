"""Idle timeout and "sign out everywhere" without a database query on every request.

Each session carries the time it was last seen and the user's session version at sign-in. The middleware refreshes the
time at most once a minute (a session write), and only then re-reads the version: "sign out everywhere" also deletes the
user's stored sessions at once, so the version check is the backstop for session stores it cannot enumerate.
"""

from __future__ import annotations

from django.contrib.sessions.models import Session

from .models import SessionVersion

VERSION_KEY = "trust_session_version"
LAST_SEEN_KEY = "trust_last_seen"


def current_version(user) -> int:
    found = SessionVersion.objects.filter(user_id=user.pk).values_list("version", flat=True).first()
    return found or 1


def delete_stored_sessions(user, *, keep: str | None = None) -> int:
    """Delete the user's sessions from the database session store (all but `keep`). Returns how many went."""
    doomed = []
    for session in Session.objects.all().iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            doomed.append(session.session_key)
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)
