"""Exact values on a small hand-made network (no database).

    children 1-5, 6, 7 · people 10, 11 · places 20, 21 · group 30

    1 ─exploited by─ 10 ─exploited by─ 2        10 ─associates─ 3
    1 ─found at─ 20 ─found at─ 2                 4 ─frequents (Jan–Mar)─ 20
    4 ─member of─ 30 ─member of─ 5               11 ─operates from─ 21        6 ─peer─ 7
"""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest

from safehub.network import analysis
from safehub.network.analysis import LinkFact

KINDS = {1: "child", 2: "child", 3: "child", 4: "child", 5: "child", 6: "child", 7: "child", 10: "person",
         11: "person", 20: "place", 21: "place", 30: "group"}
LINKS = [
    LinkFact(1, 1, 10, "exploited_by", date(2025, 1, 10)),
    LinkFact(2, 2, 10, "exploited_by", date(2025, 2, 1)),
    LinkFact(3, 3, 10, "associates_with", date(2025, 3, 5)),
    LinkFact(4, 1, 20, "found_at", date(2025, 1, 15)),
    LinkFact(5, 2, 20, "found_at", date(2025, 2, 20)),
    LinkFact(6, 4, 20, "frequents", date(2025, 1, 1), date(2025, 3, 31)),
    LinkFact(7, 4, 30, "member_of", date(2025, 1, 1)),
    LinkFact(8, 5, 30, "member_of", date(2025, 4, 1)),
    LinkFact(9, 11, 21, "operates_from", date(2024, 6, 1)),
    LinkFact(10, 6, 7, "peer", date(2025, 5, 1)),
    LinkFact(11, 1, 10, "associates_with", date(2024, 12, 1)),  # a second link between 1 and 10
]


@pytest.fixture
def graph():
    return analysis.build_graph(KINDS, LINKS)


def test_build_graph_keeps_every_link_on_one_edge(graph):
    assert graph.number_of_nodes() == 12
    assert graph.number_of_edges() == 10
    assert graph.edges[1, 10]["links"] == [1, 11]


def test_cohorts_are_connected_clusters_of_children_largest_first(graph):
    assert analysis.cohorts(graph) == [[1, 2, 3, 4, 5, 10, 20, 30], [6, 7]]
    assert analysis.cohorts(graph, min_children=3) == [[1, 2, 3, 4, 5, 10, 20, 30]]


def test_people_linked_to_several_children(graph):
    assert analysis.hubs(graph, "person", min_children=2) == [(10, [1, 2, 3])]
    assert analysis.hubs(graph, "person", min_children=4) == []
    assert analysis.hubs(graph, "group", min_children=2) == [(30, [4, 5])]


@pytest.mark.parametrize(("since", "until", "expected"), [
    (date(2025, 1, 1), date(2025, 2, 28), [(20, [1, 2, 4], [4, 5, 6])]),
    (date(2025, 2, 1), date(2025, 2, 28), [(20, [2, 4], [5, 6])]),  # link 4 was a sighting on 15 January only
    (date(2025, 3, 1), date(2025, 3, 31), []),  # only child 4 (link 6 runs to 31 March)
    (None, None, [(20, [1, 2, 4], [4, 5, 6])]),
])
def test_hotspots_count_different_children_in_the_period(since, until, expected):
    found = analysis.hotspots(KINDS, LINKS, since=since, until=until, min_children=2)
    assert [(place, kids, [link.id for link in links]) for place, kids, links in found] == expected


def test_children_per_month_counts_each_child_once_a_month():
    place_links = [link for link in LINKS if 20 in (link.a, link.b)]
    assert analysis.children_per_month(place_links, KINDS, date(2025, 1, 1), date(2025, 4, 30)) == [
        (date(2025, 1, 1), 2), (date(2025, 2, 1), 2), (date(2025, 3, 1), 1), (date(2025, 4, 1), 0)]


def test_month_starts_cross_the_year_end():
    assert analysis.month_starts(date(2024, 11, 20), date(2025, 2, 1)) == [
        date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]


def test_shortest_paths(graph):
    assert analysis.shortest_path(graph, 5, 20) == [5, 30, 4, 20]  # the only shortest path
    assert len(analysis.shortest_path(graph, 3, 5)) == 7  # 3-10-(1 or 2)-20-4-30-5
    assert analysis.shortest_path(graph, 6, 1) is None  # separate clusters
    assert analysis.shortest_path(graph, 1, 999) is None


def test_degree_counts_records_not_links(graph):
    degree = analysis.degree(graph)
    assert (degree[10], degree[20], degree[1], degree[5], degree[6]) == (3, 3, 2, 1, 1)


def test_betweenness_exact_values(graph):
    values = analysis.betweenness(graph)
    # the group joins child 5 to the 6 other records of its cluster: 6 of the 55 pairs among 12 records
    assert values[30] == pytest.approx(6 / 55)
    assert values[5] == 0.0 and values[6] == 0.0
    assert analysis.sparse_betweenness(graph) == pytest.approx(values)  # the large-graph method agrees exactly


@pytest.mark.parametrize("seed", [1, 2])
def test_sparse_betweenness_matches_networkx(seed):
    graph = nx.gnm_random_graph(80, 120, seed=seed)  # disconnected parts included
    assert analysis.sparse_betweenness(graph) == pytest.approx(nx.betweenness_centrality(graph))


def test_betweenness_is_sampled_repeatably_on_large_graphs():
    big = nx.gnm_random_graph(400, 1200, seed=3)
    first = analysis.betweenness(big, sample=64)
    assert first == analysis.betweenness(big, sample=64)
    assert first == pytest.approx(nx.betweenness_centrality(big, k=64, seed=0))
    assert analysis.betweenness(big) == pytest.approx(nx.betweenness_centrality(big))  # exact up to 1,000 nodes
