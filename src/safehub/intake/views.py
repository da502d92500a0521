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
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from safehub.core.access import get_visible_or_404, requires
from safehub.core.audit import record_audit
from safehub.core.models import Agency
from safehub.people.models import Child
from safehub.people.selectors import search_children

from . import cpis as cpis_exchange
from . import forms, selectors, services
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


# ---------------------------------------------------------------------------------------------------------------------
# The 2026 Act workflows for one child: care proceedings and family group decision-making, NRM referrals, home education

# form name -> (form class, what it acts on: None for the child, else a kind of record on the page), heading, button
ACT_FORMS = {
    "proceedings": (forms.ProceedingsForm, None, "Record a decision to consider care proceedings", "Record the decision"),
    "fgdm_offer": (forms.FgdmOfferForm, "proceedings", "Record the offer of family group decision-making", "Record the offer"),
    "fgdm_exception": (forms.FgdmExceptionForm, "proceedings", "Or record an exception agreed by a manager",
                       "Record the exception"),
    "issued": (forms.IssuedForm, "proceedings", "Record that proceedings were issued", "Record the issue"),
    "fgdm_response": (forms.FgdmResponseForm, "offer", "Record the family's answer and the meeting", "Save"),
    "nrm": (forms.NrmReferralForm, None, "Record a National Referral Mechanism referral", "Record the referral"),
    "nrm_reasonable": (forms.NrmDecisionForm, "referral", "Record the reasonable grounds decision", "Record the decision"),
    "nrm_conclusive": (forms.NrmDecisionForm, "referral", "Record the conclusive grounds decision", "Record the decision"),
    "home_education": (forms.HomeEducationForm, None, "Record a notice of home education", "Record the notice"),
    "consent": (forms.ConsentForm, "notice", "Record the council's consent decision", "Record the decision"),
}


def _act_form(name: str, target, request, bound):
    form_class = ACT_FORMS[name][0]
    prefix = f"{name}-{target.pk}" if target is not None else name
    kwargs = {"actor": request.user} if form_class is forms.FgdmExceptionForm else {}
    if bound is not None and bound[0] == name and bound[1] == (target.pk if target is not None else None):
        return bound[2]
    return form_class(prefix=prefix, **kwargs)


def _act_apply(name: str, request, child, target, data) -> str:
    """Call the service for a valid form; returns the success message."""
    actor = request.user
    if name == "proceedings":
        services.record_decision_to_consider_proceedings(child, actor=actor, considered_on=data["considered_on"])
        return "Decision to consider care proceedings recorded"
    if name == "fgdm_offer":
        services.record_fgdm_offer(target, actor=actor, offered_on=data["offered_on"])
        return "Offer of family group decision-making recorded"
    if name == "fgdm_exception":
        services.record_fgdm_exception(target, actor=actor, reason=data["reason"], manager=data["manager"])
        return "Exception recorded"
    if name == "issued":
        services.record_proceedings_issued(
            target, actor=actor, issued_on=data["issued_on"], court_reference=data["court_reference"]
        )
        return "Care proceedings recorded as issued"
    if name == "fgdm_response":
        services.record_fgdm_response(
            target, actor=actor, response=data["response"], responded_on=data["responded_on"],
            meeting_on=data["meeting_on"], outcome=data["outcome"], family_plan=data["family_plan"],
        )
        return "Family group decision-making updated"
    if name == "nrm":
        services.record_nrm_referral(
            child, actor=actor, referred_on=data["referred_on"],
            first_responder_organisation=data["first_responder_organisation"],
            first_responder_name=data["first_responder_name"], exploitation=data["exploitation"],
        )
        return "NRM referral recorded"
    if name in ("nrm_reasonable", "nrm_conclusive"):
        record = (
            services.record_reasonable_grounds_decision
            if name == "nrm_reasonable"
            else services.record_conclusive_grounds_decision
        )
        record(target, actor=actor, decision=data["decision"], decided_on=data["decided_on"], decided_by=data["decided_by"])
        return "NRM decision recorded"
    if name == "home_education":
        notice = services.record_home_education_notice(child, data["school"], data["removed_on"], actor)
        if notice.alert:
            return "Notice recorded. Alert raised: the council must decide on consent to home education"
        return "Notice of home education recorded"
    if name == "consent":
        services.decide_home_education_consent(target, actor=actor, consent=data["consent"], reason=data["consent_reason"])
        return "Consent decision recorded"
    raise ValueError(name)


def _act_targets(records) -> dict[str, dict[int, object]]:
    return {
        "proceedings": {p.pk: p for p in records.proceedings},
        "offer": {p.fgdm_offer.pk: p.fgdm_offer for p in records.proceedings if hasattr(p, "fgdm_offer")},
        "referral": {r.pk: r for r in records.nrm_referrals},
        "notice": {n.pk: n for n in records.home_education},
    }


def _act_forms_for(records, request, bound):
    """The forms each record on the page offers in its current state, as (name, heading, button, form)."""

    def entry(name, target=None):
        _, _, heading, button = ACT_FORMS[name]
        return (name, heading, button, _act_form(name, target, request, bound), target.pk if target is not None else "")

    for p in records.proceedings:
        offer = getattr(p, "fgdm_offer", None)
        p.forms = []
        if offer is None and not p.issued_on and not p.has_fgdm_exception:
            p.forms += [entry("fgdm_offer", p), entry("fgdm_exception", p)]
        if offer is not None:
            p.forms.append(entry("fgdm_response", offer))
        if not p.issued_on:
            p.forms.append(entry("issued", p))
    for r in records.nrm_referrals:
        r.forms = []
        if not r.reasonable_grounds:
            r.forms.append(entry("nrm_reasonable", r))
        elif r.reasonable_grounds == "positive" and not r.conclusive_grounds:
            r.forms.append(entry("nrm_conclusive", r))
    for n in records.home_education:
        n.forms = [entry("consent", n)] if n.consent == "awaiting" else []
    return [entry(name) for name in ("proceedings", "nrm", "home_education")]


@login_required
@requires("intake.record_act_workflows")
def child_act(request, pk: int):
    """A child's care proceedings with the offer of family group decision-making, NRM referrals and home education
    notices, with a form for each next step. Forms post here, naming themselves in `form` and their record in `target`.
    """
    child = get_visible_or_404(
        Child.objects.visible_to(request.user), request.user, pk=pk, action="child.view",
        purpose="Care proceedings, NRM and home education",
    )
    records = selectors.act_records(request.user, child)
    bound = None
    if request.method == "POST":
        name = request.POST.get("form", "")
        if name not in ACT_FORMS:
            raise Http404("No such form")
        form_class, kind, _, _ = ACT_FORMS[name]
        target = None
        if kind is not None:
            target = _act_targets(records)[kind].get(_int_or_none(request.POST.get("target")))
            if target is None:
                raise Http404("No such record")
        kwargs = {"actor": request.user} if form_class is forms.FgdmExceptionForm else {}
        form = form_class(request.POST, prefix=f"{name}-{target.pk}" if target is not None else name, **kwargs)
        if form.is_valid():
            try:
                message = _act_apply(name, request, child, target, form.cleaned_data)
            except IntakeError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, message)
                return redirect("intake:child_act", pk=child.pk)
        bound = (name, target.pk if target is not None else None, form)
    new_forms = _act_forms_for(records, request, bound)
    return render(
        request,
        "intake/child_act.html",
        {"child": child, "records": records, "new_forms": new_forms, "bound": bound, "today": timezone.localdate()},
    )


@login_required
@requires("intake.view_act_reports")
def fgdm_report(request):
    """Care proceedings and whether family group decision-making was offered first: counts by status and the list."""
    today = timezone.localdate()
    report = selectors.fgdm_report(request.user, today=today)
    record_audit(
        request.user,
        "care_proceedings.list",
        object_type="intake.careproceedings",
        purpose="Family group decision-making report",
        detail={"shown": [r.proceedings.pk for r in report.rows]},
    )
    statuses = [(key, label, report.counts[key]) for key, label in selectors.FGDM_STATUSES.items()]
    return render(request, "intake/fgdm_report.html", {"report": report, "statuses": statuses, "today": today})


# ---------------------------------------------------------------------------------------------------------------------
# CP-IS style exchange


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@requires("intake.exchange_cpis")
def cpis(request):
    """The CP-IS page: how many plans the export holds on a day, and the download."""
    as_of = _as_of(request)
    counts = cpis_exchange.summary(request.user, as_of=as_of)
    return render(
        request,
        "intake/cpis.html",
        {"as_of": as_of, "counts": counts, "columns": cpis_exchange.EXPORT_COLUMNS},
    )


@login_required
@requires("intake.exchange_cpis")
def cpis_export(request):
    as_of = _as_of(request)
    export = cpis_exchange.export_plans(request.user, as_of=as_of, purpose="CP-IS export download")
    response = HttpResponse(export.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cp-is-{as_of:%Y-%m-%d}.csv"'
    response["Cache-Control"] = "no-store"
    return response
