"""The child page links to the domain apps' pages about the child, as far as the user's role reaches."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_mash_practitioner_sees_the_act_workflows_link(client, world, personas):
    client.force_login(personas["mash_practitioner"])
    page = client.get(reverse("people:child", args=[world.police_child.pk])).content.decode()
    assert reverse("intake:child_act", args=[world.police_child.pk]) in page
    assert reverse("missing:child", args=[world.police_child.pk]) in page
    assert reverse("risk:child", args=[world.police_child.pk]) in page


def test_police_contributor_does_not_get_the_act_workflows_link(client, world, personas):
    client.force_login(personas["police_contributor"])
    page = client.get(reverse("people:child", args=[world.police_child.pk])).content.decode()
    assert reverse("intake:child_act", args=[world.police_child.pk]) not in page
