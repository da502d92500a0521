"""Upload a file, map its columns, run the import and read the report. Own agency only, through `visible_to`.

The file being imported is kept between steps under var/imports/uploads/<agency>/<random token>/ and named in the
session; nothing the person typed becomes part of a path.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.core.access import get_visible_or_404, requires

from .dfe.services import import_return, return_format_of
from .forms import MappingForm, RunForm, UploadForm, file_kind_of
from .models import IMPORT_PERMISSION, ImportRun, MappingProfile
from .parsers import FIELD_LABELS, UnreadableFile, describe_date_format, read_preview
from .selectors import profiles_for, run_report, runs_for
from .services import import_file, save_profile

SESSION_KEY = "imports.upload"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _upload_root(agency_code: str) -> Path:
    return Path(settings.VAR_DIR) / "imports" / "uploads" / agency_code


def _pending_upload(request) -> dict | None:
    """The file this user uploaded and has not yet imported, if it is still there."""
    upload = request.session.get(SESSION_KEY)
    if not upload or not _TOKEN.match(upload.get("token", "")) or upload.get("agency") != request.user.agency_id:
        return None
    path = _upload_root(request.user.agency.code) / upload["token"] / f"upload.{upload['kind']}"
    if not path.is_file():
        return None
    return {**upload, "path": path}


def _discard_upload(request, upload: dict | None) -> None:
    if upload:
        shutil.rmtree(upload["path"].parent, ignore_errors=True)
    request.session.pop(SESSION_KEY, None)


@login_required
@requires(IMPORT_PERMISSION)
def run_list(request):
    return render(
        request, "imports/run_list.html", {"runs": runs_for(request.user), "upload": _pending_upload(request)}
    )


@login_required
@requires(IMPORT_PERMISSION)
@require_http_methods(["GET", "POST"])
def upload(request):
    profiles = profiles_for(request.user)
    bound = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = UploadForm(*bound, profiles=profiles)
    if request.method == "POST" and form.is_valid():
        _discard_upload(request, _pending_upload(request))
        received = form.cleaned_data["file"]
        kind = file_kind_of(received.name)
        token = secrets.token_hex(16)
        directory = _upload_root(request.user.agency.code) / token
        directory.mkdir(parents=True)
        path = directory / f"upload.{kind}"
        digest = hashlib.sha256()
        with path.open("wb") as out:
            for chunk in received.chunks():
                out.write(chunk)
                digest.update(chunk)
        profile = form.cleaned_data.get("profile")
        request.session[SESSION_KEY] = {
            "token": token,
            "kind": kind,
            "name": Path(received.name).name[:255],
            "agency": request.user.agency_id,
            "profile": profile.pk if profile else None,
            "sha256": digest.hexdigest(),
        }
        return redirect("imports:confirm" if profile else "imports:map")
    return render(request, "imports/upload.html", {"form": form, "has_profiles": profiles.exists()})


@login_required
@requires(IMPORT_PERMISSION)
@require_http_methods(["GET", "POST"])
def map_columns(request):
    pending = _pending_upload(request)
    if pending is None:
        return redirect("imports:upload")
    sheet = request.GET.get("sheet", "") or request.POST.get("sheet", "")
    try:
        preview = read_preview(pending["path"], file_kind=pending["kind"], sheet_name=sheet)
    except UnreadableFile as error:
        return render(request, "imports/unreadable.html", {"upload": pending, "reason": error.reason}, status=422)
    form = MappingForm(
        request.POST if request.method == "POST" else None,
        header=preview.header,
        file_kind=pending["kind"],
        sheet_name=preview.sheet,
        agency=request.user.agency,
        initial={"header_row": preview.header_row, "local_id_column": preview.header[0] if preview.header else ""},
    )
    if request.method == "POST" and form.is_valid():
        profile = save_profile(request.user.agency, form.spec, actor=request.user)
        request.session[SESSION_KEY] = {**request.session[SESSION_KEY], "profile": profile.pk}
        messages.success(request, f"Profile ‘{profile.name}’ saved")
        return redirect("imports:confirm")
    return render(request, "imports/map.html", {"form": form, "preview": preview, "upload": pending})


@login_required
@requires(IMPORT_PERMISSION)
@require_http_methods(["GET", "POST"])
def confirm(request):
    pending = _pending_upload(request)
    profile = MappingProfile.objects.visible_to(request.user).filter(pk=(pending or {}).get("profile")).first()
    if pending is None or profile is None:
        return redirect("imports:upload" if pending is None else "imports:map")
    form = RunForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        mode = form.cleaned_data["mode"]
        if return_format := return_format_of(profile):  # a DfE return (Annex A, SSDA903): its own parser reads it
            run = import_return(
                pending["path"],
                request.user.agency,
                return_format,
                request.user,
                dry_run=mode == RunForm.Mode.DRY_RUN,
                accept_valid=mode == RunForm.Mode.ACCEPT_VALID,
                file_name=pending["name"],
                reports_dir=Path(settings.VAR_DIR) / "imports" / "reports" / request.user.agency.code,
            )
        else:
            run = import_file(
                pending["path"],
                request.user.agency,
                profile,
                request.user,
                dry_run=mode == RunForm.Mode.DRY_RUN,
                accept_valid=mode == RunForm.Mode.ACCEPT_VALID,
                file_name=pending["name"],
                reports_dir=Path(settings.VAR_DIR) / "imports" / "reports" / request.user.agency.code,
            )
        if run.status != ImportRun.Status.DRY_RUN:
            _discard_upload(request, pending)
        if run.already_imported:
            messages.success(request, "This file was imported before: nothing new was imported")
        return redirect("imports:run", pk=run.pk)
    return render(
        request,
        "imports/confirm.html",
        {"form": form, "upload": pending, "profile": profile, "mapping": _mapping_rows(profile)},
    )


def _mapping_rows(profile: MappingProfile) -> list[tuple[str, str]]:
    spec = profile.spec()
    rows = [(FIELD_LABELS["local_id"], spec.local_id_column)]
    rows += [
        (FIELD_LABELS[target], ", ".join(spec.columns_for(target))) for target in FIELD_LABELS if target != "local_id"
    ]
    rows.append(("Date formats", " or ".join(describe_date_format(f) for f in spec.date_formats)))
    return [(label, columns) for label, columns in rows if columns]


@login_required
@requires(IMPORT_PERMISSION)
def run_detail(request, pk: int):
    run = get_visible_or_404(
        ImportRun.objects.visible_to(request.user).select_related("profile", "started_by", "agency"),
        request.user,
        pk=pk,
        action="import.run.view",
    )
    pending = _pending_upload(request)
    if pending and (pending.get("profile") != run.profile_id or pending.get("sha256") != run.content_hash):
        pending = None
    return render(request, "imports/run_detail.html", {"report": run_report(run), "run": run, "upload": pending})


@login_required
@requires(IMPORT_PERMISSION)
def profile_list(request):
    return render(request, "imports/profile_list.html", {"profiles": profiles_for(request.user)})


@login_required
@requires(IMPORT_PERMISSION)
def profile_yaml(request, pk: int):
    """The profile as YAML, to use with `safehub import --profile-file`."""
    profile = get_visible_or_404(
        MappingProfile.objects.visible_to(request.user), request.user, pk=pk, action="import.profile.download"
    )
    response = HttpResponse(profile.to_yaml(), content_type="application/yaml; charset=utf-8")
    slug = re.sub(r"[^a-z0-9]+", "_", profile.name.lower()).strip("_") or "profile"
    response["Content-Disposition"] = f'attachment; filename="{slug}.yaml"'
    return response
