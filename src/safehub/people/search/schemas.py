"""What the API returns for a search (``GET /api/v1/people/search``)."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema


class SearchHitOut(Schema):
    child_id: int
    name: str = Field(description="The single view's name for partnership roles; your agency's record for contributors.")
    date_of_birth: date | None
    nhs_number: str
    restricted: bool
    score: float = Field(description="Match probability, 0 to 1, from the linkage model.")
    match_weight: float = Field(description="Log2 Bayes factor including the prior; hits are ranked by it.")
    matched_on: list[str] = Field(description='What agreed, e.g. "nickname of first name".')
    matched_in: str = Field(description='The record that matched best, e.g. "Health record (RiO)".')


class SearchValidationErrorOut(Schema):
    detail: list[dict]
