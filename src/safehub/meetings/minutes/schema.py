"""What the minutes importer proposes: plain dataclasses, validated and shown for review before anything is stored.

`to_json()` gives exactly the documented import format; the internal fields (minutes text, description, venue, unplaced
text) are what make "nothing silently dropped" true when the proposal is saved as a meeting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class ProposedPerson:
    name: str
    role: str | None = None

    def to_json(self) -> dict:
        return {"name": self.name, "role": self.role}


@dataclass
class ProposedAction:
    text: str
    reference: str | None = None
    owner: str | None = None
    due: str | None = None

    def to_json(self) -> dict:
        return {"reference": self.reference, "text": self.text, "owner": self.owner, "due": self.due}


@dataclass
class ProposedItem:
    title: str
    number: str | None = None
    exempt: bool = False
    exempt_category: str | None = None
    decisions: list[str] = field(default_factory=list)
    actions: list[ProposedAction] = field(default_factory=list)
    description: str = ""
    minutes: str = ""

    def to_json(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "exempt": self.exempt,
            "exempt_category": self.exempt_category,
            "decisions": list(self.decisions),
            "actions": [a.to_json() for a in self.actions],
        }


@dataclass
class ProposedMeeting:
    body: str | None = None
    title: str | None = None
    date: date | None = None
    venue: str | None = None
    present: list[ProposedPerson] = field(default_factory=list)
    apologies: list[ProposedPerson] = field(default_factory=list)
    items: list[ProposedItem] = field(default_factory=list)
    unplaced: str = ""  # text before the first item that is not the heading, attendance or venue (kept on item 1)

    def to_json(self) -> dict:
        return {
            "body": self.body,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "present": [p.to_json() for p in self.present],
            "apologies": [p.to_json() for p in self.apologies],
            "items": [i.to_json() for i in self.items],
        }

    @classmethod
    def from_json(cls, data: dict) -> ProposedMeeting:
        """Rebuild a proposal from the JSON (the review form posts it back). Internal text fields come from `_minutes`."""
        items = []
        for raw in data.get("items", []):
            items.append(ProposedItem(
                title=str(raw.get("title") or ""), number=raw.get("number"), exempt=bool(raw.get("exempt")),
                exempt_category=raw.get("exempt_category"), decisions=[str(d) for d in raw.get("decisions", [])],
                actions=[ProposedAction(text=str(a.get("text") or ""), reference=a.get("reference"), owner=a.get("owner"),
                                        due=a.get("due")) for a in raw.get("actions", [])],
                minutes=str(raw.get("_minutes") or ""), description=str(raw.get("_description") or ""),
            ))
        when = data.get("date")
        return cls(
            body=data.get("body"), title=data.get("title"), date=date.fromisoformat(when) if when else None,
            venue=data.get("_venue"),
            present=[ProposedPerson(p["name"], p.get("role")) for p in data.get("present", [])],
            apologies=[ProposedPerson(p["name"], p.get("role")) for p in data.get("apologies", [])],
            items=items,
        )

    def to_review_json(self) -> dict:
        """The JSON plus the internal text, so a round trip through the review form loses nothing."""
        data = self.to_json()
        data["_venue"] = self.venue
        for out, item in zip(data["items"], self.items, strict=True):
            out["_minutes"] = item.minutes
            out["_description"] = item.description
        return data
