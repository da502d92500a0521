"""Optimistic locking for records people edit in a browser: a save from a stale page is refused, never merged.

Any model with a positive-integer `version` field can use it (other apps: add `version = PositiveIntegerField(default=1)`
and call `save_with_version`). The page carries the version it was drawn from; the save is one conditional UPDATE
(`WHERE pk = … AND version = …`), so two people saving at once cannot both win. A record that is closed (its model's
`is_closed` is true) is refused too: editing it must never reopen it as a side effect.

>>> save_with_version(child, expected_version=3, changes={"given_name": "Olivia"}, actor=user, action="child.edited")
... # raises StaleVersion (with both versions) when someone else saved version 4 meanwhile
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import F

from safehub.core.audit import record_audit

__all__ = ["ClosedRecord", "FieldConflict", "StaleVersion", "save_with_version"]


@dataclass(frozen=True)
class FieldConflict:
    field: str
    label: str
    yours: Any
    current: Any


class StaleVersion(Exception):
    """Someone saved the record after this page was drawn. Nothing was written; `conflicts` shows both versions."""

    def __init__(self, obj: models.Model, expected_version: int, changes: dict[str, Any]):
        self.current = obj  # reloaded from the database
        self.expected_version = expected_version
        self.current_version = obj.version
        self.changes = changes
        self.conflicts = [
            FieldConflict(name, str(obj._meta.get_field(name).verbose_name).capitalize(), value, getattr(obj, name))
            for name, value in changes.items()
        ]
        super().__init__(
            f"This record was changed by someone else (you started from version {expected_version}, it is now version "
            f"{obj.version}). Nothing was saved: compare your changes with the current record and try again."
        )


class ClosedRecord(Exception):
    """The record is closed; a change would silently reopen or alter it."""

    def __init__(self, obj: models.Model):
        self.current = obj
        super().__init__("This record is closed and cannot be edited. Nothing was saved.")


@transaction.atomic
def save_with_version(
    obj: models.Model,
    expected_version: int,
    changes: dict[str, Any],
    *,
    actor=None,
    action: str = "",
    purpose: str = "",
) -> models.Model:
    """Apply `changes` to `obj` only if it is still at `expected_version`; bump the version; audit the change.

    Raises `StaleVersion` (nothing written, both versions attached) when the stored version differs, and `ClosedRecord`
    when the stored record is closed. Audits `action` (default `<model>.edited`) with each changed field's before and after.
    Returns the object refreshed from the database.
    """
    model = type(obj)
    manager = model._default_manager
    stored = manager.select_for_update().get(pk=obj.pk)
    if getattr(stored, "is_closed", False):
        raise ClosedRecord(stored)
    if stored.version != expected_version:
        raise StaleVersion(stored, expected_version, changes)
    before = {name: getattr(stored, name) for name in changes}
    update = {**changes, "version": F("version") + 1}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        from django.utils import timezone

        update["updated_at"] = timezone.now()
    written = manager.filter(pk=obj.pk, version=expected_version).update(**update)
    if written != 1:  # pragma: no cover - the row lock above makes this unreachable on PostgreSQL; SQLite serialises
        raise StaleVersion(manager.get(pk=obj.pk), expected_version, changes)
    obj.refresh_from_db()
    changed = {name: {"before": before[name], "after": getattr(obj, name)} for name in changes
               if before[name] != getattr(obj, name)}
    record_audit(actor, action or f"{model._meta.model_name}.edited", obj, purpose=purpose,
                 detail={"version": obj.version, "changes": changed})
    return obj
