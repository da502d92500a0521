"""Guardrails per persona over the fixture network (see fixtures.py for its picture)."""

from __future__ import annotations

import datetime as dt

import pytest

from safehub.network import selectors
from safehub.network.models import Link, Node
from safehub.network.services import node_for

from .fixtures import TODAY

VISIBLE_LINKS = {
    # MASH: everything but the police's own-agency address; the restricted child is restricted to them by name
    "mash_practitioner": {"exploited", "hotel", "health_hotel", "peer", "restricted_hotel", "group"},
    # panel chair and missing coordinator (social care): shared links, and their own agency's MASH-only group link
    "panel_chair": {"exploited", "hotel", "health_hotel", "peer", "group"},
    "missing_coordinator": {"exploited", "hotel", "health_hotel", "peer", "group"},
    # contributors: their agency's links, and shared links about children and people their agency holds
    "police_contributor": {"exploited", "hotel", "hidden", "peer"},
    "health_contributor": {"health_hotel", "peer", "exploited", "hotel"},
    "analyst": set(),
    "board_member": set(),
    "admin": set(),
}


@pytest.mark.parametrize("persona", list(VISIBLE_LINKS))
def test_links_each_persona_sees(network_world, personas, persona):
    names = {link.pk: name for name, link in network_world.links.items()}
    seen = {names[pk] for pk in Link.objects.visible_to(personas[persona]).values_list("pk", flat=True)}
    assert seen == VISIBLE_LINKS[persona]


def _labels(picture):
    return {v.label: v for v in picture.nodes}


def test_contributor_sees_initials_and_age_of_a_child_outside_their_records(world, network_world, personas):
    picture = selectors.graph_around(personas["police_contributor"], world.police_child, today=TODAY)
    labels = _labels(picture)
    assert "J.W., age 11" in labels  # Jacob Whitfield is known to health only
    masked = labels["J.W., age 11"]
    assert masked.masked and masked.href is None and masked.record_id is None
    assert not any("Jacob" in v.label or "Whitfield" in v.label for v in picture.nodes)
    assert "Olivia Brennan" in labels and "Jay Mercer" in labels
    assert "14 Canal Street" in labels  # the police's own address
    assert not any("Ruby" in v.label or v.label.startswith("R.C.") for v in picture.nodes)  # restricted: hidden entirely
    peer = next(link for link in picture.links if link.type == "peer")
    assert peer.summary == ""  # an agency's words about a masked child are not shown


def test_health_contributor_sees_the_person_of_concern_by_initials(world, network_world, personas):
    labels = _labels(selectors.graph_around(personas["health_contributor"], world.police_child, today=TODAY))
    assert "J.M., age 19 to 24" in labels
    assert "Jacob Whitfield" in labels and "Livvy Brennan" in labels  # health holds both: names as health records them
    assert "Northside Boys" not in labels  # MASH-only link


def test_mash_sees_names_and_the_restricted_child_they_are_named_on(world, network_world, personas):
    labels = _labels(selectors.graph_around(personas["mash_practitioner"], world.police_child, today=TODAY))
    assert {"Olivia Brennan", "Jacob Whitfield", "Ruby Castellano", "Jay Mercer", "Riverside Hotel",
            "Northside Boys"} <= set(labels)
    assert "14 Canal Street" not in labels
    assert labels["Jay Mercer"].detail == "Person of concern (high)"


def test_panel_chair_does_not_see_links_via_a_restricted_child(world, network_world, personas):
    picture = selectors.graph_around(personas["panel_chair"], network_world.place, today=TODAY)
    assert {v.label for v in picture.nodes if v.kind == "child"} == {"Olivia Brennan", "Jacob Whitfield"}
    assert Node.objects.visible_to(personas["panel_chair"]).filter(child=world.restricted_child).count() == 0


def test_graph_filters_by_type_period_and_grading(world, network_world, personas):
    mash = personas["mash_practitioner"]

    def types(filters, record=world.police_child):
        return sorted(link.type for link in selectors.graph_around(mash, record, filters=filters, today=TODAY).links)

    assert types(selectors.GraphFilters(types=("found_at",))) == ["found_at", "found_at", "found_at"]
    assert types(selectors.GraphFilters(max_reliability="A")) == ["found_at"]  # the A1 hotel link only
    assert types(selectors.GraphFilters(until=dt.date(2025, 12, 31))) == ["member_of", "peer"]
    assert types(selectors.GraphFilters(since=dt.date(2026, 2, 1), max_assessment=2)) == []  # nothing of Olivia's
    assert types(selectors.GraphFilters(since=dt.date(2026, 2, 1), max_assessment=2), network_world.place) == [
        "found_at", "found_at"]


def test_cohorts_for_partnership_roles(world, network_world, personas):
    (cohort,) = selectors.cohorts(personas["mash_practitioner"], today=TODAY)
    assert cohort.key == node_for(world.police_child).pk == network_world.cohort.pk
    assert [v.label for v in cohort.children] == ["Olivia Brennan", "Jacob Whitfield", "Ruby Castellano"]
    assert [v.label for v in cohort.people] == ["Jay Mercer"]
    assert [v.label for v in cohort.places] == ["Riverside Hotel"]
    assert cohort.link_count == 6
    assert cohort.latest_link == dt.date(2026, 2, 14)
    assert dict(cohort.by_month)[dt.date(2026, 2, 1)] == 2  # Jacob and Ruby at the hotel; Olivia's links are sightings
    chair_cohorts = selectors.cohorts(personas["panel_chair"], today=TODAY)
    assert [len(c.children) for c in chair_cohorts] == [2]


def test_hotspots_per_persona(network_world, personas):
    since = dt.date(2026, 1, 1)
    (spot,) = selectors.hotspots(personas["mash_practitioner"], since, 2, today=TODAY)
    assert spot.place.label == "Riverside Hotel"
    assert len(spot.children) == 3 and spot.link_count == 3
    assert spot.by_month == [(dt.date(2026, 1, 1), 1), (dt.date(2026, 2, 1), 2), (dt.date(2026, 3, 1), 0)]
    assert [len(s.children) for s in selectors.hotspots(personas["panel_chair"], since, 2, today=TODAY)] == [2]
    assert selectors.hotspots(personas["police_contributor"], since, 2, today=TODAY) == []  # sees one child there
    assert selectors.hotspots(personas["board_member"], since, 1, today=TODAY) == []


def test_people_linked_to_children_and_new_links(network_world, personas):
    mash = personas["mash_practitioner"]
    assert selectors.people_linked_to_children(mash, 2, today=TODAY) == []
    (hub,) = selectors.people_linked_to_children(mash, 1, today=TODAY)
    assert (hub.person.label, [v.label for v in hub.children], hub.link_count) == ("Jay Mercer", ["Olivia Brennan"], 1)
    assert len(selectors.new_links_since(mash, TODAY, today=TODAY)) == 6
    assert selectors.new_links_since(mash, TODAY + dt.timedelta(days=1), today=TODAY) == []
    police_new = selectors.new_links_since(personas["police_contributor"], TODAY, today=TODAY)
    assert sorted(link.type for link in police_new) == ["exploited_by", "found_at", "frequents", "peer"]


def test_shortest_path_only_over_links_the_user_may_see(world, network_world, personas):
    start, end = node_for(network_world.person).pk, node_for(world.restricted_child).pk
    nodes, links = selectors.shortest_path(personas["mash_practitioner"], start, end, today=TODAY)
    assert [v.label for v in nodes] == ["Jay Mercer", "Olivia Brennan", "Riverside Hotel", "Ruby Castellano"]
    assert [link.type for link in links] == ["exploited_by", "found_at", "found_at"]
    assert selectors.shortest_path(personas["panel_chair"], start, end, today=TODAY) is None


def test_board_sees_counts_without_names(network_world):
    counts = selectors.aggregate_counts(since=dt.date(2025, 11, 1), until=TODAY, hotspot_children=2)
    assert counts.cohorts == "fewer than 5"
    assert [row["hotspots"] for row in counts.months] == ["0", "0", "0", "fewer than 5", "0"]
    assert dict(counts.by_place_kind)["Hotel or short-let"] == "fewer than 5"
    assert "Riverside" not in repr(counts) and "Olivia" not in repr(counts)
