"""A child's share decision log, recording a decision, and the partnership's report of decisions."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from safehub.core.access import get_visible_or_404, requires
from safehub.core.audit import record_audit
from safehub.people.models import Child

from .forms import ShareDecisionForm
from .models import ShareDecision
from .services import record_share_decision


@login_required
@requires("sharing.view_log")
def child_log(request, pk: int):
    child = get_visible_or_404(Child.objects.visible_to(request.user), request.user, pk=pk, action="share_log.view")
    form = ShareDecisionForm(request.POST or None)
    if request.method == "POST" and request.user.has_perm("sharing.record_decision") and form.is_valid():
        record_share_decision(child=child, actor=request.user, **form.cleaned_data)
        messages.success(request, "Share decision recorded. It is on the child's chronology.")
        return redirect("sharing:child", child.pk)
    decisions = ShareDecision.objects.visible_to(request.user).filter(child=child).select_related(
        "decided_by", "decided_by_agency")
    return render(request, "sharing/child_log.html", {"child": child, "decisions": decisions, "form": form})


@login_required
@requires("sharing.view_log")
def decision_detail(request, pk: int):
    decision = get_visible_or_404(
        ShareDecision.objects.visible_to(request.user).select_related("child", "decided_by", "decided_by_agency"),
        request.user, pk=pk, action="share_decision.view")
    return render(request, "sharing/decision.html", {"decision": decision})


def _period(request) -> tuple[dt.date, dt.date]:
    today = dt.date.today()  # noqa: DTZ011 - a local reporting date
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today - dt.timedelta(days=90)
    try:
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    return start, end


@login_required
@requires("sharing.report")
def report(request):
    start, end = _period(request)
    decisions = (ShareDecision.objects.visible_to(request.user)
                 .filter(decided_at__date__gte=start, decided_at__date__lte=end)
                 .select_related("child", "decided_by", "decided_by_agency").order_by("decided_at"))
    record_audit(request.user, "share_report.view", object_type="sharing.sharedecision",
                 detail={"from": start, "to": end, "format": request.GET.get("format", "html")})
    if request.GET.get("format") == "xlsx":
        return _xlsx(decisions, start, end)
    by_agency: dict[str, dict[str, int]] = {}
    for d in decisions:
        row = by_agency.setdefault(d.decided_by_agency.name, {"share": 0, "not_share": 0})
        row[d.decision] += 1
    return render(request, "sharing/report.html", {"decisions": decisions, "start": start, "end": end,
                                                   "by_agency": sorted(by_agency.items())})


def _xlsx(decisions, start, end) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Share decisions"
    sheet.append(["Decided at", "Child id", "Decision", "Shared with", "Information", "Basis", "Lawful basis", "Reason",
                  "Decided by", "Agency"])
    for d in decisions:
        # Text is written as data; a value starting with "=" is prefixed so spreadsheet software never runs it.
        def safe(value: str) -> str:
            return "'" + value if value[:1] in ("=", "+", "-", "@") else value

        sheet.append([d.decided_at.replace(tzinfo=None), d.child_id, d.get_decision_display(), safe(d.shared_with),
                      safe(d.information), d.get_basis_display(), d.get_lawful_basis_display(), safe(d.reason),
                      d.decided_by.get_username(), d.decided_by_agency.name])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="share-decisions-{start}-{end}.xlsx"'
    return response
