"""Importing missing episodes: the police missing-person notification CSV and the SSDA903 missing CSV.

Parsing is pure (`parse_*`: bytes in, typed rows and row errors out, no database). Importing (`import_*`) then matches each
row to a child through the people source records, collects every error, and writes only if there are none, in one
transaction: all or nothing. Re-importing a file is safe: a report ref (or SSDA903 child and start date) already recorded is
left alone, except that a return in the file closes an episode still open in safehub.

Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.models import AgencyType
from safehub.people.models import Child, RecordLink, SourceRecord

from .models import Category, MissingEpisode, ReportedBy, RiskGrade
from .services import evaluate_triggers, record_missing_episode, record_return

POLICE_FILE = "police missing-person notifications"
SSDA903_FILE = "SSDA903 missing"
POLICE_COLUMNS = ("Report Ref", "Date Missing")
POLICE_OPTIONAL = ("Person URN", "Date Found", "Risk Grade", "Location Found", "Reported By", "Missing From")
SSDA903_COLUMNS = ("CHILD", "MISSING", "MIS_START", "MIS_END")
POLICE_FIELD_COLUMNS = {"started_at": "Date Missing", "ended_at": "Date Found", "police_reference": "Report Ref",
                        "risk_grade": "Risk Grade"}
SSDA903_FIELD_COLUMNS = {"started_at": "MIS_START", "ended_at": "MIS_END"}

RISK_GRADES = {
    "no apparent risk": RiskGrade.NO_APPARENT_RISK,
    "no_apparent_risk": RiskGrade.NO_APPARENT_RISK,
    "nar": RiskGrade.NO_APPARENT_RISK,
    "low": RiskGrade.LOW,
    "medium": RiskGrade.MEDIUM,
    "high": RiskGrade.HIGH,
}
REPORTED_BY = {
    "parent/carer": ReportedBy.PARENT_CARER,
    "parent": ReportedBy.PARENT_CARER,
    "carer": ReportedBy.PARENT_CARER,
    "foster carer": ReportedBy.FOSTER_CARER,
    "children's home": ReportedBy.PLACEMENT,
    "residential home": ReportedBy.PLACEMENT,
    "placement": ReportedBy.PLACEMENT,
    "school": ReportedBy.SCHOOL,
    "police": ReportedBy.POLICE,
    "other": ReportedBy.OTHER,
    "": ReportedBy.NOT_RECORDED,
}
_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_DMY_TIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::\d{2})?$")


@dataclass(frozen=True)
class RowError:
    file: str
    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class PoliceNotification:
    row: int
    report_ref: str
    person_urn: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    risk_grade: str
    where_found: str
    reported_by: str
    reported_by_detail: str
    missing_from: str


@dataclass(frozen=True)
class Ssda903Missing:
    row: int
    child_ref: str
    category: str
    started_on: dt.date
    ended_on: dt.date | None


@dataclass
class ImportReport:
    kind: str
    file: str
    rows: int = 0
    created: int = 0
    returned: int = 0
    unchanged: int = 0
    firings: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return f"{len(self.errors)} problem{'s' if len(self.errors) != 1 else ''} in {self.file}: nothing was imported."
        return (
            f"{self.rows} rows from {self.file}: {self.created} new episodes, {self.returned} returns recorded, "
            f"{self.unchanged} already recorded, {self.firings} triggers fired."
        )


# --- parsing (pure) -----------------------------------------------------------------------------------------------------


def _rows(data: bytes | str) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    return header, ((n, {k: (v or "").strip() for k, v in row.items() if k}) for n, row in enumerate(reader, start=2))


def _not_utf8(file: str, data: bytes | str) -> list[RowError]:
    """A file that is not UTF-8 (e.g. saved as Windows-1252): named as the problem. Found by benchmarks/fuzz_importers.py,
    which crashed the import (UnicodeDecodeError) with such a file."""
    if isinstance(data, bytes):
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return [RowError(file, 1, "", "", f"The file is not UTF-8 text (byte {error.start + 1}): save it as "
                                             "CSV UTF-8 and import it again")]
    return []


def _missing_columns(file: str, header: list[str], required) -> list[RowError]:
    return [RowError(file, 1, column, "", "This column is missing from the header row") for column in required
            if column not in header]


def parse_datetime(value: str) -> dt.datetime | None:
    """ISO 8601 (`2024-11-02T17:44:00Z`, with an offset, or local) or `dd/mm/yyyy HH:MM` (local time); None if neither."""
    value = value.strip()
    if m := _DMY_TIME.match(value):
        try:
            naive = dt.datetime(int(m[3]), int(m[2]), int(m[1]), int(m[4]), int(m[5]))  # noqa: DTZ001 - made aware below
        except ValueError:
            return None
        return timezone.make_aware(naive)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if "T" not in value and " " not in value:
        return None  # a date alone is not a time of going missing
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


def parse_ssda903_date(value: str) -> dt.date | None:
    """SSDA903 dates are dd/mm/yyyy."""
    if m := _DMY.match(value.strip()):
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            return None
    return None


def parse_police_notifications(data: bytes | str, *, file: str = POLICE_FILE) -> tuple[list[PoliceNotification], list[RowError]]:
    """Typed rows and every row error of a police missing-person notification CSV."""
    if unreadable := _not_utf8(file, data):
        return [], unreadable
    header, rows = _rows(data)
    errors = _missing_columns(file, header, POLICE_COLUMNS)
    if errors:
        return [], errors
    parsed: list[PoliceNotification] = []
    seen: dict[str, int] = {}
    for n, row in rows:
        ref = row.get("Report Ref", "")
        row_errors = []
        if not ref:
            row_errors.append(RowError(file, n, "Report Ref", "", "Every report needs its reference"))
        elif ref in seen:
            row_errors.append(RowError(file, n, "Report Ref", ref, f"The same report is already in row {seen[ref]}"))
        seen.setdefault(ref, n)
        started = parse_datetime(row.get("Date Missing", ""))
        if started is None:
            row_errors.append(
                RowError(file, n, "Date Missing", row.get("Date Missing", ""), "Not a date and time, e.g. 2026-03-01T14:30:00Z")
            )
        found_text = row.get("Date Found", "")
        ended = parse_datetime(found_text) if found_text else None
        if found_text and ended is None:
            row_errors.append(RowError(file, n, "Date Found", found_text, "Not a date and time, e.g. 2026-03-02T09:00:00Z"))
        elif started and ended and ended < started:
            row_errors.append(RowError(file, n, "Date Found", found_text, "Found before the child went missing"))
        grade_text = row.get("Risk Grade", "")
        grade = RISK_GRADES.get(grade_text.lower(), None)
        if grade is None and grade_text:
            row_errors.append(
                RowError(file, n, "Risk Grade", grade_text, "Not a police risk grade: no apparent risk, low, medium or high")
            )
        reporter_text = row.get("Reported By", "")
        reporter = REPORTED_BY.get(reporter_text.lower(), ReportedBy.OTHER)
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append(
            PoliceNotification(
                row=n,
                report_ref=ref,
                person_urn=row.get("Person URN", ""),
                started_at=started,
                ended_at=ended,
                risk_grade=grade or "",
                where_found=row.get("Location Found", "")[:200],
                reported_by=reporter,
                reported_by_detail=reporter_text if reporter == ReportedBy.OTHER and reporter_text.lower() != "other" else "",
                missing_from=row.get("Missing From", ""),
            )
        )
    return parsed, errors


def parse_ssda903_missing(data: bytes | str, *, file: str = SSDA903_FILE) -> tuple[list[Ssda903Missing], list[RowError]]:
    """Typed rows and every row error of an SSDA903 missing CSV (CHILD, MISSING M/A, MIS_START, MIS_END as dd/mm/yyyy)."""
    if unreadable := _not_utf8(file, data):
        return [], unreadable
    header, rows = _rows(data)
    errors = _missing_columns(file, header, SSDA903_COLUMNS)
    if errors:
        return [], errors
    parsed: list[Ssda903Missing] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for n, row in rows:
        row_errors = []
        child_ref = row["CHILD"]
        if not child_ref:
            row_errors.append(RowError(file, n, "CHILD", "", "Every row needs the child's id"))
        category = {"M": Category.MISSING, "A": Category.ABSENT}.get(row["MISSING"].upper())
        if category is None:
            row_errors.append(RowError(file, n, "MISSING", row["MISSING"], "Must be M (missing) or A (absent)"))
        started = parse_ssda903_date(row["MIS_START"])
        if started is None:
            row_errors.append(RowError(file, n, "MIS_START", row["MIS_START"], "Not a date in the form dd/mm/yyyy"))
        ended = parse_ssda903_date(row["MIS_END"]) if row["MIS_END"] else None
        if row["MIS_END"] and ended is None:
            row_errors.append(RowError(file, n, "MIS_END", row["MIS_END"], "Not a date in the form dd/mm/yyyy"))
        elif started and ended and ended < started:
            row_errors.append(RowError(file, n, "MIS_END", row["MIS_END"], "Ends before it starts"))
        if child_ref and started:
            if (child_ref, started) in seen:
                first = seen[(child_ref, started)]
                row_errors.append(RowError(file, n, "MIS_START", row["MIS_START"], f"The same episode is already in row {first}"))
            seen.setdefault((child_ref, started), n)
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append(Ssda903Missing(n, child_ref, category, started, ended))
    return parsed, errors


# --- matching and writing -----------------------------------------------------------------------------------------------


def _linked(records) -> dict[str, tuple[SourceRecord, Child]]:
    found: dict[str, tuple[SourceRecord, Child]] = {}
    for record in records.select_related("link__child", "agency"):
        link = getattr(record, "link", None)
        if link is not None and link.child_id and link.decision != RecordLink.Decision.REJECTED:
            found.setdefault(record.local_id, (record, link.child))
    return found


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _audit_import(actor, report: ImportReport, data: bytes | str) -> None:
    digest = hashlib.sha256(data if isinstance(data, bytes) else data.encode()).hexdigest()
    record_audit(
        actor,
        "missing.import",
        object_type="missing.missingepisode",
        outcome="ok" if report.ok else "rejected",
        detail={
            "kind": report.kind, "file": report.file, "sha256": digest, "rows": report.rows, "created": report.created,
            "returned": report.returned, "unchanged": report.unchanged, "errors": len(report.errors),
        },
    )


def import_police_notifications(
    data: bytes | str, *, now: dt.datetime, actor=None, file: str = "missing_reports.csv"
) -> ImportReport:
    """Import a police missing-person notification CSV (the synthetic generator's `missing_reports.csv` layout).

    Each report is matched to a child by the police source record whose local id is the report ref (as the demo stores
    the file), else by the police source record of the Person URN. Episodes are owned by that police agency. All or nothing.
    """
    report = ImportReport("police", file)
    rows, report.errors = parse_police_notifications(data, file=file)
    report.rows = len(rows) + len({e.row for e in report.errors if e.row > 1})
    police_records = SourceRecord.objects.filter(agency__type=AgencyType.POLICE)
    by_ref = _linked(police_records.filter(local_id__in=[r.report_ref for r in rows]))
    by_urn = _linked(police_records.filter(local_id__in=[r.person_urn for r in rows if r.person_urn]))
    existing = {e.police_reference: e for e in MissingEpisode.objects.filter(police_reference__in=[r.report_ref for r in rows])}
    matched: list[tuple[PoliceNotification, SourceRecord | None, SourceRecord, Child]] = []
    for row in rows:
        hit = by_ref.get(row.report_ref) or by_urn.get(row.person_urn)
        if row.report_ref in existing:
            matched.append((row, None, None, None))
        elif hit is None:
            report.errors.append(
                RowError(file, row.row, "Report Ref", row.report_ref,
                         "No child in safehub is linked to this report or its Person URN: load and link the police records first")
            )
        elif row.started_at > now or (row.ended_at and row.ended_at > now):
            column, value = ("Date Missing", row.started_at) if row.started_at > now else ("Date Found", row.ended_at)
            report.errors.append(RowError(file, row.row, column, value.isoformat(), "In the future"))
        else:
            matched.append((row, by_ref.get(row.report_ref, (None,))[0], hit[0], hit[1]))

    def write(row, report_record, record, child) -> Child | None:
        episode = existing.get(row.report_ref)
        if episode is not None:
            if episode.ended_at is None and row.ended_at is not None:
                record_return(episode, ended_at=row.ended_at, where_found=row.where_found, now=now, actor=actor)
                report.returned += 1
            else:
                report.unchanged += 1
            return None
        record_missing_episode(
            child=child,
            agency=record.agency,
            started_at=row.started_at,
            ended_at=row.ended_at,
            now=now,
            actor=actor,
            category=Category.MISSING,
            reported_by=row.reported_by,
            reported_by_detail=row.reported_by_detail,
            police_reference=row.report_ref,
            risk_grade=row.risk_grade,
            where_found=row.where_found,
            places=f"Missing from: {row.missing_from}" if row.missing_from else "",
            source_record=report_record,
            evaluate=False,
        )
        report.created += 1
        return child

    return _write_all(report, matched, write, data, now=now, actor=actor, columns=POLICE_FIELD_COLUMNS)


def import_ssda903_missing(
    data: bytes | str, *, now: dt.datetime, actor=None, file: str = "ssda903_missing.csv"
) -> ImportReport:
    """Import an SSDA903 missing CSV. CHILD is matched to the social care source record with that local id; episodes are
    owned by that agency, start and end at midnight on the dates given (precision: day). An episode the child already has
    starting on the same date (e.g. from the police notification) counts as the same episode. All or nothing."""
    report = ImportReport("ssda903", file)
    rows, report.errors = parse_ssda903_missing(data, file=file)
    report.rows = len(rows) + len({e.row for e in report.errors if e.row > 1})
    by_child_ref = _linked(
        SourceRecord.objects.filter(agency__type=AgencyType.SOCIAL_CARE, local_id__in=[r.child_ref for r in rows])
    )
    matched = []
    for row in rows:
        hit = by_child_ref.get(row.child_ref)
        started_at = _start_of_day(row.started_on)
        ended_at = _start_of_day(row.ended_on) if row.ended_on else None
        if hit is None:
            report.errors.append(
                RowError(file, row.row, "CHILD", row.child_ref, "No child in safehub is linked to this social care id")
            )
        elif started_at > now or (ended_at and ended_at > now):
            column, value = ("MIS_START", row.started_on) if started_at > now else ("MIS_END", row.ended_on)
            report.errors.append(RowError(file, row.row, column, f"{value:%d/%m/%Y}", "In the future"))
        else:
            matched.append((row, hit[0], hit[1], started_at, ended_at))

    def write(row, record, child, started_at, ended_at) -> Child | None:
        key = f"ssda903:{row.child_ref}:{row.started_on.isoformat()}"
        same_day = Q(started_at__gte=started_at, started_at__lt=_start_of_day(row.started_on + dt.timedelta(days=1)))
        episode = MissingEpisode.objects.filter(Q(import_key=key) | (Q(child=child) & same_day)).order_by("pk").first()
        if episode is not None:
            if episode.ended_at is None and ended_at is not None:
                record_return(episode, ended_at=max(ended_at, episode.started_at), now=now, actor=actor)
                report.returned += 1
            else:
                report.unchanged += 1
            return None
        record_missing_episode(
            child=child,
            agency=record.agency,
            started_at=started_at,
            ended_at=ended_at,
            now=now,
            actor=actor,
            category=row.category,
            precision=MissingEpisode.Precision.DAY,
            import_key=key,
            evaluate=False,
        )
        report.created += 1
        return child

    return _write_all(report, matched, write, data, now=now, actor=actor, columns=SSDA903_FIELD_COLUMNS)


class _RollBack(Exception):
    pass


def _write_all(report: ImportReport, matched: list[tuple], write, data, *, now, actor, columns: dict[str, str]) -> ImportReport:
    """Write every matched row, or none: a row the services refuse becomes a row error and rolls the whole file back."""
    if not report.errors:
        try:
            with transaction.atomic():
                children: dict[int, Child] = {}
                for item in matched:
                    try:
                        with transaction.atomic():
                            child = write(*item)
                    except ValidationError as error:
                        for name, messages in error.message_dict.items():
                            column = columns.get(name, name)
                            report.errors.append(RowError(report.file, item[0].row, column, "", "; ".join(messages)))
                        continue
                    if child is not None:
                        children[child.pk] = child
                if report.errors:
                    raise _RollBack
                for child in children.values():
                    report.firings += len(evaluate_triggers(child, now=now, actor=actor))
        except _RollBack:
            report.created = report.returned = report.unchanged = 0
    report.errors.sort(key=lambda e: (e.row, e.column))
    _audit_import(actor, report, data)
    return report
