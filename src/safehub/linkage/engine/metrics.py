"""Accuracy measures against a ground truth (for tests and benchmarks)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations

__all__ = ["pairs_from_clusters", "pairwise_scores", "true_pairs_from_truth"]

Pair = tuple[str, str]


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def pairs_from_clusters(cluster_of: Mapping[str, object]) -> set[Pair]:
    """Every pair of records that share a cluster (or a true entity)."""
    groups: dict[object, list[str]] = defaultdict(list)
    for record, cluster in cluster_of.items():
        groups[cluster].append(record)
    return {_pair(a, b) for members in groups.values() for a, b in combinations(sorted(members), 2)}


def true_pairs_from_truth(entity_of: Mapping[str, object]) -> set[Pair]:
    return pairs_from_clusters(entity_of)


def normalise_pairs(pairs: Iterable[tuple[str, str]]) -> set[Pair]:
    return {_pair(a, b) for a, b in pairs}


def pairwise_scores(predicted: Iterable[tuple[str, str]], truth: set[Pair]) -> dict[str, float | int]:
    """Precision, recall and F1 of ``predicted`` pairs against ``truth`` pairs (both unordered)."""
    predicted = normalise_pairs(predicted)
    tp = len(predicted & truth)
    fp = len(predicted) - tp
    fn = len(truth) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 5), "recall": round(recall, 5), "f1": round(f1, 5), "tp": tp, "fp": fp, "fn": fn}
