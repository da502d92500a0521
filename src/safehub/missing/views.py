"""Missing-children pages. Reads go through the selectors (`visible_to`), changes through the services; every view of an
episode is audited by `get_visible_or_404`, and the list pages audit what they showed."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safehub.core.access import get_visible_or_404, requires
from safehub.core.audit import record_audit
from safehub.people.models import Child
from safehub.people.selectors import search_children

from . import selectors, services
from .exports import philomena_pdf
from .forms import (
    ActionForm,
    CompleteForm,
    EpisodeForm,
    GradeForm,
    ImportForm,
    OfferForm,
    ProfileForm,
    ResponseForm,
    ReturnForm,
)
from .importers import import_police_notifications, import_ssda903_missing
from .models import MissingAction, MissingEpisode, PhilomenaProfile, ReturnHomeInterview, TriggerFiring


def _episode(request, pk: int, action: str) -> MissingEpisode:
    return get_visible_or_404(
        MissingEpisode.objects.visible_to(request.user).select_related("child", "agency", "risk_grade_reviewed_by"),
        request.user,
        pk=pk,
        action=action,
        purpose="Missing children",
    )


def _audit_list(request, action: str, object_type: str, ids: list[int], **detail) -> None:
    record_audit(request.user, action, object_type=object_type, purpose="Missing children", detail={"ids": ids, **detail})


def _new_firings_message(request, child: Child, before: set[int]) -> None:
    for firing in TriggerFiring.objects.filter(child=child).exclude(pk__in=before).select_related("rule"):
        messages.warning(request, f"Trigger fired: {firing.rule.name}. {firing.rule.action}.")


@login_required
@requires("missing.view_episodes")
def ongoing(request):
    now = timezone.now()
    rows = selectors.ongoing_episodes(request.user, now=now)
    _audit_list(request, "missing.ongoing.view", "missing.missingepisode", [r.episode.pk for r in rows])
    return render(request, "missing/ongoing.html", {"rows": rows, "now": now})


@login_required
@requires("missing.record_episode")
def episode_new(request):
    """Step 1: find the child (search-select); step 2: the episode form for the chosen child."""
    user = request.user
    child_pk = request.POST.get("child") or request.GET.get("child")
    if not child_pk:
        name = request.GET.get("name", "").strip()[:100]
        results = search_children(user, name=name) if name else []
        if name:
            record_audit(
                user,
                "child.search",
                object_type="people.child",
                purpose="Record a missing episode",
                detail={"name": name, "results": [hit.child_id for hit in results]},
            )
        return render(request, "missing/episode_choose_child.html", {"name": name, "results": results, "searched": bool(name)})
    child = get_visible_or_404(
        Child.objects.visible_to(user), user, pk=child_pk, action="missing.episode.new", purpose="Record a missing episode"
    )
    if user.agency is None:
        raise PermissionDenied("Only people in a partner agency can record episodes.")
    form = EpisodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        before = set(TriggerFiring.objects.filter(child=child).values_list("pk", flat=True))
        try:
            episode = services.record_missing_episode(
                child=child, agency=user.agency, actor=user, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Missing episode recorded")
            _new_firings_message(request, child, before)
            return redirect("missing:episode", episode.pk)
    name = selectors.display_names(user, [child.pk]).get(child.pk, "Name not known")
    return render(request, "missing/episode_form.html", {"form": form, "child": child, "name": name})


@login_required
@requires("missing.view_episodes")
def episode_detail(request, pk: int):
    episode = _episode(request, pk, "missing.episode.view")
    context = selectors.episode_detail(request.user, episode)
    context["now"] = timezone.now()
    return render(request, "missing/episode_detail.html", context)


@login_required
@requires("missing.view_episodes")
def child_episodes(request, pk: int):
    """One child's missing history: episodes, interviews, triggers and the Philomena profile (linked from the child page)."""
    child = get_visible_or_404(Child.objects.visible_to(request.user), request.user, pk=pk,
                               action="missing.child.view", purpose="Missing children")
    return render(request, "missing/child.html", selectors.child_summary(request.user, child))


@login_required
@requires("missing.record_return")
def episode_return(request, pk: int):
    episode = _episode(request, pk, "missing.episode.return")
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and episode.ongoing and form.is_valid():
        before = set(TriggerFiring.objects.filter(child=episode.child).values_list("pk", flat=True))
        try:
            services.record_return(episode, actor=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Return recorded. A return home interview is due within 72 hours.")
            _new_firings_message(request, episode.child, before)
            return redirect("missing:episode", episode.pk)
    return render(request, "missing/episode_return.html", {"form": form, "episode": episode})


@login_required
@requires("missing.grade_risk")
def episode_grade(request, pk: int):
    episode = _episode(request, pk, "missing.episode.grade")
    form = GradeForm(request.POST or None, initial={"risk_grade": episode.risk_grade})
    if request.method == "POST" and form.is_valid():
        try:
            services.grade_risk(
                episode, risk_grade=form.cleaned_data["risk_grade"], reason=form.cleaned_data["reason"], now=timezone.now(),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Risk grade recorded")
            return redirect("missing:episode", episode.pk)
    gradings = list(episode.gradings.select_related("graded_by"))
    return render(request, "missing/episode_grade.html", {"form": form, "episode": episode, "gradings": gradings})


def _interview_stage(episode: MissingEpisode, interview: ReturnHomeInterview | None) -> str:
    if episode.ongoing:
        return "not_returned"
    if interview is None or interview.offered_at is None:
        return "offer"
    if interview.completed_at or interview.response == ReturnHomeInterview.Response.DECLINED:
        return "done"
    if interview.response == ReturnHomeInterview.Response.ACCEPTED:
        return "complete"
    return "response"


STAGE_FORMS = {"offer": OfferForm, "response": ResponseForm, "complete": CompleteForm}


@login_required
@requires("missing.manage_interviews")
def interview(request, pk: int):
    """The return home interview, one step at a time: offer, the child's response, then the interview held."""
    episode = _episode(request, pk, "missing.rhi.view")
    current = ReturnHomeInterview.objects.filter(episode=episode).select_related("conducted_by").first()
    stage = _interview_stage(episode, current)
    if request.method == "POST" and request.POST.get("stage") != stage:
        messages.info(request, "The interview was updated by someone else: check it and try again.")
        return redirect("missing:interview", episode.pk)
    form_class = STAGE_FORMS.get(stage)
    initial = {}
    if current is not None:  # carry what is known forward: who holds it, whether independent
        initial = {
            "provider_name": current.provider_name,
            "independent": "yes" if current.independent else "no",
            "delivered_by_name": current.delivered_by_name,
            "delivered_by_role": current.delivered_by_role,
            "out_of_area": current.out_of_area,
            "host_authority": current.host_authority,
            "responsible": current.responsible,
        }
    form = form_class(request.POST or None, initial=initial) if form_class else None
    if request.method == "POST" and form is not None and form.is_valid():
        data, now, user = form.cleaned_data, timezone.now(), request.user
        try:
            if stage == "offer" and current is None:
                services.create_return_interview(episode, now=now, actor=user, **data)
            elif stage == "offer":
                services.offer_return_interview(current, now=now, actor=user, **data)
            elif stage == "response":
                services.record_interview_response(
                    current, accepted=data["response"] == "accepted", responded_at=data["responded_at"], now=now, actor=user
                )
            else:
                held_by_me = data.pop("held_by_me")
                services.complete_return_interview(
                    current, now=now, actor=user, conducted_by=user if held_by_me else None, **data
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, {"offer": "Interview offer recorded", "response": "Response recorded"}.get(
                stage, "Return home interview completed"))
            return redirect("missing:episode", episode.pk)
    context = {
        "episode": episode,
        "interview": current,
        "stage": stage,
        "form": form,
        "due_at": current.due_at if current else services.rhi_due_at(episode),
    }
    return render(request, "missing/interview.html", context)


@login_required
@requires("missing.view_interviews")
def interviews_due(request):
    now = timezone.now()
    rows = selectors.interviews_due(request.user, now=now)
    _audit_list(request, "missing.interviews_due.view", "missing.missingepisode", [r.episode.pk for r in rows])
    return render(request, "missing/interviews_due.html", {"rows": rows, "now": now})


@login_required
@requires("missing.view_triggers")
def triggers(request):
    rows = selectors.trigger_firings(request.user)
    actions = list(selectors.open_actions(request.user))
    names = selectors.display_names(request.user, (a.child_id for a in actions))
    _audit_list(request, "missing.triggers.view", "missing.triggerfiring", [r.firing.pk for r in rows])
    return render(
        request,
        "missing/triggers.html",
        {
            "rows": rows,
            "actions": [(a, names.get(a.child_id, "Name not known")) for a in actions],
            "rules": services.trigger_rules(),
            "today": timezone.localdate(),
        },
    )


@login_required
@requires("missing.view_triggers")
def action_detail(request, pk: int):
    action = get_visible_or_404(
        MissingAction.objects.visible_to(request.user).select_related("child", "firing__rule", "completed_by"),
        request.user,
        pk=pk,
        action="missing.action.view",
        purpose="Missing children",
    )
    can_complete = request.user.has_perm("missing.manage_actions") and action.completed_at is None
    form = ActionForm(request.POST or None) if can_complete else None
    if request.method == "POST":
        if not can_complete:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.complete_action(action, outcome=form.cleaned_data["outcome"], now=timezone.now(), actor=request.user)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "Action completed")
                return redirect("missing:triggers")
    name = selectors.display_names(request.user, [action.child_id]).get(action.child_id, "Name not known")
    return render(request, "missing/action.html", {"action": action, "form": form, "name": name})


def _month(value: str, default: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        return default


@login_required
@requires("missing.view_reconciliation")
def reconciliation(request):
    now = timezone.now()
    this_month = timezone.localdate(now).replace(day=1)
    month = _month(request.GET.get("month", ""), this_month)
    result = selectors.reconciliation(request.user, month=month)
    history = selectors.reconciliation_months(request.user, now=now)
    _audit_list(
        request, "missing.reconciliation.view", "missing.missingepisode", [e.pk for e, *_ in result.unmatched], month=month
    )
    return render(request, "missing/reconciliation.html", {"result": result, "history": history})


IMPORTERS = {"police": import_police_notifications, "ssda903": import_ssda903_missing}


@login_required
@requires("missing.import")
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        importer = IMPORTERS[form.cleaned_data["kind"]]
        report = importer(upload.read(), now=timezone.now(), actor=request.user, file=upload.name[:200])
        if report.ok:
            messages.success(request, report.summary())
            return redirect("missing:ongoing")
    return render(request, "missing/import.html", {"form": form, "report": report})


# --- Philomena profiles ---------------------------------------------------------------------------------------------------


def _profile(request, pk: int, action: str) -> PhilomenaProfile:
    return get_visible_or_404(
        PhilomenaProfile.objects.visible_to(request.user).select_related("child", "agency", "updated_by"),
        request.user,
        pk=pk,
        action=action,
        purpose="Philomena profile",
    )


def _profile_fields(data: dict) -> dict:
    return {name: data[name] for name in services.PROFILE_FIELDS if name in data}


@login_required
@requires("missing.manage_profiles")
def profile_new(request):
    """Create the Philomena profile of a child (?child=<pk>); a child who has one already goes to its edit page."""
    user = request.user
    child = get_visible_or_404(
        Child.objects.visible_to(user), user, pk=request.POST.get("child") or request.GET.get("child") or "",
        action="missing.profile.new", purpose="Philomena profile",
    )
    existing = PhilomenaProfile.objects.visible_to(user).filter(child=child).first()
    if existing is not None:
        return redirect("missing:profile_edit", existing.pk)
    if PhilomenaProfile.objects.filter(child=child).exists() or user.agency is None:
        raise PermissionDenied("The child's profile is kept by someone else.")
    form = ProfileForm(request.POST or None, request.FILES or None, initial={"caveat": "partnership"})
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.save_philomena_profile(
                child, agency=user.agency, actor=user, now=timezone.now(), photo=form.cleaned_data["photo"],
                **_profile_fields(form.cleaned_data),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Philomena profile saved")
            return redirect("missing:profile", profile.pk)
    name = selectors.display_names(user, [child.pk]).get(child.pk, "Name not known")
    return render(request, "missing/profile_form.html", {"form": form, "child": child, "name": name, "profile": None})


@login_required
@requires("missing.view_profiles")
def profile_detail(request, pk: int):
    profile = _profile(request, pk, "missing.profile.view")
    name = selectors.display_names(request.user, [profile.child_id]).get(profile.child_id, "Name not known")
    return render(
        request, "missing/profile.html", {"profile": profile, "name": name, "today": timezone.localdate()}
    )


@login_required
@requires("missing.manage_profiles")
def profile_edit(request, pk: int):
    profile = _profile(request, pk, "missing.profile.edit")
    initial = {name: getattr(profile, name) for name in services.PROFILE_FIELDS}
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_philomena_profile(
                profile.child, agency=profile.agency, actor=request.user, now=timezone.now(), photo=data["photo"],
                remove_photo=data["remove_photo"], **_profile_fields(data),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Philomena profile saved")
            return redirect("missing:profile", profile.pk)
    name = selectors.display_names(request.user, [profile.child_id]).get(profile.child_id, "Name not known")
    return render(
        request, "missing/profile_form.html", {"form": form, "child": profile.child, "name": name, "profile": profile}
    )


@login_required
@requires("missing.view_profiles")
def profile_photo(request, pk: int):
    """The photo, from private storage, only through this audited view; never cached by the browser or a proxy."""
    profile = _profile(request, pk, "missing.profile.photo")
    if not profile.photo:
        raise Http404("No photo")
    content_type = "image/png" if profile.photo.name.endswith(".png") else "image/jpeg"
    response = FileResponse(profile.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@requires("missing.view_profiles")
def profile_police_pdf(request, pk: int):
    """The profile as a printable PDF to hand to the police when the child goes missing. Audited as an export."""
    profile = _profile(request, pk, "missing.profile.export_police")
    name = selectors.display_names(request.user, [profile.child_id]).get(profile.child_id, "Name not known")
    pdf = philomena_pdf(profile, name=name, exported_by=request.user, now=timezone.now())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="philomena-profile-{profile.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
