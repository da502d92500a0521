"""Issue #11 §4 "Proof": a job killed with SIGKILL part-way leaves the database as it was, and running it again works.

Each job runs in a subprocess (`tests/fault/driver.py`) that pauses inside its write transaction after a known number of
writes and tells the test so with a marker file; the test then kills it with SIGKILL (no clean-up code can run).
"""

from __future__ import annotations

import pytest

from safehub.core.audit import verify_chain
from safehub.core.models import AuditEvent
from safehub.imports.models import ImportRun
from safehub.imports.services import file_fingerprint, save_profile
from safehub.imports.tests.builders import SPEC, csv_bytes, good_rows
from safehub.linkage.models import LinkageRun
from safehub.linkage.services import run_linkage
from safehub.people.models import Child, Event, RecordLink, SourceRecord

from .driver import one_cluster_engine

ROWS = 50  # five chunks of ten; the job is killed after two chunks are written (uncommitted)

pytestmark = pytest.mark.django_db(transaction=True)


def chain_ok() -> None:
    report = verify_chain()
    assert report.ok, report.reason


def snapshot() -> dict:
    return {
        "records": sorted(SourceRecord.objects.values_list("agency__code", "system", "local_id", "given_name")),
        "links": sorted(RecordLink.objects.values_list("source_record_id", "child_id", "decision")),
        "children": sorted(Child.objects.values_list("pk", "merged_into_id", "given_name", "family_name")),
        "events": sorted(Event.objects.values_list("pk", "child_id")),
        "audit": AuditEvent.objects.count(),
    }


def test_an_import_killed_while_writing_stores_nothing_and_can_be_run_again(shared_db, world, agencies, tmp_path):
    profile = save_profile(agencies["police"], SPEC)
    extract = tmp_path / "police-extract.csv"
    extract.write_bytes(csv_bytes(good_rows(ROWS)))
    digest, _ = file_fingerprint(extract)
    before = snapshot()
    chain_ok()

    shared_db.kill_at_marker(
        "import", str(extract), "police", profile.name, "--chunk-size", "10", "--pause-after-chunks", "2"
    )

    assert snapshot() == before  # no partial rows, no audit of the chunks that were written and rolled back
    assert not SourceRecord.objects.filter(source_file=extract.name).exists()
    killed = ImportRun.objects.get(content_hash=digest)
    # The run row was committed before the write transaction began: it stays "Checking", never "Imported", so the
    # same file is not mistaken for one already imported.
    assert killed.status == ImportRun.Status.VALIDATING
    assert killed.finished_at is None and killed.created == 0
    chain_ok()

    done = shared_db.run("import", str(extract), "police", profile.name, "--chunk-size", "10")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "imported 50 rows (50 new, 0 updated)" in done.stdout
    rerun = ImportRun.objects.filter(content_hash=digest).exclude(pk=killed.pk).get()
    assert rerun.status == ImportRun.Status.IMPORTED and rerun.created == ROWS
    assert SourceRecord.objects.filter(source_file=extract.name, import_run_id=rerun.pk).count() == ROWS
    assert AuditEvent.objects.filter(action="source_records.stored").count() == ROWS // 10
    chain_ok()


def test_a_linkage_run_killed_while_applying_leaves_the_links_and_can_be_run_again(shared_db, world):
    before = snapshot()
    assert Child.objects.filter(merged_into__isnull=True).count() == 3
    chain_ok()

    shared_db.kill_at_marker("link", "--pause-after-moves", "1")

    assert snapshot() == before  # links, children, merges and events as they were
    killed = LinkageRun.objects.get()
    assert killed.status == LinkageRun.Status.RUNNING and killed.finished_at is None
    chain_ok()

    done = shared_db.run("link")
    assert done.returncode == 0, done.stdout + done.stderr
    assert LinkageRun.objects.exclude(pk=killed.pk).get().status == LinkageRun.Status.DONE
    assert Child.objects.filter(merged_into__isnull=True).count() == 1  # the stand-in engine puts all in one
    assert RecordLink.objects.values("child_id").distinct().count() == 1
    chain_ok()

    # And in the test process too: a second run over the same result changes nothing and still verifies.
    again = run_linkage(engine=one_cluster_engine)
    assert again.status == LinkageRun.Status.DONE and again.counts.get("records_moved", 0) == 0
    chain_ok()
