"""Turn each row of an agency file into a `ParsedRow` or the reasons it cannot be imported.

Pure: no database, no Django settings. `check_file` reads the whole file once and collects every problem;
`parse_rows` is the single row-by-row pass both the check and the write use, so they cannot disagree.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import nhs_number

from .profile import FIELD_LABELS, SEX_VALUES, TARGET_FIELDS, ProfileSpec, describe_date_format
from .readers import CsvReader, SourceLine, UnreadableFile, XlsxReader

#: Longer values are rejected: no agency field is this long, and it is usually a broken export.
MAX_VALUE_CHARS = 10_000
#: Stored values are truncated to this in a row error, so a report never repeats a whole broken row.
MAX_REPORTED_VALUE = 200
#: A child's date of birth more than this many years ago is a mistake (or an adult's record).
MAX_CHILD_AGE_YEARS = 25
#: Database column sizes of `SourceRecord` (and sensible limits for the extra fields).
MAX_LENGTHS = {
    "local_id": 100,
    "given_name": 100,
    "family_name": 100,
    "nhs_number": 10,
    "upn": 13,
    "police_id": 40,
    "postcode": 10,
    "address": 300,
    "school": 200,
    "gp_practice": 200,
}

Source = Path | str | BinaryIO
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why a row (or, with no row, the whole file) cannot be imported."""

    file: str
    sheet: str
    row: int | None
    column: str
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One agency row, parsed and normalised: the fields of `RecordValues`, plus every cell as received."""

    source_row: int
    local_id: str
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    sex: str = "U"
    nhs_number: str = ""
    upn: str = ""
    police_id: str = ""
    postcode: str = ""
    address: str = ""
    school: str = ""
    gp_practice: str = ""
    received: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(slots=True)
class RowResult:
    number: int
    received: dict[str, str]
    parsed: ParsedRow | None
    problems: list[RowProblem]


@dataclass
class FileCheck:
    """Everything one reading of a file found: how many rows, which were rejected and why."""

    file: str
    sheet: str = ""
    header: list[str] = field(default_factory=list)
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    fatal: bool = False  # the file as a whole could not be read: no row may be imported
    problem_count: int = 0  # all problems found, when more than `problems` keeps

    @property
    def valid_rows(self) -> int:
        return self.rows - len(self.rejected_rows)

    @property
    def ok(self) -> bool:
        return not self.problems


def clean_text(value: str) -> str:
    return " ".join(value.split())


def normalise_postcode(value: str) -> str:
    compact = "".join(value.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else compact


def short(value: str) -> str:
    return value if len(value) <= MAX_REPORTED_VALUE else value[: MAX_REPORTED_VALUE - 1] + "…"


@contextlib.contextmanager
def _opened(source: Source):
    if isinstance(source, str | Path):
        with Path(source).open("rb") as stream:
            yield stream
    else:
        source.seek(0)
        yield source


class RowParser:
    """Applies one profile to the rows under one header."""

    def __init__(self, spec: ProfileSpec, header: list[str], *, file: str, sheet: str, today: date):
        self.spec, self.file, self.sheet, self.today = spec, file, sheet, today
        self.header = [h.strip() for h in header]
        self.oldest_birth = _years_before(today, MAX_CHILD_AGE_YEARS)
        position = {}
        for i, name in enumerate(self.header):
            position.setdefault(name.casefold(), i)
        missing = [c for c in spec.required_columns if c.strip().casefold() not in position]
        if missing:
            names = ", ".join(repr(c) for c in missing)
            raise UnreadableFile(
                f"the file has no column{'s' if len(missing) > 1 else ''} {names} (the profile maps "
                f"{'them' if len(missing) > 1 else 'it'}); check the header row or the profile",
                row=spec.header_row,
                column=", ".join(missing),
            )
        self.sources = {
            target: [position[c.strip().casefold()] for c in spec.columns_for(target)] for target in TARGET_FIELDS
        }
        self.codes = {target: spec.code_list(target) for target in TARGET_FIELDS}
        self.received_names = _unique_names(self.header)

    def problem(self, row: int | None, column: str, value: str, reason: str) -> RowProblem:
        return RowProblem(self.file, self.sheet, row, column, short(value), reason)

    def parse(self, line: SourceLine) -> RowResult:
        values = line.values
        received = {name: (values[i] if i < len(values) else "") for i, name in enumerate(self.received_names)}
        problems = []
        if len(values) > len(self.header) and any(v.strip() for v in values[len(self.header) :]):
            problems.append(
                self.problem(
                    line.number,
                    "",
                    ",".join(values[len(self.header) :]),
                    f"row has {len(values)} values but the header has {len(self.header)} columns (an unquoted comma?)",
                )
            )
        for i, value in enumerate(values[: len(self.header)]):
            if line.flagged and i in line.flagged:
                problems.append(self.problem(line.number, self.received_names[i], value, line.flagged[i]))
            elif len(value) > MAX_VALUE_CHARS:
                problems.append(
                    self.problem(
                        line.number,
                        self.received_names[i],
                        value,
                        f"value is longer than {MAX_VALUE_CHARS:,} characters",
                    )
                )
        if problems:
            return RowResult(line.number, received, None, problems)
        fields = {}
        for target in TARGET_FIELDS:
            fields[target], problem = self._field(target, line)
            if problem:
                problems.append(problem)
        if problems:
            return RowResult(line.number, received, None, problems)
        return RowResult(line.number, received, ParsedRow(source_row=line.number, received=received, **fields), [])

    def _field(self, target: str, line: SourceLine):
        positions = self.sources[target]
        if not positions:
            return ("U" if target == "sex" else None if target == "date_of_birth" else ""), None
        texts = [line.values[i].strip() if i < len(line.values) else "" for i in positions]
        text = ", ".join(t for t in texts if t)
        column = self.header[positions[0]]
        if target == "date_of_birth":
            when = line.dates.get(positions[0]) if line.dates else None
            return self._date_of_birth(when, text, line.number, column)
        codes = self.codes[target]
        if codes is not None and text:
            meaning = codes.get(text.casefold())
            if meaning is None:
                known = ", ".join(sorted(self.spec.code_lists.get(target) or codes))
                return None, self.problem(
                    line.number,
                    column,
                    text,
                    f"unknown code for {FIELD_LABELS[target].lower()} (expected one of {known})",
                )
            text = meaning
        value, reason = _normalise(target, text)
        if reason:
            return None, self.problem(line.number, column, text, reason)
        if len(value) > MAX_LENGTHS.get(target, MAX_VALUE_CHARS):
            return None, self.problem(
                line.number,
                column,
                text,
                f"{FIELD_LABELS[target].lower()} is longer than {MAX_LENGTHS[target]} characters",
            )
        return value, None

    def _date_of_birth(self, when: date | None, text: str, row: int, column: str):
        if when is None and text:
            for fmt in self.spec.date_formats:
                try:
                    when = datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date of birth has no time zone
                    break
                except ValueError:
                    continue
            else:
                formats = " or ".join(describe_date_format(f) for f in self.spec.date_formats)
                return None, self.problem(row, column, text, f"not a date in the profile's format ({formats})")
        if when is None:
            return None, None
        if when > self.today:
            return None, self.problem(row, column, text, "date of birth is in the future")
        if when < self.oldest_birth:
            return None, self.problem(
                row, column, text, f"date of birth is more than {MAX_CHILD_AGE_YEARS} years ago: not a child's record"
            )
        return when, None


def _normalise(target: str, text: str) -> tuple[str, str]:
    """A field's value in safehub's form, or the reason it cannot be one."""
    if target == "local_id":
        return (text, "") if text else ("", "local id is empty: every row needs the record's id in the agency's system")
    if target == "sex":
        text = text or "U"
        return (text, "") if text in SEX_VALUES else ("", "sex must be M, F or U (add a code list to the profile)")
    if target == "nhs_number":
        digits = "".join(text.split()).replace("-", "")
        if not digits:
            return "", ""
        if not (digits.isascii() and digits.isdigit() and len(digits) == 10):
            return "", "NHS number must be 10 digits"
        if not nhs_number.is_valid(digits):
            return "", "NHS number is not valid (the check digit does not match)"
        return digits, ""
    if target == "postcode":
        return normalise_postcode(text), ""
    if target in ("upn",):
        return "".join(text.split()).upper(), ""
    return clean_text(text), ""


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _lines(stream: BinaryIO, spec: ProfileSpec) -> tuple[str, list[str], Generator[SourceLine]]:
    """The sheet read (xlsx), every sheet's name, and the rows."""
    if not stream.read(1):
        raise UnreadableFile("the file is empty (0 bytes)")
    stream.seek(0)
    if spec.file_kind == "xlsx":
        reader = XlsxReader(stream, spec.sheet_name)
        return reader.sheet_name, reader.workbook.sheetnames, iter(reader)
    return "", [], iter(CsvReader(stream))


def _unique_names(header: list[str]) -> list[str]:
    """Column names to key `received` by: blank headers get a position, repeated ones a number."""
    names: list[str] = []
    for i, name in enumerate(header):
        name = name or f"Column {i + 1}"
        candidate, n = name, 2
        while candidate in names:
            candidate, n = f"{name} ({n})", n + 1
        names.append(candidate)
    return names


def _blank(line: SourceLine) -> bool:
    return not any(v.strip() for v in line.values)


def parse_rows(
    source: Source, spec: ProfileSpec, *, file: str, today: date, header_seen: Callable | None = None
) -> Iterator[RowResult]:
    """Each data row of the file under the profile, parsed. Raises `UnreadableFile` when the file as a whole cannot be read."""
    with _opened(source) as stream:
        sheet, _sheets, lines = _lines(stream, spec)
        try:
            header = None
            for line in lines:
                if line.number < spec.header_row:
                    continue
                if header is None:
                    if line.number > spec.header_row or _blank(line):
                        raise UnreadableFile(
                            f"row {spec.header_row} should hold the column names but is empty", row=spec.header_row
                        )
                    header = RowParser(spec, line.values, file=file, sheet=sheet, today=today)
                    if header_seen:
                        header_seen(sheet, header.header)
                    continue
                if not _blank(line):
                    yield header.parse(line)
            if header is None:
                raise UnreadableFile(f"no header row: the file has fewer than {spec.header_row} rows")
        finally:
            lines.close()


def check_file(
    source: Source, spec: ProfileSpec, *, file: str, today: date, progress: Progress | None = None, keep: int = 10_000
) -> FileCheck:
    """Read the whole file once; collect every problem (up to `keep` kept, all counted) and every rejected row.

    A local id that appears on more than one row rejects all those rows: which one is right is for the agency to say.
    """
    check = FileCheck(file=file)

    def header_seen(sheet: str, header: list[str]) -> None:
        check.sheet, check.header = sheet, header

    first_row_of: dict[str, int] = {}
    duplicates: dict[str, list[int]] = {}
    problems: list[RowProblem] = []
    try:
        for result in parse_rows(source, spec, file=file, today=today, header_seen=header_seen):
            check.rows += 1
            if result.problems:
                check.rejected_rows.add(result.number)
                problems.extend(result.problems)
            local_id = result.parsed.local_id if result.parsed else None
            if local_id:
                first = first_row_of.setdefault(local_id, result.number)
                if first != result.number:
                    duplicates.setdefault(local_id, [first]).append(result.number)
            if progress and check.rows % 1000 == 0:
                progress(check.rows)
    except UnreadableFile as error:
        check.fatal = True
        check.problems = [RowProblem(file, check.sheet, error.row, error.column, short(error.value), error.reason)]
        check.rejected_rows.clear()
        check.problem_count = 1
        return check
    if check.rows == 0:
        check.fatal = True
        check.problems = [RowProblem(file, check.sheet, None, "", "", "no rows: the file has a header but no records")]
        check.problem_count = 1
        return check
    for local_id, rows in duplicates.items():
        column = spec.local_id_column
        for row in rows:
            others = [str(r) for r in rows if r != row]
            reason = f"duplicate local id: also on row{'s' if len(others) > 1 else ''} {', '.join(others)}"
            problems.append(RowProblem(file, check.sheet, row, column, short(local_id), reason))
            check.rejected_rows.add(row)
    problems.sort(key=lambda p: p.row or 0)
    check.problems = problems[:keep]
    check.problem_count = len(problems)
    if progress:
        progress(check.rows)
    return check


@dataclass(frozen=True)
class Preview:
    """What a person needs to map a file they have just uploaded: its columns and first rows."""

    sheet: str
    sheets: list[str]
    header_row: int
    header: list[str]
    rows: list[list[str]]


def read_preview(source: Source, *, file_kind: str, sheet_name: str = "", limit: int = 10) -> Preview:
    """The header (the first row with anything in it) and the next `limit` rows of a file, before any profile exists."""
    spec = ProfileSpec(
        name="preview", system="preview", local_id_column="-", file_kind=file_kind, sheet_name=sheet_name
    )
    with _opened(source) as stream:
        sheet, sheets, lines = _lines(stream, spec)
        try:
            header: list[str] | None = None
            header_row = 0
            rows: list[list[str]] = []
            for line in lines:
                if _blank(line):
                    continue
                if header is None:
                    header, header_row = [v.strip() for v in line.values], line.number
                    continue
                rows.append([*line.values[: len(header)], *[""] * (len(header) - len(line.values))])
                if len(rows) >= limit:
                    break
        finally:
            lines.close()
    if header is None:
        raise UnreadableFile("the file has no rows at all")
    return Preview(sheet, sheets, header_row, header, rows)
