"""The Philomena profile as a PDF for the police (WeasyPrint). The photo is embedded from private storage, so the file is
complete on its own and no URL to the photo leaves safehub."""

from __future__ import annotations

import base64
import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from .models import PhilomenaProfile


def _photo_data_uri(profile: PhilomenaProfile) -> str:
    if not profile.photo:
        return ""
    with profile.photo.open("rb") as handle:
        data = handle.read()
    kind = "png" if profile.photo.name.endswith(".png") else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def philomena_pdf(profile: PhilomenaProfile, *, name: str, exported_by, now: dt.datetime) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "missing/profile_police_pdf.html",
        {
            "profile": profile,
            "name": name,
            "child": profile.child,
            "photo": _photo_data_uri(profile),
            "exported_by": exported_by,
            "exported_at": timezone.localtime(now),
            "review_overdue": profile.review_overdue(timezone.localdate(now)),
        },
    )
    # No base URL: the photo is embedded as a data URI, and nothing else is fetched.
    return HTML(string=html).write_pdf()
