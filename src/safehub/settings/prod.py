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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
