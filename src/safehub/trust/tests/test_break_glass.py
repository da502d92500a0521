"""Break-glass: a reason opens a child's record outside the user's scope for an hour, audited and reviewed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from safehub.core.models import AuditEvent
from safehub.trust import services
from safehub.trust.models import BreakGlassGrant

NOW = dt.datetime(2025, 6, 2, 9, 30, tzinfo=ZoneInfo("Europe/London"))


def test_a_reason_is_required_and_the_view_is_audited_with_it(world, personas):
    chair = personas["panel_chair"]
    with pytest.raises(ValueError, match="reason"):
        services.break_glass_view(chair, world.restricted_child, "   ", now=NOW)
    summary = services.break_glass_view(chair, world.restricted_child, "Child reported missing out of hours", now=NOW)
    assert summary.child == world.restricted_child
    assert [r.pk for r in summary.records] == [world.restricted_record.pk]
    assert summary.grant.expires_at == NOW + dt.timedelta(hours=1)
    event = AuditEvent.objects.filter(action="child.break_glass").get()
    assert event.outcome == "ok" and event.object_id == str(world.restricted_child.pk)
    assert event.purpose == "Child reported missing out of hours"


def test_a_second_view_within_the_hour_reuses_the_grant_and_after_it_needs_a_new_one(world, personas):
    chair = personas["panel_chair"]
    first = services.break_glass_view(chair, world.restricted_child, "Police request, child at risk tonight", now=NOW)
    again = services.break_glass_view(chair, world.restricted_child, "Police request, child at risk tonight",
                                      now=NOW + dt.timedelta(minutes=59))
    later = services.break_glass_view(chair, world.restricted_child, "Still missing, checking known addresses",
                                      now=NOW + dt.timedelta(minutes=61))
    assert again.grant == first.grant and later.grant != first.grant
    assert BreakGlassGrant.objects.count() == 2


def test_the_page_asks_for_a_reason_then_shows_the_record(client, world, personas):
    client.force_login(personas["missing_coordinator"])
    url = reverse("trust:break_glass", args=[world.restricted_child.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Castellano" not in form.content.decode()
    empty = client.post(url, {"reason": ""})
    assert "Enter why you need to see this record" in empty.content.decode()
    shown = client.post(url, {"reason": "Missing overnight, police need a photo and addresses"})
    assert shown.status_code == 200 and "Castellano" in shown.content.decode()
    # within the hour, a plain visit shows the record again (and is audited again)
    assert "Castellano" in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="child.break_glass").count() == 2


def test_contributors_cannot_break_glass(client, world, personas):
    client.force_login(personas["police_contributor"])
    assert client.get(reverse("trust:break_glass", args=[world.health_only_child.pk])).status_code == 403


def test_the_data_protection_role_sees_and_reviews_each_use(client, world, personas):
    grant = services.break_glass_view(personas["panel_chair"], world.restricted_child, "Urgent strategy discussion",
                                      now=NOW).grant
    admin = personas["admin"]
    client.force_login(admin)
    report = client.get(reverse("trust:break_glass_report"))
    assert "Urgent strategy discussion" in report.content.decode()
    assert client.get("/").context["panels"]["break_glass_unreviewed"] == 1
    client.post(reverse("trust:break_glass_report"), {"grant": grant.pk, "note": "Proportionate"})
    grant.refresh_from_db()
    assert grant.reviewed_by == admin and grant.review_note == "Proportionate"
    assert AuditEvent.objects.filter(action="break_glass.reviewed").exists()
