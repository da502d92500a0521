"""Boards and panels, their meetings, minutes, action logs, case-panel packs and the minutes importer.

Every page declares its permission; bodies and meetings are fetched through `visible_to` with `get_visible_or_404` (one
audit event per look); changes go through the services.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safehub.core.access import get_visible_or_404, requires
from safehub.core.audit import record_audit

from . import documents, services
from .forms import (
    ActionForm,
    ActionStatusForm,
    AttendanceForm,
    BodyForm,
    CaseForm,
    DeclarationForm,
    ImportForm,
    ItemForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    PanelMeetingForm,
)
from .minutes import ProposedMeeting, UnreadableMinutes, parse_minutes
from .models import Action, Body, Meeting, PanelCase, Paper
from .selectors import (
    action_log,
    may_run,
    may_see_full_minutes,
    meeting_view,
    my_actions,
    overdue_for_chair,
    panel_pack,
)
from .services import MeetingsError


def _today() -> dt.date:
    return timezone.localdate()


@login_required
@requires("meetings.view_meetings")
def bodies(request):
    visible = Body.objects.visible_to(request.user).prefetch_related("meetings")
    return render(request, "meetings/bodies.html", {"bodies": visible,
                                                     "can_create": request.user.has_perm("meetings.manage_meetings")})


@login_required
@requires("meetings.manage_meetings")
def create_body(request):
    form = BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["kind"] in Body.CASE_PANEL_KINDS and not request.user.has_perm("meetings.run_case_panels"):
            form.add_error("kind", "Only panel chairs set up MACE and MASE panels")
        else:
            try:
                body = services.create_body(actor=request.user, name=data["name"], kind=data["kind"],
                                            terms_of_reference=data["terms_of_reference"], quorum=data["quorum"] or 0,
                                            quorum_needs_statutory_partners=data["quorum_needs_statutory_partners"])
            except MeetingsError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"{body.name} set up")
                return redirect("meetings:body", body.pk)
    return render(request, "meetings/create_body.html", {"form": form})


@login_required
@requires("meetings.view_meetings")
def body_detail(request, pk: int):
    body = get_visible_or_404(Body.objects.visible_to(request.user), request.user, pk=pk, action="body.view")
    can_run = may_run(request.user, body)
    member_form = MemberForm(request.POST or None, prefix="member")
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        if member_form.is_valid():
            data = member_form.cleaned_data
            try:
                services.add_member(body, actor=request.user, name=data["name"], user=data["user"], agency=data["agency"],
                                    role=data["role"], initials=data["initials"], position=data["position"])
            except MeetingsError as error:
                member_form.add_service_errors(error)
            else:
                messages.success(request, "Member added")
                return redirect("meetings:body", body.pk)
    return render(request, "meetings/body.html", {
        "body": body, "can_run": can_run, "member_form": member_form,
        "members": body.memberships.select_related("agency", "user", "deputy_for"),
        "meetings": body.meetings.order_by("-date"), "forward_plan": body.forward_plan.filter(scheduled_for__isnull=True),
        "can_run_panel": body.is_case_panel and can_run and request.user.has_perm("meetings.run_case_panels"),
    })


@login_required
@requires("meetings.manage_meetings")
def create_meeting(request, pk: int):
    body = get_visible_or_404(Body.objects.visible_to(request.user), request.user, pk=pk, action="body.view")
    if not may_run(request.user, body):
        raise PermissionDenied
    panel = body.is_case_panel
    form = (PanelMeetingForm if panel else MeetingForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if panel:
                since = timezone.make_aware(dt.datetime.combine(data["since"], dt.time.min))
                meeting = services.create_panel_meeting(body, actor=request.user, date=data["date"], since=since,
                                                        venue=data["venue"], online=data["online"],
                                                        start_time=data["start_time"])
            else:
                meeting = services.create_meeting(body, actor=request.user, date=data["date"], venue=data["venue"],
                                                  online=data["online"], start_time=data["start_time"])
        except MeetingsError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Meeting scheduled and agenda drafted")
            return redirect("meetings:meeting", meeting.pk)
    return render(request, "meetings/create_meeting.html", {"body": body, "form": form, "panel": panel})


def _meeting(request, pk: int, action: str = "meeting.view") -> Meeting:
    return get_visible_or_404(Meeting.objects.visible_to(request.user).select_related("body"), request.user, pk=pk,
                              action=action)


@login_required
@requires("meetings.view_meetings")
def meeting_detail(request, pk: int):
    meeting = _meeting(request, pk)
    view = meeting_view(request.user, meeting)
    forms = {
        "item_form": ItemForm(prefix="item"), "attendance_form": AttendanceForm(prefix="attendance"),
        "declaration_form": DeclarationForm(prefix="declaration"), "action_form": ActionForm(prefix="action"),
    }
    return render(request, "meetings/meeting.html", {"view": view, "today": _today(), **forms,
                                                      "statuses": Action.Status.choices})


RECORDERS = {}


def recorder(name):
    def register(function):
        RECORDERS[name] = function
        return function
    return register


@recorder("item")
def _record_item(request, meeting):
    form = ItemForm(request.POST, request.FILES, prefix="item")
    if not form.is_valid():
        return form
    data = form.cleaned_data
    item = services.add_agenda_item(meeting, actor=request.user, title=data["title"], number=data["number"],
                                    presenter=data["presenter"], exempt=data["exempt"],
                                    exempt_category=",".join(data["exempt_category"]), exempt_reason=data["exempt_reason"])
    if data.get("paper"):
        services.attach_paper(item, actor=request.user, title=data["paper"].name, uploaded_file=data["paper"])
    return f"Item {item.number} added"


@recorder("attendance")
def _record_attendance(request, meeting):
    form = AttendanceForm(request.POST, prefix="attendance")
    if not form.is_valid():
        return form
    data = form.cleaned_data
    services.record_attendance(meeting, actor=request.user, name=data["name"], status=data["status"], role=data["role"],
                               agency=data["agency"])
    return f"{data['name']} recorded as {dict(form.fields['status'].choices)[data['status']].lower()}"


@recorder("declaration")
def _record_declaration(request, meeting):
    form = DeclarationForm(request.POST, prefix="declaration")
    if not form.is_valid():
        return form
    data = form.cleaned_data
    services.record_declaration(meeting, actor=request.user, name=data["name"], interest=data["interest"],
                                action_taken=data["action_taken"])
    return "Declaration of interest recorded"


@recorder("minutes")
def _record_minutes(request, meeting):
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return form
    data = form.cleaned_data
    item = meeting.items.filter(pk=data["item"]).first()
    if item is None:
        raise Http404("No such item")
    services.record_item_minutes(item, actor=request.user, minutes=data["minutes"])
    if data["decision"].strip():
        services.record_decision(item, actor=request.user, text=data["decision"])
    return f"Minutes of item {item.number} saved"


@recorder("action")
def _record_action(request, meeting):
    form = ActionForm(request.POST, prefix="action")
    if not form.is_valid():
        return form
    data = form.cleaned_data
    item = meeting.items.filter(pk=data["item"]).first() if data.get("item") else None
    case = None
    if data.get("case"):
        case = PanelCase.objects.visible_to(request.user).filter(meeting=meeting, pk=data["case"]).first()
        if case is None:
            raise Http404("No such case")
    action = services.record_action(meeting, actor=request.user, details=data["details"], item=item,
                                    owner_user=data["owner_user"], owner_name=data["owner_name"],
                                    owner_agency=data["owner_agency"], due_on=data["due_on"], panel_case=case,
                                    kind=data.get("kind") or Action.Kind.ACTION)
    return f"Action {action.reference} added to the log"


@recorder("status")
def _record_status(request, meeting):
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        return form
    data = form.cleaned_data
    action = Action.objects.visible_to(request.user).filter(pk=data["action"], meeting__body=meeting.body).first()
    if action is None:
        raise Http404("No such action")
    services.update_action_status(action, actor=request.user, status=data["status"], note=data["note"], meeting=meeting)
    return f"Action {action.reference} is now {action.get_status_display().lower()}"


@recorder("case")
def _record_case(request, meeting):
    form = CaseForm(request.POST)
    if not form.is_valid():
        return form
    case = PanelCase.objects.visible_to(request.user).filter(meeting=meeting, pk=form.cleaned_data["case"]).first()
    if case is None:
        raise Http404("No such case")
    services.record_panel_case(case, actor=request.user, summary=form.cleaned_data["summary"],
                               decisions=form.cleaned_data["decisions"])
    return "Case discussion saved"


@recorder("hold")
def _record_hold(request, meeting):
    services.hold_meeting(meeting, actor=request.user)
    return "Meeting marked as held"


@recorder("circulate")
def _record_circulate(request, meeting):
    version = services.circulate_minutes(meeting, actor=request.user)
    return f"Minutes version {version.number} circulated to members"


@recorder("approve")
def _record_approve(request, meeting):
    earlier = Meeting.objects.filter(pk=request.POST.get("minutes_of"), body=meeting.body).first()
    if earlier is None:
        raise Http404("No such meeting")
    services.approve_minutes(earlier, at_meeting=meeting, actor=request.user)
    return f"Minutes of {earlier.date:%-d %B %Y} approved"


@login_required
@requires("meetings.manage_meetings")
@require_POST
def meeting_record(request, pk: int):
    """Every change made on the meeting page posts here with `what`; a form error re-renders the page with the errors."""
    meeting = _meeting(request, pk, action="meeting.change")
    if not may_run(request.user, meeting.body):
        raise PermissionDenied
    handler = RECORDERS.get(request.POST.get("what", ""))
    if handler is None:
        raise Http404("Unknown change")
    try:
        result = handler(request, meeting)
    except MeetingsError as error:
        messages.error(request, "; ".join(error.errors.values()))
        return redirect("meetings:meeting", meeting.pk)
    if isinstance(result, str):
        messages.success(request, result)
        return redirect("meetings:meeting", meeting.pk)
    view = meeting_view(request.user, meeting)
    context = {"view": view, "today": _today(), "statuses": Action.Status.choices, "error_form": result,
               "item_form": ItemForm(prefix="item"), "attendance_form": AttendanceForm(prefix="attendance"),
               "declaration_form": DeclarationForm(prefix="declaration"), "action_form": ActionForm(prefix="action")}
    name = {"item": "item_form", "attendance": "attendance_form", "declaration": "declaration_form", "action": "action_form"}
    if request.POST.get("what") in name:
        context[name[request.POST["what"]]] = result
    return render(request, "meetings/meeting.html", context, status=400)


@login_required
@requires("meetings.view_meetings")
def minutes_page(request, pk: int):
    """The minutes as HTML: public (exempt items reduced to title and category) unless ?full=1 and the user is a member."""
    meeting = _meeting(request, pk, action="minutes.view")
    view = meeting_view(request.user, meeting)
    public = request.GET.get("full") != "1" or not view.full
    return render(request, "meetings/minutes.html", {"view": view, "public": public})


@login_required
@requires("meetings.view_meetings")
def minutes_pdf(request, pk: int):
    meeting = _meeting(request, pk, action="minutes.download")
    view = meeting_view(request.user, meeting)
    public = request.GET.get("full") != "1" or not view.full
    data = documents.minutes_pdf(view, public=public)
    response = HttpResponse(data, content_type="application/pdf")
    what = "public-minutes" if public else "minutes"
    response["Content-Disposition"] = f'inline; filename="{documents.filename(meeting, what, "pdf")}"'
    return response


@login_required
@requires("meetings.view_meetings")
def agenda_pdf(request, pk: int):
    meeting = _meeting(request, pk, action="agenda.download")
    data = documents.agenda_pack_pdf(meeting_view(request.user, meeting))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{documents.filename(meeting, "agenda-pack", "pdf")}"'
    return response


@login_required
@requires("meetings.view_meetings")
def action_log_xlsx(request, pk: int):
    body = get_visible_or_404(Body.objects.visible_to(request.user), request.user, pk=pk, action="action_log.download")
    actions = list(action_log(request.user, body).order_by("meeting__date", "pk"))
    data = documents.action_log_xlsx(actions, today=_today(), title=f"{body.name}: action log at {_today():%-d %B %Y}")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    slug = "".join(c if c.isalnum() else "-" for c in body.name.lower())[:50]
    response["Content-Disposition"] = f'attachment; filename="{slug}-action-log.xlsx"'
    return response


@login_required
@requires("meetings.view_meetings")
def paper(request, pk: int):
    found = get_visible_or_404(Paper.objects.filter(item__meeting__in=Meeting.objects.visible_to(request.user)),
                               request.user, pk=pk, action="paper.download")
    if found.item.exempt and not may_see_full_minutes(request.user, found.item.meeting):
        raise Http404("No such paper")
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.file.name.rsplit("/", 1)[-1])


@login_required
@requires("meetings.run_case_panels")
def panel_pack_page(request, pk: int):
    """The case panel's pack: each case the chair may see with its recent timeline and actions. Members only; audited."""
    meeting = get_visible_or_404(Meeting.objects.visible_to(request.user).filter(body__kind__in=Body.CASE_PANEL_KINDS),
                                 request.user, pk=pk, action="panel_pack.open", purpose="Case panel")
    return render(request, "meetings/panel_pack.html", {"meeting": meeting, "pack": panel_pack(request.user, meeting),
                                                        "today": _today()})


@login_required
@requires("meetings.view_own_actions")
def my_actions_page(request):
    today = _today()
    return render(request, "meetings/my_actions.html", {
        "actions": my_actions(request.user), "overdue": overdue_for_chair(request.user, today), "today": today,
    })


@login_required
@requires("meetings.import_minutes")
def import_minutes(request):
    """Step 1: upload and read the file; step 2 (confirm): save the reviewed proposal as a meeting."""
    bodies_qs = Body.objects.visible_to(request.user).filter(kind__in=Body.GOVERNANCE_KINDS)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        body = bodies_qs.filter(pk=request.POST.get("body")).first()
        try:
            proposal = ProposedMeeting.from_json(json.loads(request.POST.get("proposal", "{}")))
            date = dt.date.fromisoformat(request.POST.get("date", "")) if request.POST.get("date") else proposal.date
        except (ValueError, KeyError, TypeError):
            messages.error(request, "The proposal could not be read; upload the file again")
            return redirect("meetings:import")
        if body is None or not may_run(request.user, body):
            raise Http404("No such board or panel")
        try:
            meeting = services.save_imported_minutes(proposal, body=body, actor=request.user, date=date,
                                                     source_file=request.POST.get("source_file", ""))
        except MeetingsError as error:
            messages.error(request, "; ".join(error.errors.values()))
            return redirect("meetings:import")
        messages.success(request, f"Minutes imported: {len(proposal.items)} items")
        return redirect("meetings:meeting", meeting.pk)
    form = ImportForm(request.POST or None, request.FILES or None, bodies=bodies_qs)
    proposal = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            proposal = parse_minutes(upload.read(), upload.name)
        except UnreadableMinutes as error:
            form.add_error("file", str(error))
        else:
            record_audit(request.user, "minutes.import_read", object_type="meetings.body",
                         object_id=form.cleaned_data["body"].pk, detail={"file": upload.name, "items": len(proposal.items)})
    return render(request, "meetings/import.html", {
        "form": form, "proposal": proposal,
        "proposal_json": json.dumps(proposal.to_review_json()) if proposal else "",
        "source_file": form.cleaned_data["file"].name if proposal else "",
        "body": form.cleaned_data.get("body") if proposal else None,
    })
