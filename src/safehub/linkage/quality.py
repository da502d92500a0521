"""Data quality of the single view: the NHS number as the consistent identifier, and conflicts for a person to resolve."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import nhs_number as nhs

from safehub.people.models import Child, Identifier


class NhsStatus:
    VERIFIED = "verified"  # one valid NHS number, every record that has one agrees
    CONFLICTING = "conflicting"  # records hold two or more different valid NHS numbers
    UNVERIFIED = "unverified"  # only numbers that fail the check digit
    NONE = "none"  # no record holds an NHS number

    LABELS = {VERIFIED: "Verified", CONFLICTING: "Conflicting", UNVERIFIED: "Not valid", NONE: "None held"}


def nhs_status_of(numbers: list[str]) -> str:
    valid = {n for n in numbers if n and nhs.is_valid(n)}
    if len(valid) > 1:
        return NhsStatus.CONFLICTING
    if valid:
        return NhsStatus.VERIFIED
    return NhsStatus.UNVERIFIED if any(numbers) else NhsStatus.NONE


def nhs_numbers_by_child(children) -> dict[int, list[str]]:
    numbers: dict[int, list[str]] = defaultdict(list)
    for child_id, value in Identifier.objects.filter(child__in=children, scheme=Identifier.Scheme.NHS).values_list(
        "child_id", "value"
    ):
        numbers[child_id].append(value)
    return numbers


@dataclass(frozen=True)
class Conflict:
    child: Child
    scheme: str
    values: list[str]


def identifier_conflicts(user) -> list[Conflict]:
    """Children the user may see whose records hold different valid NHS numbers or different UPNs."""
    visible = Child.objects.visible_to(user).filter(merged_into__isnull=True)
    values: dict[tuple[int, str], set[str]] = defaultdict(set)
    for child_id, scheme, value in Identifier.objects.filter(
        child__in=visible, scheme__in=[Identifier.Scheme.NHS, Identifier.Scheme.UPN]
    ).values_list("child_id", "scheme", "value"):
        if scheme != Identifier.Scheme.NHS or nhs.is_valid(value):
            values[(child_id, scheme)].add(value.strip().upper())
    conflicted = {key: sorted(v) for key, v in values.items() if len(v) > 1}
    children = Child.objects.in_bulk([child_id for child_id, _ in conflicted])
    labels = dict(Identifier.Scheme.choices)
    return [Conflict(children[child_id], labels[scheme], vals) for (child_id, scheme), vals in sorted(conflicted.items())]


def nhs_match_rate() -> dict:
    """The partnership's NHS-number match rate: children (not merged away) whose NHS number is verified. Bar: 95%."""
    children = Child.objects.filter(merged_into__isnull=True)
    total = children.count()
    numbers = nhs_numbers_by_child(children)
    counts: dict[str, int] = defaultdict(int)
    for child_id in children.values_list("pk", flat=True):
        counts[nhs_status_of(numbers.get(child_id, []))] += 1
    verified = counts[NhsStatus.VERIFIED]
    return {"children": total, "verified": verified, "rate": verified / total if total else 0.0, "target": 0.95,
            "by_status": {NhsStatus.LABELS[k]: counts[k] for k in NhsStatus.LABELS}}
