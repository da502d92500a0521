"""Sections other apps add to the child page, without the people app depending on them.

An app (or the web shell) registers a link or an htmx-loaded panel by URL name; the child page shows those the user's role
allows. The linked page still fetches the child through `visible_to`, so a section never widens access.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Section:
    title: str
    url_name: str
    permission: str
    panel: bool = False  # True: the URL returns an HTML fragment loaded into the page


_SECTIONS: list[Section] = []


def register(title: str, url_name: str, permission: str, *, panel: bool = False) -> None:
    section = Section(title, url_name, permission, panel)
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def sections_for(user, child_id: int) -> list[dict]:
    out = []
    for section in _SECTIONS:
        if not user.has_perm(section.permission):
            continue
        try:
            url = reverse(section.url_name, args=[child_id])
        except NoReverseMatch:
            continue
        out.append({"title": section.title, "url": url, "panel": section.panel})
    return out
