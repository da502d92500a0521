"""Two-factor sign-in: enrolment, verification with an app code or a backup code, and the middleware that requires it."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safehub.core.models import ApiToken, AuditEvent


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def mfa_on(settings):
    settings.SAFEHUB_REQUIRE_MFA = True
    # django-otp refuses any code for a growing delay after a wrong one; these tests try a right code straight after
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_a_wrong_code_throttles_the_next_attempt(db, personas):
    from safehub.trust import services

    user = personas["board_member"]
    device = services.pending_totp_device(user)
    assert services.confirm_totp_device(user, device, "999999" if code_for(device) != "999999" else "888888") is None
    device.refresh_from_db()
    assert services.confirm_totp_device(user, device, code_for(device)) is None  # too soon after a wrong code


def test_with_mfa_off_nothing_changes(client, personas):
    client.force_login(personas["mash_practitioner"])
    assert client.get("/").status_code == 200


def test_a_new_user_must_enrol_before_any_page(mfa_on, client, personas):
    user = personas["mash_practitioner"]
    client.force_login(user)
    response = client.get("/people/children/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("trust:mfa_setup"))
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="totp-secret"' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("trust:mfa_setup"), {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert "The code is not right" in wrong.content.decode()
    done = client.post(reverse("trust:mfa_setup"), {"code": code_for(device), "next": "/people/children/"})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert client.get("/people/children/").status_code == 200  # this session is now verified
    assert AuditEvent.objects.filter(action="mfa.enrolled", actor=user).exists()


def test_a_returning_user_verifies_with_an_app_code_or_a_backup_code_once(mfa_on, client, personas):
    from safehub.trust import services

    user = personas["panel_chair"]
    device = services.pending_totp_device(user)
    codes = services.confirm_totp_device(user, device, code_for(device))
    assert codes is not None
    client.force_login(user)
    response = client.get("/")
    assert response.url.startswith(reverse("trust:mfa_verify"))
    bad = client.post(reverse("trust:mfa_verify"), {"code": "12345678"})
    assert bad.status_code == 200 and "The code is not right" in bad.content.decode()
    ok = client.post(reverse("trust:mfa_verify"), {"code": codes[0], "next": "/"})
    assert ok.status_code == 302 and ok.url == "/"
    assert client.get("/").status_code == 200
    client.logout()
    client.force_login(user)
    reused = client.post(reverse("trust:mfa_verify"), {"code": codes[0]})
    assert reused.status_code == 200  # a backup code works once
    assert AuditEvent.objects.filter(action="mfa.failed", actor=user).count() == 2


def test_setup_cannot_add_a_second_device_to_skip_verification(mfa_on, client, personas):
    from safehub.trust import services

    user = personas["analyst"]
    device = services.pending_totp_device(user)
    services.confirm_totp_device(user, device, code_for(device))
    client.force_login(user)
    response = client.get(reverse("trust:mfa_setup"))
    assert response.status_code == 302 and response.url.startswith(reverse("trust:mfa_verify"))


def test_api_session_calls_need_verification_but_tokens_are_exempt(mfa_on, client, personas):
    user = personas["mash_practitioner"]
    client.force_login(user)
    assert client.get("/api/v1/me").status_code == 403
    client.logout()
    _, token = ApiToken.issue(user, "integration")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_sign_in_page_and_static_are_reachable(mfa_on, client, personas):
    client.force_login(personas["admin"])
    assert client.get(reverse("login")).status_code == 302  # signed-in users are sent on, not blocked
    assert client.get(reverse("trust:mfa_setup")).status_code == 200
