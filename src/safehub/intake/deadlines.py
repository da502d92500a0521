"""When front-door work is due, and how late it is (the red/amber/green shown on every list).

The rules are timescales (`safehub.core.timescales`), configured by the partnership; this module only applies them to
aware datetimes consistently with each rule's unit.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.utils import timezone

from safehub.core.timescales import timescale

AMBER_WINDOW = dt.timedelta(hours=4)


def due_at(code: str, start: dt.datetime) -> dt.datetime:
    """When work started at `start` is due under timescale `code`, as an aware local datetime.

    Hour and day rules count elapsed clock time, so they are applied in UTC (72 hours across the October clock change is
    still 72 hours). Working-day rules count days in the partnership's calendar, so they are applied to the local time
    (a contact received at 16:00 on a Friday is due at 16:00 on the next working day).
    """
    if timezone.is_naive(start):
        raise ValueError("Deadlines need an aware datetime.")
    rule = timescale(code)
    if rule.unit in ("hours", "days"):
        return timezone.localtime(rule.due(start.astimezone(dt.UTC)))
    return timezone.localtime(rule.due(timezone.localtime(start)))


def due_on(code: str, start: dt.date) -> dt.date:
    """The due date of a date-based timescale (working days, months) started on `start`."""
    return timescale(code).due(start)


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return {"green": "On time", "amber": "Due soon", "red": "Overdue"}[self.value]

    @property
    def tag_class(self) -> str:
        return {"green": "govuk-tag--green", "amber": "govuk-tag--yellow", "red": "govuk-tag--red"}[self.value]


def rag(due: dt.datetime, now: dt.datetime) -> Rag:
    """Red once overdue; amber when due within four hours or later today; otherwise green."""
    if now > due:
        return Rag.RED
    if due - now <= AMBER_WINDOW or timezone.localdate(due) == timezone.localdate(now):
        return Rag.AMBER
    return Rag.GREEN
