"""Read queries for assurance: the section 11 matrix, audit grade aggregation, training compliance, private fostering counts
and the annual report's figures. Aggregates carry no identifying data; pages that show children read through `visible_to`.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from safehub.core.roles import Role
from safehub.meetings.models import Attendance, Body, Meeting, PanelCase
from safehub.performance.models import AssessmentRound
from safehub.performance.selectors import Matrix, standards_matrix

from .models import (
    AuditAnswer,
    CaseAudit,
    CaseReview,
    CourseSession,
    Grade,
    ImprovementAction,
    PrivateFosteringArrangement,
    Section11Return,
    TrackedAction,
    TrainingAttendance,
    TrainingRequirement,
)

SUPPRESSED = "*"
GRADE_ORDER = [Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE]


def suppress(value: int) -> str:
    """Small numbers (1 to 4) are shown as '*' in published figures so no child or family can be singled out."""
    return SUPPRESSED if 0 < value < 5 else str(value)


# Section 11 ---------------------------------------------------------------------------------------------------------------


def visible_returns(user) -> QuerySet[Section11Return]:
    """Everyone who reads assurance sees every agency's return; someone who only answers for an agency sees their own."""
    returns = Section11Return.objects.select_related("round", "agency", "submitted_by")
    if not user.has_perm("assurance.challenge_section11") and not user.has_role(Role.ANALYST):
        return returns.filter(agency_id=user.agency_id)
    return returns


def may_respond(user, section11_return: Section11Return) -> bool:
    return user.has_perm("assurance.respond_section11") and section11_return.agency_id == user.agency_id


@dataclass
class Section11Matrix:
    """The performance app's standards matrix (agency rows × standard columns, change since the previous round) with
    each agency's return and whether it was submitted."""

    matrix: Matrix
    returns: dict[int, Section11Return] = field(default_factory=dict)

    @property
    def rows(self):
        return [(row, self.returns.get(row.agency_id)) for row in self.matrix.rows]


def section11_matrix(round_: AssessmentRound) -> Section11Matrix:
    return Section11Matrix(standards_matrix(round_), {r.agency_id: r for r in Section11Return.objects.filter(round=round_)})


# Case audits --------------------------------------------------------------------------------------------------------------


@dataclass
class GradeSummary:
    by_agency: dict[str, dict[str, int]]
    overall: dict[str, int]
    answers: int
    good_or_better_percent: float | None


def grade_summary(audit: CaseAudit) -> GradeSummary:
    """How many answers got each grade, by agency and overall, and the share graded good or outstanding (one decimal)."""
    by_agency: dict[str, Counter] = defaultdict(Counter)
    overall: Counter = Counter()
    for agency_name, grade in AuditAnswer.objects.filter(case__audit=audit).values_list("agency__name", "grade"):
        by_agency[agency_name][grade] += 1
        overall[grade] += 1
    total = sum(overall.values())
    good = overall[Grade.OUTSTANDING] + overall[Grade.GOOD]
    return GradeSummary(
        by_agency={a: {g.value: c[g] for g in GRADE_ORDER} for a, c in sorted(by_agency.items())},
        overall={g.value: overall[g] for g in GRADE_ORDER},
        answers=total,
        good_or_better_percent=round(100 * good / total, 1) if total else None,
    )


# Training -----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Compliance:
    agency: str
    required_level: int
    workforce: int
    trained: int
    percent: float


def training_compliance(period: tuple[dt.date, dt.date]) -> list[Compliance]:
    """For each agency's requirement: staff who attended a course at the required level or above within `period`
    (inclusive; each person counted once, by name within the agency) as a percentage of the workforce needing it."""
    start, end = period
    rows = []
    for requirement in TrainingRequirement.objects.select_related("agency"):
        names = {n.strip().lower() for n in TrainingAttendance.objects.filter(
            agency=requirement.agency, attended=True, session__held_on__range=(start, end),
            session__course__level__gte=requirement.required_level).values_list("name", flat=True)}
        trained = min(len(names), requirement.workforce)
        percent = round(100 * trained / requirement.workforce, 1) if requirement.workforce else 0.0
        rows.append(Compliance(requirement.agency.name, requirement.required_level, requirement.workforce, trained, percent))
    return rows


def attendance_by_agency_and_role(period: tuple[dt.date, dt.date]) -> list[dict]:
    return list(TrainingAttendance.objects.filter(attended=True, session__held_on__range=period)
                .values("agency__name", "role").annotate(n=Count("id")).order_by("agency__name", "role"))


# Private fostering --------------------------------------------------------------------------------------------------------


def _quarter(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def private_fostering_counts(start: dt.date, end: dt.date) -> dict:
    """Notifications by source agency and quarter (counts only), and how many assessments finished within timescale."""
    counts: dict[str, Counter] = defaultdict(Counter)
    quarters: list[str] = []
    arrangements = PrivateFosteringArrangement.objects.filter(notified_on__range=(start, end)).select_related("source_agency")
    in_time = completed = 0
    for arrangement in arrangements:
        quarter = _quarter(arrangement.notified_on)
        if quarter not in quarters:
            quarters.append(quarter)
        counts[arrangement.source_agency.name][quarter] += 1
        if arrangement.assessment_completed_on:
            completed += 1
            in_time += arrangement.assessment_in_time
    quarters.sort()
    return {"quarters": quarters, "by_agency": {a: [c[q] for q in quarters] for a, c in sorted(counts.items())},
            "total": arrangements.count(), "assessments_completed": completed, "assessments_in_time": in_time}


# Annual report ------------------------------------------------------------------------------------------------------------


def board_attendance(start: dt.date, end: dt.date) -> list[dict]:
    """Partnership board meetings held in the period: how often each agency was present (or sent a substitute)."""
    meetings = Meeting.objects.filter(body__kind=Body.Kind.BOARD, date__range=(start, end)).exclude(
        status=Meeting.Status.CANCELLED)
    held = meetings.count()
    present = (Attendance.objects.filter(meeting__in=meetings, agency__isnull=False,
                                         status__in=[Attendance.Status.PRESENT, Attendance.Status.SUBSTITUTE])
               .values("agency__name").annotate(n=Count("meeting", distinct=True)).order_by("agency__name"))
    return [{"agency": row["agency__name"], "meetings": held, "attended": row["n"],
             "percent": round(100 * row["n"] / held, 1) if held else 0.0} for row in present]


def mace_activity(start: dt.date, end: dt.date) -> dict:
    meetings = Meeting.objects.filter(body__kind__in=Body.CASE_PANEL_KINDS, date__range=(start, end))
    return {"meetings": meetings.count(), "cases": PanelCase.objects.filter(meeting__in=meetings).count()}


def scorecard(start: dt.date, end: dt.date) -> list[dict] | None:
    """The board's scorecard for the financial year (the reports app's `board_report`, already suppressed), or None when
    it cannot be built."""
    if importlib.util.find_spec("safehub.reports") is None or importlib.util.find_spec("safehub.reports.board") is None:
        return None
    from django.utils import timezone

    from safehub.reports.board import board_report

    try:
        now = timezone.make_aware(dt.datetime.combine(end, dt.time(23, 59)))
        report = board_report(now=now, month=end.replace(day=1), kind="year", charts=False)
    except Exception:  # noqa: BLE001 - the annual report must still build if the scorecard cannot be read
        return None
    return [{"name": row.title, "value": row.value, "rag": row.rag_label} for row in report.rows]


def year_of(year_start: dt.date) -> tuple[dt.date, dt.date]:
    return year_start, year_start.replace(year=year_start.year + 1) - dt.timedelta(days=1)


def annual_report_data(year_start: dt.date) -> dict:
    """Every figure in the annual report, from the year's data, with counts of 1 to 4 suppressed. No names, no pseudonyms
    of children beyond the published review reference, no dates of birth."""
    start, end = year_of(year_start)
    reviews = CaseReview.objects.filter(notified_on__range=(start, end))
    rapid_in_time = sum(1 for r in reviews if r.rapid_review_completed_on and r.rapid_review_completed_on <= r.rapid_review_due)
    audits = CaseAudit.objects.filter(created_at__date__range=(start, end))
    overall: Counter = Counter()
    for audit in audits:
        overall.update({k: v for k, v in grade_summary(audit).overall.items()})
    tracked = TrackedAction.objects.filter(action__created_at__date__range=(start, end)).select_related("action")
    compliance = training_compliance((start, end))
    pf = private_fostering_counts(start, end)
    plans = ImprovementAction.objects.filter(objective__plan__created_at__date__lte=end)
    rag = Counter(plans.values_list("rag", flat=True))
    s11_rounds = AssessmentRound.objects.filter(standard_set__kind="section11", opens_on__range=(start, end))
    return {
        "period": (start, end),
        "scorecard": scorecard(start, end),
        "reviews": {
            "notifications": suppress(reviews.count()),
            "rapid_reviews_in_time": suppress(rapid_in_time),
            "lcsprs": suppress(reviews.filter(decision=CaseReview.Decision.LCSPR).count()),
            "published": suppress(reviews.filter(publication=CaseReview.Publication.PUBLISHED).count()),
            "recommendations": sum(r.recommendations.count() for r in reviews),
            "published_references": [r.reference for r in reviews.filter(publication=CaseReview.Publication.PUBLISHED)],
        },
        "audits": {
            "count": audits.count(),
            "themes": [a.theme for a in audits],
            "grades": {Grade(g).label: overall[g] for g in GRADE_ORDER},
            "grades_shown": {Grade(g).label: suppress(overall[g]) for g in GRADE_ORDER},
        },
        "actions": {"agreed": tracked.count(), "completed": sum(1 for t in tracked if t.action.status == "done")},
        "section11": {"rounds": [r.name for r in s11_rounds],
                      "returns_submitted": Section11Return.objects.filter(round__in=s11_rounds,
                                                                          submitted_at__isnull=False).count()},
        "training": {"compliance": compliance,
                     "sessions": CourseSession.objects.filter(held_on__range=(start, end)).count(),
                     "attendances": TrainingAttendance.objects.filter(attended=True, session__held_on__range=(start, end))
                     .count()},
        "private_fostering": {**pf, "total_shown": suppress(pf["total"]),
                              "by_agency_shown": {a: [suppress(n) for n in v] for a, v in pf["by_agency"].items()}},
        "mace": {k: suppress(v) for k, v in mace_activity(start, end).items()},
        "board_attendance": board_attendance(start, end),
        "improvement_rag": {label: rag[value] for value, label in ImprovementAction._meta.get_field("rag").choices},
    }
