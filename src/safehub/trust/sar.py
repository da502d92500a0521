"""Subject access export: everything held about one child or person, with third parties replaced by "Person 1", "Person 2"…

What is collected: the single view and its names, identifiers, addresses and placements; every agency source record linked
to the subject; every event; and, found by following foreign keys, every other app's rows that reference the subject
(contacts, episodes, assessments, links…). Other children and adults named in those rows — by a foreign key, a name field or
their name appearing in free text — are replaced by a stable pseudonym for this export. Staff appear by agency only.
This is a draft for the data protection officer to review before release (exemptions under DPA 2018 Schedule 2–3 are a
human decision), which the export says on its first page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.template.loader import render_to_string

from safehub.core.models import Agency, User
from safehub.people.models import (
    Address,
    Child,
    Event,
    Identifier,
    Name,
    Person,
    Placement,
    RecordLink,
    Relationship,
    SourceRecord,
)

from .models import SubjectAccessRequest

# Handled explicitly above, or not about the subject (the audit trail records access, and is disclosed on request separately).
EXPLICIT = {Name, Identifier, Address, Placement, Relationship, RecordLink, Event, SubjectAccessRequest}
SKIP_APPS = {"trust", "core", "admin", "sessions", "contenttypes", "auth", "axes", "otp_totp", "otp_static"}
NAME_FIELD = re.compile(r"(^|_)(name|names|reporter|requester)($|_)")


@dataclass
class Pseudonyms:
    """Gives each third party one "Person N" for the whole export."""

    labels: dict = field(default_factory=dict)
    protected: set[str] = field(default_factory=set)  # the subject's own names, never replaced
    names: dict[str, str] = field(default_factory=dict)  # name as written → its pseudonym, for free-text replacement

    def of(self, key, *names: str) -> str:
        if key not in self.labels:
            self.labels[key] = f"Person {len(self.labels) + 1}"
        for name in names:
            if name and len(name.strip()) > 2 and name.strip().lower() not in self.protected | {"anonymised"}:
                self.names.setdefault(name.strip(), self.labels[key])
        return self.labels[key]

    def subject(self, obj) -> str:
        return self.of((obj._meta.label_lower, obj.pk), obj.full_name, obj.given_name)

    def scrub(self, text: str) -> str:
        for name in sorted(self.names, key=len, reverse=True):
            text = re.sub(rf"\b{re.escape(name)}\b", self.names[name], text, flags=re.IGNORECASE)
        return text


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


class Exporter:
    def __init__(self, subject: Child | Person):
        self.subject = subject
        self.people = Pseudonyms(protected={n.lower() for n in (subject.given_name, subject.family_name, subject.full_name) if n})
        self.subject_key = (subject._meta.label_lower, subject.pk)

    def row(self, obj: models.Model, *, skip: tuple[str, ...] = ()) -> dict:
        out = {}
        for f in obj._meta.concrete_fields:
            if f.primary_key or f.name in skip:
                continue
            if f.is_relation:
                out[f.name] = self.relation(obj, f)
                continue
            value = getattr(obj, f.attname)
            if isinstance(value, str) and NAME_FIELD.search(f.name) and value:
                value = self.people.of(("name", value.strip().lower()), value)
            out[f.name] = _plain(value)
        return out

    def relation(self, obj, f) -> str | int | None:
        pk = getattr(obj, f.attname)
        if pk is None:
            return None
        model = f.related_model
        if model in (Child, Person):
            if (model._meta.label_lower, pk) == self.subject_key:
                return "The subject"
            return self.people.subject(model._default_manager.get(pk=pk))
        if model is User:
            agency = User.objects.filter(pk=pk).values_list("agency__name", flat=True).first()
            return f"A practitioner ({agency})" if agency else "A practitioner"
        if model is Agency:
            return Agency.objects.filter(pk=pk).values_list("name", flat=True).first()
        return pk

    def collect(self) -> dict:
        s = self.subject
        link_field = s.link_field
        # Name third parties first, so their names are replaced wherever they appear in free text.
        relationships = list(Relationship.objects.filter(**{link_field: s})) if isinstance(s, Child) else list(
            Relationship.objects.filter(person=s))
        for r in relationships:
            for other in (r.person, r.other_child, r.child):
                if other is not None and (other._meta.label_lower, other.pk) != self.subject_key:
                    self.people.subject(other)
        data = {
            "subject": {
                "type": link_field,
                "given_name": s.given_name,
                "family_name": s.family_name,
                "date_of_birth": _plain(s.date_of_birth),
                "sex": s.get_sex_display(),
                **({"nhs_number": s.nhs_number} if isinstance(s, Child) else {}),
            },
            "names": [self.row(n, skip=("child", "person")) for n in Name.objects.filter(**{link_field: s})],
            "identifiers": [self.row(i, skip=("child", "person")) for i in Identifier.objects.filter(**{link_field: s})],
            "addresses": [self.row(a, skip=("child", "person")) for a in Address.objects.filter(**{link_field: s})],
            "relationships": [
                {"type": r.get_type_display(), "with": self.relation(r, r._meta.get_field(
                    "person" if r.person_id else ("other_child" if isinstance(s, Child) else "child"))),
                 "lives_with": r.lives_with}
                for r in relationships
            ],
            "source_records": [
                self.row(r, skip=("imported_by", "import_run_id"))
                for r in SourceRecord.objects.filter(**{f"link__{link_field}": s}).select_related("agency")
            ],
            "events": [self.row(e, skip=("child", "person", "recorded_by")) for e in Event.objects.filter(**{link_field: s})],
            "other_records": self.other_records(),
        }
        if isinstance(s, Child):
            data["placements"] = [self.row(p, skip=("child",)) for p in Placement.objects.filter(child=s)]
        return self.people_scrubbed(data)

    def other_records(self) -> dict[str, list[dict]]:
        """Rows in any other app with a foreign key to the subject, or to one of the agency records linked to the subject
        (e.g. a DfE return's rows) — found by introspection, so new apps are included."""
        found: dict[str, list[dict]] = {}
        target = type(self.subject)
        records = list(SourceRecord.objects.filter(**{f"link__{self.subject.link_field}": self.subject})
                       .values_list("pk", flat=True))
        for model in apps.get_models():
            if model in EXPLICIT or model._meta.app_label in SKIP_APPS or model in (Child, Person, SourceRecord):
                continue
            seen: set = set()
            for f in model._meta.concrete_fields:
                if not (f.is_relation and f.many_to_one):
                    continue
                if f.related_model is target:
                    rows = model._default_manager.filter(**{f.name: self.subject})
                elif f.related_model is SourceRecord and records:
                    rows = model._default_manager.filter(**{f"{f.name}__in": records})
                else:
                    continue
                for o in rows.exclude(pk__in=seen).order_by("pk"):
                    seen.add(o.pk)
                    found.setdefault(model._meta.label_lower, []).append(self.row(o))
        return found

    def people_scrubbed(self, value):
        if isinstance(value, str):
            return self.people.scrub(value)
        if isinstance(value, list):
            return [self.people_scrubbed(v) for v in value]
        if isinstance(value, dict):
            return {k: (v if k == "subject" else self.people_scrubbed(v)) for k, v in value.items()}
        return value


def subject_access_export(sar: SubjectAccessRequest, *, now: dt.datetime) -> dict:
    """The export for one request as plain JSON-ready data (reads only; the view's fetch audits the export)."""
    return {
        "request": {"reference": sar.reference, "received": sar.received.isoformat(), "due": sar.due.isoformat(),
                    "requester": sar.requester, "generated_at": now.isoformat()},
        "notice": "Draft for review by the data protection officer before release. Third parties are shown as Person 1, "
                  "Person 2 and so on; staff by agency only.",
        **Exporter(sar.subject).collect(),
    }


def subject_access_pdf(export: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("trust/sar_export_pdf.html", {"export": export})
    return HTML(string=html).write_pdf()
