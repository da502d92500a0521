"""Navigation by role: each persona sees the parts of the service they may use."""

from django.conf import settings
from django.urls import reverse


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        items.append(("Dashboard", reverse("dashboard")))
        if user.has_perm("people.search_children"):
            items.append(("Find a child", reverse("people:search")))
        if user.has_perm("intake.view_front_door"):
            items.append(("Front door", reverse("intake:front_door")))
        if user.has_perm("intake.answer_checks"):
            items.append(("MASH checks", reverse("intake:check_queue")))
        if user.has_perm("intake.view_tasks"):
            items.append(("Tasks", reverse("intake:my_tasks")))
        if user.has_perm("missing.view_episodes"):
            items.append(("Missing children", reverse("missing:ongoing")))
        if user.has_perm("linkage.review"):
            items.append(("Records to review", reverse("linkage:queue")))
        if user.has_perm("imports.run_import"):
            items.append(("Imports", reverse("imports:runs")))
        if user.has_perm("risk.view_assessments"):
            items.append(("Risk assessments", reverse("risk:start")))
        elif user.has_perm("risk.manage_tools"):
            items.append(("Risk tools", reverse("risk:tools")))
        if user.has_perm("meetings.view_meetings"):
            items.append(("Boards and panels", reverse("meetings:bodies")))
        if user.has_perm("assurance.view_assurance"):
            items.append(("Assurance", reverse("assurance:home")))
        if user.has_perm("network.view_network"):
            items.append(("Network", reverse("network:home")))
        elif user.has_perm("network.view_aggregates"):
            items.append(("Network counts", reverse("network:hotspot_counts")))
        if user.has_perm("performance.view_aggregates"):
            items.append(("Scorecard", reverse("reports:scorecard")))
        if user.has_perm("performance.view_standards"):
            items.append(("Standards", reverse("performance:standards")))
        if user.has_perm("trust.manage_subject_access"):
            items.append(("Data protection", reverse("trust:sars")))
        if user.has_perm("core.view_audit"):
            items.append(("Audit trail", reverse("core:audit")))
    path = request.path if request is not None else ""
    return {
        "service_name": settings.SAFEHUB_SERVICE_NAME,
        "service_phase": settings.SAFEHUB_PHASE,
        "nav_items": [
            {"text": text, "href": href, "current": path == href or (href != "/" and path.startswith(href))}
            for text, href in items
        ],
    }
