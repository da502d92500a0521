"""A mapping profile as plain data: which columns of an agency's file become which safehub fields, and how to read them.

`ProfileSpec.problems()` checks a profile before any file is read and names the bad key in each message, so a profile
written by hand (YAML for the CLI) or built in the web form is rejected early with something a person can fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from safehub.core.caveats import Caveat

#: The fields of `safehub.people.services.RecordValues` an import can fill.
TARGET_FIELDS = (
    "local_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "upn",
    "police_id",
    "postcode",
    "address",
    "school",
    "gp_practice",
)
FIELD_LABELS = {
    "local_id": "Local id",
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number (UPN)",
    "police_id": "Police person id",
    "postcode": "Postcode",
    "address": "Address",
    "school": "School",
    "gp_practice": "GP practice",
}
FILE_KINDS = ("csv", "xlsx")
SEX_VALUES = ("M", "F", "U")
#: Used when a profile gives no code list for sex: the spellings agency systems commonly export.
DEFAULT_SEX_CODES = {
    "m": "M",
    "male": "M",
    "1": "M",
    "f": "F",
    "female": "F",
    "2": "F",
    "u": "U",
    "unknown": "U",
    "not known": "U",
    "not stated": "U",
    "0": "U",
    "9": "U",
}
DEFAULT_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
PROFILE_KEYS = (
    "name",
    "system",
    "file_kind",
    "sheet_name",
    "header_row",
    "local_id_column",
    "columns",
    "date_formats",
    "code_lists",
    "caveat",
)
_FORMAT_PROBE = datetime(2013, 11, 27, 14, 35, 51)  # noqa: DTZ001 - only used to test that a format string works


class ProfileError(ValueError):
    """A profile that cannot be used; `problems` maps each bad key to a message naming it."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.problems.items()))


@dataclass(frozen=True)
class ProfileSpec:
    name: str
    system: str
    local_id_column: str
    columns: Mapping[str, str] = field(default_factory=dict)  # column in the file -> target field
    file_kind: str = "csv"
    sheet_name: str = ""
    header_row: int = 1
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    code_lists: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    caveat: str = Caveat.PARTNERSHIP.value

    @classmethod
    def from_dict(cls, data: object) -> ProfileSpec:
        """Build a profile from loaded YAML or JSON; raise `ProfileError` naming every unusable key."""
        if not isinstance(data, Mapping):
            raise ProfileError({"profile": "must be a mapping of keys such as name, system and columns"})
        problems = {
            key: f"is not a profile key; use one of {', '.join(PROFILE_KEYS)}"
            for key in data
            if key not in PROFILE_KEYS
        }
        for key in ("name", "system", "local_id_column"):
            if not isinstance(data.get(key), str) or not data.get(key, "").strip():
                problems[key] = "is required"
        if problems:
            raise ProfileError(problems)
        spec = cls(
            name=str(data["name"]).strip(),
            system=str(data["system"]).strip(),
            local_id_column=str(data["local_id_column"]),
            columns=data.get("columns") or {},
            file_kind=data.get("file_kind", "csv"),
            sheet_name=data.get("sheet_name") or "",
            header_row=data.get("header_row", 1),
            date_formats=tuple(data["date_formats"])
            if isinstance(data.get("date_formats"), list | tuple)
            else (data.get("date_formats") or DEFAULT_DATE_FORMATS),
            code_lists=data.get("code_lists") or {},
            caveat=data.get("caveat", Caveat.PARTNERSHIP.value),
        )
        spec.raise_problems()
        return spec

    def to_dict(self) -> dict:
        data = {
            "name": self.name,
            "system": self.system,
            "file_kind": self.file_kind,
            "sheet_name": self.sheet_name,
            "header_row": self.header_row,
            "local_id_column": self.local_id_column,
            "columns": dict(self.columns),
            "date_formats": list(self.date_formats),
            "code_lists": {name: dict(codes) for name, codes in self.code_lists.items()},
            "caveat": self.caveat,
        }
        if not self.sheet_name:
            del data["sheet_name"]
        return data

    def raise_problems(self) -> None:
        if problems := self.problems():
            raise ProfileError(problems)

    def problems(self) -> dict[str, str]:
        """Every problem with this profile, keyed by the setting at fault (e.g. ``columns['DOB']``)."""
        problems: dict[str, str] = {}
        if self.file_kind not in FILE_KINDS:
            problems["file_kind"] = f"{self.file_kind!r} is not a file kind; use csv or xlsx"
        if (
            not isinstance(self.header_row, int)
            or isinstance(self.header_row, bool)
            or not 1 <= self.header_row <= 1000
        ):
            problems["header_row"] = "must be a whole number from 1 to 1000 (the row holding the column names)"
        if self.sheet_name and self.file_kind == "csv":
            problems["sheet_name"] = "only applies to xlsx files"
        if not isinstance(self.local_id_column, str) or not self.local_id_column.strip():
            problems["local_id_column"] = "is required: the column holding each record's id in the agency's system"
        if not isinstance(self.columns, Mapping):
            problems["columns"] = "must map column names to fields"
        else:
            for column, target in self.columns.items():
                if not isinstance(column, str) or not column.strip():
                    problems[f"columns[{column!r}]"] = "column name must be text"
                elif target not in TARGET_FIELDS:
                    problems[f"columns[{column!r}]"] = (
                        f"{target!r} is not a field; use one of {', '.join(TARGET_FIELDS)}"
                    )
                elif target == "local_id" and column != self.local_id_column:
                    problems[f"columns[{column!r}]"] = (
                        "the local id comes from local_id_column; map this column elsewhere"
                    )
        problems.update(self._date_format_problems())
        problems.update(self._code_list_problems())
        if self.caveat not in Caveat.values:
            problems["caveat"] = f"{self.caveat!r} is not a caveat; use one of {', '.join(Caveat.values)}"
        return problems

    def _date_format_problems(self) -> dict[str, str]:
        if not isinstance(self.date_formats, tuple | list) or not self.date_formats:
            return {"date_formats": "give at least one date format, e.g. %d/%m/%Y"}
        problems = {}
        for i, fmt in enumerate(self.date_formats):
            key = f"date_formats[{i}]"
            if not isinstance(fmt, str) or "%" not in fmt:
                problems[key] = f"{fmt!r} is not a date format; write it like %d/%m/%Y"
                continue
            try:
                text = _FORMAT_PROBE.strftime(fmt)
                parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - dates of birth carry no time zone
            except ValueError as error:
                problems[key] = f"{fmt!r} is not a date format ({error})"
                continue
            if (parsed.year, parsed.month, parsed.day) != (2013, 11, 27):
                problems[key] = f"{fmt!r} needs a day, a month and a year (%d, %m or %b, %Y or %y)"
        return problems

    def _code_list_problems(self) -> dict[str, str]:
        if not isinstance(self.code_lists, Mapping):
            return {"code_lists": "must map a field to its codes, e.g. sex: {'1': M, '2': F}"}
        problems = {}
        for target, codes in self.code_lists.items():
            if target not in TARGET_FIELDS or target in ("local_id", "date_of_birth"):
                problems[f"code_lists[{target!r}]"] = "is not a field that takes codes"
                continue
            if not isinstance(codes, Mapping) or not codes:
                problems[f"code_lists[{target!r}]"] = "must map each code to its meaning, e.g. '1': M"
                continue
            for code, meaning in codes.items():
                if not isinstance(meaning, str):
                    problems[f"code_lists[{target!r}][{code!r}]"] = "meaning must be text"
                elif target == "sex" and meaning not in SEX_VALUES:
                    problems[f"code_lists['sex'][{code!r}]"] = f"{meaning!r} must be one of M, F, U"
        return problems

    def code_list(self, target: str) -> dict[str, str] | None:
        """The codes for a field, keyed case-insensitively; sex falls back to the common spellings."""
        codes = self.code_lists.get(target)
        if codes:
            return {str(code).strip().casefold(): meaning for code, meaning in codes.items()}
        return dict(DEFAULT_SEX_CODES) if target == "sex" else None

    def columns_for(self, target: str) -> list[str]:
        if target == "local_id":
            return [self.local_id_column]
        return [column for column, mapped in self.columns.items() if mapped == target]

    @property
    def required_columns(self) -> list[str]:
        return list(dict.fromkeys([self.local_id_column, *self.columns]))


def describe_date_format(fmt: str) -> str:
    """`%d/%m/%Y` → `dd/mm/yyyy`, for messages."""
    words = {
        "%d": "dd",
        "%m": "mm",
        "%Y": "yyyy",
        "%y": "yy",
        "%b": "Mon",
        "%B": "Month",
        "%H": "hh",
        "%M": "mm",
        "%S": "ss",
        "%j": "ddd",
    }
    for code, word in words.items():
        fmt = fmt.replace(code, word)
    return fmt
