"""The partnership API, version 1. The same `visible_to` querysets and audit as the web pages; 404 for missing and forbidden."""

from __future__ import annotations

import logging
from datetime import date

from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError

from safehub.assurance.api import router as assurance_router
from safehub.core.access import get_visible_or_404
from safehub.core.audit import record_audit
from safehub.intake.api import router as intake_router
from safehub.meetings.api import router as meetings_router
from safehub.missing.api import router as missing_router
from safehub.network.api import router as network_router
from safehub.people.api import router as people_router
from safehub.people.models import Child, SourceRecord
from safehub.people.search.forms import api_query
from safehub.people.search.schemas import SearchHitOut, SearchValidationErrorOut
from safehub.people.search.service import find_children as rank_children
from safehub.people.selectors import child_view, search_children
from safehub.performance.api import router as performance_router
from safehub.risk.api import router as risk_router

from .auth import TokenAuth, UserSession
from .schemas import ChildHitOut, ChildOut, ErrorOut, IdentifierOut, MeOut, RequestValidationErrorOut, SourceRecordOut

logger = logging.getLogger(__name__)


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def document_error_responses(schema: dict) -> dict:
    """Document the answer ninja gives before an operation runs, which the operations do not declare themselves: 422
    for parameters or a body that fail validation (every operation; a body that is not JSON at all too, see below).

    Found by schemathesis (tests/test_schemathesis.py): clients were getting status codes the schema did not list.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, RequestValidationErrorOut):
        found = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(found.pop("$defs", {}))
        components.setdefault(model.__name__, found)
    invalid = _ref(RequestValidationErrorOut)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            key = 422 if 422 in responses else "422"
            declared = responses.get(key)
            if declared is None:
                responses[422] = {"description": "Invalid parameters or body: one entry per field at fault",
                                  "content": {"application/json": {"schema": invalid}}}
            else:
                for content in declared.setdefault("content", {"application/json": {"schema": invalid}}).values():
                    if content.get("schema") != invalid:
                        content["schema"] = {"anyOf": [content.get("schema", {}), invalid]}
    return schema


class PartnershipAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return document_error_responses(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = PartnershipAPI(
    title="safehub API",
    version="1",
    description="Multi-agency safeguarding partnership API. Every read is scoped to the caller and audited.",
    auth=[TokenAuth(), UserSession()],
    urls_namespace="api",
)
api.add_router("/risk", risk_router)
api.add_router("/intake", intake_router)
api.add_router("/meetings", meetings_router)
api.add_router("/assurance", assurance_router)
api.add_router("/missing", missing_router)
api.add_router("/performance", performance_router)
api.add_router("/network", network_router)
api.add_router("/people", people_router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Authentication required"}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc):
    """ninja's own answer (`{"detail": message}` with the status), except for a body that is not JSON: ninja's 400 was
    undocumented (found by schemathesis), so it is a 422 in the documented shape, as FastAPI does."""
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        detail = [{"loc": ["body"], "msg": "The body is not valid JSON", "type": "json_invalid"}]
        return api.create_response(request, {"detail": detail}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request, exc):
    """A number too big for the database (an id beyond 64 bits on SQLite, 32 bits on a PostgreSQL integer column) or a
    value the column cannot hold: the request is at fault, not the server. Found by schemathesis (a 500 before)."""
    logger.warning("API request refused by the database: %s", type(exc).__name__)
    detail = [{"loc": ["request"], "msg": "A value in the request is out of range", "type": "value_error"}]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found"}, status=404)


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "Your role does not include this")


def _record_out(r: SourceRecord) -> SourceRecordOut:
    link = getattr(r, "link", None)
    return SourceRecordOut(
        id=r.pk,
        agency=r.agency.name,
        system=r.system,
        local_id=r.local_id,
        given_name=r.given_name,
        family_name=r.family_name,
        date_of_birth=r.date_of_birth,
        caveat=r.caveat,
        child_id=link.child_id if link else None,
    )


@api.get("/me", response={200: MeOut, 401: ErrorOut}, tags=["account"])
def me(request):
    user = request.user
    return MeOut(
        username=user.username, agency=user.agency.name if user.agency else None, roles=sorted(user.role_codes)
    )


@api.get("/children", response={200: list[ChildHitOut], 401: ErrorOut, 403: ErrorOut}, tags=["children"])
def find_children(request, name: str = Query("", max_length=100), date_of_birth: date | None = None):
    _require(request, "people.search_children")
    hits = search_children(request.user, name=name, date_of_birth=date_of_birth) if (name or date_of_birth) else []
    record_audit(
        request.user,
        "child.search",
        object_type="people.child",
        purpose="API search",
        detail={"name": name, "date_of_birth": date_of_birth, "results": [h.child_id for h in hits]},
    )
    return [
        ChildHitOut(
            id=h.child_id, name=h.name, date_of_birth=h.date_of_birth, nhs_number=h.nhs_number, restricted=h.restricted
        )
        for h in hits
    ]


@api.get(
    "/people/search",
    response={200: list[SearchHitOut], 401: ErrorOut, 403: ErrorOut, 422: SearchValidationErrorOut},
    tags=["children"],
)
def search_people(request, name: str = Query("", max_length=100), date_of_birth: date | None = None,
                  postcode: str = Query("", max_length=10), nhs_number: str = Query("", max_length=13),
                  purpose: str = Query("API search", max_length=200), limit: int = Query(20, ge=1, le=100)):
    """Real-time ranked search: nicknames, sound-alike and mistyped names, dates of birth with common errors. Audited."""
    _require(request, "people.search_children")
    query = api_query(name=name, date_of_birth=date_of_birth, postcode=postcode, nhs_number=nhs_number)
    return rank_children(request.user, query, purpose=purpose or "API search", limit=limit)


@api.get(
    "/children/{child_id}", response={200: ChildOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}, tags=["children"]
)
def get_child(request, child_id: int):
    _require(request, "people.view_child")
    child = get_visible_or_404(
        Child.objects.visible_to(request.user), request.user, pk=child_id, action="child.view", purpose="API"
    )
    view = child_view(request.user, child)
    return ChildOut(
        id=child.pk,
        name=view.display_name,
        date_of_birth=view.display_dob,
        restricted=child.restricted,
        partnership_view=view.partnership_view,
        identifiers=[
            IdentifierOut(
                scheme=i.scheme,
                value=i.value,
                trace_status=i.trace_status,
                agency=i.source_record.agency.name if i.source_record else None,
            )
            for i in view.identifiers
        ],
        records=[_record_out(r) for r in view.records],
        other_agency_count=view.other_agency_count,
    )


@api.get(
    "/records/{record_id}",
    response={200: SourceRecordOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    tags=["records"],
)
def get_record(request, record_id: int):
    _require(request, "people.view_source_record")
    record = get_visible_or_404(
        SourceRecord.objects.visible_to(request.user).select_related("agency", "link"),
        request.user,
        pk=record_id,
        action="source_record.view",
        purpose="API",
    )
    return _record_out(record)
