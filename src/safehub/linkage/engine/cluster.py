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


class _UnionFind:
    def __init__(self, ids: Sequence[str]) -> None:
        self.parent = {i: i for i in ids}
        self.size = dict.fromkeys(ids, 1)

    def find(self, x: str) -> str:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root


def _conflict(a: set[str], b: set[str]) -> bool:
    return bool(a) and bool(b) and not (a <= b or b <= a)


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
    when the must-links themselves join a cannot-link pair.
    """
    ids = list(ids)
    uf = _UnionFind(ids)
    known = uf.parent
    id_sets: dict[str, dict[str, set[str]]] = {}
    for name, values in (identifiers or {}).items():
        if len(values) != len(ids):
            raise ValueError(f"identifier {name!r} has {len(values)} values for {len(ids)} records")
        id_sets[name] = {i: ({v} if v else set()) for i, v in zip(ids, values, strict=True)}
    best: dict[str, float | None] = dict.fromkeys(ids)

    def check(pairs: Iterable[tuple[str, str]], what: str) -> list[tuple[str, str]]:
        out = []
        for a, b in pairs:
            for x in (a, b):
                if x not in known:
                    raise ValueError(f"{what} names an unknown record: {x!r}")
            out.append((a, b))
        return out

    must = check(must_link, "must_link")
    cannot = check(cannot_link, "cannot_link")
    forbidden: dict[str, set[str]] = {}
    for a, b in cannot:
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)
    # forbidden partners per root (record ids; resolved with find() when checked)
    root_forbidden: dict[str, set[str]] = {k: set(v) for k, v in forbidden.items()}

    def union(ra: str, rb: str) -> str:
        if uf.size[ra] < uf.size[rb]:
            ra, rb = rb, ra
        uf.parent[rb] = ra
        uf.size[ra] += uf.size[rb]
        for sets in id_sets.values():
            sets[ra] |= sets.pop(rb)
        if rb in root_forbidden:
            root_forbidden.setdefault(ra, set()).update(root_forbidden.pop(rb))
        return ra

    for a, b in must:
        ra, rb = uf.find(a), uf.find(b)
        if ra != rb:
            union(ra, rb)
        for x in (a, b):
            best[x] = 1.0
    for a, b in cannot:
        if uf.find(a) == uf.find(b):
            raise ValueError(f"must_link joins {a!r} and {b!r}, which cannot_link keeps apart")

    refused: list[RefusedLink] = []
    strong = sorted((e for e in edges if e[2] >= threshold), key=lambda e: (-e[2], e[0], e[1]))
    for a, b, p in strong:
        ra, rb = uf.find(a), uf.find(b)
        if ra != rb:
            reason = next((f"different {name}" for name, sets in id_sets.items() if _conflict(sets[ra], sets[rb])), None)
            if reason is None:
                fa, fb = root_forbidden.get(ra, ()), root_forbidden.get(rb, ())
                if any(uf.find(x) == rb for x in fa) or any(uf.find(x) == ra for x in fb):
                    reason = "a person said these are different children (cannot_link)"
            if reason is not None:
                refused.append(RefusedLink(a, b, p, reason))
                continue
            union(ra, rb)
        for x in (a, b):
            if best[x] is None or best[x] < p:
                best[x] = p

    members: dict[str, str] = {}
    for i in ids:
        root = uf.find(i)
        if root not in members or i < members[root]:
            members[root] = i
    cluster_of = {i: members[uf.find(i)] for i in ids}
    return ClusterResult(cluster_of=cluster_of, link_probability=best, refused=refused)
