"""Read queries for the missing-children pages and API. Every function takes the user and reads through `visible_to`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from safehub.core.roles import PARTNERSHIP_CASE_ROLES
from safehub.people.models import SourceRecord

from .models import MissingAction, MissingEpisode, PhilomenaProfile, ReturnHomeInterview, TriggerFiring
from .services import rhi_due_at

NO_INTERVIEW = "No interview arranged"
IN_HOUSE = "In-house"


def display_names(user, child_ids) -> dict[int, str]:
    """The name each user may see for each child: the single view for partnership roles; for agency contributors the
    name on their own agency's record (as on the child page)."""
    child_ids = set(child_ids)
    if not child_ids:
        return {}
    if user.role_codes & PARTNERSHIP_CASE_ROLES:
        from safehub.people.models import Child

        return {c.pk: c.full_name for c in Child.objects.filter(pk__in=child_ids).only("given_name", "family_name")}
    names: dict[int, str] = {}
    records = SourceRecord.objects.visible_to(user).filter(link__child_id__in=child_ids).select_related("link")
    for record in records.order_by("pk"):
        names.setdefault(record.link.child_id, record.full_name)
    return names


def episodes(user) -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.visible_to(user).select_related("child", "agency")


@dataclass
class OngoingRow:
    episode: MissingEpisode
    name: str
    hours: float

    @property
    def over_24_hours(self) -> bool:
        return self.hours > 24


def ongoing_episodes(user, *, now: dt.datetime) -> list[OngoingRow]:
    """Episodes still open, longest first, with the hours missing so far."""
    rows = list(episodes(user).ongoing().order_by("started_at", "pk"))
    names = display_names(user, (e.child_id for e in rows))
    return [OngoingRow(e, names.get(e.child_id, "Name not known"), e.duration_hours(now)) for e in rows]


@dataclass
class InterviewDueRow:
    episode: MissingEpisode
    name: str
    interview: ReturnHomeInterview | None
    due_at: dt.datetime
    hours_left: float

    @property
    def overdue(self) -> bool:
        return self.hours_left < 0

    @property
    def status(self) -> str:
        return self.interview.status if self.interview else "Not arranged"


def interviews_due(user, *, now: dt.datetime) -> list[InterviewDueRow]:
    """Returned episodes whose interview is neither completed nor declined, soonest due (or most overdue) first."""
    rows_qs = (
        episodes(user)
        .filter(ended_at__isnull=False)
        .exclude(return_interview__completed_at__isnull=False)
        .exclude(return_interview__response=ReturnHomeInterview.Response.DECLINED)
        .select_related("return_interview")
    )
    rows = []
    for episode in rows_qs:
        interview = getattr(episode, "return_interview", None)
        due = interview.due_at if interview else rhi_due_at(episode)
        rows.append(InterviewDueRow(episode, "", interview, due, (due - now).total_seconds() / 3600))
    names = display_names(user, (r.episode.child_id for r in rows))
    for row in rows:
        row.name = names.get(row.episode.child_id, "Name not known")
    return sorted(rows, key=lambda r: (r.due_at, r.episode.pk))


@dataclass
class FiringRow:
    firing: TriggerFiring
    name: str
    action: MissingAction | None


def trigger_firings(user, *, limit: int = 200) -> list[FiringRow]:
    firings = list(
        TriggerFiring.objects.visible_to(user).select_related("rule", "child", "episode", "action")[:limit]
    )
    names = display_names(user, (f.child_id for f in firings))
    return [FiringRow(f, names.get(f.child_id, "Name not known"), getattr(f, "action", None)) for f in firings]


def firings_for_child(user, child) -> list[TriggerFiring]:
    return list(TriggerFiring.objects.visible_to(user).filter(child=child).select_related("rule", "action"))


def open_actions(user) -> QuerySet[MissingAction]:
    return MissingAction.objects.visible_to(user).open().select_related("child", "firing__rule")


def episode_detail(user, episode: MissingEpisode) -> dict:
    """What the episode page shows: the episode, its interview, the child's other episodes and triggers."""
    interview = ReturnHomeInterview.objects.filter(episode=episode).select_related("conducted_by").first()
    others = list(episodes(user).filter(child=episode.child).exclude(pk=episode.pk).order_by("-started_at")[:20])
    return {
        "episode": episode,
        "gradings": list(episode.gradings.select_related("graded_by").order_by("-graded_at", "-pk")),
        "profile": PhilomenaProfile.objects.visible_to(user).filter(child_id=episode.child_id).first(),
        "name": display_names(user, [episode.child_id]).get(episode.child_id, "Name not known"),
        "interview": interview,
        "due_at": interview.due_at if interview else rhi_due_at(episode),
        "other_episodes": others,
        "firings": firings_for_child(user, episode.child),
    }


def child_summary(user, child) -> dict:
    """What the child's missing page shows: every episode the user may see with its interview, triggers, the profile."""
    rows = list(episodes(user).filter(child=child).select_related("return_interview").order_by("-started_at")[:200])
    return {
        "child": child,
        "name": display_names(user, [child.pk]).get(child.pk, "Name not known"),
        "episodes": rows,
        "firings": firings_for_child(user, child),
        "profile": PhilomenaProfile.objects.visible_to(user).filter(child_id=child.pk).first(),
    }


# --- reconciliation -------------------------------------------------------------------------------------------------------


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start of `month` and of the next month, local (Europe/London) time."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    return start, timezone.make_aware(dt.datetime.combine(following, dt.time()))


@dataclass
class ProviderLine:
    provider: str
    episodes: int = 0
    offered_in_time: int = 0
    offered_late: int = 0
    not_offered: int = 0
    completed: int = 0
    completed_independent: int = 0  # held by someone independent of the child's placement and social worker
    out_of_area: int = 0  # interviews for children placed in another authority's area
    out_of_area_in_time: int = 0

    @property
    def percent_in_time(self) -> int | None:
        return round(100 * self.offered_in_time / self.episodes) if self.episodes else None

    @property
    def completed_not_independent(self) -> int:
        return self.completed - self.completed_independent

    @property
    def percent_independent(self) -> int | None:
        return round(100 * self.completed_independent / self.completed) if self.completed else None


@dataclass
class Reconciliation:
    month: dt.date
    lines: list[ProviderLine]
    total: ProviderLine
    unmatched: list[tuple[MissingEpisode, str, dt.datetime, str]] = field(default_factory=list)
    out_of_area: list[tuple[MissingEpisode, str, ReturnHomeInterview]] = field(default_factory=list)


def _returned_between(user, start: dt.datetime, end: dt.datetime) -> list[MissingEpisode]:
    return list(
        episodes(user)
        .filter(ended_at__gte=start, ended_at__lt=end)
        .select_related("return_interview")
        .order_by("ended_at", "pk")
    )


def _reconcile(month: dt.date, returned: list[MissingEpisode]) -> Reconciliation:
    by_provider: dict[str, ProviderLine] = defaultdict(lambda: ProviderLine(""))
    total = ProviderLine("All providers")
    unmatched = []
    out_of_area = []
    for episode in returned:
        interview = getattr(episode, "return_interview", None)
        provider = (interview.provider_name or IN_HOUSE) if interview else NO_INTERVIEW
        line = by_provider[provider]
        line.provider = provider
        due = interview.due_at if interview else rhi_due_at(episode)
        offered_in_time = bool(interview and interview.offered_at and interview.offered_at <= due)
        for counted in (line, total):
            counted.episodes += 1
            if offered_in_time:
                counted.offered_in_time += 1
            elif interview and interview.offered_at:
                counted.offered_late += 1
            else:
                counted.not_offered += 1
            if interview and interview.completed_at:
                counted.completed += 1
                counted.completed_independent += interview.independent
            if interview and interview.out_of_area:
                counted.out_of_area += 1
                counted.out_of_area_in_time += offered_in_time
        if interview and interview.out_of_area:
            out_of_area.append((episode, "", interview))
        if not offered_in_time:
            unmatched.append((episode, "", due, "Offered late" if interview and interview.offered_at else "Not offered"))
    lines = sorted(by_provider.values(), key=lambda line: (line.provider == NO_INTERVIEW, line.provider))
    return Reconciliation(month, lines, total, unmatched, out_of_area)


def reconciliation(user, *, month: dt.date) -> Reconciliation:
    """Police notifications (episodes the child returned from in `month`) against interviews offered within 72 hours,
    per interview provider; `unmatched` lists every episode without an interview offered in time, and why."""
    month = month.replace(day=1)
    result = _reconcile(month, _returned_between(user, *month_bounds(month)))
    names = display_names(user, (e.child_id for e, *_ in result.unmatched))
    result.unmatched = [(e, names.get(e.child_id, "Name not known"), due, why) for e, _n, due, why in result.unmatched]
    names.update(display_names(user, {e.child_id for e, *_ in result.out_of_area} - set(names)))
    result.out_of_area = [(e, names.get(e.child_id, "Name not known"), rhi) for e, _n, rhi in result.out_of_area]
    return result


def reconciliation_months(user, *, now: dt.datetime, months: int = 12) -> list[tuple[dt.date, ProviderLine]]:
    """The reconciliation totals for the last `months` months (this one included), newest first, in one query."""
    newest = timezone.localdate(now).replace(day=1)
    firsts = [newest]
    for _ in range(months - 1):
        firsts.append((firsts[-1] - dt.timedelta(days=1)).replace(day=1))
    start, end = month_bounds(firsts[-1])[0], month_bounds(newest)[1]
    by_month: dict[dt.date, list[MissingEpisode]] = defaultdict(list)
    for episode in _returned_between(user, start, end):
        by_month[timezone.localtime(episode.ended_at).date().replace(day=1)].append(episode)
    return [(first, _reconcile(first, by_month[first]).total) for first in firsts]


def dashboard_counts(user, *, now: dt.datetime) -> dict[str, int]:
    """The dashboard panel: children missing now, interviews overdue and trigger actions still open."""
    return {
        "ongoing": episodes(user).ongoing().count(),
        "interviews_overdue": sum(1 for row in interviews_due(user, now=now) if row.overdue),
        "open_actions": open_actions(user).count(),
    }
