"""The police risk grade of a missing person report, as a versioned code list.

The defaults live here in code; a `RiskGradeCodeList` row with the same version overrides a default, and a row with a new
version adds one (a partnership can take up a revised police grading without a release). The list in force on a day is the
one with the latest `effective_from` on or before it. Each grading keeps the version it was given under and the label it had
then, so a later change of list never re-labels old gradings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class CodeList:
    version: str
    name: str
    effective_from: dt.date
    codes: tuple[tuple[str, str], ...]  # (code, label), in order of increasing risk

    def label(self, code: str) -> str:
        return dict(self.codes).get(code, code)

    @property
    def values(self) -> list[str]:
        return [code for code, _label in self.codes]


DEFAULT_CODE_LISTS: tuple[CodeList, ...] = (
    CodeList(
        version="acpo-2013",
        name="ACPO missing and absent definitions (2013)",
        effective_from=dt.date(2013, 4, 1),
        codes=(("absent", "Absent"), ("low", "Low"), ("medium", "Medium"), ("high", "High")),
    ),
    CodeList(
        version="cop-app-missing-2016",
        name="College of Policing APP on missing persons",
        effective_from=dt.date(2016, 4, 1),
        codes=(("no_apparent_risk", "No apparent risk"), ("low", "Low"), ("medium", "Medium"), ("high", "High")),
    ),
)
DEFAULTS_BY_VERSION = {code_list.version: code_list for code_list in DEFAULT_CODE_LISTS}


def code_lists() -> dict[str, CodeList]:
    """Every code list by version: the defaults, overridden or extended by `RiskGradeCodeList` rows."""
    from .models import RiskGradeCodeList

    lists = dict(DEFAULTS_BY_VERSION)
    for row in RiskGradeCodeList.objects.all():
        lists[row.version] = row.as_code_list()
    return lists


def current_code_list(on: dt.date | None = None) -> CodeList:
    """The code list in force on `on` (default: today): the latest effective on or before it."""
    on = on or timezone.localdate()
    in_force = [c for c in code_lists().values() if c.effective_from <= on]
    return max(in_force or DEFAULT_CODE_LISTS, key=lambda c: (c.effective_from, c.version))


def label_for(code: str, version: str) -> str:
    """The label of `code` under `version` (reads the database only for a version that is not a default)."""
    if not code:
        return "Not graded"
    code_list = DEFAULTS_BY_VERSION.get(version) or code_lists().get(version)
    return code_list.label(code) if code_list else code
