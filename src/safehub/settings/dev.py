"""Local development and the demo: embedded SQLite under ./var, a per-install secret kept in ./var."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env("SAFEHUB_DEBUG", "0") == "1"


def _local_secret() -> str:
    # The demo must run with no configuration, but a secret must never be committed: make one per install.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env("SAFEHUB_SECRET_KEY") or _local_secret()
# SAFEHUB_REQUIRE_MFA (base.py) is read from the environment: off for the demo unless SAFEHUB_REQUIRE_MFA=1.
