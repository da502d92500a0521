"""The Django side of real-time search: the process's index, kept fresh; scoping to the user; the audit.

One index per process, built lazily on first use (``warm_up()`` builds it at server start). It is checked for changes at
most every ``SAFEHUB_SEARCH_REFRESH_SECONDS`` (default 30) by comparing a cheap signature of the source records and links
(counts, newest ids, newest link decision, sum of linked child ids); saves in this process (post_save/post_delete on
source records, links, names and linkage models) mark it stale at once. A small index is rebuilt in the request that
notices; one over ``SAFEHUB_SEARCH_BACKGROUND_ROWS`` rows (default 200,000) is rebuilt in a background thread while the
old one keeps answering.

Scoping: the index proposes candidate rows the user's agency and role may match on (:class:`Scope`, the source-record
caveat rules); the database then has the final word — the matched records through ``SourceRecord.objects.visible_to``,
the children through ``Child.objects.visible_to`` (restrictions to named users included).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Count, Max, Sum
from django.db.models.signals import post_delete, post_save

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.core.models import AuditEvent
from safehub.core.roles import PARTNERSHIP_CASE_ROLES, Role
from safehub.linkage.engine import TrainedModel
from safehub.people.models import Child, Name, RecordLink, SourceRecord

from .index import ORIGIN_RECORD, ORIGIN_SAFEHUB, SearchIndex
from .query import PairScorer, RecordMatch, Scope, SearchQuery, search_index
from .scoring import search_model

__all__ = ["ChildMatch", "current_index", "find_children", "find_children_audited", "invalidate", "reset", "scope_for",
           "warm_up"]

_LOGGER = logging.getLogger("safehub.search")
#: Hits more than this many bits below the best are left out (a likelihood ratio of about a million to one).
SHOW_WITHIN_BITS = 20.0


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


# --- the process's index ---------------------------------------------------------------------------------------------


def index_rows() -> Iterator[dict[str, Any]]:
    """Every child's source records (links a practitioner rejected left out), then names recorded in safehub itself."""
    fields = ("pk", "link__child_id", "agency_id", "caveat", "given_name", "family_name", "date_of_birth", "sex",
              "postcode", "address", "nhs_number", "upn", "police_id")
    records = (SourceRecord.objects.filter(link__child__isnull=False)
               .exclude(link__decision=RecordLink.Decision.REJECTED).order_by("pk").values_list(*fields))
    for pk, child_id, agency_id, caveat, *values in records.iterator(chunk_size=5000):
        row = dict(zip(fields[4:], values, strict=True))
        row["sex"] = row["sex"] if row["sex"] in ("M", "F") else None
        yield {"record_id": pk, "child_id": child_id, "agency_id": agency_id, "caveat": caveat, "origin": ORIGIN_RECORD,
               **row}
    names = (Name.objects.filter(source_record__isnull=True, child__isnull=False).order_by("pk")
             .values_list("pk", "child_id", "given_name", "family_name", "child__date_of_birth"))
    for pk, child_id, given, family, dob in names.iterator(chunk_size=5000):
        yield {"record_id": pk, "child_id": child_id, "agency_id": 0, "caveat": "", "origin": ORIGIN_SAFEHUB,
               "given_name": given, "family_name": family, "date_of_birth": dob}


def signature() -> tuple:
    """Changes whenever a record is added, re-imported or removed, a link is made, moved or decided, a name is recorded
    in safehub, or a new linkage model is activated."""
    from safehub.linkage.models import LinkageModel

    records = SourceRecord.objects.aggregate(n=Count("id"), top=Max("id"), run=Max("import_run_id"))
    links = RecordLink.objects.aggregate(n=Count("id"), top=Max("id"), at=Max("decided_at"), children=Sum("child_id"))
    names = Name.objects.filter(source_record__isnull=True).aggregate(n=Count("id"), top=Max("id"))
    model = LinkageModel.objects.filter(active=True).order_by("-version").values_list("pk", flat=True).first()
    return (tuple(records.values()), tuple(links.values()), tuple(names.values()), model)


def active_model(records: int) -> tuple[TrainedModel, int | None]:
    """The newest active linkage model (built-in parameters when none is trained yet) and its database id."""
    from safehub.linkage.models import LinkageModel

    row = LinkageModel.objects.filter(active=True).order_by("-version").values("pk", "definition").first()
    if row is None:
        return search_model(None, records), None
    return search_model(row["definition"], records), row["pk"]


@dataclass
class _State:
    index: SearchIndex | None = None
    scorer: PairScorer | None = None
    model_id: int | None = None
    checked_at: float = 0.0
    dirty: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    builder: threading.Thread | None = None


_STATE = _State()


def _build() -> tuple[SearchIndex, PairScorer, int | None]:
    sig = signature()
    index = SearchIndex.build(index_rows(), signature=sig)
    model, model_id = active_model(len(index))
    _LOGGER.info("search index built: %s rows in %.1f s (%.0f MB)", len(index), index.build_seconds, index.nbytes / 1e6)
    return index, PairScorer(model), model_id


def _install(built: tuple[SearchIndex, PairScorer, int | None]) -> None:
    _STATE.index, _STATE.scorer, _STATE.model_id = built
    _STATE.checked_at = time.monotonic()


def _build_in_background() -> None:
    def run() -> None:
        try:
            built = _build()
            with _STATE.lock:
                _install(built)
        except Exception:  # pragma: no cover - logged; the old index keeps answering
            _LOGGER.exception("search index rebuild failed")
        finally:
            _STATE.builder = None
            close_old_connections()

    _STATE.builder = threading.Thread(target=run, name="safehub-search-index", daemon=True)
    _STATE.builder.start()


def current_index() -> tuple[SearchIndex, PairScorer]:
    """The process's index and scorer, built on first use and rebuilt when the data changed (see the module docstring)."""
    with _STATE.lock:
        if _STATE.index is None:
            _install(_build())
            _STATE.dirty = False
        elif _STATE.builder is None:
            interval = float(_setting("SAFEHUB_SEARCH_REFRESH_SECONDS", 30))
            due = time.monotonic() - _STATE.checked_at >= interval
            if _STATE.dirty or due:
                stale = _STATE.dirty or signature() != _STATE.index.signature
                _STATE.dirty = False
                _STATE.checked_at = time.monotonic()
                if stale:
                    if len(_STATE.index) > int(_setting("SAFEHUB_SEARCH_BACKGROUND_ROWS", 200_000)):
                        _build_in_background()
                    else:
                        _install(_build())
        assert _STATE.index is not None and _STATE.scorer is not None
        return _STATE.index, _STATE.scorer


def warm_up() -> SearchIndex:
    """Build the index now (call at server start so the first search is not the one that waits)."""
    return current_index()[0]


def invalidate(**kwargs: Any) -> None:
    """Mark the index stale: the next search rebuilds it (connected to saves of records, links, names and models)."""
    _STATE.dirty = True


def reset() -> None:
    """Forget the index entirely (tests)."""
    with _STATE.lock:
        _STATE.index, _STATE.scorer, _STATE.model_id, _STATE.dirty = None, None, None, False


def _connect_signals() -> None:
    from safehub.linkage.models import LinkageModel

    for model in (SourceRecord, RecordLink, Name, LinkageModel):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"safehub.search.save.{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"safehub.search.delete.{model.__name__}")


_connect_signals()


# --- scoping and the search itself -----------------------------------------------------------------------------------


def scope_for(user) -> Scope:
    """The rows a user may match on: as ``people.models._caveat_filter`` reads source records."""
    roles = user.role_codes if getattr(user, "is_authenticated", False) and user.is_active else frozenset()
    own = user.agency_id if getattr(user, "agency_id", None) else None
    if Role.MASH_PRACTITIONER in roles:
        return Scope(own, frozenset({Caveat.PARTNERSHIP, Caveat.MASH_ONLY}), safehub_names=True)
    if roles & PARTNERSHIP_CASE_ROLES:
        return Scope(own, frozenset({Caveat.PARTNERSHIP}), safehub_names=True)
    if Role.AGENCY_CONTRIBUTOR in roles:
        return Scope(own)
    return Scope()


@dataclass(frozen=True)
class ChildMatch:
    """A child the search found, as this user may see it: partnership roles see the single view; agency contributors
    their own agency's record of the child."""

    child_id: int
    name: str
    date_of_birth: date | None
    nhs_number: str
    restricted: bool
    score: float  # match probability, 0..1
    match_weight: float
    matched_on: tuple[str, ...]
    record_id: int | None  # the best-matching source record (None when a name recorded in safehub matched best)
    matched_in: str = ""  # where that is: "Health record (RiO)", "name recorded in safehub"

    @property
    def score_percent(self) -> str:
        percent = self.score * 100
        if percent >= 99.95:
            return "over 99.9%"
        if percent < 0.1:
            return "under 0.1%"
        return f"{percent:.1f}%"

    @property
    def matched_on_text(self) -> str:
        return "; ".join(self.matched_on)


def _rank(user, matches: list[RecordMatch], limit: int) -> list[ChildMatch]:
    record_ids = [m.record_id for m in matches if m.origin == ORIGIN_RECORD]
    records = {r["pk"]: r for r in SourceRecord.objects.visible_to(user).filter(pk__in=record_ids)
               .values("pk", "given_name", "family_name", "date_of_birth", "nhs_number", "agency__name", "system")}
    children = {c.pk: c for c in Child.objects.visible_to(user).filter(pk__in={m.child_id for m in matches},
                                                                       merged_into__isnull=True)}
    partnership = bool(user.role_codes & PARTNERSHIP_CASE_ROLES)
    hits: list[ChildMatch] = []
    seen: set[int] = set()
    best = None
    for match in matches:
        child = children.get(match.child_id)
        if child is None or match.child_id in seen:
            continue
        record = records.get(match.record_id) if match.origin == ORIGIN_RECORD else None
        if record is None and not (match.origin == ORIGIN_SAFEHUB and partnership):
            continue
        if best is None:
            best = match.match_weight
        elif match.match_weight < best - SHOW_WITHIN_BITS:
            break
        seen.add(match.child_id)
        if partnership or record is None:
            name, dob, nhs = child.full_name, child.date_of_birth, child.nhs_number
        else:
            name = f"{record['given_name']} {record['family_name']}".strip() or "Name not known"
            dob, nhs = record["date_of_birth"], record["nhs_number"]
        hits.append(ChildMatch(
            child_id=child.pk, name=name, date_of_birth=dob, nhs_number=nhs, restricted=child.restricted,
            score=match.probability, match_weight=match.match_weight, matched_on=tuple(match.matched_on),
            record_id=match.record_id if match.origin == ORIGIN_RECORD else None,
            matched_in=f"{record['agency__name']} record ({record['system']})" if record else "name recorded in safehub",
        ))
        if len(hits) >= limit:
            break
    return hits


def find_children(user, query: SearchQuery, *, purpose: str, limit: int = 20) -> list[ChildMatch]:
    """Children matching ``query`` that ``user`` may see, best first, each with its score and what matched.

    Agency contributors match on their own agency's records only. Audits one ``child.search`` event with the purpose, the
    query and the ids of the children found (also when nothing is found); an empty query finds nothing and is not audited.
    """
    return find_children_audited(user, query, purpose=purpose, limit=limit)[0]


def find_children_audited(user, query: SearchQuery, *, purpose: str, limit: int = 20
                          ) -> tuple[list[ChildMatch], AuditEvent | None]:
    """As `find_children`, also returning the search's audit event: its sequence number is the search id that recording a
    new child requires (see `safehub.people.new_child`). None when the query was empty (nothing searched, nothing audited)."""
    if query.is_empty:
        return [], None
    index, scorer = current_index()
    matches = search_index(index, scorer, query, scope=scope_for(user))
    hits = _rank(user, matches, limit)
    event = record_audit(
        user,
        "child.search",
        object_type="people.child",
        purpose=purpose[:200],
        detail={"query": query.as_dict(), "results": [h.child_id for h in hits],
                "scores": [round(h.score, 4) for h in hits]},
    )
    return hits, event
