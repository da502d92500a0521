"""Trigger rules fire exactly once per crossing: '3 episodes in 90 days' and 'missing for more than 24 hours'."""

from __future__ import annotations

import datetime as dt

import pytest

from safehub.missing.models import MissingAction, TriggerFiring, TriggerRule
from safehub.missing.services import evaluate_triggers, record_return, trigger_rules
from safehub.missing.triggers import crossings
from safehub.people.models import Event

from .conftest import NOW, days_ago

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def at(day: float) -> dt.datetime:
    return T0 + dt.timedelta(days=day)


# --- the pure calculation --------------------------------------------------------------------------------------------


def test_three_in_ninety_days_is_one_crossing_from_the_third_episode():
    [crossing] = crossings([(1, at(0)), (2, at(10)), (3, at(20))], episodes=3, days=90)
    assert crossing.episode_id == 3
    assert crossing.crossed_at == at(20)
    assert crossing.ends_at == at(90)  # the first episode leaves the window just after day 90
    assert crossing.episode_ids == (1, 2, 3)


def test_window_includes_both_ends():
    assert len(crossings([(1, at(0)), (2, at(45)), (3, at(90))], episodes=3, days=90)) == 1
    assert crossings([(1, at(0)), (2, at(45)), (3, at(90) + dt.timedelta(seconds=1))], episodes=3, days=90) == []


def test_a_fourth_episode_extends_the_crossing_rather_than_making_a_new_one():
    [crossing] = crossings([(1, at(0)), (2, at(10)), (3, at(20)), (4, at(30))], episodes=3, days=90)
    assert crossing.episode_id == 3 and crossing.ends_at == at(100) and crossing.episode_ids == (1, 2, 3, 4)


def test_dropping_below_and_reaching_again_is_a_second_crossing_even_with_shared_episodes():
    found = crossings([(1, at(0)), (2, at(10)), (3, at(20)), (4, at(95))], episodes=3, days=90)
    assert [(c.episode_id, c.crossed_at) for c in found] == [(3, at(20)), (4, at(95))]
    assert found[1].episode_ids == (2, 3, 4)


def test_episodes_at_the_same_moment_are_ordered_by_id():
    [crossing] = crossings([(9, at(5)), (7, at(5)), (8, at(5))], episodes=3, days=90)
    assert crossing.episode_id == 9 and crossing.episode_ids == (7, 8, 9)


def test_rule_needs_sensible_parameters():
    with pytest.raises(ValueError):
        crossings([], episodes=0, days=90)


# --- defaults live in code -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_default_rules_are_created_on_demand():
    assert not TriggerRule.objects.exists()
    rules = {r.code: r for r in trigger_rules()}
    assert (rules["episodes-in-window"].episodes, rules["episodes-in-window"].days) == (3, 90)
    assert rules["long-episode"].hours == 24
    trigger_rules()
    assert TriggerRule.objects.count() == 2


@pytest.mark.django_db
def test_an_inactive_default_stays_off():
    trigger_rules()
    TriggerRule.objects.filter(code="long-episode").update(active=False)
    assert [r.code for r in trigger_rules()] == ["episodes-in-window"]


# --- firing through the services -------------------------------------------------------------------------------------


def window_firings(child):
    return list(TriggerFiring.objects.filter(child=child, rule__code="episodes-in-window").order_by("crossed_at"))


def test_third_episode_in_ninety_days_fires_exactly_once(world, record):
    child = world.health_only_child
    e1 = record(child, days_ago(60), days_ago(60) + dt.timedelta(hours=3))
    e2 = record(child, days_ago(30), days_ago(30) + dt.timedelta(hours=3))
    assert window_firings(child) == []
    e3 = record(child, days_ago(1), days_ago(1) + dt.timedelta(hours=3))
    [firing] = window_firings(child)
    assert firing.episode_id == e3.pk
    assert firing.episode_ids == [e1.pk, e2.pk, e3.pk]
    assert firing.crossed_at == e3.started_at and firing.fired_at == NOW
    assert "3 episodes missing or absent within 90 days" in firing.alert_text
    event = Event.objects.get(type="missing.trigger", child=child)
    assert event.significance == 3 and event.detail_id == str(firing.pk) and firing.event == event
    action = MissingAction.objects.get(firing=firing)
    assert action.title == "Hold a strategy discussion or multi-agency meeting"
    assert action.due_on == dt.date(2026, 3, 23)  # 5 working days after Monday 16 March 2026
    evaluate_triggers(child, now=NOW)
    evaluate_triggers(child, now=NOW + dt.timedelta(days=1))
    assert len(window_firings(child)) == 1


def test_fourth_episode_does_not_fire_again(world, record):
    child = world.health_only_child
    for days in (80, 60, 40, 20):
        record(child, days_ago(days), days_ago(days) + dt.timedelta(hours=2))
    assert len(window_firings(child)) == 1
    assert Event.objects.filter(type="missing.trigger", child=child).count() == 1


def test_fires_again_after_dropping_below_and_reaching_three_again(world, record):
    child = world.health_only_child
    for days in (300, 290, 280):
        record(child, days_ago(days), days_ago(days) + dt.timedelta(hours=2))
    assert len(window_firings(child)) == 1
    record(child, days_ago(100), days_ago(100) + dt.timedelta(hours=2))  # only two in the window now: no firing
    record(child, days_ago(50), days_ago(50) + dt.timedelta(hours=2))
    assert len(window_firings(child)) == 1
    third = record(child, days_ago(10), days_ago(10) + dt.timedelta(hours=2))
    firings = window_firings(child)
    assert len(firings) == 2 and firings[1].episode_id == third.pk


def test_a_backdated_episode_does_not_fire_the_same_crossing_again(world, record):
    child = world.health_only_child
    record(child, days_ago(60), days_ago(60) + dt.timedelta(hours=2))
    record(child, days_ago(30), days_ago(30) + dt.timedelta(hours=2))
    record(child, days_ago(2), days_ago(2) + dt.timedelta(hours=2))
    [original] = window_firings(child)
    # Recorded late: an episode between the first two. The crossing now starts 45 days ago, but it is the same crossing.
    record(child, days_ago(45), days_ago(45) + dt.timedelta(hours=2))
    assert window_firings(child) == [original]
    # And one backdated before all of them, still inside the same period.
    record(child, days_ago(85), days_ago(85) + dt.timedelta(hours=2))
    assert window_firings(child) == [original]


def test_a_backdated_episode_can_make_a_new_historic_crossing(world, record):
    child = world.health_only_child
    for days in (5, 3, 1):
        record(child, days_ago(days), days_ago(days) + dt.timedelta(hours=2))
    for days in (400, 390):
        record(child, days_ago(days), days_ago(days) + dt.timedelta(hours=2))
    assert len(window_firings(child)) == 1
    old = record(child, days_ago(380), days_ago(380) + dt.timedelta(hours=2))  # a crossing a year ago that never fired
    firings = window_firings(child)
    assert len(firings) == 2 and firings[0].episode_id == old.pk and firings[0].fired_at == NOW


def test_missing_for_more_than_24_hours_fires_once_per_episode(world, record):
    child = world.health_only_child
    trigger_rules()
    short = record(child, days_ago(10), days_ago(10) + dt.timedelta(hours=24))  # exactly 24 hours: not more than
    assert not TriggerFiring.objects.filter(rule__code="long-episode").exists()
    ongoing = record(child, NOW - dt.timedelta(hours=20), None)
    assert not TriggerFiring.objects.filter(rule__code="long-episode").exists()
    later = NOW + dt.timedelta(hours=5)
    [firing] = evaluate_triggers(child, now=later)
    assert firing.episode_id == ongoing.pk and firing.crossed_at == ongoing.started_at + dt.timedelta(hours=24)
    assert "still missing" in firing.alert_text
    assert evaluate_triggers(child, now=later + dt.timedelta(hours=10)) == []
    record_return(ongoing, ended_at=later + dt.timedelta(hours=12), now=later + dt.timedelta(hours=13))
    long = record(child, days_ago(200), days_ago(200) + dt.timedelta(hours=30))
    fired = TriggerFiring.objects.filter(rule__code="long-episode").order_by("pk")
    assert [f.episode_id for f in fired] == [ongoing.pk, long.pk]
    assert short.pk not in {f.episode_id for f in fired}


def test_a_long_episode_fires_on_return_if_nobody_checked_while_missing(world, record):
    child = world.health_only_child
    episode = record(child, NOW - dt.timedelta(hours=2), None)
    record_return(episode, ended_at=NOW + dt.timedelta(hours=40), now=NOW + dt.timedelta(hours=41))
    assert TriggerFiring.objects.filter(rule__code="long-episode", episode=episode).count() == 1
