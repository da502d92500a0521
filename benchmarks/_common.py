"""Helpers shared by the linkage benchmarks: timing, peak memory, accuracy against a truth."""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from safehub.linkage.engine.backend import blocked_by
from safehub.linkage.engine.metrics import pairs_from_clusters, pairwise_scores


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (DuckDB runs in-process, so it is included)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextmanager
def timed(results: dict, key: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    results[key] = round(time.perf_counter() - start, 2)


def pair_metrics(pairs: Iterable[tuple[str, str, float]], threshold: float, truth_pairs: set[tuple[str, str]]) -> dict:
    """Precision/recall/F1 of the pairs scoring at or above ``threshold``."""
    return pairwise_scores(((a, b) for a, b, p in pairs if p >= threshold), truth_pairs)


def cluster_metrics(cluster_of: Mapping[str, object], truth_pairs: set[tuple[str, str]]) -> dict:
    return pairwise_scores(pairs_from_clusters(cluster_of), truth_pairs)


def blocking_recall(prepared_rows: Mapping[str, dict], rules, truth_pairs: set[tuple[str, str]]) -> float:
    """Share of true pairs that at least one blocking rule generates."""
    if not truth_pairs:
        return 1.0
    found = sum(1 for a, b in truth_pairs if blocked_by(rules, prepared_rows[a], prepared_rows[b]))
    return round(found / len(truth_pairs), 5)


def emit(result: dict) -> None:
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
