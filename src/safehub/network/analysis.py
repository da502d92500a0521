"""Network analysis over plain link tuples, with networkx: cohorts, hubs, hotspots, paths, degree and betweenness.

Nothing here touches the database or knows who is looking: `selectors.py` builds the graph from the links a user may see and
turns node ids back into what that user may be shown. That keeps every calculation testable with exact values on a small
hand-made network (tests/test_analysis.py) and fast on a large one (benchmarks/network_analysis.py).

Betweenness is Brandes' algorithm written as sparse-matrix breadth-first searches from many sources at once (numpy/scipy),
because networkx's pure-Python version takes minutes on a 5,000-node cohort. It is exact up to `EXACT_UP_TO` nodes and
otherwise estimated from `BETWEENNESS_SAMPLE` sources chosen with a fixed seed (so it is repeatable); a sample ranks the
records that join separate parts of a cohort well, which is what a panel uses it for.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import networkx as nx

SMALL_GRAPH = 150  # up to this many nodes networkx's own exact betweenness is quick enough (and scipy is not imported)
EXACT_UP_TO = 1000  # up to this many nodes betweenness is exact (every node a source)
BETWEENNESS_SAMPLE = 128  # above that, estimated from this many sources
_BATCH = 128


@dataclass(frozen=True)
class LinkFact:
    """One link as the analysis sees it: its id, the two node ids, its type and when it held."""

    id: int
    a: int
    b: int
    type: str
    valid_from: date
    valid_to: date | None = None

    def overlaps(self, since: date | None, until: date | None) -> bool:
        if until is not None and self.valid_from > until:
            return False
        return since is None or (self.valid_to or self.valid_from) >= since


def build_graph(kinds: Mapping[int, str], links: Iterable[LinkFact]) -> nx.Graph:
    """An undirected graph: a node per id (attribute `kind`), an edge per linked pair carrying the ids of its links."""
    graph = nx.Graph()
    graph.add_nodes_from((node, {"kind": kind}) for node, kind in kinds.items())
    for link in links:
        if graph.has_edge(link.a, link.b):
            graph.edges[link.a, link.b]["links"].append(link.id)
        else:
            graph.add_edge(link.a, link.b, links=[link.id])
    return graph


def _of_kind(graph: nx.Graph, nodes: Iterable[int], kind: str) -> list[int]:
    return sorted(n for n in nodes if graph.nodes[n].get("kind") == kind)


def cohorts(graph: nx.Graph, *, min_children: int = 2) -> list[list[int]]:
    """Connected clusters holding at least `min_children` children, as sorted node-id lists: largest first (by children,
    then by all members), ties by the smallest node id."""
    found = []
    for component in nx.connected_components(graph):
        children = _of_kind(graph, component, "child")
        if len(children) >= min_children:
            found.append((len(children), len(component), sorted(component)))
    found.sort(key=lambda c: (-c[0], -c[1], c[2][0]))
    return [members for *_sizes, members in found]


def children_linked(graph: nx.Graph, node: int) -> list[int]:
    """The children linked directly to a node."""
    return _of_kind(graph, graph.neighbors(node), "child")


def hubs(graph: nx.Graph, kind: str, *, min_children: int = 2) -> list[tuple[int, list[int]]]:
    """Nodes of a kind (e.g. people) linked directly to at least `min_children` children: most children first."""
    found = []
    for node in _of_kind(graph, graph.nodes, kind):
        children = children_linked(graph, node)
        if len(children) >= min_children:
            found.append((node, children))
    found.sort(key=lambda h: (-len(h[1]), h[0]))
    return found


def hotspots(
    kinds: Mapping[int, str], links: Iterable[LinkFact], *, since: date | None, until: date | None, min_children: int = 2,
    place_kind: str = "place",
) -> list[tuple[int, list[int], list[LinkFact]]]:
    """Places linked to at least `min_children` different children by links that held at some time in [since, until]:
    (place, children, those links), most children first, ties by place id."""
    children: dict[int, set[int]] = defaultdict(set)
    used: dict[int, list[LinkFact]] = defaultdict(list)
    for link in links:
        if not link.overlaps(since, until):
            continue
        ends = {kinds.get(link.a): link.a, kinds.get(link.b): link.b}
        if len(ends) == 2 and "child" in ends and place_kind in ends:
            children[ends[place_kind]].add(ends["child"])
            used[ends[place_kind]].append(link)
    found = [(place, sorted(kids), used[place]) for place, kids in children.items() if len(kids) >= min_children]
    found.sort(key=lambda h: (-len(h[1]), h[0]))
    return found


def month_starts(since: date, until: date) -> list[date]:
    months, current = [], date(since.year, since.month, 1)
    while current <= until:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def children_per_month(links: Iterable[LinkFact], kinds: Mapping[int, str], since: date, until: date) -> list[tuple[date, int]]:
    """For each calendar month from `since` to `until`: how many different children the links (held in that month) touch."""
    months = month_starts(since, until)
    per: dict[date, set[int]] = {m: set() for m in months}
    links = list(links)
    for month in months:
        end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        for link in links:
            if link.valid_from < end and (link.valid_to or link.valid_from) >= month:
                per[month].update(n for n in (link.a, link.b) if kinds.get(n) == "child")
    return [(m, len(per[m])) for m in months]


def shortest_path(graph: nx.Graph, a: int, b: int) -> list[int] | None:
    """The fewest-links path from a to b (node ids, both ends included), or None when they are not connected.
    Among equally short paths networkx's breadth-first order decides, which is fixed for a given graph."""
    if a not in graph or b not in graph:
        return None
    try:
        return nx.shortest_path(graph, a, b)
    except nx.NetworkXNoPath:
        return None


def degree(graph: nx.Graph) -> dict[int, int]:
    """How many other records each node is linked to (several links between the same two count once)."""
    return dict(graph.degree())


def betweenness(graph: nx.Graph, *, sample: int | None = None, seed: int = 0) -> dict[int, float]:
    """Normalised betweenness centrality: the same values as `networkx.betweenness_centrality(graph)` (to rounding) up to
    `EXACT_UP_TO` nodes; above that (or above `sample`, when given) estimated from `BETWEENNESS_SAMPLE` (or `sample`)
    sources chosen as networkx's `k` with this seed would choose them, and scaled the same way networkx 3.6 scales a
    sample."""
    n = graph.number_of_nodes()
    if n <= 2:
        return dict.fromkeys(graph.nodes, 0.0)
    limit = EXACT_UP_TO if sample is None else sample
    if n <= min(limit, SMALL_GRAPH):
        return nx.betweenness_centrality(graph)
    return sparse_betweenness(graph, sample=limit if n <= limit else (sample or BETWEENNESS_SAMPLE), seed=seed)


def sparse_betweenness(graph: nx.Graph, *, sample: int = BETWEENNESS_SAMPLE, seed: int = 0) -> dict[int, float]:
    """`betweenness` by sparse-matrix BFS from up to `sample` sources at a time (exact when the graph is no larger)."""
    import numpy as np
    from scipy import sparse

    nodes = list(graph.nodes)
    n = len(nodes)
    if n <= 2:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    rows, cols = [], []
    for u, v in graph.edges():
        if u != v:
            rows += [index[u], index[v]]
            cols += [index[v], index[u]]
    adjacency = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    if n <= sample:
        sources = list(range(n))
    else:
        sources = sorted(index[s] for s in random.Random(seed).sample(nodes, sample))
    totals = np.zeros(n)
    for start in range(0, len(sources), _BATCH):
        totals += _brandes_batch(adjacency, sources[start:start + _BATCH])
    if len(sources) == n:
        scale = np.full(n, 1 / ((n - 1) * (n - 2)))
    else:
        # networkx's correction for a sample: a sampled source cannot be a pair's end for its own paths
        k = len(sources)
        scale = np.full(n, 1 / (k * (n - 2)))
        scale[sources] = 1 / ((k - 1) * (n - 2)) if k > 1 else 0.0
    return {node: float(totals[i] * scale[i]) for node, i in index.items()}


def _brandes_batch(adjacency, sources: list[int]):
    """Sum over these sources of each node's dependency (Brandes), by level-synchronous BFS on all sources at once.

    Column j of each (nodes × sources) array belongs to source j: `sigma` counts shortest paths from it, `depth` is the BFS
    level (-1 unreached), `delta` the dependency accumulated from the deepest level back to the source.
    """
    import numpy as np

    n, b = adjacency.shape[0], len(sources)
    columns = np.arange(b)
    sigma = np.zeros((n, b))
    sigma[sources, columns] = 1.0
    depth = np.full((n, b), -1, dtype=np.int16)
    depth[sources, columns] = 0
    frontier = sigma.copy()
    level = 0
    while True:
        reached = adjacency @ frontier
        new = reached > 0
        new &= depth < 0
        if not new.any():
            break
        level += 1
        depth[new] = level
        np.multiply(reached, new, out=reached)
        sigma += reached
        frontier = reached
    delta = np.zeros((n, b))
    coefficient = np.empty((n, b))
    for d in range(level, 0, -1):
        coefficient.fill(0.0)
        np.divide(delta + 1.0, sigma, out=coefficient, where=depth == d)
        pulled = adjacency @ coefficient
        above = depth == d - 1
        pulled *= sigma
        np.add(delta, pulled, out=delta, where=above)
    delta[sources, columns] = 0.0
    return delta.sum(axis=1)


@dataclass(frozen=True)
class Summary:
    """Everything a panel's network page computes, for the benchmark and the analysis tests."""

    cohorts: list[list[int]]
    people: list[tuple[int, list[int]]]
    hotspots: list[tuple[int, list[int], list[LinkFact]]]
    degree: dict[int, int]
    betweenness: dict[int, float]


def summarise(kinds: Mapping[int, str], links: list[LinkFact], *, since: date | None = None, until: date | None = None,
              min_children: int = 2) -> Summary:
    graph = build_graph(kinds, links)
    return Summary(
        cohorts=cohorts(graph, min_children=min_children),
        people=hubs(graph, "person", min_children=min_children),
        hotspots=hotspots(kinds, links, since=since, until=until, min_children=min_children),
        degree=degree(graph),
        betweenness=betweenness(graph),
    )
