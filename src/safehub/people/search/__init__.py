"""Real-time search for a child: names with nicknames, sound-alikes and typos, dates of birth with common errors,
postcode and NHS number, ranked with the linkage engine's model.

The core (this package's ``index``, ``query``, ``explain`` and ``scoring`` modules) is pure Python, numpy and polars: no
Django, so the benchmark and tests build an index straight from synthetic extracts. ``safehub.people.search.service`` is the
Django side: it builds the index from the database, keeps it fresh, scopes every search to what the user may see and
audits it.

>>> index = SearchIndex.build(rows)                                         # doctest: +SKIP
>>> search_index(index, default_model(len(index)), SearchQuery(name="Bill Smyth", date_of_birth=dob))  # doctest: +SKIP
[RecordMatch(row=..., child_id=..., match_weight=14.2, matched_on=["nickname of first name", ...]), ...]
"""

from .explain import matched_on
from .index import INDEX_FIELDS, ORIGIN_RECORD, ORIGIN_SAFEHUB, SearchIndex, rows_from_extracts
from .query import RecordMatch, Scope, SearchQuery, search_index, split_name
from .scoring import default_model, search_model

__all__ = [
    "INDEX_FIELDS",
    "ORIGIN_RECORD",
    "ORIGIN_SAFEHUB",
    "RecordMatch",
    "Scope",
    "SearchIndex",
    "SearchQuery",
    "default_model",
    "matched_on",
    "rows_from_extracts",
    "search_index",
    "search_model",
    "split_name",
]
