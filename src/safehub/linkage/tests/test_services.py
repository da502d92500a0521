"""Applying clusters to children, keeping identities stable, and respecting practitioners' decisions (with a fake engine)."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.factories import SourceRecordFactory

from safehub.core.models import AuditEvent
from safehub.linkage.models import LinkageRun, ReviewPair
from safehub.linkage.services import EngineResult, decide_pair, run_linkage, split_record
from safehub.people.models import Child, Event, RecordLink


class FakeEngine:
    """Clusters records by a key the test chooses; remembers what it was told about human decisions."""

    def __init__(self, key, pairs=()):
        self.key, self.pairs, self.calls = key, list(pairs), []

    def __call__(self, records, *, must_link, cannot_link, model_definition, progress=None):
        self.calls.append({"must": must_link, "cannot": cannot_link})
        return EngineResult(
            clusters={r["unique_id"]: self.key(r) for r in records},
            pairs=[(str(a), str(b), p, {"comparisons": [{"name": "Given name", "level": "Exact", "match_weight": 4.0}]})
                   for a, b, p in self.pairs],
            model_definition={"version": "fake"},
        )


@pytest.fixture
def records(agencies):
    police = [SourceRecordFactory(agency=agencies["police"], family_name="Ayodele", given_name=name)
              for name in ("Tomi", "Tomiwa")]
    health = [SourceRecordFactory(agency=agencies["health"], family_name="Ayodele", given_name="Tomiwa",
                                  nhs_number="9434765919")]
    other = [SourceRecordFactory(agency=agencies["health"], family_name="Ng", given_name="Lily",
                                 date_of_birth=dt.date(2016, 5, 1))]
    return police + health + other


def by_family(record):
    return record["family_name"]


def test_first_run_makes_one_child_per_cluster_with_provenance(records, personas):
    run = run_linkage(actor=personas["mash_practitioner"], engine=FakeEngine(by_family))
    assert run.status == LinkageRun.Status.DONE
    assert run.counts["children_created"] == 2
    child = Child.objects.get(family_name="Ayodele")
    assert child.record_links.count() == 3
    assert (child.given_name, child.nhs_number) == ("Tomiwa", "9434765919")
    assert set(child.identifiers.values_list("scheme", flat=True)) >= {"nhs"}
    assert AuditEvent.objects.filter(action="linkage.run").count() == 1


def test_rerunning_keeps_children_and_moves_nothing(records, personas):
    run_linkage(engine=FakeEngine(by_family))
    before = dict(RecordLink.objects.values_list("source_record_id", "child_id"))
    second = run_linkage(engine=FakeEngine(by_family))
    assert dict(RecordLink.objects.values_list("source_record_id", "child_id")) == before
    assert second.counts.get("records_moved", 0) == 0 and second.counts.get("children_created", 0) == 0


def test_a_later_run_that_joins_two_children_merges_them_and_their_events(records, agencies):
    run_linkage(engine=FakeEngine(lambda r: r["given_name"]))  # Tomi, Tomiwa (x2), Lily → 3 children
    tomi = Child.objects.get(given_name="Tomi")
    Event.objects.create(child=tomi, agency=agencies["police"], occurred_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
                         type="police.incident", title="Incident")
    run_linkage(engine=FakeEngine(by_family))
    tomi.refresh_from_db()
    assert tomi.merged_into is not None
    assert tomi.merged_into.record_links.count() == 3
    assert Event.objects.get(title="Incident").child == tomi.merged_into


def test_review_band_pairs_are_queued_and_decisions_feed_later_runs(records, personas):
    a, b = records[0].pk, records[3].pk
    engine = FakeEngine(by_family, pairs=[(a, b, 0.7), (records[0].pk, records[1].pk, 0.99), (a, records[2].pk, 0.2)])
    run_linkage(engine=engine)
    pair = ReviewPair.objects.get()
    assert (pair.left_id, pair.right_id, pair.match_probability) == (a, b, 0.7)
    decide_pair(pair, same_child=False, reason="Different dates of birth and families", actor=personas["mash_practitioner"])
    run_linkage(engine=engine)
    assert engine.calls[-1]["cannot"] == [(str(a), str(b))]
    assert ReviewPair.objects.get(pk=pair.pk).status == ReviewPair.Status.NON_MATCH
    assert not ReviewPair.objects.filter(status=ReviewPair.Status.OPEN).exists()


def test_confirming_a_match_merges_the_children_now(records, personas):
    run_linkage(engine=FakeEngine(lambda r: r["unique_id"]))
    a, b = sorted((records[0].pk, records[2].pk))
    pair = ReviewPair.objects.create(left_id=a, right_id=b, match_probability=0.8)
    decide_pair(pair, same_child=True, reason="Same NHS number on both", actor=personas["mash_practitioner"])
    assert RecordLink.objects.get(source_record_id=a).child_id == RecordLink.objects.get(source_record_id=b).child_id
    assert RecordLink.objects.get(source_record_id=a).decision == RecordLink.Decision.CONFIRMED
    assert AuditEvent.objects.filter(action="child.merged").exists()


def test_rejecting_a_pair_on_one_child_splits_it(records, personas):
    run_linkage(engine=FakeEngine(by_family))
    a, b = sorted((records[0].pk, records[1].pk))
    pair = ReviewPair.objects.create(left_id=a, right_id=b, match_probability=0.95)
    decide_pair(pair, same_child=False, reason="Twins: different NHS numbers", actor=personas["mash_practitioner"])
    assert RecordLink.objects.get(source_record_id=a).child_id != RecordLink.objects.get(source_record_id=b).child_id


def test_a_reason_is_required(records, personas):
    pair = ReviewPair.objects.create(left_id=records[0].pk, right_id=records[1].pk, match_probability=0.8)
    with pytest.raises(ValueError, match="reason"):
        decide_pair(pair, same_child=True, reason="  ", actor=personas["mash_practitioner"])


def test_split_record_remembers_non_matches(records, personas):
    run_linkage(engine=FakeEngine(by_family))
    child = split_record(records[1], actor=personas["mash_practitioner"], reason="Different child")
    assert child.record_links.get().source_record == records[1]
    assert ReviewPair.objects.filter(status=ReviewPair.Status.NON_MATCH).count() == 2


def test_a_failed_engine_leaves_links_as_they_were(records):
    run_linkage(engine=FakeEngine(by_family))
    before = dict(RecordLink.objects.values_list("source_record_id", "child_id"))

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    with pytest.raises(RuntimeError):
        run_linkage(engine=broken)
    assert dict(RecordLink.objects.values_list("source_record_id", "child_id")) == before
    assert LinkageRun.objects.filter(status=LinkageRun.Status.FAILED).count() == 1


def test_review_page_decides_and_moves_on(client, world, personas):
    client.force_login(personas["mash_practitioner"])
    url = f"/linkage/review/{world.review_pair.pk}/"
    assert b"Are these the same child?" in client.get(url).content
    missing_reason = client.post(url, {"decision": "non_match"})
    assert b"Enter the reason for your decision" in missing_reason.content
    response = client.post(url, {"decision": "non_match", "reason": "Different people"})
    assert response.status_code == 302
    world.review_pair.refresh_from_db()
    assert world.review_pair.status == ReviewPair.Status.NON_MATCH


def test_a_run_that_never_finished_is_closed_as_interrupted_by_the_next(records):
    from django.utils import timezone

    stuck = LinkageRun.objects.create()
    LinkageRun.objects.filter(pk=stuck.pk).update(started_at=timezone.now() - dt.timedelta(hours=13))
    run = run_linkage(engine=FakeEngine(by_family))
    stuck.refresh_from_db()
    assert run.status == LinkageRun.Status.DONE
    assert stuck.status == LinkageRun.Status.FAILED and stuck.error.startswith("Interrupted")
