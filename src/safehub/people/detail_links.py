"""Where a chronology entry's detail lives: each domain app registers the page for the rows it writes into the event table.

`register("sharing.sharedecision", "sharing:decision")` in an app's `ready()`; the timeline then links each event whose
`detail_type` is that model to its page (the page itself still checks the user may see it).
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

_URL_NAMES: dict[str, str] = {}


def register(detail_type: str, url_name: str) -> None:
    _URL_NAMES[detail_type] = url_name


def url_for(detail_type: str, detail_id: str) -> str | None:
    name = _URL_NAMES.get(detail_type)
    if not name or not detail_id:
        return None
    try:
        return reverse(name, args=[detail_id])
    except NoReverseMatch:
        return None
