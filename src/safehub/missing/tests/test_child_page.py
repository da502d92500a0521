"""The child's missing history, the page the child record links to."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safehub.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_childs_page_lists_their_episodes_and_is_audited(client, personas, missing_world):
    episode = missing_world.police_episode
    client.force_login(personas["missing_coordinator"])
    response = client.get(reverse("missing:child", args=[episode.child_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("missing:episode", args=[episode.pk]) in page
    assert "Record a missing episode" in page
    assert AuditEvent.objects.filter(action="missing.child.view", object_id=str(episode.child_id)).count() == 1


def test_the_child_page_links_to_it(client, personas, missing_world):
    child_id = missing_world.police_episode.child_id
    client.force_login(personas["missing_coordinator"])
    page = client.get(reverse("people:child", args=[child_id])).content.decode()
    assert reverse("missing:child", args=[child_id]) in page
