"""Two-factor sign-in in Chromium: a new user enrols an authenticator app and signs in again with a code; five wrong
passwords lock an account. axe-core clean on each page."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safehub.core.roles import Role
from tests.factories import UserFactory

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(page, username: str, password: str = "correct-horse-battery") -> None:  # noqa: S107 - the factories' test password
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_enrol_then_sign_in_with_a_code(page, settings, agencies):
    settings.SAFEHUB_REQUIRE_MFA = True
    user = UserFactory(username="new.starter", agency=agencies["social_care"], roles=[Role.MASH_PRACTITIONER])
    sign_in(page, user.username)
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator(".safehub-qr svg")).to_be_visible()
    assert run_axe(page) == []
    screenshot(page, "mfa-setup")
    page.get_by_text("I cannot scan the code").click()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=user)
    import base64

    assert base64.b32decode(secret) == device.bin_key  # the text secret is the device's key
    page.get_by_role("textbox", name="Code").fill(code(device))
    page.get_by_role("button", name="Confirm code").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is set up")).to_be_visible()
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    assert run_axe(page) == []
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, user.username)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert run_axe(page) == []
    device.refresh_from_db()
    # the code just used cannot be replayed; the next step's code is accepted
    page.get_by_role("textbox", name="Code").fill(code(device, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_five_wrong_passwords_lock_the_account(page, settings, personas):
    settings.AXES_ENABLED = True
    for _ in range(5):
        sign_in(page, personas["analyst"].username, "not-the-password")
    sign_in(page, personas["analyst"].username)
    expect(page.get_by_role("heading", name="Your account is locked")).to_be_visible()
    assert run_axe(page) == []
