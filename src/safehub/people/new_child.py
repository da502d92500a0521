"""Search before create: a new child is recorded only after its recorder searched and saw the results.

The search's audit event is the token: its sequence number (the *search id*) travels from the results page (or the API's
search) to the create form. Recording checks, on the server, that the search id names a `child.search` this same user ran
less than `SEARCH_VALID_FOR` ago, that it searched for something, and that it has not already been used to record a child.
The choice made on the results ("none of these", or an existing child) is audited too.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.core.models import AuditEvent

from .models import Child, Event, RecordLink, SourceRecord
from .services import create_child_from_records, record_event

SEARCH_VALID_FOR = dt.timedelta(minutes=30)
NEW_CHILD_PURPOSE = "Recording a new child"
SEARCH_ACTION = "child.search"
CHOICE_ACTION = "child.search_choice"
RECORDED_ACTION = "child.recorded_after_search"
SAFEHUB_SYSTEM = "safehub"


class SearchRequired(Exception):
    """The create was refused: no search, someone else's, too old, or already used. The message says which."""

    def __init__(self, message: str, *, code: str = "search_required"):
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class NewChildValues:
    given_name: str
    family_name: str
    date_of_birth: dt.date | None = None
    sex: str = "U"
    nhs_number: str = ""
    postcode: str = ""
    address: str = ""
    caveat: str = Caveat.PARTNERSHIP


def checked_search(user, search_id, *, now: dt.datetime | None = None) -> AuditEvent:
    """The user's recent, unused search with this id; raises `SearchRequired` (with a message a user can act on)."""
    now = now or timezone.now()
    if search_id in (None, ""):
        raise SearchRequired("Search for the child first: a new child can only be recorded after a search "
                             "(search_id is required).")
    try:
        seq = int(search_id)
    except (TypeError, ValueError):
        raise SearchRequired("The search id is not valid. Search for the child again.", code="search_invalid") from None
    if not 0 < seq < 2**63:  # beyond any stored id (and beyond what the database can compare)
        raise SearchRequired("The search id is not valid. Search for the child again.", code="search_invalid")
    search = AuditEvent.objects.filter(seq=seq, action=SEARCH_ACTION, actor_id=user.pk, outcome="ok").first()
    if search is None:
        raise SearchRequired("No search of yours has this id. Search for the child again before recording them.",
                             code="search_invalid")
    if now - search.at > SEARCH_VALID_FOR:
        minutes = int(SEARCH_VALID_FOR.total_seconds() // 60)
        raise SearchRequired(f"Your search is more than {minutes} minutes old. Search again: the child may have been "
                             "recorded since.", code="search_expired")
    if AuditEvent.objects.filter(action=RECORDED_ACTION, actor_id=user.pk, detail__search_id=seq).exists():
        raise SearchRequired("A child has already been recorded from this search. Search again to record another.",
                             code="search_used")
    return search


def record_choice(user, search: AuditEvent, *, choice: str, child_id: int | None = None) -> AuditEvent:
    """Audit what the user chose from a search's results: `none_of_these` (go on to record a new child) or a child."""
    return record_audit(user, CHOICE_ACTION, object_type="people.child", object_id=child_id or "",
                        purpose=NEW_CHILD_PURPOSE,
                        detail={"search_id": search.seq, "choice": choice, "results": search.detail.get("results", [])})


@transaction.atomic
def record_new_child(*, actor, search_id, values: NewChildValues, now: dt.datetime | None = None) -> Child:
    """Record a child nobody in the partnership has recorded, after `actor`'s search `search_id` found none of them.

    Creates a `SourceRecord` of the actor's agency (system "safehub": the provenance of every fact on the new child), the
    child from it, and a chronology event. Audits `child.recorded_after_search` with the search id and the results the
    user saw. Raises `SearchRequired` when the search is missing, someone else's, too old or used; ValueError when the
    actor has no agency or no name was given.
    """
    now = now or timezone.now()
    search = checked_search(actor, search_id, now=now)
    if actor.agency_id is None:
        raise ValueError("agency: the person recording a child must belong to an agency")
    if not (values.given_name.strip() or values.family_name.strip()):
        raise ValueError("given_name: enter the child's first name or last name")
    record = SourceRecord.objects.create(
        agency=actor.agency, system=SAFEHUB_SYSTEM, local_id=f"SH-{uuid.uuid4().hex[:12].upper()}",
        subject_type="child", given_name=values.given_name.strip(), family_name=values.family_name.strip(),
        date_of_birth=values.date_of_birth, sex=values.sex, nhs_number=values.nhs_number, postcode=values.postcode,
        address=values.address, caveat=values.caveat, imported_by=actor,
        received={"Entered in safehub by": actor.get_username(), "After search": str(search.seq),
                  "First name": values.given_name, "Last name": values.family_name,
                  "Date of birth": values.date_of_birth.isoformat() if values.date_of_birth else ""},
    )
    child = create_child_from_records([record], decision=RecordLink.Decision.CONFIRMED, actor=actor, audit=False)
    record_event(child=child, agency=actor.agency, type="child.recorded", occurred_at=now,
                 precision=Event.Precision.EXACT, title="Child recorded in safehub",
                 summary=f"Recorded by {actor.agency.name} after a search that found no existing record.",
                 caveat=values.caveat, source_record=record, actor=actor)
    record_audit(actor, RECORDED_ACTION, child, purpose=NEW_CHILD_PURPOSE,
                 detail={"search_id": search.seq, "results_seen": search.detail.get("results", []),
                         "source_record": record.pk})
    return child
