"""Who sees which episode, interview, trigger firing and action, per persona (`visible_to`)."""

from __future__ import annotations

import pytest

from safehub.core.caveats import Caveat
from safehub.missing.models import MissingAction, MissingEpisode, ReturnHomeInterview, TriggerFiring


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


@pytest.fixture
def mw(missing_world):
    return missing_world


def care_episodes(mw):
    return pks(MissingEpisode.objects.filter(child=mw.care_episode.child))


def test_mash_practitioner_sees_every_episode_including_the_restricted_child(mw, personas):
    seen = pks(MissingEpisode.objects.visible_to(personas["mash_practitioner"]))
    assert seen == {mw.police_episode.pk, mw.restricted_episode.pk} | care_episodes(mw)


@pytest.mark.parametrize("persona", ["missing_coordinator", "panel_chair"])
def test_coordinator_and_chair_see_all_but_the_restricted_child(mw, personas, persona):
    assert pks(MissingEpisode.objects.visible_to(personas[persona])) == {mw.police_episode.pk} | care_episodes(mw)


def test_police_contributor_sees_only_police_episodes_of_children_police_know(mw, personas):
    assert pks(MissingEpisode.objects.visible_to(personas["police_contributor"])) == {mw.police_episode.pk}


def test_health_contributor_sees_no_other_agency_episodes(mw, personas):
    assert not MissingEpisode.objects.visible_to(personas["health_contributor"]).exists()


@pytest.mark.parametrize("persona", ["analyst", "board_member", "admin"])
def test_aggregate_and_admin_roles_see_nothing(mw, personas, persona):
    user = personas[persona]
    for model in (MissingEpisode, ReturnHomeInterview, TriggerFiring, MissingAction):
        assert not model.objects.visible_to(user).exists()


def test_mash_only_episode_is_hidden_from_coordinator_and_chair(mw, personas):
    MissingEpisode.objects.filter(pk=mw.police_episode.pk).update(caveat=Caveat.MASH_ONLY)
    assert mw.police_episode.pk in pks(MissingEpisode.objects.visible_to(personas["mash_practitioner"]))
    assert mw.police_episode.pk in pks(MissingEpisode.objects.visible_to(personas["police_contributor"]))  # own agency
    for persona in ("missing_coordinator", "panel_chair"):
        assert mw.police_episode.pk not in pks(MissingEpisode.objects.visible_to(personas[persona]))


def test_interviews_follow_their_episode(mw, personas):
    assert pks(ReturnHomeInterview.objects.visible_to(personas["missing_coordinator"])) == {mw.interview.pk}
    assert not ReturnHomeInterview.objects.visible_to(personas["police_contributor"]).exists()


def test_firings_and_actions_are_for_partnership_roles(mw, personas):
    assert pks(MissingAction.objects.visible_to(personas["panel_chair"])) == {mw.action.pk}
    assert pks(TriggerFiring.objects.visible_to(personas["missing_coordinator"])) == {mw.action.firing_id}
    # the health contributor's agency knows the child, but triggers are a partnership role's business
    assert not TriggerFiring.objects.visible_to(personas["health_contributor"]).exists()
    assert not MissingAction.objects.visible_to(personas["health_contributor"]).exists()
