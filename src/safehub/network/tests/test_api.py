"""The network API honours the same guardrails as the pages; validation errors name the field."""

from __future__ import annotations

import json

from django.urls import reverse

from safehub.network.models import Link
from safehub.network.services import node_for


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_child_graph_for_a_contributor_masks_children_outside_their_records(client, world, network_world, personas):
    response = _get(client, personas["police_contributor"], "api:network_child_graph", world.police_child.pk)
    assert response.status_code == 200
    data = response.json()
    nodes = {n["label"]: n for n in data["nodes"]}
    masked = next(n for n in data["nodes"] if n["label"].startswith("J.W., age"))
    assert masked["masked"] and masked["href"] is None and masked["record_id"] is None
    assert "Jacob" not in response.content.decode() and "Ruby" not in response.content.decode()
    assert nodes["Olivia Brennan"]["focus"] and nodes["Olivia Brennan"]["degree"] == 4
    assert {e["type"] for e in data["edges"]} == {"exploited_by", "found_at", "frequents", "peer"}
    peer = next(e for e in data["edges"] if e["type"] == "peer")
    assert peer["summary"] == "" and peer["grading"] == "C3" and peer["strength"] == "medium"


def test_mash_graph_and_filters(client, world, network_world, personas):
    mash = personas["mash_practitioner"]
    data = _get(client, mash, "api:network_child_graph", world.police_child.pk, types="found_at,peer").json()
    assert {e["type"] for e in data["edges"]} == {"found_at", "peer"}
    assert "Ruby Castellano" in {n["label"] for n in data["nodes"]}
    response = _get(client, mash, "api:network_child_graph", world.police_child.pk, types="friend")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "types"]
    response = _get(client, mash, "api:network_child_graph", world.police_child.pk, max_reliability="Z")
    assert response.status_code == 422 and "max_reliability" in response.json()["detail"][0]["loc"]
    path_to = node_for(world.restricted_child).pk
    data = _get(client, mash, "api:network_person_graph", network_world.person.pk, path_to=path_to).json()
    assert data["path"][-1] == f"n{path_to}" and sum(e["on_path"] for e in data["edges"]) == 3


def test_graph_of_a_record_the_caller_may_not_see_is_404(client, world, network_world, personas):
    response = _get(client, personas["panel_chair"], "api:network_place_graph", network_world.hidden_place.pk)
    assert response.status_code == 404


def test_lists_for_panels(client, world, network_world, personas):
    mash = personas["mash_practitioner"]
    (cohort,) = _get(client, mash, "api:network_cohorts").json()
    assert cohort["key"] == network_world.cohort.pk and len(cohort["children"]) == 3
    (spot,) = _get(client, mash, "api:network_hotspots", since="2026-01-01", until="2026-03-04").json()
    assert spot["place"]["label"] == "Riverside Hotel" and len(spot["children"]) == 3
    assert spot["by_month"][1] == {"month": "2026-02-01", "children": 2}
    assert _get(client, mash, "api:network_people_linked", min_children=1).json()[0]["person"]["label"] == "Jay Mercer"
    police_hotspots = _get(client, personas["police_contributor"], "api:network_hotspots", since="2026-01-01",
                           min_children=1).json()
    assert [len(s["children"]) for s in police_hotspots] == [1, 1]  # the hotel (Olivia only) and their own address
    assert _get(client, personas["police_contributor"], "api:network_cohorts").status_code == 403


def test_path_between_two_nodes(client, world, network_world, personas):
    start, end = node_for(network_world.person).pk, node_for(world.restricted_child).pk
    data = _get(client, personas["mash_practitioner"], "api:network_path", from_node=start, to_node=end).json()
    assert [n["label"] for n in data["nodes"]] == ["Jay Mercer", "Olivia Brennan", "Riverside Hotel", "Ruby Castellano"]
    assert _get(client, personas["panel_chair"], "api:network_path", from_node=start, to_node=end).status_code == 404
    response = _get(client, personas["panel_chair"], "api:network_path", from_node=start)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "to_node"]


def _post(client, user, payload):
    client.force_login(user)
    return client.post(reverse("api:network_links"), json.dumps(payload), content_type="application/json")


def test_create_a_link(client, world, network_world, personas):
    payload = {"from_node": node_for(world.police_child).pk, "to_node": node_for(network_world.group).pk,
               "type": "member_of", "valid_from": "2026-02-01", "source_reliability": "A", "information_assessment": 1}
    response = _post(client, personas["panel_chair"], payload)
    assert response.status_code == 201, response.content
    assert response.json()["grading"] == "A1" and response.json()["agency"] == "Social Care"
    assert Link.objects.filter(pk=response.json()["id"], recorded_by=personas["panel_chair"]).exists()


def test_create_a_link_names_the_bad_field(client, world, network_world, personas):
    base = {"from_node": node_for(world.police_child).pk, "to_node": node_for(network_world.group).pk,
            "type": "member_of", "valid_from": "2026-02-01", "source_reliability": "A", "information_assessment": 1}
    response = _post(client, personas["panel_chair"], {**base, "type": "found_at"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "payload", "type"]
    response = _post(client, personas["panel_chair"], {**base, "information_assessment": 7})
    assert response.status_code == 422 and "information_assessment" in response.json()["detail"][0]["loc"]
    hidden = node_for(network_world.hidden_place).pk
    response = _post(client, personas["panel_chair"], {**base, "to_node": hidden, "type": "frequents"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "to_node"]
    response = _post(client, personas["health_contributor"], {**base, "from_node": node_for(network_world.person).pk})
    assert response.status_code == 404  # health holds no record of the person
    assert _post(client, personas["analyst"], base).status_code == 403
