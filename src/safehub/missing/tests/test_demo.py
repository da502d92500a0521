"""The demo's missing episodes come from the police missing reports it stored, through the services, idempotently."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from safehub.demo import to_values
from safehub.missing.demo import MISSING_REPORTS_SYSTEM, load_demo
from safehub.missing.models import MissingAction, MissingEpisode, PhilomenaProfile, ReturnHomeInterview, TriggerFiring
from safehub.missing.selectors import interviews_due, ongoing_episodes
from safehub.people.models import RecordLink
from safehub.people.services import create_child_from_records, store_source_records
from safehub.synth import generate, read_ground_truth
from safehub.synth.read import read_agency

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    generate(children=300, seed=7, out=out)
    return out


@pytest.fixture
def stored_reports(synthetic, agencies):
    """What the demo does with missing_reports.csv: police source records, grouped into children by the ground truth."""
    extracts = list(read_agency(synthetic, "missing"))
    records = store_source_records(agencies["police"], MISSING_REPORTS_SYSTEM, [to_values(r) for r in extracts])
    truth = read_ground_truth(synthetic)
    groups = defaultdict(list)
    for extract, record in zip(extracts, records, strict=True):
        groups[truth[(extract.source_file, extract.local_id)]].append(record)
    for group in groups.values():
        create_child_from_records(group, decision=RecordLink.Decision.SYNTHETIC, audit=False)
    return records


def test_demo_episodes_interviews_and_triggers(stored_reports, personas, settings, tmp_path):
    settings.SAFEHUB_PRIVATE_MEDIA_ROOT = str(tmp_path)
    summary = load_demo(NOW)
    reports = {r.local_id for r in stored_reports}
    from_reports = MissingEpisode.objects.exclude(police_reference="")
    assert set(from_reports.values_list("police_reference", flat=True)) == reports
    assert all(e.source_record.system == MISSING_REPORTS_SYSTEM for e in from_reports.select_related("source_record"))
    live = MissingEpisode.objects.filter(import_key__startswith="demo:")
    assert live.count() == 7
    coordinator = personas["missing_coordinator"]
    assert len(ongoing_episodes(coordinator, now=NOW)) == 3
    due = interviews_due(coordinator, now=NOW)
    assert any(row.overdue for row in due) and any(not row.overdue for row in due)
    assert ReturnHomeInterview.objects.filter(completed_at__isnull=False).exists()
    assert ReturnHomeInterview.objects.filter(response="declined").exists()
    assert TriggerFiring.objects.filter(rule__code="long-episode").exists()
    assert MissingAction.objects.open().exists()
    assert f"{from_reports.count() + 7:,} missing episodes" in summary
    # the extras: a regraded episode, a Philomena profile (placeholder photo), an out-of-area interview
    regraded = MissingEpisode.objects.get(import_key="demo:0")
    assert list(regraded.gradings.values_list("grade", flat=True))[-1] == "high" and regraded.gradings.count() == 2
    profile = PhilomenaProfile.objects.get(child=regraded.child)
    assert profile.photo and profile.photo.path.startswith(str(tmp_path))
    assert ReturnHomeInterview.objects.get(out_of_area=True).host_authority == "Northshire County Council"
    assert "1 Philomena profile" in summary
    counts = (MissingEpisode.objects.count(), ReturnHomeInterview.objects.count(), TriggerFiring.objects.count())
    assert load_demo(NOW).startswith("0 missing episodes")
    assert (MissingEpisode.objects.count(), ReturnHomeInterview.objects.count(), TriggerFiring.objects.count()) == counts
    assert regraded.gradings.count() == 2 and PhilomenaProfile.objects.count() == 1
