"""The administrators' audit trail page."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from .access import requires
from .audit import verify_chain
from .models import AuditEvent, User


@login_required
@requires("core.view_audit")
def audit_log(request):
    events = AuditEvent.objects.select_related("actor").order_by("-seq")
    filters = {
        key: request.GET.get(key, "").strip() for key in ("user", "object_type", "object_id", "date_from", "date_to")
    }
    if filters["user"]:
        events = events.filter(actor_label__iexact=filters["user"])
    if filters["object_type"]:
        events = events.filter(object_type=filters["object_type"])
    if filters["object_id"]:
        events = events.filter(object_id=filters["object_id"])
    errors = {}
    for key, op in (("date_from", "gte"), ("date_to", "lte")):
        if filters[key]:
            try:
                day = datetime.strptime(filters[key], "%Y-%m-%d").date()  # noqa: DTZ007 - a date, made aware below
            except ValueError:
                errors[key] = "Enter a date as YYYY-MM-DD, for example 2026-11-23"
                continue
            moment = datetime.combine(day, time.max if op == "lte" else time.min)
            events = events.filter(**{f"at__{op}": timezone.make_aware(moment)})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "filters": filters,
            "errors": errors,
            "object_types": AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct(),
            "usernames": User.objects.order_by("username").values_list("username", flat=True),
            "chain": verify_chain() if request.GET.get("verify") else None,
        },
    )
