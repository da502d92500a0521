"""Read queries for the review queue and linkage runs."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import LinkageRun, ReviewPair


def review_queue(user) -> QuerySet[ReviewPair]:
    return (
        ReviewPair.objects.visible_to(user)
        .filter(status=ReviewPair.Status.OPEN)
        .select_related("left__agency", "right__agency", "left__link", "right__link")
    )


def recent_runs(limit: int = 20) -> list[LinkageRun]:
    return list(LinkageRun.objects.select_related("model", "started_by")[:limit])


COMPARED_FIELDS = [
    ("Given name", "given_name"),
    ("Family name", "family_name"),
    ("Date of birth", "date_of_birth"),
    ("Sex", "sex"),
    ("NHS number", "nhs_number"),
    ("UPN", "upn"),
    ("Postcode", "postcode"),
    ("Address", "address"),
]


def side_by_side(pair: ReviewPair) -> list[dict]:
    rows = []
    for label, attribute in COMPARED_FIELDS:
        left, right = getattr(pair.left, attribute), getattr(pair.right, attribute)
        rows.append({"label": label, "left": left, "right": right,
                     "same": bool(left) and str(left).strip().lower() == str(right).strip().lower()})
    return rows
