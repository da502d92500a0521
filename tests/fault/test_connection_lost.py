"""Issue #11 §4 "Proof": the database connection lost in the middle of a request.

The service raises Django's `OperationalError` (what a dropped PostgreSQL connection or a locked SQLite file raises)
after it has already written inside its transaction. The user must get the plain 500 page (no traceback, no personal
data), nothing from the request may be stored, and the audit chain must still verify.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

from safehub.core.audit import verify_chain
from safehub.linkage import services as linkage_services
from safehub.linkage.models import ReviewPair
from safehub.people.models import RecordLink

pytestmark = pytest.mark.django_db(transaction=True)

PERSONAL = ("Olivia", "Livvy", "Brennan", "9434765919", "Jacob", "Whitfield", "Ruby", "Castellano")


def lose_connection(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def assert_plain_error_page(response) -> None:
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "Traceback" not in body and "OperationalError" not in body and "server closed" not in body
    for value in PERSONAL:
        assert value not in body


def test_connection_lost_while_saving_a_decision_shows_the_error_page_and_saves_nothing(world, personas, monkeypatch):
    links_before = sorted(RecordLink.objects.values_list("source_record_id", "child_id", "decision"))
    # The pair is saved and its links updated first; then the connection goes, before the audit is written.
    monkeypatch.setattr(linkage_services, "record_audit", lose_connection)
    client = Client(raise_request_exception=False)
    client.force_login(personas["mash_practitioner"])

    response = client.post(
        f"/linkage/review/{world.review_pair.pk}/", {"decision": "match", "reason": "Same NHS number and date of birth"}
    )

    assert_plain_error_page(response)
    pair = ReviewPair.objects.get(pk=world.review_pair.pk)
    assert pair.status == ReviewPair.Status.OPEN and pair.reason == "" and pair.decided_by is None
    assert sorted(RecordLink.objects.values_list("source_record_id", "child_id", "decision")) == links_before
    report = verify_chain()
    assert report.ok, report.reason


def test_connection_lost_during_an_api_call_gives_a_plain_500(world, personas, monkeypatch):
    from safehub.api import api as api_module

    monkeypatch.setattr(api_module, "child_view", lose_connection)
    client = Client(raise_request_exception=False)
    client.force_login(personas["mash_practitioner"])

    response = client.get(f"/api/v1/children/{world.police_child.pk}")

    assert_plain_error_page(response)
    report = verify_chain()
    assert report.ok, report.reason
