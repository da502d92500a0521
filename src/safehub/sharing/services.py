"""Recording share decisions. Each writes the log row, a chronology event linked to it, and an audit event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.people.models import Event
from safehub.people.services import record_event

from .models import ShareDecision


@transaction.atomic
def record_share_decision(*, child, actor, decision: str, shared_with: str, information: str, basis: str,
                          lawful_basis: str, reason: str, shared_with_agency=None, decided_at=None) -> ShareDecision:
    """Log a decision to share (or not) information about `child`; it appears in the child's chronology.

    Audits `share_decision.recorded`. Raises ValueError naming the field when a required value is missing.
    """
    for name, value in (("shared_with", shared_with), ("information", information), ("reason", reason)):
        if not (value or "").strip():
            raise ValueError(f"{name}: required")
    if actor.agency_id is None:
        raise ValueError("decided_by: the person deciding must belong to an agency")
    item = ShareDecision.objects.create(
        child=child, decision=decision, shared_with=shared_with.strip(), shared_with_agency=shared_with_agency,
        information=information.strip(), basis=basis, lawful_basis=lawful_basis, reason=reason.strip(),
        decided_at=decided_at or timezone.now(), decided_by=actor, decided_by_agency_id=actor.agency_id,
    )
    verb = "Information shared with" if decision == ShareDecision.Decision.SHARE else "Decided not to share with"
    record_event(
        child=child, agency=actor.agency, type="share.decision", occurred_at=item.decided_at,
        precision=Event.Precision.EXACT, title=f"{verb} {item.shared_with}", summary=item.information,
        outcome=f"{item.get_basis_display()}. {item.reason}", caveat=Caveat.PARTNERSHIP, detail=item, actor=actor,
        significance=Event.Significance.NOTABLE,
    )
    record_audit(actor, "share_decision.recorded", item, detail={"child": child.pk, "decision": decision})
    return item
