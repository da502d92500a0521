"""Who may do what: named predicates (the `rules` library) and the fetch-or-404 helper every personal-data view uses.

Querysets decide *which rows* a user sees (`visible_to(user)` on each personal-data model); the predicates here decide *which
pages and actions* a user may use. Both are tested as a matrix in tests/test_permission_matrix.py.
"""

from __future__ import annotations

import functools

import rules
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from .audit import record_audit
from .roles import Role


def _role(role: Role):
    @rules.predicate(name=f"has_role_{role.value}")
    def predicate(user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.has_role(role)

    return predicate


is_mash_practitioner = _role(Role.MASH_PRACTITIONER)
is_agency_contributor = _role(Role.AGENCY_CONTRIBUTOR)
is_panel_chair = _role(Role.PANEL_CHAIR)
is_missing_coordinator = _role(Role.MISSING_COORDINATOR)
is_analyst = _role(Role.ANALYST)
is_board_member = _role(Role.BOARD_MEMBER)
is_administrator = _role(Role.ADMINISTRATOR)

reads_case_data = is_mash_practitioner | is_panel_chair | is_missing_coordinator | is_agency_contributor

rules.add_perm("core.view_audit", is_administrator)
rules.add_perm("core.manage_users", is_administrator)
rules.add_perm("people.search_children", reads_case_data)
rules.add_perm("people.view_child", reads_case_data)
rules.add_perm("people.view_source_record", reads_case_data)
rules.add_perm("performance.view_aggregates", is_analyst | is_board_member | is_mash_practitioner)


def get_visible_or_404(queryset: models.QuerySet, user, *, pk, action: str, purpose: str = "", object_type: str = ""):
    """Fetch one object through a `visible_to(user)` queryset, audit the attempt, and raise 404 when it is not visible.

    Missing and forbidden are indistinguishable to the caller; the audit trail records which it was.
    """
    try:
        obj = queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        model = queryset.model
        exists = model._default_manager.filter(pk=pk).exists() if str(pk).isdigit() else False
        record_audit(
            user,
            action,
            object_type=object_type or model._meta.label_lower,
            object_id=str(pk)[:64],
            purpose=purpose,
            outcome="denied" if exists else "not_found",
        )
        raise Http404("No such record") from None
    record_audit(user, action, obj, purpose=purpose)
    return obj


def requires(permission: str | None):
    """Declare the permission a view needs (None: any signed-in user). The permission matrix test reads the declaration."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if permission is not None and not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.safehub_permission = permission or "authenticated"
        return wrapped

    return decorator
