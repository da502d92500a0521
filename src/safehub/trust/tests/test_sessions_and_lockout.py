"""Account lockout after five wrong passwords, idle timeout, sign out everywhere, and the security headers."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

from safehub.core.models import AuditEvent
from safehub.trust.sessions import LAST_SEEN_KEY


def test_five_wrong_passwords_lock_the_account_for_that_address(settings, client, personas):
    settings.AXES_ENABLED = True
    user = personas["police_contributor"]
    for _ in range(4):
        response = client.post(reverse("login"), {"username": user.username, "password": "wrong-password-here"})
        assert response.status_code == 200
    fifth = client.post(reverse("login"), {"username": user.username, "password": "wrong-password-here"})
    assert fifth.status_code == 429
    locked = client.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery"})
    assert locked.status_code == 429
    assert "Your account is locked" in locked.content.decode()
    # lockout is by username and address together: the same user from elsewhere can still sign in
    elsewhere = Client(REMOTE_ADDR="10.9.8.7")
    ok = elsewhere.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery"})
    assert ok.status_code == 302
    assert AuditEvent.objects.filter(action="auth.sign_in_failed", object_id=user.username).count() >= 5


def test_a_correct_password_after_a_few_mistakes_resets_the_count(settings, client, personas):
    settings.AXES_ENABLED = True
    user = personas["health_contributor"]
    for _ in range(4):
        client.post(reverse("login"), {"username": user.username, "password": "nope-nope-nope"})
    assert client.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery"}).status_code == 302


def test_an_idle_session_ends(client, personas):
    client.force_login(personas["mash_practitioner"])
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get("/").status_code == 302  # signed out, not just redirected


def test_an_active_session_is_refreshed(client, personas):
    client.force_login(personas["mash_practitioner"])
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/").status_code == 200
    assert client.session[LAST_SEEN_KEY] >= int(time.time()) - 5


def test_sign_out_everywhere_ends_other_sessions(personas):
    user = personas["panel_chair"]
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    assert phone.get("/").status_code == 200
    response = laptop.post(reverse("trust:sign_out_everywhere"))
    assert response.status_code == 302
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.signed_out_everywhere", actor=user).exists()


def test_a_session_from_before_a_version_bump_ends_even_if_the_store_kept_it(client, personas):
    from safehub.trust.models import SessionVersion

    user = personas["analyst"]
    client.force_login(user)
    SessionVersion.objects.create(user=user, version=5)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 120  # due a refresh, which re-reads the version
    session.save()
    assert client.get("/").status_code == 302


def test_pages_carry_a_strict_content_security_policy_and_no_inline_script(client, personas):
    client.force_login(personas["mash_practitioner"])
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "img-src 'self' data:" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<script>" not in html and '<script type="module">' not in html
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_json_logs_leave_personal_data_out():
    import json
    import logging

    from safehub.trust.logformat import JsonFormatter

    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: /people/children/?name=Brennan&nhs=943 476 5919 by a@b.org", None, None)
    line = json.loads(JsonFormatter().format(record))
    assert "Brennan" not in line["message"] and "5919" not in line["message"] and "a@b.org" not in line["message"]
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
