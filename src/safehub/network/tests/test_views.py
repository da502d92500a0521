"""The network pages: guardrails in what is rendered, exports, forms with field errors, counts for the board."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from safehub.core.models import AuditEvent
from safehub.network.models import Group, Link, Place
from safehub.network.selectors import age_on


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_contributor_page_shows_initials_not_names_of_other_childrens(client, world, network_world, personas):
    age = age_on(world.health_only_child.date_of_birth, dt.date.today())  # noqa: DTZ011 - the page uses today too
    page = _get(client, personas["police_contributor"], "network:child", world.police_child.pk).content.decode()
    assert f"J.W., age {age}" in page and "Jacob" not in page and "Whitfield" not in page
    assert "Ruby" not in page and "Castellano" not in page
    assert "Olivia Brennan" in page and "Jay Mercer" in page
    assert f'data-graph-url="{reverse("api:network_child_graph", args=[world.police_child.pk])}"' in page


def test_mash_page_names_everyone_they_may_see_and_offers_exports(client, world, network_world, personas):
    page = _get(client, personas["mash_practitioner"], "network:child", world.police_child.pk).content.decode()
    for name in ("Jacob Whitfield", "Ruby Castellano", "Jay Mercer", "Riverside Hotel", "Northside Boys"):
        assert name in page
    assert "14 Canal Street" not in page
    assert "export=png" in page and "export=svg" in page and "data-network-download" in page


def test_graph_view_is_audited_once(client, world, network_world, personas):
    before = AuditEvent.objects.count()
    _get(client, personas["mash_practitioner"], "network:place", network_world.place.pk)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.object_type, event.object_id) == ("network.graph.view", "network.place",
                                                                  str(network_world.place.pk))


def test_filters_and_path_on_the_page(client, world, network_world, personas):
    mash = personas["mash_practitioner"]
    page = _get(client, mash, "network:child", world.police_child.pk, types="found_at").content.decode()
    assert "Northside Boys" not in page and "types=found_at" in page
    page = _get(client, mash, "network:child", world.police_child.pk, since="31/02/2026").content.decode()
    assert "Held on or after must be a real date" in page
    restricted_node = network_world.links["restricted_hotel"].from_node_id
    page = _get(client, mash, "network:place", network_world.place.pk, path_to=restricted_node).content.decode()
    assert 'data-testid="path"' in page and "Ruby Castellano" in page


def test_panel_pack_exports(client, world, network_world, personas):
    png = _get(client, personas["mash_practitioner"], "network:cohort", network_world.cohort.pk, export="png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = _get(client, personas["police_contributor"], "network:child", world.police_child.pk, export="svg")
    body = svg.content.decode()
    assert svg["Content-Type"] == "image/svg+xml" and "<svg" in body
    assert "J.W., age" in body and "Jacob" not in body


def test_cohorts_and_hotspots_pages(client, world, network_world, personas):
    mash = personas["mash_practitioner"]
    page = _get(client, mash, "network:cohorts").content.decode()
    assert f"Cohort {network_world.cohort.pk}: 3 children" in page
    page = _get(client, mash, "network:hotspots", since="2026-01-01", until="2026-03-04").content.decode()
    assert "Riverside Hotel" in page and "<td class=\"govuk-table__cell govuk-table__cell--numeric\">3</td>" in page
    chart = _get(client, mash, "network:hotspots_chart", since="2026-01-01")
    assert chart["Content-Type"] == "image/png" and chart.content.startswith(b"\x89PNG")


def test_board_sees_counts_without_names(client, world, network_world, personas):
    page = _get(client, personas["board_member"], "network:hotspot_counts").content.decode()
    assert "fewer than 5" in page
    for name in ("Riverside", "Olivia", "Jacob", "Mercer", "Northside", "Canal"):
        assert name not in page
    assert _get(client, personas["board_member"], "network:home").status_code == 403


def test_record_a_link_from_a_child_page(client, world, network_world, personas):
    client.force_login(personas["police_contributor"])
    url = reverse("network:add_child_link", args=[world.police_child.pk])
    form = client.get(url).content.decode()
    assert "Place: Riverside Hotel, AB1 2CD" in form and "Place: 14 Canal Street" in form
    assert "Northside Boys" in form  # the group is shared with the partnership (its MASH-only link is not)
    response = client.post(url, {
        "type": "found_at", "to_record": f"place:{network_world.place.pk}", "valid_from_day": "1",
        "valid_from_month": "3", "valid_from_year": "2026", "source_reliability": "B", "information_assessment": "2",
        "caveat": "partnership", "summary": "Found in room 12",
    })
    assert response.status_code == 302 and response["Location"] == reverse("network:child", args=[world.police_child.pk])
    link = Link.objects.order_by("-pk").first()
    assert (link.type, link.agency.code, link.recorded_by, link.valid_from) == (
        "found_at", "police", personas["police_contributor"], dt.date(2026, 3, 1))


def test_link_form_errors_name_the_fields(client, world, network_world, personas):
    client.force_login(personas["police_contributor"])
    url = reverse("network:add_child_link", args=[world.police_child.pk])
    page = client.post(url, {"valid_from_day": "31", "valid_from_month": "2", "valid_from_year": "2026"}).content.decode()
    for message in ("Choose the type of link", "Choose what to link to, or give a child&#x27;s safehub number",
                    "The date the link started or was seen must be a real date",
                    "Choose how reliable the source is (A to E)", "Choose how the information is assessed (1 to 5)"):
        assert message in page
    assert 'href="#valid_from_day"' in page
    page = client.post(url, {"type": "member_of", "to_record": f"place:{network_world.place.pk}",
                             "valid_from_day": "1", "valid_from_month": "3", "valid_from_year": "2026",
                             "source_reliability": "B", "information_assessment": "2",
                             "caveat": "partnership"}).content.decode()
    assert "A “member of” link joins a child and a group" in page
    page = client.post(url, {"type": "peer", "to_child": world.restricted_child.pk, "valid_from_day": "1",
                             "valid_from_month": "3", "valid_from_year": "2026", "source_reliability": "B",
                             "information_assessment": "2", "caveat": "partnership"}).content.decode()
    assert "There is no child you may see with this safehub number" in page


def test_record_a_place_and_a_group(client, personas, db, agencies):
    client.force_login(personas["health_contributor"])
    response = client.post(reverse("network:new_record"), {"kind": "place", "name": "Skate park", "place_kind": "park",
                                                           "postcode": "ab3 4ef", "caveat": "partnership"})
    place = Place.objects.get(name="Skate park")
    assert response["Location"] == reverse("network:place", args=[place.pk])
    assert (place.postcode, place.agency.code) == ("AB3 4EF", "health")
    page = client.post(reverse("network:new_record"), {"kind": "group", "caveat": "partnership"}).content.decode()
    assert "Enter the name" in page and not Group.objects.exists()


def test_list_pages_do_not_grow_queries_with_the_network(client, world, network_world, personas, django_assert_max_num_queries):
    client.force_login(personas["mash_practitioner"])
    for name in ("network:cohorts", "network:hotspots", "network:home"):
        with django_assert_max_num_queries(40):
            assert client.get(reverse(name)).status_code == 200


def test_the_link_is_in_the_childs_chronology(client, world, network_world, personas):
    client.force_login(personas["mash_practitioner"])
    page = client.get(reverse("people:chronology", args=[world.police_child.pk])).content.decode()
    assert "Network link recorded: exploited by a person" in page
