"""`manage.py check --deploy` with the production settings gives no warnings beyond those accepted in docs/security.md."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def accepted_warnings() -> set[str]:
    text = (ROOT / "docs" / "security.md").read_text()
    section = text.split("## Accepted deployment-check warnings", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([a-z_]+\.[WE]\d{3})`", section))


def test_check_deploy_with_production_settings(tmp_path):
    (tmp_path / "var" / "static-build").mkdir(parents=True)  # built by `safehub assets` in a real deployment
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set by the browser tests' conftest
        "DJANGO_SETTINGS_MODULE": "safehub.settings.prod",
        "SAFEHUB_SECRET_KEY": secrets.token_urlsafe(64),
        "SAFEHUB_DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "SAFEHUB_ALLOWED_HOSTS": "safehub.example.org",
        "SAFEHUB_REQUIRE_MFA": "0",  # production ignores this: two-factor sign-in is always on
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "ERROR"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = set(re.findall(r"\(([a-z_]+\.[WE]\d{3})\)", result.stdout + result.stderr))
    assert found <= accepted_warnings(), result.stdout + result.stderr
    shown = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(settings.SAFEHUB_REQUIRE_MFA, settings.SECURE_HSTS_SECONDS, settings.AXES_ENABLED)"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert shown.stdout.split() == ["True", "31536000", "True"], shown.stderr
