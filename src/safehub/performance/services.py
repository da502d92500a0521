"""Changes to the performance framework. Each function runs in a transaction and writes the audit trail; nothing here
happens to a child, so no events are written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.models import Agency

from . import indicators as library
from .models import (
    AssessmentRound,
    Commentary,
    Comparator,
    PopulationBase,
    Rag,
    Standard,
    StandardRating,
    StandardSet,
    Target,
)
from .periods import parse_period


class PerformanceError(ValueError):
    """Invalid input; `errors` maps each field to a message a user can act on."""

    def __init__(self, errors: dict[str, str] | str, message: str = ""):
        self.errors = errors if isinstance(errors, dict) else {errors: message}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def _indicator(indicator_id: str):
    try:
        return library.get(indicator_id)
    except KeyError:
        raise PerformanceError("indicator", f"There is no indicator {indicator_id!r}") from None


@transaction.atomic
def set_target(indicator_id: str, *, target: float | None, tolerance: float, actor, reason: str = "") -> Target:
    """Set the partnership's target and amber tolerance for an indicator. Audits `indicator.target_set` (before/after)."""
    indicator = _indicator(indicator_id)
    if tolerance is None or tolerance < 0:
        raise PerformanceError("tolerance", "Enter a tolerance of 0 or more")
    if indicator.unit == "percent" and target is not None and not 0 <= target <= 100:
        raise PerformanceError("target", "Enter a percentage target between 0 and 100")
    before = Target.objects.filter(indicator=indicator.id).values("target", "tolerance").first()
    row, _ = Target.objects.update_or_create(
        indicator=indicator.id,
        defaults={"target": target, "tolerance": tolerance, "reason": reason.strip(), "updated_by": actor},
    )
    record_audit(actor, "indicator.target_set", row, detail={"indicator": indicator.id, "before": before,
                                                              "after": {"target": target, "tolerance": tolerance}})
    return row


@transaction.atomic
def set_comparator(indicator_id: str, *, kind: str, value: float, year: str, source: str, actor) -> Comparator:
    """Enter or correct a published comparator (England, region, statistical neighbours) with its source and year."""
    indicator = _indicator(indicator_id)
    errors = {}
    if kind not in Comparator.Kind.values:
        errors["kind"] = "Select England, region or statistical neighbours"
    if not year.strip():
        errors["year"] = "Enter the year the figure is for, e.g. 2023-24"
    if not source.strip():
        errors["source"] = "Enter where the figure was published"
    if errors:
        raise PerformanceError(errors)
    row, _ = Comparator.objects.update_or_create(
        indicator=indicator.id, kind=kind,
        defaults={"value": value, "year": year.strip(), "source": source.strip(), "updated_by": actor},
    )
    record_audit(actor, "indicator.comparator_set", row, detail={"indicator": indicator.id, "kind": kind, "value": value,
                                                                  "year": year, "source": source})
    return row


@transaction.atomic
def set_population(*, year: int, children: int, source: str, actor) -> PopulationBase:
    """Record the 0-17 mid-year population estimate for a year (the base for rates per 10,000)."""
    errors = {}
    if not 1990 <= year <= 2100:
        errors["year"] = "Enter a year such as 2025"
    if children is None or children <= 0:
        errors["children"] = "Enter the number of children aged 0 to 17"
    if errors:
        raise PerformanceError(errors)
    row, _ = PopulationBase.objects.update_or_create(
        year=year, defaults={"children": children, "source": source.strip(), "updated_by": actor}
    )
    record_audit(actor, "population_base.set", row, detail={"year": year, "children": children, "source": source})
    return row


@transaction.atomic
def save_commentary(indicator_id: str, period_key: str, *, text: str, actor) -> Commentary | None:
    """Write (or clear, with empty text) the analyst's commentary on an indicator for a period."""
    indicator = _indicator(indicator_id)
    try:
        period = parse_period(period_key)
    except ValueError as exc:
        raise PerformanceError("period", str(exc)) from None
    text = text.strip()
    if not text:
        deleted, _ = Commentary.objects.filter(indicator=indicator.id, period=period.key).delete()
        record_audit(actor, "commentary.cleared", object_type="performance.commentary",
                     object_id=f"{indicator.id}:{period.key}", detail={"deleted": deleted})
        return None
    if len(text) > 4000:
        raise PerformanceError("text", "Commentary must be 4,000 characters or fewer")
    row, _ = Commentary.objects.update_or_create(
        indicator=indicator.id, period=period.key, defaults={"text": text, "author": actor}
    )
    record_audit(actor, "commentary.saved", row, detail={"indicator": indicator.id, "period": period.key})
    return row


# ---------------------------------------------------------------------------------------------------------------------
# Standards self-assessment (generic: also used for section 11 audits by the assurance app)


@transaction.atomic
def define_standard_set(code: str, name: str, standards: Iterable[tuple[str, str]], *, kind: str = "partnership",
                        description: str = "", actor=None) -> StandardSet:
    """Create a standard set (or add standards missing from it) from (number, title) pairs. Idempotent."""
    standard_set, created = StandardSet.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "description": description}
    )
    existing = set(standard_set.standards.values_list("number", flat=True))
    new = [
        Standard(standard_set=standard_set, number=number, title=title, order=order)
        for order, (number, title) in enumerate(standards, start=1)
        if number not in existing
    ]
    Standard.objects.bulk_create(new)
    record_audit(actor, "standard_set.defined", standard_set, detail={"created": created, "standards_added": len(new)})
    return standard_set


@transaction.atomic
def open_round(standard_set: StandardSet, *, name: str, opens_on: dt.date, due_on: dt.date,
               agencies: Iterable[Agency], actor=None) -> AssessmentRound:
    """Open a round of self-assessment for the given agencies."""
    agencies = list(agencies)
    errors = {}
    if not name.strip():
        errors["name"] = "Enter a name for the round"
    if due_on < opens_on:
        errors["due_on"] = "The due date must be on or after the opening date"
    if not agencies:
        errors["agencies"] = "Select at least one agency"
    if errors:
        raise PerformanceError(errors)
    round_ = AssessmentRound.objects.create(standard_set=standard_set, name=name.strip(), opens_on=opens_on,
                                            due_on=due_on, created_by=actor)
    round_.agencies.set(agencies)
    record_audit(actor, "assessment_round.opened", round_, detail={"agencies": [a.code for a in agencies]})
    return round_


@transaction.atomic
def close_round(round_: AssessmentRound, *, actor) -> AssessmentRound:
    round_.status = AssessmentRound.Status.CLOSED
    round_.save(update_fields=["status"])
    record_audit(actor, "assessment_round.closed", round_)
    return round_


@transaction.atomic
def rate_standard(round_: AssessmentRound, standard: Standard, *, actor, rag: str, evidence: str,
                  action_plan: str = "", action_due_on: dt.date | None = None,
                  now: dt.datetime | None = None) -> StandardRating:
    """Record (or revise) the actor's own agency's rating of one standard in an open round. An agency rates only
    itself; amber and red need an action plan. Audits `standard.rated` with the rating before and after."""
    if actor.agency_id is None or not round_.agencies.filter(pk=actor.agency_id).exists():
        raise PermissionDenied("Your agency is not taking part in this round.")
    if not actor.has_perm("performance.rate_standards"):
        raise PermissionDenied("You may not rate standards.")
    if standard.standard_set_id != round_.standard_set_id:
        raise PerformanceError("standard", "That standard is not part of this round")
    errors = {}
    if round_.status != AssessmentRound.Status.OPEN:
        errors["rag"] = "This round is closed"
    if rag not in Rag.values:
        errors["rag"] = "Select red, amber or green"
    if not evidence.strip():
        errors["evidence"] = "Enter the evidence for your rating"
    if rag in (Rag.RED, Rag.AMBER) and not action_plan.strip():
        errors["action_plan"] = "Enter what your agency will do to meet the standard"
    if errors:
        raise PerformanceError(errors)
    before = StandardRating.objects.filter(round=round_, standard=standard, agency_id=actor.agency_id).values(
        "rag", "evidence", "action_plan").first()
    rating, _ = StandardRating.objects.update_or_create(
        round=round_, standard=standard, agency_id=actor.agency_id,
        defaults={"rag": rag, "evidence": evidence.strip(), "action_plan": action_plan.strip(),
                  "action_due_on": action_due_on, "rated_by": actor, "rated_at": now or timezone.now()},
    )
    record_audit(actor, "standard.rated", rating, detail={"round": round_.pk, "standard": standard.number,
                                                          "before": before, "after": rag})
    return rating
