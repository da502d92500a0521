"""Time the network analysis on one large synthetic cohort.

    UV_PYTHON_DOWNLOADS=never uv run python benchmarks/network_analysis.py --nodes 5000 --links 20000 --seed 1

Builds a connected cohort (children, people, places, groups, vehicles, online identities in fixed shares) with random
dated links, then times what a panel's network page computes (`safehub.network.analysis.summarise`: graph, cohorts,
people linked to children, hotspots over a year, degree, betweenness — estimated from 128 sources above 1,000 nodes) and
a shortest path. No database. Prints JSON; the target is `analysis_seconds` <= 1.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta

from safehub.network import analysis
from safehub.network.analysis import LinkFact

KIND_SHARES = [("child", 0.45), ("person", 0.25), ("place", 0.18), ("group", 0.04), ("vehicle", 0.04),
               ("online_identity", 0.04)]
START = date(2025, 1, 1)


def synthetic_cohort(nodes: int, links: int, seed: int) -> tuple[dict[int, str], list[LinkFact]]:
    rng = random.Random(seed)
    kinds: dict[int, str] = {}
    for node in range(nodes):
        roll, total = rng.random(), 0.0
        kinds[node] = KIND_SHARES[-1][0]
        for kind, share in KIND_SHARES:
            total += share
            if roll < total:
                kinds[node] = kind
                break
    facts = []
    order = list(range(nodes))
    rng.shuffle(order)
    # a random spanning tree first, so the cohort is one connected cluster, then random extra links
    for i in range(1, nodes):
        facts.append((order[i], order[rng.randrange(i)]))
    while len(facts) < links:
        a, b = rng.randrange(nodes), rng.randrange(nodes)
        if a != b:
            facts.append((a, b))
    out = []
    for link_id, (a, b) in enumerate(facts, start=1):
        begin = START + timedelta(days=rng.randrange(365))
        end = begin + timedelta(days=rng.randrange(90)) if rng.random() < 0.4 else None
        out.append(LinkFact(link_id, a, b, "other", begin, end))
    return kinds, out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--links", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="report the best of this many runs")
    args = parser.parse_args(argv)

    kinds, links = synthetic_cohort(args.nodes, args.links, args.seed)
    analysis.sparse_betweenness(analysis.build_graph({0: "child", 1: "child", 2: "child"}, [LinkFact(1, 0, 1, "x", START)]))
    timings, cpu, summary = [], [], None
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        summary = analysis.summarise(kinds, links, since=START, until=START + timedelta(days=364), min_children=3)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    graph = analysis.build_graph(kinds, links)
    start = time.perf_counter()
    path = analysis.shortest_path(graph, links[0].a, links[-1].b)
    path_seconds = time.perf_counter() - start
    best = min(timings)
    result = {
        "nodes": args.nodes,
        "links": len(links),
        "cohorts": len(summary.cohorts),
        "largest_cohort_children": sum(1 for n in summary.cohorts[0] if kinds[n] == "child") if summary.cohorts else 0,
        "people_linked_to_3_or_more_children": len(summary.people),
        "hotspots_3_or_more_children": len(summary.hotspots),
        "max_degree": max(summary.degree.values()),
        "max_betweenness": round(max(summary.betweenness.values()), 4),
        "betweenness_sources": args.nodes if args.nodes <= analysis.EXACT_UP_TO else analysis.BETWEENNESS_SAMPLE,
        "shortest_path_links": len(path) - 1 if path else None,
        "analysis_seconds": round(best, 3),
        "analysis_seconds_all_runs": [round(t, 3) for t in timings],
        "analysis_cpu_seconds": round(min(cpu), 3),
        "shortest_path_seconds": round(path_seconds, 4),
        "target_seconds": 1.0,
        "within_target": best <= 1.0,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return result


if __name__ == "__main__":
    main()
