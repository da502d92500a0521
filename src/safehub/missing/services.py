"""Changes to missing episodes, return home interviews, triggers and their actions.

Each function runs in a transaction, writes the domain rows, an `Event` on the child where something happened to them
(`missing.started`, `missing.returned`, `missing.rhi_completed`, `missing.rhi_declined`, `missing.trigger`) and an audit
event. Times are passed in (`now=`), never read from the clock here, so callers and tests decide what "now" is.
Invalid input raises `django.core.exceptions.ValidationError` with a dict naming the field.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.core.models import Agency
from safehub.core.timescales import timescale
from safehub.core.working_days import add_working_days
from safehub.people.models import Child, Event, SourceRecord
from safehub.people.services import record_event

from .models import (
    NOT_INDEPENDENT_ROLES,
    Category,
    MissingAction,
    MissingEpisode,
    PhilomenaProfile,
    ReportedBy,
    ReturnHomeInterview,
    RiskGrading,
    TriggerFiring,
    TriggerRule,
)
from .risk_grades import CodeList, current_code_list
from .triggers import crossings, long_episode_crossed_at

DEFAULT_TRIGGER_RULES: tuple[dict, ...] = (
    {
        "code": "episodes-in-window",
        "name": "3 episodes in 90 days",
        "kind": TriggerRule.Kind.EPISODES_IN_WINDOW,
        "episodes": 3,
        "days": 90,
    },
    {
        "code": "long-episode",
        "name": "Missing for more than 24 hours",
        "kind": TriggerRule.Kind.LONG_EPISODE,
        "hours": 24,
    },
)
CAVEAT_ORDER = [Caveat.PARTNERSHIP, Caveat.MASH_ONLY, Caveat.AGENCY_ONLY]


def _when(moment: dt.datetime, pattern: str = "j M Y H:i") -> str:
    return date_format(timezone.localtime(moment), pattern)


def _check_times(*, started_at: dt.datetime, ended_at: dt.datetime | None, now: dt.datetime) -> None:
    errors = {}
    if started_at > now:
        errors["started_at"] = "The date and time the child went missing must be in the past"
    if ended_at is not None:
        if ended_at < started_at:
            errors["ended_at"] = "The date and time the child returned must be after they went missing"
        elif ended_at > now:
            errors["ended_at"] = "The date and time the child returned must be in the past"
    if errors:
        raise ValidationError(errors)


def trigger_rules() -> list[TriggerRule]:
    """The partnership's active trigger rules. The defaults are created on demand, so a fresh or flushed database has them;
    to switch a default off, mark its row inactive rather than deleting it."""
    present = set(TriggerRule.objects.filter(code__in=[r["code"] for r in DEFAULT_TRIGGER_RULES]).values_list("code", flat=True))
    for rule in DEFAULT_TRIGGER_RULES:
        if rule["code"] not in present:
            TriggerRule.objects.get_or_create(code=rule["code"], defaults=rule)
    return list(TriggerRule.objects.filter(active=True).order_by("code"))


# --- episodes -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_missing_episode(
    *,
    child: Child,
    agency: Agency,
    started_at: dt.datetime,
    now: dt.datetime,
    actor=None,
    category: str = Category.MISSING,
    reported_by: str = ReportedBy.NOT_RECORDED,
    reported_by_detail: str = "",
    police_reference: str = "",
    risk_grade: str = "",
    ended_at: dt.datetime | None = None,
    where_found: str = "",
    notes: str = "",
    places: str = "",
    people: str = "",
    caveat: str = Caveat.PARTNERSHIP,
    precision: str = MissingEpisode.Precision.EXACT,
    source_record: SourceRecord | None = None,
    import_key: str = "",
    evaluate: bool = True,
) -> MissingEpisode:
    """Record that a child went missing (and, if known already, when they returned).

    Writes the episode, a `missing.started` event (and `missing.returned` when `ended_at` is given), audits
    `missing.episode.recorded`, then evaluates the trigger rules for the child (unless `evaluate` is False, as imports do
    once per child at the end).
    """
    _check_times(started_at=started_at, ended_at=ended_at, now=now)
    police_reference = police_reference.strip()
    code_list = _grade_code_list(risk_grade, now) if risk_grade else None
    if police_reference and MissingEpisode.objects.filter(police_reference=police_reference).exists():
        raise ValidationError({"police_reference": "An episode with this police reference is already recorded"})
    graded_by_user = bool(risk_grade) and getattr(actor, "is_authenticated", False)
    episode = MissingEpisode.objects.create(
        child=child,
        agency=agency,
        category=category,
        started_at=started_at,
        ended_at=ended_at,
        precision=precision,
        reported_by=reported_by,
        reported_by_detail=reported_by_detail,
        police_reference=police_reference,
        where_found=where_found if ended_at else "",
        risk_grade=risk_grade,
        risk_grade_code_list_version=code_list.version if code_list else "",
        risk_grade_reviewed_by=actor if graded_by_user else None,
        risk_grade_reviewed_at=now if graded_by_user else None,
        notes=notes,
        places=places,
        people=people,
        caveat=caveat,
        source_record=source_record,
        import_key=import_key or (f"police:{police_reference}" if police_reference else ""),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if code_list is not None:
        _add_grading(episode, code_list, risk_grade, graded_at=now, actor=actor if graded_by_user else None,
                     source="recorded")
    record_event(
        agency=agency,
        type="missing.started",
        occurred_at=started_at,
        precision=Event.Precision.EXACT if precision == MissingEpisode.Precision.EXACT else Event.Precision.DAY,
        title=f"{episode.get_category_display()} from home or care",
        summary=f"Reported by {episode.get_reported_by_display().lower()}"
        + (f" ({reported_by_detail})" if reported_by_detail else "")
        + (f"; police reference {police_reference}" if police_reference else "")
        + (f"; police risk grade {episode.risk_grade_label.lower()}" if risk_grade else "")
        + ".",
        significance=Event.Significance.NOTABLE,
        caveat=caveat,
        source_record=source_record,
        detail=episode,
        actor=actor,
        child=child,
    )
    if ended_at is not None:
        _returned_event(episode, actor)
    record_audit(
        actor,
        "missing.episode.recorded",
        episode,
        detail={"child": child.pk, "started_at": started_at, "ended_at": ended_at, "police_reference": police_reference},
    )
    if evaluate:
        evaluate_triggers(child, now=now, actor=actor)
    return episode


def _returned_event(episode: MissingEpisode, actor) -> Event:
    hours = episode.duration_hours(episode.ended_at)
    found = f" Found at: {episode.where_found}." if episode.where_found else ""
    return record_event(
        agency=episode.agency,
        type="missing.returned",
        occurred_at=episode.ended_at,
        precision=Event.Precision.EXACT if episode.precision == MissingEpisode.Precision.EXACT else Event.Precision.DAY,
        title=f"Returned after being {episode.get_category_display().lower()}",
        summary=f"{episode.get_category_display()} for {hours:.0f} hour{'s' if round(hours) != 1 else ''}.{found}",
        significance=Event.Significance.NOTABLE,
        caveat=episode.caveat,
        source_record=episode.source_record,
        detail=episode,
        actor=actor,
        child=episode.child,
    )


@transaction.atomic
def record_return(
    episode: MissingEpisode, *, ended_at: dt.datetime, now: dt.datetime, actor=None, where_found: str = "", notes: str = ""
) -> MissingEpisode:
    """Close an ongoing episode: the child has returned or been found. Writes `missing.returned`, audits
    `missing.episode.returned`, and evaluates the triggers (a long episode fires when it closes, if not before)."""
    episode = MissingEpisode.objects.select_for_update().select_related("child", "agency").get(pk=episode.pk)
    if episode.ended_at is not None:
        raise ValidationError({"ended_at": "This episode already has a return recorded"})
    _check_times(started_at=episode.started_at, ended_at=ended_at, now=now)
    episode.ended_at = ended_at
    episode.where_found = where_found
    if notes:
        episode.notes = f"{episode.notes}\n\n{notes}".strip()
    episode.save(update_fields=["ended_at", "where_found", "notes", "updated_at"])
    _returned_event(episode, actor)
    record_audit(actor, "missing.episode.returned", episode, detail={"ended_at": ended_at, "where_found": where_found})
    evaluate_triggers(episode.child, now=now, actor=actor)
    return episode


def _grade_code_list(risk_grade: str, now: dt.datetime) -> CodeList:
    code_list = current_code_list(timezone.localdate(now))
    if risk_grade not in code_list.values:
        raise ValidationError({"risk_grade": "Choose a police risk grade from the list"})
    return code_list


def _add_grading(episode, code_list: CodeList, grade: str, *, graded_at, actor, source: str, reason: str = ""):
    return RiskGrading.objects.create(
        episode=episode,
        grade=grade,
        label=code_list.label(grade),
        code_list_version=code_list.version,
        graded_at=graded_at,
        graded_by=actor,
        source=source,
        reason=reason,
    )


@transaction.atomic
def grade_risk(
    episode: MissingEpisode, *, risk_grade: str, now: dt.datetime, actor, reason: str = ""
) -> MissingEpisode:
    """Record a review of the police risk grade under the code list in force: adds a `RiskGrading` row (earlier gradings
    are kept, never overwritten) and makes it the episode's current grade. Audits `missing.episode.graded` with the grade
    before and after."""
    code_list = _grade_code_list(risk_grade, now)
    MissingEpisode.objects.select_for_update().filter(pk=episode.pk).exists()  # one grading at a time per episode
    before = {"risk_grade": episode.risk_grade, "version": episode.risk_grade_code_list_version}
    grading = _add_grading(episode, code_list, risk_grade, graded_at=now, actor=actor, source="reviewed",
                           reason=reason.strip())
    episode.risk_grade = risk_grade
    episode.risk_grade_code_list_version = code_list.version
    episode.risk_grade_reviewed_by = actor
    episode.risk_grade_reviewed_at = now
    episode.save(
        update_fields=[
            "risk_grade", "risk_grade_code_list_version", "risk_grade_reviewed_by", "risk_grade_reviewed_at", "updated_at"
        ]
    )
    record_audit(
        actor,
        "missing.episode.graded",
        episode,
        detail={
            "before": before,
            "after": {"risk_grade": risk_grade, "version": code_list.version},
            "grading": grading.pk,
            "reason": grading.reason,
        },
    )
    return episode


# --- return home interviews ---------------------------------------------------------------------------------------------


def rhi_due_at(episode: MissingEpisode) -> dt.datetime | None:
    """When the return home interview is due: the `rhi` timescale (72 hours) from the return; None while missing."""
    return timescale("rhi").due(episode.ended_at) if episode.ended_at else None


def _agency_of(actor, episode: MissingEpisode) -> Agency:
    return getattr(actor, "agency", None) or episode.agency


DETAIL_FIELDS = ("independent", "delivered_by_name", "delivered_by_role", "out_of_area", "host_authority", "responsible")


def _set_details(interview: ReturnHomeInterview, details: dict) -> list[str]:
    """Apply who delivers the interview and, for a child placed out of area, the host authority and who is responsible.
    Values of None leave the field as it is. Returns the fields changed; refuses what contradicts itself."""
    changed = []
    for name in DETAIL_FIELDS:
        value = details.get(name)
        if value is not None:
            setattr(interview, name, value.strip() if isinstance(value, str) else value)
            changed.append(name)
    errors = {}
    if interview.delivered_by_role in NOT_INDEPENDENT_ROLES and interview.independent:
        errors["independent"] = "An interview held by the child's social worker or placement is not independent"
    if interview.out_of_area:
        if not interview.host_authority:
            errors["host_authority"] = "Enter the host authority the child is placed in"
        if not interview.responsible:
            errors["responsible"] = "Select who is responsible for the interview"
    elif interview.host_authority or interview.responsible:
        interview.host_authority, interview.responsible = "", ""
        changed += ["host_authority", "responsible"]
    if errors:
        raise ValidationError(errors)
    return sorted(set(changed))


def _details_audit(interview: ReturnHomeInterview) -> dict:
    return {
        "independent": interview.independent,
        "delivered_by": interview.delivered_by_name,
        "delivered_by_role": interview.delivered_by_role,
        "out_of_area": interview.out_of_area,
        "host_authority": interview.host_authority,
        "responsible": interview.responsible,
    }


@transaction.atomic
def create_return_interview(
    episode: MissingEpisode,
    *,
    now: dt.datetime,
    actor=None,
    offered_at: dt.datetime | None = None,
    provider_name: str = "",
    conducted_by=None,
    independent: bool = True,
    delivered_by_name: str = "",
    delivered_by_role: str = "",
    out_of_area: bool = False,
    host_authority: str = "",
    responsible: str = "",
) -> ReturnHomeInterview:
    """Arrange (and usually offer) the return home interview for a returned child, due 72 hours after the return (also
    when the child is placed out of area: the host authority or the home authority holds it, the clock is the same).
    Audits `missing.rhi.created`."""
    episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
    if episode.ended_at is None:
        raise ValidationError({"episode": "Record the child's return before arranging a return home interview"})
    if ReturnHomeInterview.objects.filter(episode=episode).exists():
        raise ValidationError({"episode": "A return home interview is already recorded for this episode"})
    if offered_at is not None:
        _check_within(offered_at, episode, now, "offered_at", "offered")
    interview = ReturnHomeInterview(
        episode=episode,
        due_at=rhi_due_at(episode),
        offered_at=offered_at,
        provider_name=provider_name,
        conducted_by=conducted_by,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _set_details(interview, {
        "independent": independent, "delivered_by_name": delivered_by_name, "delivered_by_role": delivered_by_role,
        "out_of_area": out_of_area, "host_authority": host_authority, "responsible": responsible,
    })
    interview.save()
    record_audit(
        actor,
        "missing.rhi.created",
        interview,
        detail={"episode": episode.pk, "due_at": interview.due_at, "offered_at": offered_at, "provider": provider_name,
                **_details_audit(interview)},
    )
    return interview


def _check_within(moment: dt.datetime, episode: MissingEpisode, now: dt.datetime, field: str, verb: str) -> None:
    if moment < episode.ended_at:
        raise ValidationError({field: f"The interview cannot be {verb} before the child returned"})
    if moment > now:
        raise ValidationError({field: f"The date and time the interview was {verb} must be in the past"})


@transaction.atomic
def offer_return_interview(
    interview: ReturnHomeInterview,
    *,
    offered_at: dt.datetime,
    now: dt.datetime,
    actor=None,
    provider_name: str | None = None,
    independent: bool | None = None,
    delivered_by_name: str | None = None,
    delivered_by_role: str | None = None,
    out_of_area: bool | None = None,
    host_authority: str | None = None,
    responsible: str | None = None,
) -> ReturnHomeInterview:
    """Record when an arranged interview was offered to the child (and who will hold it, where, if given).
    Audits `missing.rhi.offered`."""
    if interview.completed_at:
        raise ValidationError({"offered_at": "The interview has already been completed"})
    _check_within(offered_at, interview.episode, now, "offered_at", "offered")
    interview.offered_at = offered_at
    if provider_name is not None:
        interview.provider_name = provider_name
    changed = _set_details(interview, {
        "independent": independent, "delivered_by_name": delivered_by_name, "delivered_by_role": delivered_by_role,
        "out_of_area": out_of_area, "host_authority": host_authority, "responsible": responsible,
    })
    interview.save(update_fields=["offered_at", "provider_name", *changed, "updated_at"])
    record_audit(actor, "missing.rhi.offered", interview,
                 detail={"offered_at": offered_at, "provider": interview.provider_name, **_details_audit(interview)})
    return interview


@transaction.atomic
def record_interview_response(
    interview: ReturnHomeInterview, *, accepted: bool, responded_at: dt.datetime, now: dt.datetime, actor=None
) -> ReturnHomeInterview:
    """Record whether the child accepted the offered interview. A refusal writes `missing.rhi_declined` on the child.
    Audits `missing.rhi.response`."""
    if interview.completed_at:
        raise ValidationError({"response": "The interview has already been completed"})
    if interview.offered_at is None:
        raise ValidationError({"response": "Record when the interview was offered first"})
    if responded_at < interview.offered_at:
        raise ValidationError({"responded_at": "The response cannot be before the offer"})
    _check_within(responded_at, interview.episode, now, "responded_at", "answered")
    interview.response = ReturnHomeInterview.Response.ACCEPTED if accepted else ReturnHomeInterview.Response.DECLINED
    interview.responded_at = responded_at
    interview.save(update_fields=["response", "responded_at", "updated_at"])
    if not accepted:
        episode = interview.episode
        record_event(
            agency=episode.agency,
            type="missing.rhi_declined",
            occurred_at=responded_at,
            precision=Event.Precision.EXACT,
            title="Return home interview declined",
            summary="The child declined the return home interview offered after being missing.",
            significance=Event.Significance.NOTABLE,
            caveat=episode.caveat,
            detail=interview,
            actor=actor,
            child=episode.child,
        )
    record_audit(actor, "missing.rhi.response", interview, detail={"response": interview.response})
    return interview


@transaction.atomic
def complete_return_interview(
    interview: ReturnHomeInterview,
    *,
    completed_at: dt.datetime,
    now: dt.datetime,
    actor=None,
    conducted_by=None,
    provider_name: str | None = None,
    independent: bool | None = None,
    delivered_by_name: str | None = None,
    delivered_by_role: str | None = None,
    out_of_area: bool | None = None,
    host_authority: str | None = None,
    responsible: str | None = None,
    push_factors: str = "",
    pull_factors: str = "",
    places: str = "",
    people: str = "",
    notes: str = "",
) -> ReturnHomeInterview:
    """Record the interview as held, with its findings. Completing implies the offer was accepted. Writes
    `missing.rhi_completed` on the child and audits `missing.rhi.completed`."""
    if interview.completed_at:
        raise ValidationError({"completed_at": "The interview has already been completed"})
    if interview.response == ReturnHomeInterview.Response.DECLINED:
        raise ValidationError({"completed_at": "The child declined this interview"})
    _check_within(completed_at, interview.episode, now, "completed_at", "held")
    if interview.offered_at and completed_at < interview.offered_at:
        raise ValidationError({"completed_at": "The interview cannot be held before it was offered"})
    _set_details(interview, {  # first: a refusal here leaves the interview not completed
        "independent": independent, "delivered_by_name": delivered_by_name, "delivered_by_role": delivered_by_role,
        "out_of_area": out_of_area, "host_authority": host_authority, "responsible": responsible,
    })
    interview.offered_at = interview.offered_at or completed_at
    if not interview.response:
        interview.response, interview.responded_at = ReturnHomeInterview.Response.ACCEPTED, completed_at
    interview.completed_at = completed_at
    if conducted_by is not None:
        interview.conducted_by = conducted_by
    if provider_name is not None:
        interview.provider_name = provider_name
    interview.push_factors, interview.pull_factors = push_factors, pull_factors
    interview.places, interview.people, interview.notes = places, people, notes
    interview.save()
    episode = interview.episode
    record_event(
        agency=_agency_of(actor, episode),
        type="missing.rhi_completed",
        occurred_at=completed_at,
        precision=Event.Precision.EXACT,
        title="Return home interview completed",
        summary=f"Held by {interview.held_by or 'the missing children team'}"
        + (" (independent)." if interview.independent else " (not independent)."),
        significance=Event.Significance.NOTABLE,
        caveat=episode.caveat,
        detail=interview,
        actor=actor,
        child=episode.child,
    )
    record_audit(
        actor,
        "missing.rhi.completed",
        interview,
        detail={"completed_at": completed_at, "held_by": interview.held_by, **_details_audit(interview)},
    )
    return interview


# --- triggers -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def evaluate_triggers(child: Child, *, now: dt.datetime, actor=None) -> list[TriggerFiring]:
    """Fire every trigger rule the child's episodes cross that has not fired for that crossing yet.

    Each firing writes a `TriggerFiring` (with the crossing's episodes and window), a `missing.trigger` event of
    significance 3 in the child's chronology, a `MissingAction` due in the rule's working days, and audits
    `missing.trigger.fired`. Safe to call any number of times: a crossing fires once.
    """
    # Lock the child so two concurrent recordings for the same child evaluate one after the other.
    Child.objects.select_for_update().filter(pk=child.pk).exists()
    episodes = list(MissingEpisode.objects.filter(child=child).select_related("agency").order_by("started_at", "pk"))
    if not episodes:
        return []
    by_id = {e.pk: e for e in episodes}
    fired: list[TriggerFiring] = []
    for rule in trigger_rules():
        existing = list(TriggerFiring.objects.filter(rule=rule, child=child).values_list("episode_id", "crossed_at"))
        if rule.kind == TriggerRule.Kind.EPISODES_IN_WINDOW:
            for crossing in crossings(((e.pk, e.started_at) for e in episodes), episodes=rule.episodes, days=rule.days):
                if crossing.crossed_at > now or any(crossing.contains(at) for _e, at in existing):
                    continue
                counted = [by_id[pk] for pk in crossing.episode_ids if by_id[pk].started_at <= crossing.crossed_at]
                fired.append(
                    _fire(
                        rule,
                        child,
                        by_id[crossing.episode_id],
                        crossed_at=crossing.crossed_at,
                        window=(crossing.crossed_at - dt.timedelta(days=rule.days), crossing.ends_at),
                        counted=counted,
                        now=now,
                        actor=actor,
                    )
                )
        else:
            already = {episode_id for episode_id, _at in existing}
            for episode in episodes:
                crossed_at = long_episode_crossed_at(episode.started_at, episode.ended_at, hours=rule.hours, now=now)
                if crossed_at is None or episode.pk in already:
                    continue
                fired.append(
                    _fire(
                        rule,
                        child,
                        episode,
                        crossed_at=crossed_at,
                        window=(episode.started_at, episode.ended_at),
                        counted=[episode],
                        now=now,
                        actor=actor,
                    )
                )
    return fired


def _alert_text(rule: TriggerRule, episode: MissingEpisode, counted: list[MissingEpisode], now: dt.datetime) -> str:
    if rule.kind == TriggerRule.Kind.EPISODES_IN_WINDOW:
        dates = ", ".join(_when(e.started_at, "j M Y") for e in counted[-rule.episodes :])
        what = f"{len(counted)} episodes missing or absent within {rule.days} days (latest started {dates})"
    else:
        hours = episode.duration_hours(now)
        state = "still missing" if episode.ongoing else f"returned {_when(episode.ended_at)}"
        what = f"Missing for more than {rule.hours} hours: since {_when(episode.started_at)}, {hours:.0f} hours ({state})"
    return f"{what}. {rule.action}."


def _fire(rule, child, episode, *, crossed_at, window, counted, now, actor) -> TriggerFiring:
    caveat = max((e.caveat for e in counted), key=lambda c: CAVEAT_ORDER.index(c) if c in CAVEAT_ORDER else 0)
    text = _alert_text(rule, episode, counted, now)
    firing = TriggerFiring.objects.create(
        rule=rule,
        child=child,
        episode=episode,
        crossed_at=crossed_at,
        fired_at=now,
        window_start=window[0],
        window_end=window[1],
        episode_ids=[e.pk for e in counted],
        alert_text=text,
    )
    firing.event = record_event(
        agency=episode.agency,
        type="missing.trigger",
        occurred_at=crossed_at,
        precision=Event.Precision.EXACT,
        title=f"Missing trigger: {rule.name}",
        summary=text,
        significance=Event.Significance.SIGNIFICANT,
        caveat=caveat,
        detail=firing,
        actor=actor,
        child=child,
    )
    firing.save(update_fields=["event"])
    MissingAction.objects.create(
        firing=firing,
        child=child,
        title=rule.action,
        due_on=add_working_days(timezone.localdate(now), rule.action_due_working_days),
        created_at=now,
    )
    record_audit(
        actor,
        "missing.trigger.fired",
        firing,
        detail={"rule": rule.code, "child": child.pk, "episode": episode.pk, "episodes": firing.episode_ids},
    )
    return firing


def evaluate_all_ongoing(*, now: dt.datetime, actor=None) -> list[TriggerFiring]:
    """Evaluate the triggers for every child with an ongoing episode: run on a schedule (`safehub missing check-triggers`)
    so 'missing for more than 24 hours' fires while the child is still missing."""
    fired = []
    for child in Child.objects.filter(missing_episodes__ended_at__isnull=True).distinct():
        fired.extend(evaluate_triggers(child, now=now, actor=actor))
    return fired


@transaction.atomic
def complete_action(action: MissingAction, *, outcome: str, now: dt.datetime, actor) -> MissingAction:
    """Mark a trigger's action done (e.g. the strategy discussion was held) with what was decided.
    Audits `missing.action.completed`."""
    if action.completed_at:
        raise ValidationError({"outcome": "This action is already complete"})
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter what was decided"})
    action.completed_at, action.completed_by, action.outcome = now, actor, outcome.strip()
    action.save(update_fields=["completed_at", "completed_by", "outcome"])
    record_audit(actor, "missing.action.completed", action, detail={"outcome": action.outcome})
    return action


# --- Philomena profiles ---------------------------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "height", "build", "hair", "eyes", "distinguishing_features", "clothing", "health_needs", "associates",
    "places_frequented", "phone", "social_media", "photo_taken_on", "review_due", "caveat",
)


@transaction.atomic
def save_philomena_profile(
    child: Child, *, agency: Agency, actor, now: dt.datetime, photo=None, remove_photo: bool = False, **fields
) -> PhilomenaProfile:
    """Create or update the child's Philomena profile. A new photo replaces the old one (the old file is deleted);
    `remove_photo` deletes it. Audits `missing.profile.created` or `missing.profile.updated` with the names of the fields
    changed (never their values: the trail is not a second copy of the profile)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not profile fields: {sorted(unknown)}")
    if "review_due" in fields and fields["review_due"] is None:
        raise ValidationError({"review_due": "Enter the date the profile must next be reviewed"})
    profile = PhilomenaProfile.objects.select_for_update().filter(child=child).first()
    created = profile is None
    if created:
        if not fields.get("review_due"):
            raise ValidationError({"review_due": "Enter the date the profile must next be reviewed"})
        profile = PhilomenaProfile(child=child, agency=agency)
    changed = [name for name, value in fields.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, fields[name])
    old_photo = profile.photo.name if profile.photo else ""
    if photo is not None:
        extension = "png" if getattr(photo, "image_format", "") == "PNG" else "jpg"
        profile.photo.save(f"{uuid.uuid4().hex}.{extension}", photo, save=False)
        changed.append("photo")
    elif remove_photo and old_photo:
        profile.photo = ""
        changed.append("photo")
    profile.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    profile.save()
    if "photo" in changed and old_photo:
        profile.photo.storage.delete(old_photo)
    record_audit(
        actor,
        "missing.profile.created" if created else "missing.profile.updated",
        profile,
        detail={"child": child.pk, "changed": sorted(changed)},
    )
    return profile
