"""Front-door pages: the MASH list, recording a contact, the contact page (checks, decision, strategy discussion), the
agency check queue and answer form, tasks with their calendar feed, and the overdue view.

Every personal-data read goes through `visible_to` (`get_visible_or_404` for one object) and is audited; every change goes
through `safehub.intake.services`.
"""

from __future__ import annotations

import datetime as dt
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from safehub.core.access import get_visible_or_404, requires
from safehub.core.audit import record_audit
from safehub.core.models import Agency
from safehub.people.models import Child
from safehub.people.selectors import search_children

from . import selectors, services
from .deadlines import Rag
from .forms import AnswerForm, ChecksForm, ContactForm, DecisionForm, StrategyDiscussionForm
from .ics import task_calendar
from .models import AgencyCheckRequest, Contact, MashDecision, Task, Urgency
from .services import IntakeError


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# ---------------------------------------------------------------------------------------------------------------------
# The MASH front door


@login_required
@requires("intake.view_front_door")
def front_door(request):
    now = timezone.now()
    filters = selectors.FrontDoorFilters(
        status=request.GET.get("status", "") if request.GET.get("status") in ("awaiting", "decided") else "",
        rag=request.GET.get("rag", "") if request.GET.get("rag") in {r.value for r in Rag} else "",
        urgency=request.GET.get("urgency", "") if request.GET.get("urgency") in Urgency.values else "",
        reporter_agency=_int_or_none(request.GET.get("agency")),
    )
    page = Paginator(selectors.front_door(request.user, now=now, filters=filters), 50).get_page(request.GET.get("page"))
    rows = [(contact, contact.rag(now)) for contact in page]
    record_audit(
        request.user,
        "contact.list",
        object_type="intake.contact",
        purpose="MASH front door",
        detail={"filters": filters.__dict__, "shown": [c.pk for c, _ in rows]},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "intake/front_door.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "agencies": Agency.objects.filter(active=True),
            "rags": list(Rag),
            "query": query.urlencode(),
            "now": now,
        },
    )


def _parse_dob(request) -> tuple[date | None, str]:
    parts = [request.GET.get(f"dob-{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None, ""
    try:
        day, month, year = (int(p) for p in parts)
        if year < 1900:
            raise ValueError
        return date(year, month, day), ""
    except ValueError:
        return None, "Date of birth must be a real date, for example 27 3 2014"


@login_required
@requires("intake.record_contact")
def record_contact(request):
    """Step 1 finds the child (search, then select); step 2 records the contact about them."""
    chosen = request.POST.get("child") or request.GET.get("child")
    if not chosen:
        return _choose_child(request)
    child = None
    if chosen != "new":
        child = get_visible_or_404(
            Child.objects.visible_to(request.user),
            request.user,
            pk=chosen,
            action="child.view",
            purpose="Record a contact",
        )
    if request.method == "POST":
        form = ContactForm(request.POST, child=child)
        if form.is_valid():
            data = form.cleaned_data
            try:
                contact = services.record_contact(
                    actor=request.user,
                    child=child,
                    subject_description=data["subject_description"] if child is None else "",
                    reporter_name=data["reporter_name"],
                    reporter_agency=data["reporter_agency"],
                    reporter_relationship=data["reporter_relationship"],
                    received_at=data["received_at"],
                    concerns=data["concerns"],
                    consent=data["consent"],
                    without_consent_reason=data["without_consent_reason"],
                    urgency=data["urgency"],
                    summary=data["summary"],
                    caveat=data["caveat"],
                )
            except IntakeError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Contact {contact.reference} recorded")
                return redirect("intake:contact", pk=contact.pk)
    else:
        form = ContactForm(
            child=child,
            initial={
                **ContactForm.initial_parts("received", timezone.now()),
                "urgency": Urgency.NORMAL,
                "caveat": "partnership",
            },
        )
    return render(request, "intake/record_contact.html", {"form": form, "child": child, "chosen": chosen})


def _choose_child(request):
    name = request.GET.get("name", "").strip()[:100]
    dob, dob_error = _parse_dob(request)
    searched = bool(name or dob) and not dob_error
    results = search_children(request.user, name=name, date_of_birth=dob) if searched else []
    if searched:
        record_audit(
            request.user,
            "child.search",
            object_type="people.child",
            purpose="Record a contact",
            detail={"name": name, "date_of_birth": dob, "results": [hit.child_id for hit in results]},
        )
    return render(
        request,
        "intake/choose_child.html",
        {
            "name": name,
            "dob": {p: request.GET.get(f"dob-{p}", "") for p in ("day", "month", "year")},
            "dob_error": dob_error,
            "searched": searched,
            "results": results,
        },
    )


def _contact_queryset(user):
    return Contact.objects.visible_to(user).select_related(
        "child", "reporter_agency", "recorded_by", "decision", "decision__decided_by"
    )


@login_required
@requires("intake.view_front_door")
def contact_detail(request, pk: int):
    """The contact page. Its three forms post here, each naming itself in `form`."""
    contact = get_visible_or_404(
        _contact_queryset(request.user), request.user, pk=pk, action="contact.view", purpose="MASH front door"
    )
    now = timezone.now()
    view = selectors.contact_view(request.user, contact, now=now)
    decided = hasattr(contact, "decision")
    checks_form = ChecksForm(agencies=Agency.objects.filter(pk__in=[a.pk for a in view.agencies_not_asked]),
                             initial={"urgent": contact.urgency == Urgency.URGENT})
    decision_form = DecisionForm()
    strategy_form = StrategyDiscussionForm(actor=request.user, initial=StrategyDiscussionForm.initial_parts("held", now))
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "checks":
            checks_form = ChecksForm(request.POST, agencies=checks_form.fields["agencies"].queryset)
            if _send_checks(request, contact, checks_form):
                return redirect("intake:contact", pk=contact.pk)
        elif which == "decision" and not decided:
            decision_form = DecisionForm(request.POST)
            if _decide(request, contact, decision_form):
                return redirect("intake:contact", pk=contact.pk)
        elif which == "strategy":
            strategy_form = StrategyDiscussionForm(request.POST, actor=request.user)
            if _record_strategy_discussion(request, contact, strategy_form):
                return redirect("intake:contact", pk=contact.pk)
    return render(
        request,
        "intake/contact_detail.html",
        {
            "view": view,
            "contact": contact,
            "decision": contact.decision if decided else None,
            "checks_form": checks_form,
            "decision_form": decision_form,
            "strategy_form": strategy_form,
            "show_strategy_form": decided and contact.decision.outcome == MashDecision.Outcome.SECTION_47,
            "now": now,
        },
    )


def _send_checks(request, contact, form) -> bool:
    if not request.user.has_perm("intake.send_checks"):
        raise PermissionDenied
    if not form.is_valid():
        return False
    try:
        sent = services.send_agency_checks(
            contact,
            agencies=form.cleaned_data["agencies"],
            question=form.cleaned_data["question"],
            urgent=form.cleaned_data["urgent"],
            actor=request.user,
        )
    except IntakeError as error:
        form.add_service_errors(error)
        return False
    messages.success(request, f"Checks sent to {', '.join(r.agency.name for r in sent)}")
    return True


def _decide(request, contact, form) -> bool:
    if not request.user.has_perm("intake.decide"):
        raise PermissionDenied
    if not form.is_valid():
        return False
    try:
        decision = services.decide(
            contact,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            transfer_to=form.cleaned_data["transfer_to"],
            actor=request.user,
        )
    except IntakeError as error:
        form.add_service_errors(error)
        return False
    messages.success(request, f"Decision recorded: {decision.get_outcome_display()}")
    return True


def _record_strategy_discussion(request, contact, form) -> bool:
    if not request.user.has_perm("intake.record_strategy_discussion"):
        raise PermissionDenied
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        discussion = services.record_strategy_discussion(
            contact=contact,
            held_at=data["held_at"],
            attendance=form.attendance(),
            decision=data["decision"],
            notes=data["notes"],
            lead_practitioner=data["lead_practitioner"],
            actor=request.user,
        )
    except IntakeError as error:
        form.add_service_errors(error)
        return False
    icpc = discussion.icpc_due
    messages.success(request, f"Strategy discussion recorded. Initial child protection conference due by {icpc.day} {icpc:%B %Y}")
    return True


# ---------------------------------------------------------------------------------------------------------------------
# Agency checks, for the agencies asked


def _own_agency_checks(user):
    return AgencyCheckRequest.objects.visible_to(user).filter(agency_id=user.agency_id)


@login_required
@requires("intake.answer_checks")
def check_queue(request):
    now = timezone.now()
    waiting = list(selectors.check_queue(request.user, now=now))
    answered = list(selectors.check_queue(request.user, now=now, answered=True)[:20])
    record_audit(
        request.user,
        "agency_check.list",
        object_type="intake.agencycheckrequest",
        purpose="Agency check queue",
        detail={"shown": [r.pk for r in waiting + answered]},
    )
    return render(
        request,
        "intake/check_queue.html",
        {"waiting": [(r, r.status(now), r.status_label(now)) for r in waiting], "answered": answered, "now": now},
    )


@login_required
@requires("intake.answer_checks")
def answer_check(request, pk: int):
    check = get_visible_or_404(
        _own_agency_checks(request.user).select_related("agency", "sent_by", "response"),
        request.user,
        pk=pk,
        action="agency_check.view",
        purpose="Answer a MASH check",
    )
    response = getattr(check, "response", None)
    form = AnswerForm(initial={"caveat": "partnership"})
    if request.method == "POST" and response is None:
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.respond_to_check(
                    check,
                    actor=request.user,
                    known=form.cleaned_data["known"] == "yes",
                    text=form.cleaned_data["text"],
                    caveat=form.cleaned_data["caveat"],
                )
            except IntakeError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Answer sent to the MASH for check {check.reference}")
                return redirect("intake:check_queue")
    now = timezone.now()
    return render(
        request,
        "intake/answer_check.html",
        {"check": check, "response": response, "form": form, "status_label": check.status_label(now), "now": now},
    )


# ---------------------------------------------------------------------------------------------------------------------
# Tasks


def _task_href(task: Task) -> str:
    if task.detail_type == "intake.contact":
        return reverse("intake:contact", args=[task.detail_id])
    if task.detail_type == "intake.agencycheckrequest":
        return reverse("intake:answer_check", args=[task.detail_id])
    if task.child_id:
        return reverse("people:child", args=[task.child_id])
    return ""


@login_required
@requires("intake.view_tasks")
def my_tasks(request):
    now = timezone.now()
    scope = request.GET.get("scope") if request.GET.get("scope") in selectors.TASK_SCOPES else "mine"
    lists = selectors.tasks_for(request.user, scope=scope, now=now)
    for task in lists.overdue + lists.due:
        task.href = _task_href(task)
    return render(
        request,
        "intake/my_tasks.html",
        {"lists": lists, "scope": scope, "scopes": selectors.TASK_SCOPES, "now": now},
    )


@login_required
@requires("intake.view_tasks")
def tasks_calendar(request):
    tasks = list(selectors.calendar_tasks(request.user))
    record_audit(
        request.user, "task.calendar_exported", object_type="intake.task", detail={"tasks": [t.pk for t in tasks]}
    )
    body = task_calendar(
        tasks,
        base_url=request.build_absolute_uri(reverse("intake:my_tasks")),
        stamp=timezone.now(),
        name=f"safehub tasks: {request.user.get_full_name() or request.user.username}",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="safehub-tasks.ics"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@requires("intake.view_tasks")
@require_POST
def complete_task(request, pk: int):
    task = get_visible_or_404(Task.objects.visible_to(request.user), request.user, pk=pk, action="task.view")
    services.complete_task(task, actor=request.user)
    messages.success(request, f"Done: {task.title}")
    return redirect(reverse("intake:my_tasks") + (f"?scope={request.POST['scope']}" if request.POST.get("scope") else ""))


# ---------------------------------------------------------------------------------------------------------------------
# The MASH manager's view


@login_required
@requires("intake.view_overdue")
def overdue(request):
    now = timezone.now()
    checks = list(selectors.overdue_checks(request.user, now=now))
    contacts = list(selectors.decisions_due(request.user, now=now))
    today = timezone.localdate(now)
    month_start = today.replace(day=1)
    last_month_end = month_start - dt.timedelta(days=1)
    sla = [
        ("This month so far", selectors.share_within_sla((month_start, today), now=now)),
        (f"{last_month_end:%B %Y}", selectors.share_within_sla((last_month_end.replace(day=1), last_month_end), now=now)),
    ]
    record_audit(
        request.user,
        "intake.overdue_view",
        object_type="intake.contact",
        purpose="MASH manager overview",
        detail={"checks": [c.pk for c in checks], "contacts": [c.pk for c in contacts]},
    )
    return render(
        request,
        "intake/overdue.html",
        {
            "checks": checks,
            "contacts": [(c, c.rag(now)) for c in contacts],
            "overdue_decisions": sum(1 for c in contacts if c.decision_due < now),
            "sla": sla,
            "now": now,
        },
    )
