"""Two-factor sign-in, the account's security page, break-glass, and the data protection pages."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from safehub.core.access import get_visible_or_404, requires
from safehub.core.audit import record_audit
from safehub.core.roles import Role
from safehub.people.models import Child, Person

from . import services
from .forms import BreakGlassForm, CodeForm, InspectorForm, ReviewForm, SubjectAccessRequestForm
from .models import BreakGlassGrant, InspectorAccess, SubjectAccessRequest
from .sar import subject_access_export, subject_access_pdf


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=16)
    return image.to_string(encoding="unicode")


@login_required
@requires(None)
def mfa_setup(request):
    """Set up an authenticator app: a QR code (inline SVG) and the secret as text, confirmed with a code from the app."""
    if user_has_device(request.user):
        if not request.user.is_verified():
            return redirect(f"{reverse('trust:mfa_verify')}?{urlencode({'next': _next_url(request)})}")
        return render(request, "trust/mfa_done.html", {"codes": None})
    device = services.pending_totp_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp_device(request.user, device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            return render(request, "trust/mfa_done.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("code", "The code is not right: enter the 6 digits your app shows now")
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "trust/mfa_setup.html", {
        "form": form, "qr_svg": _qr_svg(device.config_url),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), "next": _next_url(request),
    })


@login_required
@requires(None)
def mfa_verify(request):
    """Second step of signing in: a code from the authenticator app or one backup code."""
    if not user_has_device(request.user):
        return redirect("trust:mfa_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_second_factor(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", "The code is not right, or has been used: try the code your app shows now")
    return render(request, "trust/mfa_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@requires(None)
def account(request):
    """The account's security settings: two-factor status, new backup codes, sign out everywhere."""
    codes = None
    if request.method == "POST" and request.POST.get("action") == "backup_codes" and user_has_device(request.user):
        codes = services.issue_backup_codes(request.user)
    return render(request, "trust/account.html", {"has_device": user_has_device(request.user), "codes": codes})


@login_required
@requires(None)
@require_POST
def sign_out_everywhere(request):
    services.sign_out_everywhere(request.user)
    logout(request)
    messages.info(request, "You have been signed out on every device.")
    return redirect("login")


@login_required
@requires("trust.break_glass")
def break_glass(request, child_pk: int):
    """Open a child's record outside your usual scope, giving a reason. The page audits every visit; the record itself is
    shown only through `services.break_glass_view`, which grants an hour's access and alerts the data protection role."""
    child = Child.objects.filter(pk=child_pk).first()
    if child is None:
        record_audit(request.user, "child.break_glass_form", object_type="people.child", object_id=str(child_pk)[:64],
                     outcome="not_found")
        raise Http404("No such record")
    now = timezone.now()
    already_visible = Child.objects.visible_to(request.user).filter(pk=child.pk).exists()
    form = BreakGlassForm(request.POST or None)
    grant = services.active_grant(request.user, child, now)
    if request.method == "POST" and form.is_valid():
        summary = services.break_glass_view(request.user, child, form.cleaned_data["reason"], now=now)
        return render(request, "trust/break_glass_record.html", {"summary": summary})
    if request.method == "GET" and grant is not None:
        summary = services.break_glass_view(request.user, child, grant.reason, now=now)
        return render(request, "trust/break_glass_record.html", {"summary": summary})
    if request.method == "GET":
        record_audit(request.user, "child.break_glass_form", child, outcome="ok")
    return render(request, "trust/break_glass.html", {"child_pk": child.pk, "form": form, "already_visible": already_visible})


@login_required
@requires("trust.review_break_glass")
def break_glass_report(request):
    """Every break-glass use, newest first, for the data protection role to review."""
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            grant = BreakGlassGrant.objects.visible_to(request.user).filter(pk=form.cleaned_data["grant"]).first()
            if grant is None:
                raise Http404("No such break-glass use")
            services.review_break_glass(grant, actor=request.user, note=form.cleaned_data["note"], now=timezone.now())
            messages.success(request, "Marked as reviewed.")
        return redirect("trust:break_glass_report")
    grants = BreakGlassGrant.objects.visible_to(request.user).select_related("user", "user__agency", "reviewed_by")[:200]
    return render(request, "trust/break_glass_report.html", {"grants": grants, "now": timezone.now()})


@login_required
@requires("trust.manage_subject_access")
def sar_list(request):
    requests = SubjectAccessRequest.objects.visible_to(request.user).select_related("created_by")
    return render(request, "trust/sar_list.html", {"requests": requests, "today": timezone.localdate()})


def _subject_for(user, subject_type: str, pk: int):
    model = Child if subject_type == "child" else Person
    # The data protection role answers requests about anyone; a MASH practitioner only about subjects visible to them.
    queryset = model.objects.all() if user.has_role(Role.ADMINISTRATOR) else model.objects.visible_to(user)
    return queryset.filter(pk=pk).first()


@login_required
@requires("trust.manage_subject_access")
def sar_new(request):
    form = SubjectAccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = _subject_for(request.user, data["subject_type"], data["subject_id"])
        if subject is None:
            form.add_error("subject_id", "There is no record with that number that you can see")
        else:
            sar = services.create_subject_access_request(
                actor=request.user, requester=data["requester"], received=data["received"],
                **{data["subject_type"]: subject},
            )
            messages.success(request, f"Request {sar.reference} logged: due {sar.due:%-d %B %Y}.")
            return redirect("trust:sar", sar.pk)
    return render(request, "trust/sar_new.html", {"form": form})


def _sar(request, pk: int, action: str) -> SubjectAccessRequest:
    return get_visible_or_404(
        SubjectAccessRequest.objects.visible_to(request.user).select_related("child", "person"), request.user, pk=pk,
        action=action, purpose="Subject access request",
    )


@login_required
@requires("trust.manage_subject_access")
def sar_detail(request, pk: int):
    sar = _sar(request, pk, "sar.view")
    return render(request, "trust/sar_detail.html", {"sar": sar})


@login_required
@requires("trust.manage_subject_access")
def sar_json(request, pk: int):
    sar = _sar(request, pk, "sar.export_json")
    now = timezone.now()
    export = subject_access_export(sar, now=now)
    services.mark_sar_exported(sar, now=now)
    response = HttpResponse(json.dumps(export, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{sar.reference}.json"'
    return response


@login_required
@requires("trust.manage_subject_access")
def sar_pdf(request, pk: int):
    sar = _sar(request, pk, "sar.export_pdf")
    now = timezone.now()
    pdf = subject_access_pdf(subject_access_export(sar, now=now))
    services.mark_sar_exported(sar, now=now)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{sar.reference}.pdf"'
    return response


@login_required
@requires("trust.manage_retention")
def retention(request):
    """The retention rules in force and what a run today would anonymise (counts and references, no names)."""
    from .retention import due_for_anonymising, rules

    due = due_for_anonymising(timezone.localdate())
    return render(request, "trust/retention.html", {"rules": rules().values(), "due": due[:200], "due_count": len(due)})


@login_required
@requires("trust.manage_inspectors")
def inspectors(request):
    """Inspector logins: create one with an expiry (the password is shown once), see who has access, end it early."""
    form = InspectorForm(request.POST or None)
    created = None
    now = timezone.now()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            access, password = services.create_inspector(
                actor=request.user, username=data["username"], first_name=data["first_name"], last_name=data["last_name"],
                email=data["email"], organisation=data["organisation"], purpose=data["purpose"], starts_at=now,
                expires_at=now + timedelta(days=data["days"]), now=now,
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else "days", errors)
        else:
            created = (access, password)
            form = InspectorForm()
    accesses = InspectorAccess.objects.visible_to(request.user).select_related("user", "created_by", "ended_by")[:200]
    return render(request, "trust/inspectors.html", {"form": form, "created": created, "accesses": accesses, "now": now})


@login_required
@requires("trust.manage_inspectors")
@require_POST
def inspector_end(request, pk: int):
    access = InspectorAccess.objects.visible_to(request.user).filter(pk=pk).select_related("user").first()
    if access is None:
        raise Http404("No such inspector access")
    services.end_inspector_access(access, actor=request.user, now=timezone.now())
    messages.success(request, f"Access for {access.user.username} has ended and their sessions are closed.")
    return redirect("trust:inspectors")
