"""Production: PostgreSQL from SAFEHUB_DATABASE_URL, secret from the environment, HTTPS only."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, env, require_secret_key

SECRET_KEY = require_secret_key(SECRET_KEY)
DEBUG = False
SECURE_SSL_REDIRECT = env("SAFEHUB_SSL_REDIRECT", "1") == "1"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Two-factor sign-in cannot be switched off in production, whatever the environment says.
SAFEHUB_REQUIRE_MFA = True
AXES_ENABLED = True
# One JSON object per line, personal data scrubbed (safehub.trust.logformat); the audit trail records who saw what.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "safehub.trust.logformat.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env("SAFEHUB_LOG_LEVEL", "INFO")},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
