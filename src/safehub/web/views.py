"""The signed-in home page: one dashboard, with panels chosen by the user's roles."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from safehub.core.access import requires
from safehub.core.models import AuditEvent, User
from safehub.core.roles import Role
from safehub.people.models import Child, SourceRecord

SMALL_NUMBER = 5  # counts below this are suppressed in aggregate views so no child can be singled out


def suppress(value: int) -> str:
    return f"fewer than {SMALL_NUMBER}" if 0 < value < SMALL_NUMBER else f"{value:,}"


def _age_bands(today: date) -> list[tuple[str, int]]:
    bands = [("Under 5", 0, 4), ("5 to 9", 5, 9), ("10 to 15", 10, 15), ("16 and 17", 16, 17)]
    out = []
    for label, low, high in bands:
        born_after = date(today.year - high - 1, today.month, min(today.day, 28))
        born_before = date(today.year - low, today.month, min(today.day, 28))
        count = Child.objects.filter(date_of_birth__gt=born_after, date_of_birth__lte=born_before).count()
        out.append((label, count))
    return out


@login_required
@requires(None)
def dashboard(request):
    user = request.user
    roles = user.role_codes
    panels: dict = {"roles": user.role_labels()}
    if roles & {Role.MASH_PRACTITIONER, Role.PANEL_CHAIR, Role.MISSING_COORDINATOR, Role.AGENCY_CONTRIBUTOR}:
        panels["children_visible"] = Child.objects.visible_to(user).count()
        panels["records_visible"] = SourceRecord.objects.visible_to(user).count()
        panels["recent_views"] = list(
            AuditEvent.objects.filter(actor=user, action="child.view", outcome="ok").order_by("-seq")[:5]
        )
    if Role.MASH_PRACTITIONER in roles:
        panels["unlinked_records"] = SourceRecord.objects.visible_to(user).filter(link__isnull=True).count()
    if Role.MISSING_COORDINATOR in roles:
        from django.utils import timezone

        from safehub.missing.selectors import dashboard_counts

        panels["missing"] = dashboard_counts(user, now=timezone.now())
    if user.has_perm("intake.view_front_door") or user.has_perm("intake.answer_checks"):
        from django.utils import timezone as intake_clock

        from safehub.intake.selectors import dashboard_counts as front_door_counts

        panels["front_door"] = front_door_counts(user, now=intake_clock.now())
    if roles & {Role.MASH_PRACTITIONER, Role.PANEL_CHAIR}:
        from datetime import timedelta

        from django.utils import timezone

        from safehub.risk.selectors import children_flagged_for_panel

        panels["risk_flags"] = children_flagged_for_panel(user, timezone.now() - timedelta(days=28))
    if user.has_perm("meetings.view_own_actions"):
        from safehub.meetings.selectors import my_actions, overdue_for_chair

        panels["meeting_actions"] = list(my_actions(user)[:5])
        panels["meeting_overdue"] = overdue_for_chair(user, date.today()).count()  # noqa: DTZ011 - local date
    if roles & {Role.ANALYST, Role.BOARD_MEMBER}:
        panels["aggregates"] = {
            "children": suppress(Child.objects.count()),
            "by_age": [(label, suppress(n)) for label, n in _age_bands(date.today())],  # noqa: DTZ011 - local date
            "by_agency": [
                (row["agency__name"], suppress(row["n"]))
                for row in SourceRecord.objects.values("agency__name").annotate(n=Count("id")).order_by("agency__name")
            ],
        }
    if roles & {Role.ANALYST, Role.BOARD_MEMBER}:
        from safehub.performance.selectors import dashboard_summary

        panels["performance"] = dashboard_summary()
    if Role.ADMINISTRATOR in roles:
        panels["admin"] = {
            "users": User.objects.filter(is_active=True).count(),
            "audit_events": AuditEvent.objects.count(),
            "denied_today": AuditEvent.objects.filter(outcome="denied", at__date=date.today()).count(),  # noqa: DTZ011
        }
    if user.has_perm("trust.review_break_glass"):
        from safehub.trust.selectors import data_protection_counts

        panels.update(data_protection_counts(user))
    return render(request, "web/dashboard.html", {"panels": panels})
