"""Run record linkage over the partnership's source records, and apply practitioners' review decisions.

The engine (Splink on DuckDB, in `safehub.linkage.engine`) proposes clusters; this module turns them into `people.Child`
records with one `RecordLink` per source record, keeping children's identities stable between runs, and never undoing a
human decision: confirmed matches are passed to the engine as must-links and confirmed non-matches as cannot-links.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.people.models import Address, Child, Event, Identifier, Name, Placement, RecordLink, SourceRecord
from safehub.people.services import create_child_from_records, derive_single_view

from .models import LinkageModel, LinkageRun, ReviewPair

HUMAN_DECISIONS = {RecordLink.Decision.CONFIRMED}
RECORD_FIELDS = ("pk", "agency__code", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address",
                 "nhs_number", "upn")


@dataclass
class EngineResult:
    clusters: dict[str, str]  # record id → cluster id
    pairs: list[tuple[str, str, float, dict]] = field(default_factory=list)  # scored candidate pairs with evidence
    model_definition: dict | None = None
    metrics: dict = field(default_factory=dict)


class Engine(Protocol):
    def __call__(self, records: list[dict], *, must_link: list[tuple[str, str]], cannot_link: list[tuple[str, str]],
                 model_definition: dict | None, progress: Callable[[str], None] | None = None) -> EngineResult: ...


@dataclass(frozen=True)
class LinkageSettings:
    threshold: float = 0.9
    review_low: float = 0.5


def default_engine(backend: str = "duckdb") -> Engine:
    """safehub's engine on ``backend``: ``"duckdb"`` (in process) or ``"spark"`` (the ``spark`` extra)."""
    from functools import partial

    from .splink_engine import link_with_splink

    return link_with_splink if backend == "duckdb" else partial(link_with_splink, backend=backend)


def _records_frame() -> list[dict]:
    rows = SourceRecord.objects.filter(subject_type="child").values_list(*RECORD_FIELDS)
    return [
        {"unique_id": str(pk), "source": agency, "given_name": given, "family_name": family, "date_of_birth": dob,
         "sex": sex, "postcode": postcode, "address": address, "nhs_number": nhs, "upn": upn}
        for pk, agency, given, family, dob, sex, postcode, address, nhs, upn in rows
    ]


def decided_pairs() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    must, cannot = [], []
    for left, right, status in ReviewPair.objects.exclude(status=ReviewPair.Status.OPEN).values_list(
        "left_id", "right_id", "status"
    ):
        (must if status == ReviewPair.Status.MATCH else cannot).append((str(left), str(right)))
    return must, cannot


INTERRUPTED_AFTER = dt.timedelta(hours=12)


def close_interrupted_runs(*, now: dt.datetime | None = None, after: dt.timedelta = INTERRUPTED_AFTER) -> int:
    """Mark runs still "Running" long after they started as failed: the process ended part-way (applying is one
    transaction, so the previous links stayed). Called before every run; returns how many were closed."""
    now = now or timezone.now()
    return LinkageRun.objects.filter(status=LinkageRun.Status.RUNNING, started_at__lt=now - after).update(
        status=LinkageRun.Status.FAILED, finished_at=now,
        error="Interrupted: the run stopped before it finished; the links from before it were kept.",
    )


def run_linkage(*, actor=None, engine: Engine | None = None, settings: LinkageSettings = LinkageSettings(),
                retrain: bool = False, progress: Callable[[str], None] | None = None,
                backend: str = "duckdb") -> LinkageRun:
    """Link every child source record into children and refresh the review queue.

    Scoring happens outside any transaction (it can take minutes); applying the result is one transaction, so a crash
    leaves the previous links in place. Audits `linkage.run` with the counts. ``backend`` picks the default engine's
    database: ``"duckdb"`` or ``"spark"``.
    """
    engine = engine or default_engine(backend)
    close_interrupted_runs()
    run = LinkageRun.objects.create(started_by=actor if getattr(actor, "is_authenticated", False) else None)
    model = None if retrain else LinkageModel.objects.filter(active=True).first()
    must, cannot = decided_pairs()
    try:
        result = engine(_records_frame(), must_link=must, cannot_link=cannot,
                        model_definition=model.definition if model else None, progress=progress)
        with transaction.atomic():
            if result.model_definition is not None and (model is None or result.model_definition != model.definition):
                LinkageModel.objects.update(active=False)
                latest = LinkageModel.objects.order_by("-version").values_list("version", flat=True).first() or 0
                model = LinkageModel.objects.create(version=latest + 1, definition=result.model_definition,
                                                    metrics=result.metrics, trained_by=run.started_by)
            counts = apply_clusters(result, settings)
            counts["review_pairs"] = refresh_review_queue(result, settings, run)
            run.model, run.counts, run.status, run.finished_at = model, counts, LinkageRun.Status.DONE, timezone.now()
            run.save()
            record_audit(actor, "linkage.run", run, detail=counts)
    except Exception as error:
        LinkageRun.objects.filter(pk=run.pk).update(status=LinkageRun.Status.FAILED, error=repr(error)[:2000],
                                                    finished_at=timezone.now())
        raise
    return run


def _best_probability(pairs: Iterable[tuple[str, str, float, dict]], threshold: float) -> dict[str, tuple[float, dict]]:
    best: dict[str, tuple[float, dict]] = {}
    for left, right, probability, evidence in pairs:
        if probability < threshold:
            continue
        for rid in (left, right):
            if rid not in best or probability > best[rid][0]:
                best[rid] = (probability, evidence)
    return best


def apply_clusters(result: EngineResult, settings: LinkageSettings) -> dict:
    """Make the stored links match the engine's clusters, reusing each cluster's existing child where there is one."""
    links = {str(link.source_record_id): link for link in RecordLink.objects.filter(child__isnull=False)}
    members: dict[str, list[str]] = defaultdict(list)
    for rid, cluster in result.clusters.items():
        members[cluster].append(rid)
    best = _best_probability(result.pairs, settings.threshold)
    flows: dict[int, Counter] = defaultdict(Counter)  # old child → where its records went
    claimed: set[int] = set()
    touched: set[int] = set()  # children whose records changed: their single view is derived again
    counts: Counter = Counter()
    now = timezone.now()
    # Biggest clusters choose first, so a child keeps its id with the group holding most of its records.
    for cluster in sorted(members, key=lambda c: (-len(members[c]), c)):
        rids = members[cluster]
        existing = Counter(links[r].child_id for r in rids if r in links)
        ranked = sorted(existing.items(), key=lambda kv: (-kv[1], kv[0]))
        target = next((child for child, _ in ranked if child not in claimed), None)
        to_move = [int(r) for r in rids if r not in links or links[r].child_id != target]
        if not to_move:
            claimed.add(target)
            continue
        if target is None:
            RecordLink.objects.filter(source_record_id__in=to_move).delete()
            records = SourceRecord.objects.in_bulk(to_move)
            target = create_child_from_records([records[r] for r in to_move], decision=RecordLink.Decision.MODEL,
                                               audit=False).pk
            counts["children_created"] += 1
        claimed.add(target)
        for rid in to_move:
            if str(rid) in links:
                flows[links[str(rid)].child_id][target] += 1
        _move_records(to_move, target, best, now)
        touched.add(target)
        counts["records_moved"] += len(to_move)
    counts["children_merged"] = _retire_empty_children(flows)
    for child in Child.objects.filter(pk__in=touched | set(flows), merged_into__isnull=True):
        derive_single_view(child, list(SourceRecord.objects.filter(link__child=child)))
        child.save()
    counts["records"] = len(result.clusters)
    counts["clusters"] = len(members)
    return dict(counts)


def _move_facts(record_ids: list[int], child_id: int) -> None:
    for model in (Name, Identifier, Address, Placement, Event):
        model.objects.filter(source_record_id__in=record_ids).update(child_id=child_id)


def _move_records(record_ids: list[int], target: int, best, now) -> None:
    """Point these records' links (creating any missing) and the facts and events they brought at the target child."""
    existing = set(RecordLink.objects.filter(source_record_id__in=record_ids).values_list("source_record_id", flat=True))
    for rid in record_ids:
        probability, evidence = best.get(str(rid), (None, {}))
        if rid not in existing:
            RecordLink.objects.create(source_record_id=rid, child_id=target, decision=RecordLink.Decision.MODEL,
                                      match_probability=probability, evidence=evidence)
            continue
        link = RecordLink.objects.filter(source_record_id=rid)
        if link.filter(decision__in=HUMAN_DECISIONS).exists():  # follows its cluster but keeps the human decision
            link.update(child_id=target)
        else:
            link.update(child_id=target, decision=RecordLink.Decision.MODEL, match_probability=probability,
                        evidence=evidence, decided_at=now)
    _move_facts(record_ids, target)


def _retire_empty_children(flows: dict[int, Counter]) -> int:
    """A child left with no records is marked merged into the child that took most of them; its events follow."""
    retired = 0
    for child in Child.objects.filter(pk__in=list(flows), merged_into__isnull=True, record_links__isnull=True):
        destinations = [(n, c) for c, n in flows[child.pk].items() if c != child.pk]
        if not destinations:
            continue
        destination = max(destinations)[1]
        Event.objects.filter(child=child).update(child_id=destination)
        child.merged_into_id = destination
        child.save(update_fields=["merged_into", "updated_at"])
        retired += 1
    return retired


def refresh_review_queue(result: EngineResult, settings: LinkageSettings, run: LinkageRun) -> int:
    decided = set(ReviewPair.objects.exclude(status=ReviewPair.Status.OPEN).values_list("left_id", "right_id"))
    ReviewPair.objects.filter(status=ReviewPair.Status.OPEN).delete()
    fresh = []
    for left, right, probability, evidence in result.pairs:
        if not settings.review_low <= probability < settings.threshold:
            continue
        a, b = sorted((int(left), int(right)))
        if (a, b) in decided:
            continue
        fresh.append(ReviewPair(left_id=a, right_id=b, match_probability=probability, evidence=evidence, found_by=run))
    ReviewPair.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    return len(fresh)


def _child_of(record_id: int) -> int | None:
    return RecordLink.objects.filter(source_record_id=record_id).values_list("child_id", flat=True).first()


def _refresh(child_ids: Iterable[int]) -> None:
    for child in Child.objects.filter(pk__in=[c for c in child_ids if c], merged_into__isnull=True):
        derive_single_view(child, list(SourceRecord.objects.filter(link__child=child)))
        child.save()


@transaction.atomic
def merge_children(keep: Child, other: Child, *, actor, reason: str) -> Child:
    """Move every record, fact and event of `other` onto `keep` and mark `other` as merged into it. Audits `child.merged`."""
    if keep.pk == other.pk:
        return keep
    record_ids = list(SourceRecord.objects.filter(link__child=other).values_list("pk", flat=True))
    _move_records(record_ids, keep.pk, {}, timezone.now())
    Event.objects.filter(child=other).update(child=keep)
    other.merged_into = keep
    other.save(update_fields=["merged_into", "updated_at"])
    _refresh([keep.pk])
    record_audit(actor, "child.merged", keep, detail={"merged": other.pk, "records": record_ids, "reason": reason})
    return keep


@transaction.atomic
def split_record(record: SourceRecord, *, actor, reason: str) -> Child:
    """Take one source record off its child onto a new child, and remember that it is not the same as the others.

    Writes a confirmed non-match against every record it leaves, so no later run re-merges them. Audits `child.split`.
    """
    old_child = _child_of(record.pk)
    others = list(SourceRecord.objects.filter(link__child_id=old_child).exclude(pk=record.pk).values_list("pk", flat=True))
    RecordLink.objects.filter(source_record=record).delete()
    child = create_child_from_records([record], decision=RecordLink.Decision.CONFIRMED, actor=actor, audit=False)
    Event.objects.filter(source_record=record).update(child=child)
    now = timezone.now()
    for other in others:
        a, b = sorted((record.pk, other))
        ReviewPair.objects.update_or_create(
            left_id=a, right_id=b,
            defaults={"status": ReviewPair.Status.NON_MATCH, "reason": reason, "decided_by": actor, "decided_at": now,
                      "match_probability": 0.0},
        )
    _refresh([old_child])
    record_audit(actor, "child.split", child, detail={"record": record.pk, "from_child": old_child, "reason": reason})
    return child


@transaction.atomic
def decide_pair(pair: ReviewPair, *, same_child: bool, reason: str, actor) -> ReviewPair:
    """Record a practitioner's decision on a pair and apply it now: merge the two children, or split them apart.

    The decision is kept and respected by every later linkage run. Audits `linkage.pair_decided`.
    """
    reason = reason.strip()
    if not reason:
        raise ValueError("Give a reason for the decision")
    pair.status = ReviewPair.Status.MATCH if same_child else ReviewPair.Status.NON_MATCH
    pair.reason, pair.decided_by, pair.decided_at = reason, actor, timezone.now()
    pair.save()
    left_child, right_child = _child_of(pair.left_id), _child_of(pair.right_id)
    if same_child:
        if left_child and right_child and left_child != right_child:
            merge_children(Child.objects.get(pk=left_child), Child.objects.get(pk=right_child), actor=actor, reason=reason)
        RecordLink.objects.filter(source_record_id__in=[pair.left_id, pair.right_id]).update(
            decision=RecordLink.Decision.CONFIRMED, decided_by=actor)
    elif left_child and left_child == right_child:
        right = SourceRecord.objects.get(pk=pair.right_id)
        RecordLink.objects.filter(source_record=right).delete()
        child = create_child_from_records([right], decision=RecordLink.Decision.CONFIRMED, actor=actor, audit=False)
        Event.objects.filter(source_record=right).update(child=child)
        _refresh([left_child])
    record_audit(actor, "linkage.pair_decided", pair, detail={"same_child": same_child, "reason": reason})
    return pair
