from datetime import date

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class FieldProblemOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class RequestValidationErrorOut(Schema):
    """ninja's answer to parameters or a body that fail validation (422)."""

    detail: list[FieldProblemOut]


class ChildHitOut(Schema):
    id: int
    name: str
    date_of_birth: date | None
    nhs_number: str
    restricted: bool


class IdentifierOut(Schema):
    scheme: str
    value: str
    trace_status: str
    agency: str | None


class SourceRecordOut(Schema):
    id: int
    agency: str
    system: str
    local_id: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    caveat: str
    child_id: int | None


class ChildOut(Schema):
    id: int
    name: str
    date_of_birth: date | None
    restricted: bool
    partnership_view: bool
    identifiers: list[IdentifierOut]
    records: list[SourceRecordOut]
    other_agency_count: int


class MeOut(Schema):
    username: str
    agency: str | None
    roles: list[str]
