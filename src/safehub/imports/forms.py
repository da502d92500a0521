"""Forms for uploading a file, mapping its columns and choosing how to run the import. Messages follow GOV.UK patterns."""

from __future__ import annotations

from pathlib import Path

from django import forms

from safehub.core.caveats import Caveat

from .models import MappingProfile
from .parsers import FIELD_LABELS, TARGET_FIELDS, ProfileSpec

#: Largest upload accepted through the web; bigger extracts go through `safehub import`.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
FILE_KINDS_BY_SUFFIX = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
DATE_FORMAT_CHOICES = [
    ("%d/%m/%Y", "27/03/2014 (dd/mm/yyyy)"),
    ("%Y-%m-%d", "2014-03-27 (yyyy-mm-dd)"),
    ("%d-%b-%Y", "27-Mar-2014 (dd-Mon-yyyy)"),
    ("%d/%m/%y", "27/03/14 (dd/mm/yy)"),
    ("%d.%m.%Y", "27.03.2014 (dd.mm.yyyy)"),
    ("%Y-%m-%d %H:%M:%S", "2014-03-27 00:00:00 (yyyy-mm-dd hh:mm:ss)"),
]
MAPPED_FIELDS = [f for f in TARGET_FIELDS if f != "local_id"]
HINTS = {
    "nhs_number": "10 digits; spaces are ignored and the check digit is tested",
    "sex": "Codes are translated with the code list below",
    "address": "If the address is split over columns, map the first here and the profile YAML can join the rest",
}


def file_kind_of(name: str) -> str | None:
    return FILE_KINDS_BY_SUFFIX.get(Path(name).suffix.lower())


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Select a CSV or XLSX file", "empty": "The selected file is empty"},
    )
    profile = forms.ModelChoiceField(
        queryset=MappingProfile.objects.none(),
        required=False,
        empty_label="Set up a new mapping",
        label="Mapping profile",
    )

    def __init__(self, *args, profiles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = profiles if profiles is not None else MappingProfile.objects.none()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if file_kind_of(upload.name) is None:
            raise forms.ValidationError("The selected file must be a CSV or XLSX")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: "
                "import bigger files with the safehub import command"
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, profile = cleaned.get("file"), cleaned.get("profile")
        if upload and profile and file_kind_of(upload.name) != profile.file_kind:
            self.add_error(
                "profile",
                f"The profile ‘{profile.name}’ reads {profile.file_kind.upper()} files: choose another profile",
            )
        return cleaned


class MappingForm(forms.Form):
    """One select per safehub field, each listing the file's columns; saved as a `MappingProfile`."""

    name = forms.CharField(
        label="Profile name", max_length=100, error_messages={"required": "Enter a name for this profile"}
    )
    system = forms.CharField(
        label="System the file comes from",
        max_length=60,
        help_text="For example, Niche RMS, RiO or Capita ONE",
        error_messages={"required": "Enter the system the file comes from"},
    )
    header_row = forms.IntegerField(
        label="Row with the column names",
        min_value=1,
        max_value=1000,
        error_messages={"required": "Enter the row with the column names", "invalid": "Row must be a number"},
    )
    local_id_column = forms.ChoiceField(
        label="Column with each record’s id in the system",
        error_messages={"required": "Select the column with each record’s id"},
    )
    date_format = forms.ChoiceField(label="How dates of birth are written", choices=DATE_FORMAT_CHOICES)
    sex_codes = forms.CharField(
        label="Codes for sex (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="One per line, for example 1 = M. M is male, F is female, U is not known. "
        "Leave blank to accept M, Male, 1, F, Female, 2, U, Unknown, Not known and 9",
    )
    caveat = forms.ChoiceField(label="Who may see these records", choices=Caveat.choices, initial=Caveat.PARTNERSHIP)

    def __init__(self, *args, header: list[str], file_kind: str, sheet_name: str, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_kind, self.sheet_name, self.agency = file_kind, sheet_name, agency
        columns = [(c, c) for c in header if c]
        self.fields["local_id_column"].choices = [("", "Select a column"), *columns]
        for target in MAPPED_FIELDS:
            self.fields[f"field_{target}"] = forms.ChoiceField(
                label=FIELD_LABELS[target],
                required=False,
                choices=[("", "Not in this file"), *columns],
                help_text=HINTS.get(target, ""),
            )

    def mapping_fields(self):
        return [self[f"field_{target}"] for target in MAPPED_FIELDS]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if MappingProfile.objects.filter(agency=self.agency, name=name).exists():
            raise forms.ValidationError(f"A profile called ‘{name}’ already exists: choose another name")
        return name

    def clean_sex_codes(self):
        codes = {}
        for number, line in enumerate(self.cleaned_data["sex_codes"].splitlines(), 1):
            if not line.strip():
                continue
            code, equals, meaning = line.partition("=")
            if not equals or not code.strip() or meaning.strip().upper() not in ("M", "F", "U"):
                raise forms.ValidationError(f"Line {number} must look like 1 = M, with M, F or U after the equals sign")
            codes[code.strip()] = meaning.strip().upper()
        return codes

    def clean(self):
        cleaned = super().clean()
        chosen: dict[str, str] = {}
        for target in MAPPED_FIELDS:
            column = cleaned.get(f"field_{target}")
            if not column:
                continue
            if column in chosen:
                self.add_error(
                    f"field_{target}",
                    f"‘{column}’ is already chosen for {FIELD_LABELS[chosen[column]].lower()}: choose a different column",
                )
            else:
                chosen[column] = target
        if self.errors:
            return cleaned
        self.spec = ProfileSpec(
            name=cleaned["name"],
            system=cleaned["system"].strip(),
            local_id_column=cleaned["local_id_column"],
            columns={column: target for column, target in chosen.items()},
            file_kind=self.file_kind,
            sheet_name=self.sheet_name if self.file_kind == "xlsx" else "",
            header_row=cleaned["header_row"],
            date_formats=(cleaned["date_format"],),
            code_lists={"sex": cleaned["sex_codes"]} if cleaned.get("sex_codes") else {},
            caveat=cleaned["caveat"],
        )
        for key, message in self.spec.problems().items():
            self.add_error(None, f"{key}: {message}")
        return cleaned


class RunForm(forms.Form):
    class Mode:
        IMPORT = "import"
        DRY_RUN = "dry_run"
        ACCEPT_VALID = "accept_valid"

    mode = forms.ChoiceField(
        label="What do you want to do?",
        widget=forms.RadioSelect,
        choices=[
            (Mode.IMPORT, "Check the file, and import it only if every row is valid"),
            (Mode.DRY_RUN, "Check the file only: nothing is imported"),
            (Mode.ACCEPT_VALID, "Import the valid rows and set the rejected rows aside"),
        ],
        error_messages={"required": "Select what you want to do"},
    )
