"""Inspection mode: an inspector login reads like a MASH practitioner while its access lasts, can change nothing on any
page or API call, is audited on every request, and stops working when the access ends."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from safehub.core.models import ApiToken, AuditEvent, RoleAssignment, User
from safehub.core.roles import Role
from safehub.missing.models import MissingEpisode
from safehub.people.models import Child
from safehub.trust.inspection import is_read_permission
from safehub.trust.models import InspectorAccess
from safehub.trust.services import create_inspector


@pytest.fixture
def inspector_client(client, inspection):
    client.force_login(inspection.access.user)
    return client


def _audits(action: str):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_admin_creates_a_time_limited_inspector_login(client, personas):
    client.force_login(personas["admin"])
    page = client.post(reverse("trust:inspectors"), {
        "first_name": "Ines", "last_name": "Pector", "email": "ines@example.org", "username": "ofsted.ines",
        "organisation": "Ofsted", "purpose": "JTAI", "days": "30",
    })
    assert page.status_code == 200 and "ofsted.ines" in page.content.decode()
    access = InspectorAccess.objects.get(user__username="ofsted.ines")
    assert list(RoleAssignment.objects.filter(user=access.user).values_list("role", flat=True)) == [Role.INSPECTOR]
    assert dt.timedelta(days=29, hours=23) < access.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert _audits("inspection.account_created")[0].actor == personas["admin"]
    too_long = client.post(reverse("trust:inspectors"), {
        "first_name": "A", "last_name": "B", "email": "a@example.org", "username": "ofsted.ab", "organisation": "Ofsted",
        "purpose": "JTAI", "days": "91",
    })
    assert "Access can last at most 90 days" in too_long.content.decode()


def test_the_inspector_reads_as_a_mash_practitioner_but_holds_no_change_permission(inspector_client, world, missing_world):
    client = inspector_client
    assert client.get(reverse("people:child", args=[world.health_only_child.pk])).status_code == 200
    assert client.get(reverse("people:child", args=[world.restricted_child.pk])).status_code == 404
    assert client.get(reverse("missing:episode", args=[missing_world.care_episode.pk])).status_code == 200
    assert client.get(reverse("missing:ongoing")).status_code == 200
    # change pages are not offered at all, and the episode page shows no change buttons
    assert client.get(reverse("missing:episode_new")).status_code == 403
    assert client.get(reverse("risk:assess", args=[world.police_child.pk])).status_code == 403
    page = client.get(reverse("missing:episode", args=[missing_world.police_episode.pk])).content.decode()
    assert "Record the return" not in page and "Review the risk grade" not in page
    # nothing stored gives the account the MASH role: the reading is lent per request
    user = User.objects.get(username="inspector")
    assert user.role_codes == frozenset({Role.INSPECTOR})
    assert not Child.objects.visible_to(user).exists()


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("missing:episode_new", None, {"category": "missing", "reported_by": "police"}),
        ("intake:record_contact", None, {"summary": "Concern"}),
        ("risk:assess", "police_child", {}),
        ("network:new_record", None, {"kind": "place", "name": "Park"}),
        ("meetings:create_body", None, {"name": "Inspection board"}),
        ("trust:sar_new", None, {"subject_type": "child", "subject_id": "1", "requester": "X", "received": "2026-01-01"}),
        ("trust:break_glass", "police_child", {"reason": "Inspection sample case"}),
    ],
)
def test_every_change_is_refused_by_construction(inspector_client, world, name, args, data):
    url = reverse(name, args=[getattr(world, args).pk] if args else [])
    before = AuditEvent.objects.count()
    response = inspector_client.post(url, {**data, "child": world.police_child.pk})
    assert response.status_code == 403
    refused = AuditEvent.objects.filter(seq__gt=before, action="inspection.write_refused").get()
    assert refused.outcome == "denied" and refused.detail["path"] == url and refused.detail["method"] == "POST"
    for method in (inspector_client.put, inspector_client.patch, inspector_client.delete):
        assert method(url).status_code == 403


def test_api_changes_are_refused_by_session_and_by_token(inspector_client, inspection, world):
    url = "/api/v1/missing/episodes"
    body = json.dumps({"child_id": world.police_child.pk, "started_at": "2026-03-16T10:00:00Z"})
    response = inspector_client.post(url, body, content_type="application/json")
    assert response.status_code == 403 and response.json()["detail"] == "Inspector accounts are read only"
    inspector_client.logout()
    _, token = ApiToken.issue(inspection.access.user, "script")
    response = inspector_client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    assert not MissingEpisode.objects.exists()
    assert len(_audits("inspection.write_refused")) == 2


def test_every_request_is_audited_whatever_its_outcome(inspector_client, world):
    client = inspector_client
    urls = [
        (reverse("dashboard"), 200),
        (reverse("people:child", args=[world.police_child.pk]), 200),
        (reverse("people:child", args=[world.restricted_child.pk]), 404),
        (reverse("missing:import"), 403),
        (reverse("core:audit"), 403),
    ]
    for url, status in urls:
        assert client.get(url, {"q": "x"}).status_code == status
    audited = _audits("inspection.request")
    assert [(a.detail["path"], a.detail["status"]) for a in audited] == urls
    assert all(a.detail["query"] == "q=x" and a.purpose == "JTAI: children at risk of exploitation" for a in audited)
    # the views' own audit of the child's record is still written, as for anyone
    assert AuditEvent.objects.filter(action="child.view", object_id=str(world.police_child.pk)).exists()


def test_after_expiry_the_session_ends(inspector_client, inspection):
    InspectorAccess.objects.filter(pk=inspection.access.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=31), expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = inspector_client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("login") + "?ended=inspection"
    assert SESSION_KEY not in inspector_client.session
    assert _audits("inspection.refused_expired")[0].outcome == "denied"


def test_after_expiry_the_inspector_cannot_sign_in(client, inspection):
    InspectorAccess.objects.filter(pk=inspection.access.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=31), expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client.post(reverse("login"), {"username": "inspector", "password": inspection.password})
    assert SESSION_KEY not in client.session
    assert client.get(reverse("dashboard")).status_code == 302
    assert _audits("inspection.sign_in_refused")[0].actor == inspection.access.user
    _, token = ApiToken.issue(inspection.access.user, "script")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_before_expiry_the_inspector_signs_in_with_the_password(client, inspection):
    client.post(reverse("login"), {"username": "inspector", "password": inspection.password})
    assert client.get(reverse("dashboard")).status_code == 200


def test_access_not_yet_started_is_refused(client, personas):
    now = timezone.now()
    access, password = create_inspector(
        actor=personas["admin"], username="early", first_name="E", last_name="Arly", email="e@example.org",
        organisation="Ofsted", purpose="ILACS", starts_at=now + dt.timedelta(days=1), expires_at=now + dt.timedelta(days=5),
        now=now,
    )
    client.force_login(access.user)
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_admin_ends_access_early_and_sessions_close(client, inspector_client, inspection, personas):
    from django.test import Client

    admin = Client()
    admin.force_login(personas["admin"])
    assert admin.get(reverse("trust:inspector_end", args=[inspection.access.pk])).status_code == 405
    assert admin.post(reverse("trust:inspector_end", args=[inspection.access.pk])).status_code == 302
    inspection.access.refresh_from_db()
    assert inspection.access.expires_at <= timezone.now() and inspection.access.ended_by == personas["admin"]
    assert inspector_client.get(reverse("dashboard")).status_code == 302
    assert _audits("inspection.ended")[0].detail["sessions"] >= 1


def test_only_reads_count_as_read_permissions():
    assert is_read_permission("people.view_child") and is_read_permission("people.search_children")
    assert not is_read_permission("missing.record_episode")
    assert not is_read_permission("trust.break_glass") and not is_read_permission("view_child")


def test_the_demo_prints_an_inspector_login_for_30_days(personas):
    from safehub.trust.demo import ensure_demo_inspector

    now = dt.datetime(2026, 12, 7, 20, 0, tzinfo=dt.UTC)
    username, role, first_password = ensure_demo_inspector(now)
    assert (username, role) == ("inspector", "Inspector (read only, time-limited), until 6 Jan 2027")
    later = now + dt.timedelta(days=3)
    _, role, second_password = ensure_demo_inspector(later)  # a second run renews: new password, 30 days from then
    access = InspectorAccess.objects.get(user__username="inspector")
    assert access.expires_at == later + dt.timedelta(days=30) and second_password != first_password
    assert access.user.check_password(second_password) and InspectorAccess.objects.count() == 1
