"""Find a child, the child page and an agency source record. Every read goes through `visible_to` and is audited."""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.core.access import get_visible_or_404, requires
from safehub.core.caveats import Caveat

from .child_page import sections_for
from .documents import PURPOSES as EXPORT_PURPOSES
from .models import Child, Ethnicity, Sex, SourceRecord, WarningNote
from .new_child import (
    NEW_CHILD_PURPOSE,
    NewChildValues,
    SearchRequired,
    checked_search,
    record_choice,
    record_new_child,
)
from .search.forms import PURPOSES, SearchForm
from .search.service import find_children, find_children_audited
from .selectors import PERIODS, ChronologyFilters, child_view, chronology_document, involvement
from .services import edit_child_details
from .versioning import ClosedRecord, StaleVersion
from .warning_notes import (
    SignOffRefused,
    edit_warning,
    end_warning,
    record_disclosure,
    record_warning,
    related_people,
    sign_off_warning,
    warnings_for,
)


@login_required
@requires("people.search_children")
def search(request):
    """Find a child as you type: ranked by the linkage model, scoped to the user, audited with the purpose given.

    An htmx request (the name box, as the user types) gets the results fragment only; without JavaScript the form
    submits and the whole page comes back.
    """
    form = SearchForm.from_params(request.GET)
    results = find_children(request.user, form.query, purpose=form.purpose) if form.searched else []
    context = {"form": form, "results": results, "searched": form.searched, "purposes": PURPOSES}
    if request.headers.get("HX-Request"):
        return render(request, "people/_search_results.html", context)
    return render(request, "people/search.html", context)


@login_required
@requires("people.view_child")
def child_detail(request, pk: int):
    child = get_visible_or_404(
        Child.objects.visible_to(request.user),
        request.user,
        pk=pk,
        action="child.view",
        purpose=request.GET.get("purpose", "Safeguarding enquiry")[:200],
    )
    if child.merged_into_id:
        messages.info(request, "This record was found to be the same child as another and has been merged into it.")
        return redirect("people:child", child.merged_into_id)
    return render(request, "people/child_detail.html", {
        "view": child_view(request.user, child), "sections": sections_for(request.user, child.pk),
        "warnings": warnings_for(request.user, child), "involvement": involvement(request.user, child),
        "can_edit": request.user.has_perm("people.edit_child"),
        "can_warn": request.user.has_perm("people.record_warning"),
    })


@login_required
@requires("people.view_source_record")
def source_record_detail(request, pk: int):
    record = get_visible_or_404(
        SourceRecord.objects.visible_to(request.user).select_related("agency", "link"),
        request.user,
        pk=pk,
        action="source_record.view",
    )
    return render(request, "people/source_record_detail.html", {"record": record})


def _parse_iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- chronology exports and the household chronology --------------------------------------------------------------------


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _chronology_filters(params) -> ChronologyFilters:
    significance = params.get("significance", "")
    period = params.get("period", "")
    return ChronologyFilters(
        agency=params.get("agency", "")[:40],
        type=params.get("type", "")[:40],
        significance=int(significance) if significance in ("2", "3") else None,
        date_from=_parse_iso(params.get("from", "")),
        date_to=_parse_iso(params.get("to", "")),
        period=period if period in PERIODS else "",
    )


def _audited_child(request, pk: int, action: str, *, detail: dict | None = None) -> Child:
    """The child through `visible_to`, with one audit event for the look (and its detail): 404 when missing or forbidden."""
    from django.http import Http404

    from safehub.core.audit import record_audit

    purpose = (request.POST.get("purpose_text") or request.GET.get("purpose") or "Safeguarding enquiry")[:200]
    child = Child.objects.visible_to(request.user).filter(pk=pk).first()
    if child is None:
        exists = Child.objects.filter(pk=pk).exists()
        record_audit(request.user, action, object_type="people.child", object_id=pk, purpose=purpose,
                     outcome="denied" if exists else "not_found")
        raise Http404("No such record")
    record_audit(request.user, action, child, purpose=purpose, detail=detail)
    return child


def _chronology_page(request, pk: int, *, household: bool):
    params = request.GET
    filters = _chronology_filters(params)
    action = "child.household_chronology_view" if household else "child.chronology_view"
    child = _audited_child(request, pk, action, detail={"filters": filters.as_params()})
    if child.merged_into_id:
        return redirect("people:household_chronology" if household else "people:chronology", child.merged_into_id)
    doc = chronology_document(request.user, child, filters, today=_today(), household=household)
    query = urlencode(filters.as_params())  # unresolved: an export resolves "the last two years" the same way
    return render(request, "people/chronology.html", {
        "doc": doc, "filters": filters, "periods": PERIODS, "export_purposes": EXPORT_PURPOSES, "query": query,
        "household": household, "can_export": request.user.has_perm("people.export_chronology"),
    })


@login_required
@requires("people.view_child")
def child_chronology(request, pk: int):
    """The child's multi-agency chronology, filtered; the same selector feeds the PDF and DOCX exports."""
    return _chronology_page(request, pk, household=False)


@login_required
@requires("people.view_child")
def household_chronology(request, pk: int):
    """A composite chronology of the child, their siblings and household, for case reviews: only those the user may see."""
    return _chronology_page(request, pk, household=True)


def _export(request, pk: int, *, fmt: str, household: bool) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    filters = _chronology_filters(params)
    purpose = params.get("export_purpose", "conference")
    purpose = purpose if purpose in EXPORT_PURPOSES else "other"
    analysis = params.get("analysis", "")[:20000] if request.method == "POST" else ""
    child = _audited_child(request, pk, "child.chronology_export", detail={
        "format": fmt, "household": household, "filters": filters.as_params(), "export_purpose": purpose,
        "analysis_added": bool(analysis.strip()),
    })
    doc = chronology_document(request.user, child, filters, today=_today(), household=household)
    from django.utils import timezone

    from . import documents

    user = request.user
    details = documents.ExportDetails(
        purpose=purpose, produced_by=user.get_full_name() or user.get_username(),
        produced_by_agency=user.agency.name if user.agency_id else "safehub", produced_at=timezone.localtime(),
        analysis=analysis,
    )
    if fmt == "pdf":
        body, content_type = documents.chronology_pdf(doc, details), "application/pdf"
    else:
        body = documents.chronology_docx(doc, details)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(body, content_type=content_type)
    name = "household-chronology" if household else "chronology"
    response["Content-Disposition"] = f'attachment; filename="{name}-{child.pk}-{_today():%Y%m%d}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@requires("people.export_chronology")
def chronology_pdf(request, pk: int):
    """The chronology as PDF for a conference or court: same entries and redaction as the page. Audited."""
    return _export(request, pk, fmt="pdf", household=False)


@login_required
@require_http_methods(["GET", "POST"])
@requires("people.export_chronology")
def chronology_docx(request, pk: int):
    return _export(request, pk, fmt="docx", household=False)


@login_required
@require_http_methods(["GET", "POST"])
@requires("people.export_chronology")
def household_chronology_pdf(request, pk: int):
    return _export(request, pk, fmt="pdf", household=True)


@login_required
@require_http_methods(["GET", "POST"])
@requires("people.export_chronology")
def household_chronology_docx(request, pk: int):
    return _export(request, pk, fmt="docx", household=True)


# --- recording a new child, after a search --------------------------------------------------------------------------------


@login_required
@requires("people.record_child")
def record_child_search(request):
    """Step 1 of recording a child: search, see who is already known, then choose one of them or "none of these"."""
    form = SearchForm.from_params(request.GET)
    results, search = ([], None)
    if form.searched:
        results, search = find_children_audited(request.user, form.query, purpose=NEW_CHILD_PURPOSE)
    return render(request, "people/record_child_search.html", {
        "form": form, "results": results, "searched": form.searched, "search": search,
        "choice_purpose": f"{NEW_CHILD_PURPOSE}: existing child chosen from search {search.seq}" if search else "",
    })


def _initial_from_search(search) -> dict:
    query = search.detail.get("query", {})
    name = (query.get("name") or "").split()
    dob = _parse_iso(str(query.get("date_of_birth") or ""))
    return {"given_name": name[0] if name else "", "family_name": " ".join(name[1:]),
            "dob": {"day": str(dob.day), "month": str(dob.month), "year": str(dob.year)} if dob else {},
            "postcode": query.get("postcode") or "", "nhs_number": query.get("nhs_number") or "",
            "sex": Sex.UNKNOWN, "caveat": Caveat.PARTNERSHIP}


@login_required
@require_http_methods(["GET", "POST"])
@requires("people.record_child")
def record_child(request):
    """Step 2: the new child's details. Refused without a recent search of this user's (the search id is checked here)."""
    search_id = request.POST.get("search_id") if request.method == "POST" else request.GET.get("search")
    try:
        search = checked_search(request.user, search_id)
    except SearchRequired as refused:
        messages.error(request, str(refused))
        return redirect("people:record_child_search")
    if request.method == "GET":
        record_choice(request.user, search, choice="none_of_these")
        return render(request, "people/record_child.html", {"search": search, "values": _initial_from_search(search),
                                                            "errors": {}, "sexes": Sex.choices,
                                                            "caveats": Caveat.choices})
    values, errors = _new_child_values(request.POST)
    if not errors:
        try:
            child = record_new_child(actor=request.user, search_id=search.seq, values=values)
        except ValueError as problem:
            field_name, _, message = str(problem).partition(": ")
            errors[field_name if field_name in ("given_name",) else "given_name"] = message or str(problem)
        else:
            messages.success(request, f"{child.full_name} recorded. Your agency's record is the source of these details.")
            return redirect("people:child", child.pk)
    shown = {"given_name": request.POST.get("given_name", ""), "family_name": request.POST.get("family_name", ""),
             "dob": {p: request.POST.get(f"dob-{p}", "") for p in ("day", "month", "year")},
             "sex": request.POST.get("sex", "U"), "postcode": request.POST.get("postcode", ""),
             "nhs_number": request.POST.get("nhs_number", ""), "caveat": request.POST.get("caveat", "partnership")}
    return render(request, "people/record_child.html", {"search": search, "values": shown, "errors": errors,
                                                        "sexes": Sex.choices, "caveats": Caveat.choices}, status=400)


def _date_parts(params, prefix: str) -> tuple[date | None, str]:
    parts = [params.get(f"{prefix}-{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None, ""
    try:
        day, month, year = (int(p) for p in parts)
        if year < 1900:
            raise ValueError
        return date(year, month, day), ""
    except ValueError:
        return None, "Enter a real date, for example 27 3 2014"


def _new_child_values(params) -> tuple[NewChildValues, dict[str, str]]:
    from .search.forms import nhs_number_error, postcode_error

    errors: dict[str, str] = {}
    given, family = params.get("given_name", "").strip()[:100], params.get("family_name", "").strip()[:100]
    if not (given or family):
        errors["given_name"] = "Enter the child's first name or last name"
    dob, problem = _date_parts(params, "dob")
    if problem:
        errors["dob-day"] = problem
    elif dob and dob > _today():
        errors["dob-day"] = "Date of birth must be today or in the past"
    postcode, nhs = params.get("postcode", "").strip()[:10], params.get("nhs_number", "").replace(" ", "")[:10]
    if message := postcode_error(postcode):
        errors["postcode"] = message
    if message := nhs_number_error(nhs):
        errors["nhs_number"] = message
    sex = params.get("sex", "U") if params.get("sex") in Sex.values else "U"
    caveat = params.get("caveat") if params.get("caveat") in Caveat.values else Caveat.PARTNERSHIP
    return NewChildValues(given_name=given, family_name=family, date_of_birth=dob, sex=sex, nhs_number=nhs,
                          postcode=postcode, caveat=caveat), errors


# --- editing the child's details (optimistic locking) ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@requires("people.edit_child")
def edit_child(request, pk: int):
    """Edit the single view's details from the version the page showed: a stale save is refused with both versions."""
    from safehub.core.access import get_visible_or_404

    child = get_visible_or_404(Child.objects.visible_to(request.user), request.user, pk=pk, action="child.edit_view",
                               purpose="Correcting the child's details")
    context = {"child": child, "sexes": Sex.choices, "ethnicities": Ethnicity.choices, "errors": {}, "conflict": None,
               "version": child.version}
    if child.is_closed:
        context["closed"] = True
        return render(request, "people/edit_child.html", context, status=409 if request.method == "POST" else 200)
    if request.method == "GET":
        context["values"] = {"given_name": child.given_name, "family_name": child.family_name, "sex": child.sex,
                             "ethnicity": child.ethnicity, "dob": _dob_parts(child.date_of_birth)}
        return render(request, "people/edit_child.html", context)
    post = request.POST
    dob, problem = _date_parts(post, "dob")
    changes = {"given_name": post.get("given_name", "").strip()[:100], "family_name": post.get("family_name", "").strip()[:100],
               "date_of_birth": dob, "sex": post.get("sex") if post.get("sex") in Sex.values else child.sex,
               "ethnicity": post.get("ethnicity") if post.get("ethnicity") in Ethnicity.values else ""}
    context["values"] = {**changes, "dob": {p: post.get(f"dob-{p}", "") for p in ("day", "month", "year")}}
    if problem:
        context["errors"]["dob-day"] = problem
    if not (changes["given_name"] or changes["family_name"]):
        context["errors"]["given_name"] = "Enter the child's first name or last name"
    try:
        expected = int(post.get("version", ""))
    except ValueError:
        expected = -1
    if context["errors"]:
        return render(request, "people/edit_child.html", context, status=400)
    try:
        edit_child_details(child, actor=request.user, expected_version=expected, changes=changes)
    except StaleVersion as stale:
        context.update(conflict=stale, version=stale.current_version, child=stale.current)
        return render(request, "people/edit_child.html", context, status=409)
    except ClosedRecord:
        context["closed"] = True
        return render(request, "people/edit_child.html", context, status=409)
    messages.success(request, "The child's details were saved.")
    return redirect("people:child", child.pk)


def _dob_parts(value: date | None) -> dict:
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)} if value else {}


# --- warning notes -------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@requires("people.record_warning")
def add_warning(request, pk: int):
    """Record a warning note about the child (risk to staff or others), for a manager to sign off."""
    from safehub.core.access import get_visible_or_404

    child = get_visible_or_404(Child.objects.visible_to(request.user), request.user, pk=pk, action="child.warning_form",
                               purpose="Recording a warning note")
    people = related_people(request.user, child)
    values = {"reason": "", "risk_to": WarningNote.RiskTo.STAFF, "caveat": Caveat.PARTNERSHIP, "review": {},
              "about": "child"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        about = request.POST.get("about", "child")
        subject = next((p for p, _ in people if about == f"person-{p.pk}"), child)
        review, problem = _date_parts(request.POST, "review")
        values = {"reason": request.POST.get("reason", "").strip(), "review": {
            p: request.POST.get(f"review-{p}", "") for p in ("day", "month", "year")},
            "risk_to": request.POST.get("risk_to") if request.POST.get("risk_to") in WarningNote.RiskTo.values
            else WarningNote.RiskTo.STAFF,
            "caveat": request.POST.get("caveat") if request.POST.get("caveat") in Caveat.values else Caveat.PARTNERSHIP,
            "about": about}
        if problem or review is None:
            errors["review-day"] = problem or "Enter a review date"
        if not errors:
            try:
                note = record_warning(subject=subject, actor=request.user, reason=values["reason"], review_date=review,
                                      risk_to=values["risk_to"], caveat=values["caveat"])
            except ValueError as problem_:
                field_name, _, message = str(problem_).partition(": ")
                errors["review-day" if field_name == "review_date" else "reason"] = message
            else:
                messages.success(request, "Warning note recorded. A manager must sign it off before it is confirmed.")
                return redirect("people:warning", note.pk)
    return render(request, "people/warning_form.html", {
        "child": child, "values": values, "errors": errors, "risks": WarningNote.RiskTo.choices,
        "people": [(f"person-{p.pk}", p, relationship) for p, relationship in people],
        "caveats": Caveat.choices}, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@requires("people.view_child")
def warning(request, pk: int):
    """A warning note: sign-off, disclosures (who was told, when), editing from the shown version, ending it."""
    from safehub.core.access import get_visible_or_404

    note = get_visible_or_404(WarningNote.objects.visible_to(request.user).select_related(
        "agency", "recorded_by", "signed_off_by", "child", "person"), request.user, pk=pk, action="warning.view")
    errors: dict[str, str] = {}
    conflict = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "sign_off":
                if not request.user.has_perm("people.sign_off_warning"):
                    raise SignOffRefused("Only a manager (MASH practitioner or panel chair) can sign off a warning note.")
                sign_off_warning(note, actor=request.user)
                messages.success(request, "Warning note signed off.")
            elif action == "disclose":
                told_at, problem = _date_parts(request.POST, "told")
                if problem or told_at is None:
                    errors["told-day"] = problem or "Enter the date they were told"
                    raise ValueError("")
                from django.utils import timezone

                record_disclosure(note, actor=request.user, told=request.POST.get("told", ""),
                                  told_at=timezone.make_aware(datetime.combine(told_at, time(12, 0))),
                                  reason=request.POST.get("disclosure_reason", ""))
                messages.success(request, "Disclosure recorded.")
            elif action == "edit":
                review, problem = _date_parts(request.POST, "review")
                if problem or review is None:
                    errors["review-day"] = problem or "Enter a review date"
                    raise ValueError("")
                risk_to = request.POST.get("risk_to", note.risk_to)
                edit_warning(note, actor=request.user, expected_version=int(request.POST.get("version", "-1")),
                             reason=request.POST.get("reason", ""), review_date=review,
                             risk_to=risk_to if risk_to in WarningNote.RiskTo.values else note.risk_to)
                messages.success(request, "Warning note changed.")
            elif action == "end":
                end_warning(note, actor=request.user, expected_version=int(request.POST.get("version", "-1")),
                            reason=request.POST.get("end_reason", ""))
                messages.success(request, "Warning note ended.")
            else:
                raise ValueError("action: unknown")
        except SignOffRefused as refused:
            errors["sign_off"] = str(refused)
        except StaleVersion as stale:
            conflict = stale
        except ClosedRecord as closed:
            errors["end_reason"] = str(closed)
        except ValueError as problem_:
            field_name, _, message = str(problem_).partition(": ")
            if message:
                errors[field_name if field_name in ("told", "reason") else "end_reason"] = message
        if not errors and conflict is None:
            return redirect("people:warning", note.pk)
        note.refresh_from_db()
    return render(request, "people/warning.html", {
        "note": note, "disclosures": note.disclosures.select_related("recorded_by"), "errors": errors,
        "risks": WarningNote.RiskTo.choices, "review": _dob_parts(note.review_date),
        "conflict": conflict, "can_sign_off": request.user.has_perm("people.sign_off_warning")
        and request.user.pk != note.recorded_by_id and note.status == WarningNote.Status.AWAITING_SIGN_OFF,
    }, status=409 if conflict else (400 if errors else 200))
