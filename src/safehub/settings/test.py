"""Test settings: fast hashing, SQLite unless SAFEHUB_DATABASE_URL points at PostgreSQL (CI runs both)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, env

SECRET_KEY = env("SAFEHUB_SECRET_KEY", "test-only-not-a-secret")  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
VAR_DIR = Path(os.environ.get("SAFEHUB_VAR_DIR", Path.cwd() / "var")).resolve()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = str(Path(tempfile.gettempdir()) / "safehub-test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": None}

# django-axes needs the request in authenticate(), which the test client's login() does not pass; the lockout tests
# switch it on with the `settings` fixture. Two-factor sign-in stays off unless SAFEHUB_REQUIRE_MFA=1 (its tests switch it on).
AXES_ENABLED = False

# WhiteNoise looks each static file up when it is asked for, instead of listing the static build when the first request
# arrives: a browser test in another process may be building the assets at that moment (on a machine that has never built
# them), and a listed file that moves before WhiteNoise reads its size would fail an unrelated test.
WHITENOISE_AUTOREFRESH = True
