"""Statutory timescales as configuration, with defaults from Working Together to Safeguard Children 2023.

The partnership can change a timescale by editing its `TimescaleRule` row; code asks `timescale(code)`, which falls back to the
default here when no row exists (so a fresh database, or a test that flushed it, still has every rule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from .working_days import calendar

WT2023 = "Working Together to Safeguard Children 2023"


@dataclass(frozen=True)
class Timescale:
    code: str
    name: str
    amount: int
    unit: str  # working_days, days, hours, months
    source: str = WT2023

    def due(self, start: dt.datetime | dt.date) -> dt.datetime | dt.date:
        """When something started at `start` is due under this timescale."""
        if self.unit == "hours":
            return start + dt.timedelta(hours=self.amount)
        if self.unit == "days":
            return start + dt.timedelta(days=self.amount)
        if self.unit == "months":
            return start + relativedelta(months=self.amount)
        day = start.date() if isinstance(start, dt.datetime) else start
        due_day = calendar().add_working_days(day, self.amount)
        if isinstance(start, dt.datetime):
            return start.replace(year=due_day.year, month=due_day.month, day=due_day.day)
        return due_day


DEFAULTS: dict[str, Timescale] = {
    t.code: t
    for t in [
        Timescale("mash_decision", "MASH decision after a contact", 1, "working_days", "Local MASH protocol"),
        Timescale("mash_decision_urgent", "MASH decision on an urgent contact", 4, "hours", "Local MASH protocol"),
        Timescale("agency_check", "Agency response to a MASH information request", 72, "hours", "Local MASH protocol"),
        Timescale(
            "agency_check_urgent", "Urgent agency response to a MASH information request", 4, "hours", "Local MASH protocol"
        ),
        Timescale("assessment", "Assessment completed after referral", 45, "working_days"),
        Timescale("icpc", "Initial child protection conference after the strategy discussion", 15, "working_days"),
        Timescale("rcpc_first", "First review conference after the initial conference", 3, "months"),
        Timescale("rcpc_subsequent", "Later review conferences", 6, "months"),
        Timescale("cp_visit", "Visits to a child on a child protection plan", 10, "working_days", "Local standard"),
        Timescale("cla_review_first", "First looked-after child review", 20, "working_days",
                  "Care Planning, Placement and Case Review (England) Regulations 2010"),
        Timescale("cla_review_second", "Second looked-after child review", 3, "months",
                  "Care Planning, Placement and Case Review (England) Regulations 2010"),
        Timescale("cla_review_subsequent", "Later looked-after child reviews", 6, "months",
                  "Care Planning, Placement and Case Review (England) Regulations 2010"),
        Timescale("rhi", "Return home interview offered after a missing child returns", 72, "hours",
                  "Statutory guidance on children who run away or go missing from home or care (2014)"),
        Timescale("nrm_reasonable_grounds", "NRM reasonable grounds decision", 5, "working_days",
                  "Modern Slavery Act 2015 statutory guidance"),
        Timescale("nrm_conclusive_min", "Earliest NRM conclusive grounds decision", 30, "days",
                  "Modern Slavery Act 2015 statutory guidance"),
        Timescale("fgdm_offer", "Family group decision-making offered after a decision to consider care proceedings", 10,
                  "working_days", "Local standard (Children's Wellbeing and Schools Act 2026)"),
        Timescale("home_education_consent", "Council decision on consent to home education during child protection", 15,
                  "working_days", "Local standard (Children's Wellbeing and Schools Act 2026)"),
    ]
}


def timescale(code: str) -> Timescale:
    """The partnership's timescale for `code`: its configured row if any, else the default."""
    from .models import TimescaleRule

    row = TimescaleRule.objects.filter(code=code).first()
    if row is not None:
        return Timescale(row.code, row.name, row.amount, row.unit, row.source)
    try:
        return DEFAULTS[code]
    except KeyError:
        raise KeyError(f"No timescale called {code!r}; known: {', '.join(sorted(DEFAULTS))}") from None
