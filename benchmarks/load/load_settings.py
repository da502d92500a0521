"""Settings for the load test's throwaway server: the base settings on the throwaway PostgreSQL, no HTTPS (loopback),
fast password hashing and no lockout (twenty users sign in from one address; signing in is not what is measured)."""

from safehub.settings.base import *  # noqa: F403

SECRET_KEY = "load-test-only-not-a-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
SAFEHUB_REQUIRE_MFA = False
