"""The people API beyond reading: search before create (`/api/v1/people/searches`, then `/api/v1/people/children`).

Mounted at `/people` by `safehub.api.api`. The same services, `visible_to` querysets and audit as the web pages.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from safehub.core.caveats import Caveat

from .models import Sex
from .new_child import NEW_CHILD_PURPOSE, SEARCH_VALID_FOR, NewChildValues, SearchRequired, record_new_child
from .search.forms import api_query, nhs_number_error, postcode_error
from .search.schemas import SearchHitOut
from .search.service import find_children_audited

router = Router(tags=["children"])


class ErrorOut(Schema):
    detail: str
    code: str = ""


class SearchIn(Schema):
    name: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None
    postcode: str = Field("", max_length=10)
    nhs_number: str = Field("", max_length=13)


class SearchOut(Schema):
    search_id: int = Field(description="Pass this as search_id to POST /people/children, within the time it is valid.")
    valid_until: dt.datetime
    results: list[SearchHitOut]


class NewChildIn(Schema):
    search_id: int | None = Field(None, description="The id of a search you ran in the last 30 minutes.")
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None
    sex: str = Field("U", pattern="^[MFU]$")
    nhs_number: str = Field("", max_length=10)
    postcode: str = Field("", max_length=10)
    caveat: str = Caveat.PARTNERSHIP


class NewChildOut(Schema):
    id: int
    name: str
    date_of_birth: dt.date | None
    source_record_id: int = Field(description="Your agency's record of the child: the provenance of these details.")
    search_id: int


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "Your role does not include this")


@router.post("/searches", response={201: SearchOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
             url_name="people_search_before_create", summary="Search before recording a new child (audited)")
def search_before_create(request, payload: SearchIn):
    """Run a search and get its id: recording a new child needs the id of a recent search of yours."""
    _require(request, "people.record_child")
    query = api_query(name=payload.name, date_of_birth=payload.date_of_birth, postcode=payload.postcode,
                      nhs_number=payload.nhs_number)
    if query.is_empty:
        raise HttpError(400, "Search for something: a name, date of birth, postcode or NHS number")
    hits, search = find_children_audited(request.user, query, purpose=NEW_CHILD_PURPOSE)
    return Status(201, {"search_id": search.seq, "valid_until": search.at + SEARCH_VALID_FOR, "results": hits})


@router.post("/children", response={201: NewChildOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut},
             url_name="people_record_child", summary="Record a new child, after a search that did not find them")
def record_child(request, payload: NewChildIn):
    """Refused with 400 without `search_id`, 409 when the search is not yours, older than 30 minutes, or already used."""
    _require(request, "people.record_child")
    if payload.search_id is None:
        return Status(400, {"detail": "search_id is required: search first (POST /api/v1/people/searches) and pass "
                                      "the search_id it returned.", "code": "search_required"})
    if payload.caveat not in Caveat.values or payload.sex not in Sex.values:
        return Status(400, {"detail": f"caveat must be one of {', '.join(Caveat.values)}", "code": "invalid"})
    problems = [f"{name}: {message}" for name, message in (
        ("nhs_number", nhs_number_error(payload.nhs_number)), ("postcode", postcode_error(payload.postcode)),
        ("date_of_birth", "must be today or in the past" if payload.date_of_birth
         and payload.date_of_birth > timezone.localdate() else "")) if message]
    if problems:
        return Status(400, {"detail": "; ".join(problems), "code": "invalid"})
    values = NewChildValues(given_name=payload.given_name, family_name=payload.family_name,
                            date_of_birth=payload.date_of_birth, sex=payload.sex, nhs_number=payload.nhs_number,
                            postcode=payload.postcode, caveat=payload.caveat)
    try:
        child = record_new_child(actor=request.user, search_id=payload.search_id, values=values, now=timezone.now())
    except SearchRequired as refused:
        return Status(409, {"detail": str(refused), "code": refused.code})
    except ValueError as problem:
        return Status(400, {"detail": str(problem), "code": "invalid"})
    record = child.record_links.select_related("source_record").get().source_record
    return Status(201, {"id": child.pk, "name": child.full_name, "date_of_birth": child.date_of_birth,
                        "source_record_id": record.pk, "search_id": payload.search_id})
