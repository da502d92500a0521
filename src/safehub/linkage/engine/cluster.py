"""Constrained clustering: connected components at a threshold that never join conflicting identifiers.

Edges are taken strongest first into a union-find. A union is refused when it would put two
different NHS numbers (or UPNs, or whichever identifiers are given) into one child, or join two
records a person has said are different (``cannot_link``). Human-confirmed ``must_link`` pairs are
joined first and always. Twins share a surname, a date of birth and an address, but never an NHS
number, so this is what keeps them apart when the names alone would not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["ClusterResult", "RefusedLink", "constrained_clusters"]


@dataclass(frozen=True)
class RefusedLink:
    unique_id_l: str
    unique_id_r: str
    match_probability: float
    reason: str


@dataclass
class ClusterResult:
    #: unique_id -> cluster_id (the smallest unique_id in the cluster)
    cluster_of: dict[str, str]
    #: unique_id -> probability of the strongest accepted link touching the record (None for a singleton)
    link_probability: dict[str, float | None]
    refused: list[RefusedLink]


Value = str | frozenset[str] | None


def _conflict(a: Value, b: Value) -> bool:
    """Two non-empty identifier sets, neither within the other (a root holds one value, or a set after a must-link)."""
    if a is None or b is None:
        return False
    if isinstance(a, str) and isinstance(b, str):
        return a != b
    sa = {a} if isinstance(a, str) else a
    sb = {b} if isinstance(b, str) else b
    return not (sa <= sb or sb <= sa)


def _merge(a: Value, b: Value) -> Value:
    if a is None:
        return b
    if b is None or a == b:
        return a
    return frozenset(({a} if isinstance(a, str) else a) | ({b} if isinstance(b, str) else b))


def constrained_clusters(
    ids: Sequence[str],
    edges: Iterable[tuple[str, str, float]],
    threshold: float,
    identifiers: Mapping[str, Sequence[str | None]] | None = None,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
) -> ClusterResult:
    """Cluster ``ids`` using ``edges`` ``(id_l, id_r, probability)`` at or above ``threshold``.

    ``identifiers`` maps a name (``"nhs_number"``) to one value per id (aligned with ``ids``; ``None``
    or ``""`` for absent). Raises ``ValueError`` for an unknown id in ``must_link``/``cannot_link``, or
    when the must-links themselves join a cannot-link pair. Records are held as integers and identifier
    values only where present, so a million records cluster in seconds and a few hundred megabytes.
    """
    ids = list(ids)
    position = {record: i for i, record in enumerate(ids)}
    n = len(ids)
    parent = list(range(n))
    size = [1] * n
    values: dict[str, list[Value]] = {}
    for name, column in (identifiers or {}).items():
        if len(column) != n:
            raise ValueError(f"identifier {name!r} has {len(column)} values for {n} records")
        values[name] = [v or None for v in column]
    best: list[float | None] = [None] * n

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def index(pairs: Iterable[tuple[str, str]], what: str) -> list[tuple[int, int]]:
        out = []
        for a, b in pairs:
            for x in (a, b):
                if x not in position:
                    raise ValueError(f"{what} names an unknown record: {x!r}")
            out.append((position[a], position[b]))
        return out

    must = index(must_link, "must_link")
    cannot = index(cannot_link, "cannot_link")
    # forbidden partners per root (record positions; resolved with find() when checked)
    root_forbidden: dict[int, set[int]] = {}
    for a, b in cannot:
        root_forbidden.setdefault(a, set()).add(b)
        root_forbidden.setdefault(b, set()).add(a)

    def union(ra: int, rb: int) -> int:
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
        for column in values.values():
            column[ra] = _merge(column[ra], column[rb])
        if rb in root_forbidden:
            root_forbidden.setdefault(ra, set()).update(root_forbidden.pop(rb))
        return ra

    for a, b in must:
        ra, rb = find(a), find(b)
        if ra != rb:
            union(ra, rb)
        best[a] = best[b] = 1.0
    for a, b in cannot:
        if find(a) == find(b):
            raise ValueError(f"must_link joins {ids[a]!r} and {ids[b]!r}, which cannot_link keeps apart")

    refused: list[RefusedLink] = []
    strong = sorted((e for e in edges if e[2] >= threshold), key=lambda e: (-e[2], e[0], e[1]))
    for a_id, b_id, p in strong:
        a, b = position[a_id], position[b_id]
        ra, rb = find(a), find(b)
        if ra != rb:
            reason = next((f"different {name}" for name, column in values.items() if _conflict(column[ra], column[rb])),
                          None)
            if reason is None and root_forbidden:
                fa, fb = root_forbidden.get(ra, ()), root_forbidden.get(rb, ())
                if any(find(x) == rb for x in fa) or any(find(x) == ra for x in fb):
                    reason = "a person said these are different children (cannot_link)"
            if reason is not None:
                refused.append(RefusedLink(a_id, b_id, p, reason))
                continue
            union(ra, rb)
        for x in (a, b):
            if best[x] is None or best[x] < p:
                best[x] = p

    smallest: dict[int, str] = {}
    roots = [find(i) for i in range(n)]
    for i, root in enumerate(roots):
        if root not in smallest or ids[i] < smallest[root]:
            smallest[root] = ids[i]
    cluster_of = {record: smallest[root] for record, root in zip(ids, roots, strict=True)}
    return ClusterResult(cluster_of=cluster_of, link_probability=dict(zip(ids, best, strict=True)), refused=refused)
