"""What a statutory return's tables hold, as data: each table's columns (DfE headings), which are required, how each
cell is read (date, code list, number...), the child id, the dated fact and the natural key of a row.

Pure: no database. `TableReader` turns one table's header and rows into `ReturnRow`s and `RowProblem`s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from safehub.imports.parsers import RowProblem, short

from . import codes as dfe_codes

#: A date before this in a return is a typing mistake (the oldest care leavers in a return were born after it).
EARLIEST_DATE = date(1990, 1, 1)
#: A child in a return is under 26 (care leavers are supported to 25).
MAX_AGE_YEARS = 26
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y")
MAX_CELL = 1000


@dataclass(frozen=True)
class Column:
    heading: str
    key: str
    kind: str = "text"  # text, id, date, dob, code, int, yes_no, sex
    codes: Mapping[str, str] | None = None
    required: bool = False  # the column must be in the file
    mandatory: bool = False  # every row must have a value


@dataclass(frozen=True)
class TableSpec:
    kind: str  # annex_a, ssda903, cin_census
    table: str  # list_3, episodes, section47 ...
    label: str  # as the DfE names it, e.g. "List 3: Referrals"
    columns: tuple[Column, ...]
    child: str = "child_id"  # key of the column naming the child (or adopter)
    key_date: str | None = None  # the dated fact the row records
    end_date: str | None = None
    natural_key: tuple[str, ...] = ()  # with `child`: what makes two rows the same row
    about_child: bool = True  # list 11 is about adopters
    event: tuple[str, str] | None = None  # (Event.type, title) written on the chronology of a linked child

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class ChildFacts:
    """What a return says about who the child is: becomes the council's `SourceRecord` for this return."""

    child_key: str
    source_row: int
    sheet: str
    date_of_birth: date | None = None
    sex: str = "U"
    upn: str = ""
    ethnicity: str = ""
    received: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ReturnRow:
    """One row of one table, parsed: values by column key (dates as ISO text, codes as the code), labels for codes."""

    kind: str
    table: str
    sheet: str
    source_row: int
    child_key: str
    row_key: str
    values: dict
    labels: dict
    received: dict
    key_date: date | None = None
    end_date: date | None = None
    child: ChildFacts | None = None


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def parse_date(text: str, formats: Iterable[str] = DATE_FORMATS) -> date | None:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - return dates carry no time zone
        except ValueError:
            continue
    return None


class TableReader:
    """Reads the rows of one table under its header; collects every problem with file, sheet, row, column and value."""

    def __init__(self, spec: TableSpec, header: list[str], *, file: str, sheet: str, header_row: int, today: date,
                 date_formats: tuple[str, ...] = DATE_FORMATS):
        self.spec, self.file, self.sheet, self.today, self.formats = spec, file, sheet, today, date_formats
        self.header = [" ".join(str(h).split()) for h in header]
        self.problems: list[RowProblem] = []
        self.rows: list[ReturnRow] = []
        self.rejected: set[int] = set()
        self.count = 0
        self._seen: dict[str, tuple[int, int]] = {}
        position: dict[str, int] = {}
        for i, name in enumerate(self.header):
            position.setdefault(name.casefold(), i)
        missing = [c.heading for c in spec.columns if c.required and c.heading.casefold() not in position]
        self.missing_columns = missing
        for heading in missing:
            self.problems.append(RowProblem(file, sheet, header_row, heading, "",
                                            f"{spec.label}: required column {heading!r} is missing from the header row"))
        self.positions = {c.key: position.get(c.heading.casefold()) for c in spec.columns}
        self.oldest = years_before(today, MAX_AGE_YEARS)

    def problem(self, row: int, column: str, value: str, reason: str) -> None:
        self.problems.append(RowProblem(self.file, self.sheet, row, column, short(value), reason))
        self.rejected.add(row)

    def read(self, number: int, cells: list[str], dates: Mapping[int, date] | None = None,
             flagged: Mapping[int, str] | None = None) -> None:
        """Parse one data row (cells as text; `dates` holds spreadsheet date cells by position, `flagged` cells that
        must not be imported as they are, such as formulas)."""
        if self.missing_columns:
            return
        self.count += 1
        if flagged:
            for i, reason in flagged.items():
                heading = self.header[i] if i < len(self.header) else f"Column {i + 1}"
                self.problem(number, heading, cells[i] if i < len(cells) else "", reason)
            return
        received = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(self.header) if h}
        values: dict = {}
        labels: dict = {}
        parsed_dates: dict[str, date | None] = {}
        ok = True
        for column in self.spec.columns:
            i = self.positions[column.key]
            text = " ".join(cells[i].split()) if i is not None and i < len(cells) else ""
            when = dates.get(i) if dates and i is not None else None
            result = self._cell(number, column, text, when)
            if result is False:
                ok = False
                continue
            value, label = result
            values[column.key] = value
            if label:
                labels[column.key] = label
            if column.kind in ("date", "dob"):
                parsed_dates[column.key] = date.fromisoformat(value) if value else None
        if not ok:
            return
        dob = parsed_dates.get("date_of_birth")
        if dob:
            for key, when in parsed_dates.items():
                if key != "date_of_birth" and when and when < dob:
                    column = self.spec.column(key)
                    self.problem(number, column.heading, when.isoformat(),
                                 f"{column.heading} is before the child's date of birth ({dob:%d/%m/%Y})")
                    ok = False
        key_date = parsed_dates.get(self.spec.key_date) if self.spec.key_date else None
        end_date = parsed_dates.get(self.spec.end_date) if self.spec.end_date else None
        if key_date and end_date and end_date < key_date:
            column = self.spec.column(self.spec.end_date)
            self.problem(number, column.heading, end_date.isoformat(),
                         f"{column.heading} is before {self.spec.column(self.spec.key_date).heading}")
            ok = False
        if not ok:
            return
        child_key = values[self.spec.child]
        row_key = "|".join([child_key, *(str(values.get(k) or "") for k in self.spec.natural_key)])
        first = self._seen.setdefault(row_key, (self.count, number))
        if first[0] != self.count:
            heading = self.spec.column(self.spec.child).heading
            self.problem(number, heading, child_key,
                         f"duplicate row: {self.spec.label} already has this child"
                         + (f" with the same {', '.join(self.spec.column(k).heading for k in self.spec.natural_key)}"
                            if self.spec.natural_key else "") + f" on row {first[1]}")
            return
        child = None
        if self.spec.about_child and self.positions.get("date_of_birth") is not None:
            sex_label = labels.get("sex", "")
            child = ChildFacts(
                child_key=child_key,
                source_row=number,
                sheet=self.sheet,
                date_of_birth=dob,
                sex=dfe_codes.SEX_OF_LABEL.get(sex_label, "U"),
                upn=values.get("upn") or "",
                ethnicity=values.get("ethnicity") or "",
                received=received,
            )
        self.rows.append(ReturnRow(self.spec.kind, self.spec.table, self.sheet, number, child_key, row_key, values,
                                   labels, received, key_date, end_date, child))

    def _cell(self, row: int, column: Column, text: str, when: date | None):
        """(value, label) or False after recording the problem."""
        heading = column.heading
        if len(text) > MAX_CELL:
            self.problem(row, heading, text, f"value is longer than {MAX_CELL} characters")
            return False
        if not text and when is None:
            if column.mandatory:
                self.problem(row, heading, "", f"{heading} is required on every row of {self.spec.label}")
                return False
            return None, ""
        if column.kind in ("date", "dob"):
            if when is None:
                when = parse_date(text, self.formats)
                if when is None:
                    self.problem(row, heading, text, "unparseable date: write it as dd/mm/yyyy")
                    return False
            if column.kind == "dob":
                if when > self.today:
                    self.problem(row, heading, text or when.isoformat(), "impossible date of birth: in the future")
                    return False
                if when < self.oldest:
                    self.problem(row, heading, text or when.isoformat(),
                                 f"impossible date of birth: more than {MAX_AGE_YEARS} years ago")
                    return False
            elif when > self.today:
                self.problem(row, heading, text or when.isoformat(), "date is in the future")
                return False
            elif when < EARLIEST_DATE:
                self.problem(row, heading, text or when.isoformat(), f"date is before {EARLIEST_DATE:%Y}: a typing mistake?")
                return False
            return when.isoformat(), ""
        if column.kind in ("code", "sex", "yes_no"):
            codes = column.codes or {}
            found = dfe_codes.lookup(codes, text)
            if found is None:
                self.problem(row, heading, text,
                             f"unknown code for {heading} (expected one of {dfe_codes.describe(codes)})")
                return False
            if column.kind == "yes_no":  # true/1/a) Yes... all stored as Y or N
                return ("Y" if found[1] == "Yes" else "N"), found[1]
            return found[0], found[1]
        if column.kind == "int":
            if not (text.isascii() and text.isdigit()) or len(text) > 4:
                self.problem(row, heading, text, f"{heading} must be a whole number")
                return False
            return int(text), ""
        if column.kind == "upn":
            compact = "".join(text.split()).upper()
            if len(compact) != 13 or not compact[0].isalpha() or not compact[1:12].isdigit():
                self.problem(row, heading, text, "UPN must be 13 characters: a letter, 11 digits, then a letter or digit")
                return False
            return compact, ""
        if column.kind == "id":
            if len(text) > 100:
                self.problem(row, heading, text, "id is longer than 100 characters")
                return False
            return text, ""
        return text, ""
