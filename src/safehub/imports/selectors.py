"""Read queries for imports. Every function takes the user and reads through `visible_to(user)`: own agency only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import ImportRun, MappingProfile, RowError

#: Row errors shown on a run's page; the rest are counted (and in the report JSON for the CLI).
ERRORS_SHOWN = 1000


def runs_for(user, *, limit: int = 100) -> QuerySet[ImportRun]:
    return ImportRun.objects.visible_to(user).select_related("profile", "started_by")[:limit]


def profiles_for(user) -> QuerySet[MappingProfile]:
    return MappingProfile.objects.visible_to(user).select_related("agency")


@dataclass
class RunReport:
    run: ImportRun
    errors: list[RowError]
    error_count: int
    file_errors: list[RowError]

    @property
    def more_errors(self) -> int:
        return max(0, self.error_count - len(self.errors) - len(self.file_errors))


def run_report(run: ImportRun) -> RunReport:
    """A run (already fetched through `visible_to`) with the errors to list: whole-file ones, then the first rows'."""
    file_errors = list(run.row_errors.filter(row__isnull=True).order_by("pk"))
    errors = list(run.row_errors.filter(row__isnull=False).order_by("row", "pk")[:ERRORS_SHOWN])
    return RunReport(run, errors, max(run.error_count, len(errors) + len(file_errors)), file_errors)


@dataclass(frozen=True)
class ReturnRow:
    """What an indicator needs of one imported return row (aggregates only leave the performance app)."""

    agency_id: int
    table: str
    child_key: str
    key_date: object
    end_date: object
    fields: dict


def return_rows(kind: str, tables: tuple[str, ...], *, agency_id: int | None = None) -> list[ReturnRow]:
    """Every imported row of these tables of a return (`ReturnRecord.Kind`), for the indicators computed from returns.

    No user: the caller (the performance engine) returns counts only, never rows.
    """
    from .models import ReturnRecord

    records = ReturnRecord.objects.filter(kind=kind, table__in=tables)
    if agency_id is not None:
        records = records.filter(agency_id=agency_id)
    return [
        ReturnRow(*values)
        for values in records.values_list("agency_id", "table", "child_key", "key_date", "end_date", "fields")
    ]


def has_return(kind: str) -> bool:
    """Whether any return of this kind has been imported."""
    from .models import ReturnRecord

    return ReturnRecord.objects.filter(kind=kind).exists()
