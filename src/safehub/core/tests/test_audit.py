"""The audit chain detects every kind of tampering and names the first broken link."""

from __future__ import annotations

import pytest
from django.db import connection, models
from typer.testing import CliRunner

from safehub.cli import app
from safehub.core.audit import record_audit, verify_chain
from safehub.core.models import AuditEvent


@pytest.fixture
def chain(personas):
    actor = personas["mash_practitioner"]
    return [
        record_audit(actor, "child.view", object_type="people.child", object_id=n, purpose="test") for n in range(1, 6)
    ]


def test_an_untouched_chain_verifies(chain):
    report = verify_chain()
    assert report.ok and report.checked == 5


def test_events_cannot_be_edited_or_deleted_through_the_orm(chain):
    event = chain[1]
    event.purpose = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_editing_a_field_is_detected_at_that_event(chain):
    # bypass the model's guard, as someone with database access might
    models.QuerySet.update(AuditEvent.objects.filter(seq=3), purpose="nothing to see")
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == 3
    assert "altered" in report.reason


def test_rewriting_an_event_and_its_hash_breaks_the_next_link(chain):
    from safehub.core.audit import hash_of

    event = AuditEvent.objects.get(seq=2)
    event.object_id = "999"
    models.QuerySet.update(AuditEvent.objects.filter(seq=2), object_id="999", hash=hash_of(event))
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == 3


def test_deleting_an_event_in_the_middle_is_detected(chain):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = 4")  # noqa: S608
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == 4 and "missing" in report.reason


def test_deleting_the_newest_events_is_detected(chain):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq >= 4")  # noqa: S608
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == 4 and "removed" in report.reason


def test_cli_verify_names_the_first_broken_link(chain, monkeypatch):
    monkeypatch.setattr("safehub.cli.setup_django", lambda *a, **k: None)
    runner = CliRunner()
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    models.QuerySet.update(AuditEvent.objects.filter(seq=2), action="child.edit")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "event 2" in result.output


def test_audit_records_the_client_address(client, world, personas):
    client.force_login(personas["mash_practitioner"])
    client.get(f"/people/children/{world.police_child.pk}/", REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="child.view")
    assert (event.ip, event.actor, event.object_id) == (
        "10.1.2.3",
        personas["mash_practitioner"],
        str(world.police_child.pk),
    )


def test_audit_page_filters_by_user_and_verifies(client, chain, personas):
    client.force_login(personas["admin"])
    response = client.get("/admin-tools/audit/", {"user": "mash", "verify": "1"})
    assert response.status_code == 200
    assert b"Chain verified" in response.content
    assert response.context["page"].paginator.count == 5
    bad = client.get("/admin-tools/audit/", {"date_from": "31/02/2026"})
    assert b"Enter a date as YYYY-MM-DD" in bad.content
