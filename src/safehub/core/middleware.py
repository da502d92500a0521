"""Keeps the current request's client address where audit writes can find it, without passing requests into services."""

from __future__ import annotations

import contextvars

from django.conf import settings

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("safehub_client_ip", default=None)


def current_client_ip() -> str | None:
    return _client_ip.get()


def client_ip_of(request) -> str | None:
    # Behind a proxy, trust X-Forwarded-For only when the deployment says the proxy sets it.
    if getattr(settings, "SAFEHUB_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip_of(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
