"""Importing an agency's extract, and saving the profiles that say how to read one.

`import_file` checks the whole file before writing anything, then writes every row in one transaction, so a file is
imported completely or not at all (unless the person asks to import the valid rows and set the rest aside).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.models import Agency
from safehub.people import services as people_services
from safehub.people.models import SourceRecord
from safehub.people.services import RecordValues

from .models import ImportRun, MappingProfile, RowError
from .parsers import FileCheck, ParsedRow, ProfileSpec, RowProblem, check_file, parse_rows

#: Rows written per call to `store_source_records`, all inside the one transaction.
CHUNK_SIZE = 2000
# A run still "Checking" this long after it started was stopped part-way (the process killed, the machine down).
INTERRUPTED_AFTER = timedelta(hours=6)
#: Row errors kept per run (all are counted); a file this broken is the wrong file or the wrong profile.
ERRORS_KEPT = 10_000
#: Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: progress(stage, done, total): stage is "Checking" or "Importing"; total is None while still unknown.
ImportProgress = Callable[[str, int, int | None], None]


class ImportNotAllowed(ValueError):
    """The profile belongs to another agency."""


def file_fingerprint(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read in blocks."""
    digest, size = hashlib.sha256(), 0
    with Path(path).open("rb") as stream:
        while block := stream.read(1024 * 1024):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def save_profile(agency: Agency, spec: ProfileSpec, actor=None) -> MappingProfile:
    """Create the agency's profile of this name, or replace its settings. Audits `import.profile.saved`.

    Raises `ProfileError` naming each bad key.
    """
    spec.raise_problems()
    profile = MappingProfile.objects.filter(agency=agency, name=spec.name).first() or MappingProfile(
        agency=agency, created_by=_actor(actor)
    )
    created = profile.pk is None
    profile.apply_spec(spec)
    profile.full_clean()
    profile.save()
    record_audit(actor, "import.profile.saved", profile, detail={"created": created, "profile": spec.to_dict()})
    return profile


def close_interrupted_runs(*, now: datetime | None = None, after: timedelta = INTERRUPTED_AFTER) -> int:
    """Mark runs that never finished as rejected, saying why. Their writing transaction never committed, so nothing of
    them is stored; the file can simply be imported again. Called before every import; returns how many were closed."""
    now = now or timezone.now()
    closed = 0
    for run in ImportRun.objects.filter(status=ImportRun.Status.VALIDATING, started_at__lt=now - after):
        run.status, run.finished_at = ImportRun.Status.FAILED, now
        run.report = {**(run.report or {}), "interrupted": True,
                      "summary": "The import stopped before it finished (the process ended). Nothing from it was "
                                 "stored: import the file again."}
        run.save(update_fields=["status", "finished_at", "report"])
        record_audit(None, "import.interrupted", run, outcome="failed", detail={"file": run.file_name})
        closed += 1
    return closed


def begin_run(path: Path, file_name: str, agency: Agency, profile: MappingProfile, actor, *,
              accept_valid: bool = False) -> ImportRun:
    """The run for importing this file: the earlier run, with `already_imported` set, when the same content was already
    imported for this agency and profile (audited, nothing else happens); otherwise a new run, "Checking"."""
    close_interrupted_runs()
    digest, size = file_fingerprint(path)
    earlier = (
        ImportRun.objects.filter(agency=agency, profile=profile, content_hash=digest, status=ImportRun.Status.IMPORTED)
        .order_by("started_at", "pk")
        .first()
    )
    if earlier is not None:
        earlier.already_imported = True
        record_audit(
            actor, "import.run", earlier, outcome="already_imported", detail={"file": file_name, "sha256": digest}
        )
        return earlier
    return ImportRun.objects.create(
        agency=agency,
        profile=profile,
        file_name=file_name[:255],
        content_hash=digest,
        size=size,
        started_at=timezone.now(),
        started_by=_actor(actor),
        accept_valid=accept_valid,
    )


def import_file(
    path: Path | str,
    agency: Agency,
    profile: MappingProfile,
    actor=None,
    *,
    dry_run: bool = False,
    accept_valid: bool = False,
    progress: ImportProgress | None = None,
    file_name: str | None = None,
    reports_dir: Path | None = None,
    today: date | None = None,
) -> ImportRun:
    """Check one file against a profile, then store its rows as the agency's source records.

    Every row is parsed and every problem collected first. Nothing is written if any row has a problem, unless
    `accept_valid`, which writes the valid rows and puts the rejected ones, with their reasons, in a rejects CSV and a
    report JSON beside the file (or under var/imports/). Writing is one transaction in chunks of `CHUNK_SIZE`: a
    failure part-way leaves the database as it was, and the run is marked failed.

    A file whose content was already imported for this agency and profile is not imported again: the earlier run
    is returned with `already_imported` set. Re-importing a changed file updates records by local id.

    Writes an `ImportRun` and its `RowError`s; audits `import.run` (and `source_records.stored` per chunk written).
    """
    if profile.agency_id != agency.pk:
        raise ImportNotAllowed(f"profile {profile.name!r} belongs to another agency")
    path = Path(path)
    file_name = file_name or path.name
    run = begin_run(path, file_name, agency, profile, actor, accept_valid=accept_valid)
    if run.already_imported:
        return run
    spec = profile.spec()
    today = today or timezone.localdate()
    check = check_file(
        path,
        spec,
        file=file_name,
        today=today,
        progress=(lambda done: progress("Checking", done, None)) if progress else None,
        keep=ERRORS_KEPT,
    )
    run.rows = check.rows
    run.rejected = check.rows if check.fatal else len(check.rejected_rows)
    _store_row_errors(run, check.problems)
    run.report = _report(run, check)

    if check.fatal or check.valid_rows == 0 or (check.problems and not accept_valid):
        return _finish(run, ImportRun.Status.FAILED, actor)
    if dry_run:
        status = ImportRun.Status.DRY_RUN
        run.created, run.updated = _count_new_and_existing(path, spec, check, run, agency, today)
    else:
        status = ImportRun.Status.IMPORTED
        try:
            with transaction.atomic():
                run.created, run.updated = _write_records(path, spec, check, run, agency, actor, today, progress)
        except Exception as error:
            run.report["interrupted"] = f"{type(error).__name__}: {error}"[:500]
            run.report["outcome"] = "The import stopped while writing; nothing from this file was stored."
            _finish(run, ImportRun.Status.FAILED, actor)
            raise
    if check.problems:
        run.report.update(status=status, created=run.created, updated=run.updated, rejected=run.rejected)
        run.report.update(_write_rejects(path, spec, check, run, reports_dir, today))
    return _finish(run, status, actor)


def _finish(run: ImportRun, status: str, actor) -> ImportRun:
    run.status = status
    run.finished_at = timezone.now()
    run.report.update(status=status, created=run.created, updated=run.updated, rejected=run.rejected)
    run.save()
    record_audit(
        actor,
        "import.run",
        run,
        outcome="ok" if status in (ImportRun.Status.IMPORTED, ImportRun.Status.DRY_RUN) else "rejected",
        detail={
            "file": run.file_name,
            "sha256": run.content_hash,
            "profile": run.profile.name,
            "status": status,
            "rows": run.rows,
            "created": run.created,
            "updated": run.updated,
            "rejected": run.rejected,
        },
    )
    return run


def _report(run: ImportRun, check: FileCheck) -> dict:
    return {
        "file": run.file_name,
        "sha256": run.content_hash,
        "size": run.size,
        "profile": run.profile.name,
        "system": run.profile.system,
        "sheet": check.sheet,
        "rows": check.rows,
        "valid_rows": 0 if check.fatal else check.valid_rows,
        "problem_count": check.problem_count,
        "problems_kept": len(check.problems),
        "whole_file_rejected": check.fatal,
    }


def _store_row_errors(run: ImportRun, problems: Iterable[RowProblem]) -> None:
    RowError.objects.bulk_create(
        (
            RowError(
                run=run,
                file_name=p.file[:255],
                sheet=p.sheet[:100],
                row=p.row,
                column=p.column[:255],
                value=p.value[:200],
                reason=p.reason[:500],
            )
            for p in problems
        ),
        batch_size=1000,
    )


def _record_values(row: ParsedRow, file_name: str, caveat: str) -> RecordValues:
    return RecordValues(
        local_id=row.local_id,
        given_name=row.given_name,
        family_name=row.family_name,
        date_of_birth=row.date_of_birth,
        sex=row.sex,
        nhs_number=row.nhs_number,
        upn=row.upn,
        police_id=row.police_id,
        postcode=row.postcode,
        address=row.address,
        school=row.school,
        gp_practice=row.gp_practice,
        received=row.received,
        source_file=file_name[:255],
        source_row=row.source_row,
        caveat=caveat,
    )


def _valid_chunks(path: Path, spec: ProfileSpec, check: FileCheck, run: ImportRun, today: date):
    chunk: list[ParsedRow] = []
    for result in parse_rows(path, spec, file=run.file_name, today=today):
        if result.parsed is None or result.number in check.rejected_rows:
            continue
        chunk.append(result.parsed)
        if len(chunk) >= CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _existing_count(agency: Agency, system: str, chunk: list[ParsedRow]) -> int:
    return SourceRecord.objects.filter(
        agency=agency, system=system, local_id__in=[row.local_id for row in chunk]
    ).count()


def _write_records(path, spec, check, run, agency, actor, today, progress) -> tuple[int, int]:
    created = updated = done = 0
    for chunk in _valid_chunks(path, spec, check, run, today):
        existing = _existing_count(agency, spec.system, chunk)
        # Looked up through the module so a test can stand in for it (and make it fail part-way).
        people_services.store_source_records(
            agency,
            spec.system,
            [_record_values(row, run.file_name, spec.caveat) for row in chunk],
            actor=actor,
            import_run_id=run.pk,
        )
        created, updated, done = created + len(chunk) - existing, updated + existing, done + len(chunk)
        if progress:
            progress("Importing", done, check.valid_rows)
    return created, updated


def _count_new_and_existing(path, spec, check, run, agency, today) -> tuple[int, int]:
    existing = sum(
        _existing_count(agency, spec.system, chunk) for chunk in _valid_chunks(path, spec, check, run, today)
    )
    return check.valid_rows - existing, existing


def reports_directory(input_path: Path, reports_dir: Path | None = None) -> Path:
    """Beside the input file if that can be written to, otherwise var/imports/."""
    if reports_dir is None and os.access(input_path.parent, os.W_OK):
        return input_path.parent
    directory = reports_dir or Path(settings.VAR_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def spreadsheet_safe(value: str) -> str:
    """A value a spreadsheet will show as text: cells starting = + - @ would otherwise run as formulas."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _write_rejects(path: Path, spec: ProfileSpec, check: FileCheck, run: ImportRun, reports_dir, today) -> dict:
    """Write `<file>.rejects.csv` (each rejected row as received, with its reasons) and `<file>.report.json`."""
    directory = reports_directory(path, reports_dir)
    stem = Path(run.file_name).stem or "import"
    rejects_path = directory / f"{stem}.run{run.pk}.rejects.csv"
    report_path = directory / f"{stem}.run{run.pk}.report.json"
    reasons: dict[int, list[str]] = {}
    for problem in check.problems:
        if problem.row is not None:
            label = f"{problem.column}: {problem.reason}" if problem.column else problem.reason
            reasons.setdefault(problem.row, []).append(label)
    with rejects_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Row", "Reasons", *check.header])
        for result in parse_rows(path, spec, file=run.file_name, today=today):
            if result.number in check.rejected_rows:
                values = [spreadsheet_safe(v) for v in result.received.values()]
                writer.writerow([result.number, spreadsheet_safe("; ".join(reasons.get(result.number, []))), *values])
    report = {**run.report, "run": run.pk, "problems": [asdict(p) for p in check.problems]}
    report_path.write_text(json.dumps(report, indent=2, default=str, ensure_ascii=False), encoding="utf-8")
    return {"rejects_file": str(rejects_path), "report_file": str(report_path)}
