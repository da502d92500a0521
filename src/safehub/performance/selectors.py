"""Read queries for the performance pages: the standards matrix, rounds and commentary. Aggregates and agency-level
ratings only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from .models import RAG_RANK, AssessmentRound, Commentary, Standard, StandardRating


@dataclass
class MatrixCell:
    rag: str | None
    previous: str | None
    change: str | None  # better, worse, same, new, or None when not rated

    @property
    def change_label(self) -> str:
        return {"better": "Improved", "worse": "Worse", "same": "No change", "new": "First rating"}.get(self.change, "")


@dataclass
class MatrixRow:
    agency: str
    agency_id: int
    cells: list[MatrixCell]
    rated: int


@dataclass
class Matrix:
    round: AssessmentRound
    previous_round: AssessmentRound | None
    standards: list[Standard]
    rows: list[MatrixRow]
    totals: dict[str, list[int]]  # rag → count per standard


def _change(now: str | None, before: str | None) -> str | None:
    if now is None:
        return None
    if before is None:
        return "new"
    diff = RAG_RANK[now] - RAG_RANK[before]
    return "better" if diff > 0 else "worse" if diff < 0 else "same"


def standards_matrix(round_: AssessmentRound) -> Matrix:
    """Agency × standard: each agency's RAG and the change since the previous round of the same standard set."""
    standards = list(round_.standard_set.standards.all())
    previous_round = round_.previous()
    rounds = [round_.pk] + ([previous_round.pk] if previous_round else [])
    ratings: dict[tuple[int, int, int], str] = {
        (r, a, s): rag
        for r, a, s, rag in StandardRating.objects.filter(round_id__in=rounds).values_list(
            "round_id", "agency_id", "standard_id", "rag")
    }
    rows = []
    totals = {rag: [0] * len(standards) for rag in ("red", "amber", "green")}
    for agency in round_.agencies.order_by("name"):
        cells = []
        for n, standard in enumerate(standards):
            now = ratings.get((round_.pk, agency.pk, standard.pk))
            before = ratings.get((previous_round.pk, agency.pk, standard.pk)) if previous_round else None
            cells.append(MatrixCell(now, before, _change(now, before)))
            if now:
                totals[now][n] += 1
        rows.append(MatrixRow(agency.name, agency.pk, cells, sum(1 for c in cells if c.rag)))
    return Matrix(round_, previous_round, standards, rows, totals)


def rounds_for(user):
    """Rounds the user may open: their agency's rounds for raters; all rounds for the board and analysts."""
    rounds = AssessmentRound.objects.select_related("standard_set").order_by("-opens_on", "-pk")
    if user.has_perm("performance.view_standards_matrix"):
        return rounds
    return rounds.filter(Q(agencies=user.agency_id)).distinct() if user.agency_id else rounds.none()


def own_ratings(round_: AssessmentRound, agency_id: int) -> dict[int, StandardRating]:
    return {r.standard_id: r for r in StandardRating.objects.filter(round=round_, agency_id=agency_id)}


def commentary_for(period_keys: dict[str, str]) -> dict[str, Commentary]:
    """Commentary by indicator id, for each indicator's own period key."""
    if not period_keys:
        return {}
    query = Q()
    for indicator, key in period_keys.items():
        query |= Q(indicator=indicator, period=key)
    return {c.indicator: c for c in Commentary.objects.filter(query).select_related("author")}


def dashboard_summary() -> dict:
    """The dashboard panel for board members and analysts: the newest standards round and how far agencies have got."""
    round_ = AssessmentRound.objects.select_related("standard_set").order_by("-opens_on", "-pk").first()
    if round_ is None:
        return {"round": None}
    standards = round_.standard_set.standards.count()
    per_agency = dict(
        StandardRating.objects.filter(round=round_).values_list("agency_id").annotate(n=Count("id")).values_list(
            "agency_id", "n")
    )
    agencies = round_.agencies.count()
    complete = sum(1 for n in per_agency.values() if n >= standards)
    return {"round": round_, "agencies": agencies, "complete": complete, "standards": standards}
