"""Mapping profiles (how to read one agency system's extract), import runs and the row errors a run found.

A profile is validated as a `ProfileSpec` (see `parsers.profile`), so the web form, the YAML files used by the CLI and
the database all reject the same mistakes with the same messages. Runs and profiles belong to one agency: `visible_to(user)`
returns only the user's own agency's, and nothing to a user without the import permission.
"""

from __future__ import annotations

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from safehub.core.caveats import Caveat
from safehub.core.models import Agency

from .parsers import DEFAULT_DATE_FORMATS, ProfileError, ProfileSpec

IMPORT_PERMISSION = "imports.run_import"


class AgencyOwnedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The user's own agency's rows, if they may run imports at all."""
        if not getattr(user, "is_authenticated", False) or not user.agency_id or not user.has_perm(IMPORT_PERMISSION):
            return self.none()
        return self.filter(agency_id=user.agency_id)


class MappingProfile(models.Model):
    """How to read one agency system's extract: which column holds what, date formats and code lists."""

    class FileKind(models.TextChoices):
        CSV = "csv", "CSV (comma-separated text, UTF-8)"
        XLSX = "xlsx", "Excel workbook (.xlsx)"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="mapping_profiles")
    name = models.CharField(max_length=100)
    system = models.CharField(max_length=60, help_text="The agency's system, e.g. Niche RMS, RiO, Capita ONE.")
    file_kind = models.CharField(max_length=4, choices=FileKind.choices, default=FileKind.CSV)
    sheet_name = models.CharField(max_length=100, blank=True, help_text="xlsx only; blank for the first sheet.")
    header_row = models.PositiveSmallIntegerField(default=1, help_text="The row holding the column names.")
    column_map = models.JSONField(default=dict, help_text="Column in the file → safehub field.")
    date_formats = models.JSONField(default=list, help_text="strptime formats tried in order, e.g. %d/%m/%Y.")
    code_lists = models.JSONField(default=dict, blank=True, help_text="Field → {code: meaning}, e.g. sex: {1: M}.")
    local_id_column = models.CharField(max_length=100, help_text="The column holding the record's id in the system.")
    caveat = models.CharField(max_length=20, choices=Caveat.choices, default=Caveat.PARTNERSHIP)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AgencyOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="mapping_profile_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.system})"

    def spec(self) -> ProfileSpec:
        return ProfileSpec(
            name=self.name,
            system=self.system,
            local_id_column=self.local_id_column,
            columns=self.column_map or {},
            file_kind=self.file_kind,
            sheet_name=self.sheet_name,
            header_row=self.header_row,
            date_formats=tuple(self.date_formats or DEFAULT_DATE_FORMATS),
            code_lists=self.code_lists or {},
            caveat=self.caveat,
        )

    def clean(self) -> None:
        problems = self.spec().problems()
        if problems:
            raise ValidationError([f"{key}: {message}" for key, message in problems.items()])

    def apply_spec(self, spec: ProfileSpec) -> None:
        self.name, self.system, self.file_kind = spec.name, spec.system, spec.file_kind
        self.sheet_name, self.header_row, self.local_id_column = spec.sheet_name, spec.header_row, spec.local_id_column
        self.column_map, self.date_formats = dict(spec.columns), list(spec.date_formats)
        self.code_lists = {name: dict(codes) for name, codes in spec.code_lists.items()}
        self.caveat = spec.caveat

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.spec().to_dict(), sort_keys=False, allow_unicode=True)

    @staticmethod
    def spec_from_yaml(text: str) -> ProfileSpec:
        """Read a profile written as YAML; `ProfileError` names each bad key."""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ProfileError({"yaml": f"is not valid YAML ({error})"}) from None
        return ProfileSpec.from_dict(data)


class ImportRun(models.Model):
    """One attempt to import one file: what it was (name, hash, size), what happened, and the report."""

    class Status(models.TextChoices):
        VALIDATING = "validating", "Checking"
        FAILED = "failed", "Rejected"
        IMPORTED = "imported", "Imported"
        DRY_RUN = "dry_run", "Checked only (dry run)"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="import_runs")
    profile = models.ForeignKey(MappingProfile, on_delete=models.PROTECT, related_name="runs")
    file_name = models.CharField(max_length=255)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the file's bytes.")
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALIDATING)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    accept_valid = models.BooleanField(default=False, help_text="Valid rows imported even though others were rejected.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.JSONField(default=dict, blank=True)

    objects = AgencyOwnedQuerySet.as_manager()

    # Set on a run returned for a file already imported, instead of importing it again (not stored).
    already_imported = False

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["agency", "profile", "content_hash"], name="import_run_content")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def error_count(self) -> int:
        return self.report.get("problem_count", 0) if self.report else 0


class RowError(models.Model):
    """A reason a row (or, with no row, the whole file) was not imported."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="row_errors")
    file_name = models.CharField(max_length=255)
    sheet = models.CharField(max_length=100, blank=True)
    row = models.PositiveIntegerField(null=True, blank=True, help_text="As numbered in the file; blank for the file.")
    column = models.CharField(max_length=255, blank=True)
    value = models.CharField(max_length=200, blank=True, help_text="Truncated.")
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["run", "row", "pk"]

    def __str__(self) -> str:
        return f"{self.file_name} row {self.row}: {self.reason}"


class ReturnRecord(models.Model):
    """One row of a statutory return (Annex A list, SSDA903 file, CIN census element) as imported, with its provenance.

    The row's natural key (child and the dated fact) is unique per agency, return and table, so importing a corrected
    or later return updates rows instead of adding them. Indicators computed from returns read this table.
    """

    class Kind(models.TextChoices):
        ANNEX_A = "annex_a", "Annex A"
        SSDA903 = "ssda903", "SSDA903 (children looked after)"
        CIN_CENSUS = "cin_census", "Children in need census"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="return_records")
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="return_records",
                            help_text="The import that last wrote this row.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    table = models.CharField(max_length=30, help_text="list_1 … list_11; header, episodes, missing; cin_details …")
    period = models.CharField(max_length=20, blank=True, help_text="The return's reference date, where it gives one.")
    child_key = models.CharField(max_length=100, help_text="The child's id in the return (the adopter's, list 11).")
    row_key = models.CharField(max_length=255, help_text="Child and the row's dated fact: what makes it the same row.")
    fields = models.JSONField(default=dict, help_text="The row's values by field: dates as ISO text, codes as codes.")
    labels = models.JSONField(default=dict, blank=True, help_text="The readable label of each coded field.")
    received = models.JSONField(default=dict, help_text="The row as the return gave it, column by column.")
    key_date = models.DateField(null=True, blank=True, db_index=True)
    end_date = models.DateField(null=True, blank=True)
    source_record = models.ForeignKey("people.SourceRecord", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    source_file = models.CharField(max_length=255)
    sheet = models.CharField(max_length=100, blank=True)
    source_row = models.PositiveIntegerField(help_text="Row in the sheet or CSV file; line in an XML file.")
    caveat = models.CharField(max_length=20, choices=Caveat.choices, default=Caveat.PARTNERSHIP)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AgencyOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "table", "key_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "table", "row_key"], name="return_record_unique_row")
        ]
        indexes = [models.Index(fields=["kind", "table", "key_date"], name="return_record_table_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.table} {self.child_key} ({self.key_date})"
