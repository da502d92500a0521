"""Read queries for the data protection role's dashboard panel."""

from __future__ import annotations

from .models import BreakGlassGrant, SubjectAccessRequest


def data_protection_counts(user) -> dict[str, int]:
    return {
        "break_glass_unreviewed": BreakGlassGrant.objects.visible_to(user).unreviewed().count(),
        "sars_open": SubjectAccessRequest.objects.visible_to(user).exclude(status=SubjectAccessRequest.Status.COMPLETED).count(),
    }
