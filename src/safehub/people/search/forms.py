"""Reading a search from a form or the API: each problem is reported against the field it belongs to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from safehub.linkage.engine.normalise import normalise_nhs_number

from .query import SearchQuery

__all__ = ["DEFAULT_PURPOSE", "PURPOSES", "SearchForm", "api_query", "nhs_number_error", "postcode_error"]

#: Why the user is searching; every search's audit event records it.
PURPOSES = (
    "Safeguarding enquiry",
    "Contact or referral (MASH)",
    "Strategy discussion or section 47 enquiry",
    "Missing episode or return home interview",
    "Panel preparation (MACE/MASE)",
    "Checking a record before sharing",
)
DEFAULT_PURPOSE = PURPOSES[0]
_POSTCODE = re.compile(r"^[A-Za-z0-9 ]{2,10}$")


def nhs_number_error(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if not digits:
        return ""
    if not digits.isdigit() or len(digits) != 10:
        return "NHS number must be 10 digits, for example 943 476 5919"
    if normalise_nhs_number(digits) is None:
        return "Enter a real NHS number: this one fails the check digit"
    return ""


def postcode_error(value: str) -> str:
    if value and not _POSTCODE.match(value):
        return "Postcode must be letters, numbers and spaces only, for example SW1A 1AA"
    return ""


@dataclass
class SearchForm:
    """The search page's fields, as typed, and the query they make (``errors`` maps a field id to its message)."""

    name: str = ""
    dob: dict[str, str] = field(default_factory=lambda: {"day": "", "month": "", "year": ""})
    postcode: str = ""
    nhs_number: str = ""
    purpose: str = DEFAULT_PURPOSE
    errors: dict[str, str] = field(default_factory=dict)
    query: SearchQuery = field(default_factory=SearchQuery)

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SearchForm:
        form = cls(
            name=params.get("name", "").strip()[:100],
            dob={p: params.get(f"dob-{p}", "").strip()[:4] for p in ("day", "month", "year")},
            postcode=params.get("postcode", "").strip()[:10],
            nhs_number=params.get("nhs_number", "").strip()[:13],
        )
        purpose = params.get("purpose", "").strip()
        form.purpose = purpose if purpose in PURPOSES else DEFAULT_PURPOSE
        dob = form._date_of_birth()
        if message := postcode_error(form.postcode):
            form.errors["postcode"] = message
        if message := nhs_number_error(form.nhs_number):
            form.errors["nhs_number"] = message
        if not form.errors:
            form.query = SearchQuery(name=form.name, date_of_birth=dob, postcode=form.postcode,
                                     nhs_number=re.sub(r"[\s-]", "", form.nhs_number))
        return form

    def _date_of_birth(self) -> date | None:
        parts = [self.dob[p] for p in ("day", "month", "year")]
        if not any(parts):
            return None
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1900:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            self.errors["dob-day"] = "Date of birth must be a real date, for example 27 3 2014"
            return None

    @property
    def searched(self) -> bool:
        return not self.errors and not self.query.is_empty


def api_query(*, name: str, date_of_birth: date | None, postcode: str, nhs_number: str) -> SearchQuery:
    """The query from API parameters; raises ninja's ``ValidationError`` (422) naming the field that is wrong."""
    from ninja.errors import ValidationError

    problems = [(f, m) for f, m in (("postcode", postcode_error(postcode.strip())),
                                    ("nhs_number", nhs_number_error(nhs_number.strip()))) if m]
    if problems:
        raise ValidationError([{"loc": ["query", f], "msg": m, "type": "value_error"} for f, m in problems])
    return SearchQuery(name=name.strip(), date_of_birth=date_of_birth, postcode=postcode.strip(),
                       nhs_number=re.sub(r"[\s-]", "", nhs_number))
