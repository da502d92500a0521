"""Importing a statutory return through the imports machinery: an `ImportRun` per file with its `RowError`s, the
content hash (a file already imported is not imported again), all or nothing unless `accept_valid`.

What a return writes, in one transaction:
- a `people.SourceRecord` of the council per child the return identifies (system "Annex A", "SSDA903" or "CIN census",
  local id = the child's id in the return), so linkage joins it to the other agencies' records;
- a `ReturnRecord` per row (updated in place when a later return has the same row), for indicators;
- an `Event` on the chronology for each dated fact of a child already linked (`sync_return_events` adds the rest
  once linkage has linked them).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.core.models import Agency
from safehub.imports.models import ImportRun, MappingProfile, ReturnRecord
from safehub.imports.parsers import ProfileSpec, RowProblem
from safehub.imports.services import (
    ERRORS_KEPT,
    _actor,
    _finish,
    _store_row_errors,
    begin_run,
    reports_directory,
    save_profile,
    spreadsheet_safe,
)
from safehub.people import services as people_services
from safehub.people.models import Child, Event, RecordLink, SourceRecord
from safehub.people.services import RecordValues

from . import FORMATS, PARSERS, TABLES
from .annex_a import ParsedReturn
from .tables import ReturnRow

#: kind → (profile name, system, file kind recorded on the profile, the column holding the child's id, the columns
#: that become the source record). The profile records how the return is read; the return's own parser reads it.
RETURN_PROFILES = {
    "annex_a": ("DfE Annex A", "Annex A", "xlsx", "Child Unique ID",
                {"Gender": "sex", "Date of Birth": "date_of_birth"}),
    "ssda903": ("DfE SSDA903", "SSDA903", "csv", "CHILD", {"SEX": "sex", "DOB": "date_of_birth", "UPN": "upn"}),
    "cin_census": ("DfE CIN census", "CIN census", "csv", "LAchildID",
                   {"GenderCurrent": "sex", "PersonBirthDate": "date_of_birth", "UPN": "upn"}),
}
EVENT_DETAIL = "imports.returnrecord"


class UnknownFormat(ValueError):
    pass


def return_profile(agency: Agency, kind: str, actor=None) -> MappingProfile:
    """The agency's built-in profile for a return (made on first use): it names the system its source records carry."""
    name, system, file_kind, id_column, columns = RETURN_PROFILES[kind]
    profile = MappingProfile.objects.filter(agency=agency, name=name).first()
    if profile is None:
        profile = save_profile(agency, ProfileSpec(name=name, system=system, local_id_column=id_column,
                                                   columns=columns, file_kind=file_kind,
                                                   caveat=Caveat.PARTNERSHIP.value), actor)
    return profile


def return_format_of(profile: MappingProfile) -> str | None:
    """The --format of a built-in return profile (None for an ordinary mapping profile)."""
    kinds = {name: kind for kind, (name, *_rest) in RETURN_PROFILES.items()}
    kind = kinds.get(profile.name)
    return next((fmt for fmt, k in FORMATS.items() if k == kind), None)


def import_return(
    path: Path | str,
    agency: Agency,
    fmt: str,
    actor=None,
    *,
    dry_run: bool = False,
    accept_valid: bool = False,
    file_name: str | None = None,
    today: dt.date | None = None,
    reports_dir: Path | None = None,
) -> ImportRun:
    """Check one return file, then store its children, rows and events. Nothing is written if any row has a problem,
    unless `accept_valid` (the valid rows are written; the problems of the rows set aside go to a rejects CSV and a
    report JSON beside the file, or under var/imports/).

    The same file (by SHA-256) already imported for the agency is not imported again: the earlier run is returned with
    `already_imported` set. Writes an `ImportRun` and its `RowError`s; audits `import.run` (and, through the people
    services, `source_records.stored`) and `import.return.stored` with the counts.
    """
    if fmt not in FORMATS:
        raise UnknownFormat(f"unknown return format {fmt!r}; use one of {', '.join(FORMATS)}")
    kind = FORMATS[fmt]
    profile = return_profile(agency, kind, actor)
    path = Path(path)
    file_name = file_name or path.name
    run = begin_run(path, file_name, agency, profile, actor, accept_valid=accept_valid)
    if run.already_imported:
        return run
    digest, size = run.content_hash, run.size
    today = today or timezone.localdate()
    with path.open("rb") as stream:
        parsed = PARSERS[kind](stream, file=file_name, today=today)
    if not parsed.fatal and parsed.row_count == 0:
        parsed.fail("no rows: the return has headings but no records")
    problems = sorted(parsed.problems, key=lambda p: (p.sheet, p.row or 0))
    run.rows = parsed.row_count
    run.rejected = parsed.row_count if parsed.fatal else len(parsed.rejected)
    _store_row_errors(run, problems[:ERRORS_KEPT])
    valid = [] if parsed.fatal else parsed.valid_rows
    run.report = {
        "file": run.file_name, "sha256": digest, "size": size, "profile": profile.name, "system": profile.system,
        "return": kind, "period": parsed.period, "tables": parsed.tables, "rows": parsed.row_count,
        "valid_rows": len(valid), "problem_count": len(problems), "problems_kept": min(len(problems), ERRORS_KEPT),
        "whole_file_rejected": parsed.fatal,
    }
    if parsed.fatal or not valid or (problems and not accept_valid):
        return _finish(run, ImportRun.Status.FAILED, actor)
    if dry_run:
        existing = _existing_keys(agency, kind, valid)
        run.created, run.updated = len(valid) - len(existing), len(existing)
        return _finish(run, ImportRun.Status.DRY_RUN, actor)
    try:
        with transaction.atomic():
            run.created, run.updated, events = _write(run, agency, kind, parsed, valid, actor)
    except Exception as error:
        run.report["interrupted"] = f"{type(error).__name__}: {error}"[:500]
        run.report["outcome"] = "The import stopped while writing; nothing from this file was stored."
        _finish(run, ImportRun.Status.FAILED, actor)
        raise
    run.report["events"] = events
    if problems:
        run.report.update(_write_rejects(path, run, problems, reports_dir))
    return _finish(run, ImportRun.Status.IMPORTED, actor)


def _write_rejects(path: Path, run: ImportRun, problems: list[RowProblem], reports_dir: Path | None) -> dict:
    """With --accept-valid: `<file>.run<N>.rejects.csv` (each problem of the rows set aside) and the report JSON."""
    import csv
    import json
    from dataclasses import asdict

    directory = reports_directory(path, reports_dir)
    stem = Path(run.file_name).stem or "return"
    rejects_path = directory / f"{stem}.run{run.pk}.rejects.csv"
    report_path = directory / f"{stem}.run{run.pk}.report.json"
    with rejects_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["File", "Sheet", "Row", "Column", "Value", "Reason"])
        for p in problems:
            writer.writerow([spreadsheet_safe(str(v)) for v in (p.file, p.sheet, p.row or "", p.column, p.value,
                                                                 p.reason)])
    report = {**run.report, "run": run.pk, "problems": [asdict(p) for p in problems]}
    report_path.write_text(json.dumps(report, indent=2, default=str, ensure_ascii=False), encoding="utf-8")
    return {"rejects_file": str(rejects_path), "report_file": str(report_path)}


def _existing_keys(agency: Agency, kind: str, rows: list[ReturnRow]) -> set[tuple[str, str]]:
    keys = {(r.table, r.row_key) for r in rows}
    found = ReturnRecord.objects.filter(agency=agency, kind=kind, row_key__in={k for _, k in keys}).values_list(
        "table", "row_key")
    return {pair for pair in found if pair in keys}


def _valid_upn(value: str) -> str:
    value = "".join(value.split()).upper()
    return value if len(value) == 13 and value[0].isalpha() and value[1:12].isdigit() else ""


def _children(rows: list[ReturnRow], file_name: str) -> list[RecordValues]:
    """One `RecordValues` per child the return identifies; a child in several lists takes the first value of each."""
    merged: dict[str, dict] = {}
    for row in rows:
        facts = row.child
        if facts is None:
            continue
        current = merged.setdefault(facts.child_key, {
            "local_id": facts.child_key[:100], "source_file": file_name[:255], "source_row": facts.source_row,
            "received": {"sheet": facts.sheet, **facts.received},
        })
        if facts.date_of_birth and not current.get("date_of_birth"):
            current["date_of_birth"] = facts.date_of_birth
        if facts.sex != "U" and current.get("sex", "U") == "U":
            current["sex"] = facts.sex
        if (upn := _valid_upn(facts.upn)) and not current.get("upn"):
            current["upn"] = upn
    return [RecordValues(caveat=Caveat.PARTNERSHIP, **values) for values in merged.values()]


def _write(run: ImportRun, agency: Agency, kind: str, parsed: ParsedReturn, rows: list[ReturnRow], actor):
    system = RETURN_PROFILES[kind][1]
    children = _children(rows, run.file_name)
    if children:
        # Looked up through the module so a test can make it fail part-way.
        people_services.store_source_records(agency, system, children, actor=actor, import_run_id=run.pk)
    records = {
        r.local_id: r.pk
        for r in SourceRecord.objects.filter(agency=agency, system=system,
                                             local_id__in={row.child_key for row in rows})
    }
    existing = {
        (r.table, r.row_key): r
        for r in ReturnRecord.objects.filter(agency=agency, kind=kind, row_key__in={row.row_key for row in rows})
    }
    now, by = timezone.now(), _actor(actor)
    created, updated = [], []
    for row in rows:
        record = existing.get((row.table, row.row_key)) or ReturnRecord(
            agency=agency, kind=kind, table=row.table, row_key=row.row_key[:255])
        record.run = run
        record.period = parsed.period
        record.child_key = row.child_key[:100]
        record.fields, record.labels, record.received = row.values, row.labels, row.received
        record.key_date, record.end_date = row.key_date, row.end_date
        spec = TABLES[(kind, row.table)]
        record.source_record_id = records.get(row.child_key) if spec.about_child else None
        record.source_file, record.sheet, record.source_row = run.file_name[:255], row.sheet[:100], row.source_row
        record.imported_at, record.imported_by = now, by
        (updated if record.pk else created).append(record)
    ReturnRecord.objects.bulk_create(created, batch_size=500)
    ReturnRecord.objects.bulk_update(
        updated,
        ["run", "period", "child_key", "fields", "labels", "received", "key_date", "end_date", "source_record",
         "source_file", "sheet", "source_row", "imported_at", "imported_by"],
        batch_size=500,
    )
    events = sync_return_events(agency, actor=actor, kind=kind)
    record_audit(actor, "import.return.stored", run,
                 detail={"return": kind, "created": len(created), "updated": len(updated), "events": events})
    return len(created), len(updated), events


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _event_summary(record: ReturnRecord) -> str:
    spec = TABLES[(record.kind, record.table)]
    parts = []
    for column in spec.columns:
        if column.key in ("child_id", "sex", "ethnicity", "date_of_birth", "age", "disability", "upn"):
            continue
        label = record.labels.get(column.key)
        value = record.fields.get(column.key)
        if label or value not in (None, ""):
            parts.append(f"{column.heading}: {label or value}")
    source = f"{record.source_file}" + (f", sheet {record.sheet}" if record.sheet else "") + f", row {record.source_row}"
    return "; ".join(parts) + (". " if parts else "") + f"From the {record.get_kind_display()} return ({source})."


@transaction.atomic
def sync_return_events(agency: Agency, *, actor=None, kind: str | None = None) -> int:
    """Put each dated fact of the agency's returns on the chronology of its child, where the child's source record is
    linked to a child: creates the missing events and moves those whose date changed. Returns how many it created.

    Safe to run again at any time (for example after linkage has linked more records). Does not audit: the import
    that calls it does.
    """
    records = ReturnRecord.objects.filter(agency=agency, source_record__isnull=False, key_date__isnull=False)
    if kind:
        records = records.filter(kind=kind)
    with_events = [key for key, spec in TABLES.items() if spec.event]
    records = records.filter(_any_of(Q(kind=k, table=t) for k, t in with_events))
    linked = dict(
        RecordLink.objects.filter(source_record__agency=agency, child__isnull=False,
                                  source_record_id__in=records.values("source_record_id"))
        .values_list("source_record_id", "child_id")
    )
    if not linked:
        return 0
    records = list(records.filter(source_record_id__in=list(linked)).select_related("source_record"))
    events = {
        event.detail_id: event
        for event in Event.objects.filter(detail_type=EVENT_DETAIL, detail_id__in=[str(r.pk) for r in records])
    }
    children = Child.objects.in_bulk(set(linked.values()))
    created = 0
    for record in records:
        occurred_at = _start_of_day(record.key_date)
        event = events.get(str(record.pk))
        if event is not None:
            if event.occurred_at != occurred_at or event.child_id != linked[record.source_record_id]:
                event.occurred_at, event.child_id = occurred_at, linked[record.source_record_id]
                event.summary = _event_summary(record)
                event.save(update_fields=["occurred_at", "child", "summary"])
            continue
        event_type, title = TABLES[(record.kind, record.table)].event
        people_services.record_event(
            agency=agency, type=event_type, occurred_at=occurred_at, title=title,
            child=children[linked[record.source_record_id]], summary=_event_summary(record), caveat=record.caveat,
            source_record=record.source_record, detail=record, actor=actor, precision=Event.Precision.DAY,
        )
        created += 1
    return created


def _any_of(conditions) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined

