"""Writing and verifying the hash-chained audit trail.

Every view of a child's or person's data and every change goes through `record_audit`. The chain is linear: each event stores
the previous event's hash, and its own hash covers that and its content, so editing any stored field, deleting an event or
reordering events breaks verification at the first affected link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .middleware import current_client_ip
from .models import AuditChainHead, AuditEvent, User

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    content = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "purpose": event.purpose,
        "ip": event.ip,
        "outcome": event.outcome,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def hash_of(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record_audit(
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str = "",
    object_id: str | int = "",
    purpose: str = "",
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event to the audit chain (in the caller's transaction, or its own)."""
    if obj is not None:
        object_type, object_id = object_ref(obj)
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor_obj,
            actor_label=actor_obj.get_username() if actor_obj else "anonymous",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            purpose=purpose,
            ip=ip if ip is not None else current_client_ip(),
            outcome=outcome,
            detail=json.loads(json.dumps(detail or {}, default=str)),
            prev_hash=head.hash,
        )
        event.hash = hash_of(event)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify_chain(events: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Walk the chain from the start; report the first event whose link or content does not match."""
    if events is None:
        events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    previous_hash, expected_seq, checked = GENESIS, 1, 0
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(
                False, checked, expected_seq, f"event {expected_seq} is missing (next found is {event.seq})"
            )
        if event.prev_hash != previous_hash:
            return ChainReport(False, checked, event.seq, f"event {event.seq} does not follow event {event.seq - 1}")
        if hash_of(event) != event.hash:
            return ChainReport(False, checked, event.seq, f"event {event.seq} was altered after it was written")
        previous_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != previous_hash):
        return ChainReport(
            False, checked, expected_seq, f"events after {expected_seq - 1} were removed (head is {head.seq})"
        )
    return ChainReport(True, checked)
