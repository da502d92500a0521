"""Annex A (Ofsted's inspection of local authority children's services): the council's workbook of lists 1 to 11.

Each list is a sheet named "List N" (optionally followed by its title, e.g. "List 3 - Referrals"); the first non-empty
row of a sheet holds the DfE column headings. Every list must be present (the template always has all eleven), even if
it has no rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from safehub.imports.parsers import RowProblem, UnreadableFile
from safehub.imports.parsers.readers import XlsxReader

from . import codes as c
from .tables import Column, ReturnRow, TableReader, TableSpec

KIND = "annex_a"

CHILD_COLUMNS = (
    Column("Child Unique ID", "child_id", "id", required=True, mandatory=True),
    Column("Gender", "sex", "sex", c.GENDER, required=True),
    Column("Ethnicity", "ethnicity", "code", c.ETHNICITY),
    Column("Date of Birth", "date_of_birth", "dob", required=True),
    Column("Age of Child (Years)", "age", "int"),
    Column("Disability", "disability", "code", c.DISABILITY),
)
TEAM = (Column("Allocated Team", "team"), Column("Allocated Worker", "worker"))


def _list(number: int, title: str, columns, *, key_date, end_date=None, event=None, about_child=True, child="child_id"):
    return TableSpec(
        kind=KIND,
        table=f"list_{number}",
        label=f"List {number}: {title}",
        columns=(*(CHILD_COLUMNS if about_child else ()), *columns),
        child=child,
        key_date=key_date,
        end_date=end_date,
        natural_key=(key_date,),
        about_child=about_child,
        event=event,
    )


LISTS: tuple[TableSpec, ...] = (
    _list(1, "Contacts", (
        Column("Date of Contact", "contact_date", "date", required=True, mandatory=True),
        Column("Contact Source", "contact_source", "code", c.REFERRAL_SOURCE),
    ), key_date="contact_date", event=("return.contact", "Contact (Annex A)")),
    _list(2, "Early help", (
        Column("Assessment Start Date", "eh_start", "date", required=True, mandatory=True),
        Column("Assessment Completion Date", "eh_completed", "date"),
        Column("Organisation Completing Assessment", "eh_organisation"),
    ), key_date="eh_start", end_date="eh_completed", event=("return.early_help", "Early help assessment started (Annex A)")),
    _list(3, "Referrals", (
        Column("Date of Referral", "referral_date", "date", required=True, mandatory=True),
        Column("Referral Source", "referral_source", "code", c.REFERRAL_SOURCE),
        Column("Referral NFA?", "referral_nfa", "yes_no", c.YES_NO),
        Column("Number of Referrals in Last 12 Months", "referrals_12m", "int"),
        *TEAM,
    ), key_date="referral_date", event=("return.referral", "Referral (Annex A)")),
    _list(4, "Assessments", (
        Column("Continuation of Referral Date", "referral_date", "date"),
        Column("Assessment Start Date", "assessment_start", "date", required=True, mandatory=True),
        Column("Child Seen During Assessment", "seen", "yes_no", c.YES_NO),
        Column("Assessment Authorised Date", "assessment_authorised", "date"),
        *TEAM,
    ), key_date="assessment_start", end_date="assessment_authorised",
        event=("return.assessment", "Assessment started (Annex A)")),
    _list(5, "Section 47 enquiries and ICPCs", (
        Column("Strategy Discussion Initiating Section 47 Enquiry Start Date", "s47_start", "date", required=True,
               mandatory=True),
        Column("Date of Initial Child Protection Conference", "icpc_date", "date", required=True),
        Column("Did the Initial Child Protection Conference Result in a Child Protection Plan", "icpc_plan", "yes_no",
               c.YES_NO),
        *TEAM,
    ), key_date="s47_start", event=("return.s47", "Section 47 enquiry started (Annex A)")),
    _list(6, "Children in need", (
        Column("CIN Start Date", "cin_start", "date", required=True, mandatory=True),
        Column("Primary Need Code", "primary_need", "code", c.PRIMARY_NEED),
        Column("CIN Closure Date", "cin_closed", "date"),
        Column("Reason for Closure", "closure_reason", "code", c.CIN_CLOSURE_REASON),
        *TEAM,
    ), key_date="cin_start", end_date="cin_closed", event=("return.cin", "Child in need episode started (Annex A)")),
    _list(7, "Child protection", (
        Column("Child Protection Plan Start Date", "cp_start", "date", required=True, mandatory=True),
        Column("Initial Category of Abuse", "initial_category", "code", c.ABUSE_CATEGORY),
        Column("Latest Category of Abuse", "latest_category", "code", c.ABUSE_CATEGORY),
        Column("Date of the Last Statutory Visit", "last_visit", "date"),
        Column("Child Protection Plan End Date", "cp_end", "date"),
        Column("Number of Previous Child Protection Plans", "previous_plans", "int", required=True),
        *TEAM,
    ), key_date="cp_start", end_date="cp_end", event=("return.cp_plan", "Child protection plan started (Annex A)")),
    _list(8, "Children in care", (
        Column("UASC", "uasc", "yes_no", c.YES_NO),
        Column("Legal Status", "legal_status", "code", c.LEGAL_STATUS),
        Column("Date Started to be Looked After", "cla_start", "date", required=True, mandatory=True),
        Column("Category of Need", "category_of_need", "code", c.CATEGORY_OF_NEED),
        Column("Number of Placements in the Last 12 Months", "placements_12m", "int"),
        Column("Placement Type", "placement_type", "code", c.PLACEMENT_TYPE),
        Column("Date Ceased to be Looked After", "cla_end", "date"),
        Column("Reason Ceased to be Looked After", "cla_end_reason", "code", c.REASON_EPISODE_CEASED),
        *TEAM,
    ), key_date="cla_start", end_date="cla_end", event=("return.cla", "Started to be looked after (Annex A)")),
    _list(9, "Care leavers", (
        Column("Date of Leaving Care", "left_care", "date", required=True, mandatory=True),
        Column("Activity", "activity"),
        Column("Accommodation", "accommodation"),
        Column("Date of Latest Contact", "latest_contact", "date"),
    ), key_date="left_care", event=("return.care_leaver", "Left care (Annex A list 9)")),
    _list(10, "Adoption", (
        Column("Date Entered Care", "entered_care", "date", required=True, mandatory=True),
        Column("Date of Decision that Child Should be Placed for Adoption", "shobpa", "date"),
        Column("Date of Placement Order", "placement_order", "date"),
        Column("Date of Matching Child and Prospective Adopters", "matched", "date"),
        Column("Date Placed for Adoption", "placed", "date"),
        Column("Date of Adoption Order", "adoption_order", "date"),
    ), key_date="entered_care", end_date="adoption_order", event=None),
    _list(11, "Adopters", (
        Column("Individual Adopter Identifier", "adopter_id", "id", required=True, mandatory=True),
        Column("Adopter Ethnicity", "ethnicity", "code", c.ETHNICITY),
        Column("Date Enquiry Received", "enquiry", "date", required=True, mandatory=True),
        Column("Date Stage 1 Started", "stage1_start", "date"),
        Column("Date Stage 2 Started", "stage2_start", "date"),
        Column("Date Application Approved", "approved", "date"),
        Column("Date Adopter Matched with Child(ren)", "matched", "date"),
        Column("Number of Children Placed", "children_placed", "int"),
    ), key_date="enquiry", about_child=False, child="adopter_id"),
)
BY_NUMBER = {int(spec.table.split("_")[1]): spec for spec in LISTS}
_SHEET = re.compile(r"^\s*list\s*(\d{1,2})\b", re.IGNORECASE)


@dataclass
class ParsedReturn:
    """Everything one return file holds, parsed, and every problem found (the service decides what to store)."""

    kind: str
    file: str
    rows: list[ReturnRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rejected: set[tuple[str, int]] = field(default_factory=set)  # (sheet, row)
    row_count: int = 0
    fatal: bool = False
    tables: list[str] = field(default_factory=list)
    period: str = ""

    def add(self, reader: TableReader) -> None:
        self.rows.extend(reader.rows)
        self.problems.extend(reader.problems)
        self.rejected |= {(reader.sheet, row) for row in reader.rejected}
        self.row_count += reader.count
        self.tables.append(reader.spec.table)

    def fail(self, reason: str, *, sheet: str = "", row: int | None = None, column: str = "", value: str = "") -> None:
        self.fatal = True
        self.problems.append(RowProblem(self.file, sheet, row, column, value[:200], reason))

    @property
    def valid_rows(self) -> list[ReturnRow]:
        return [r for r in self.rows if (r.sheet, r.source_row) not in self.rejected]


def read_table(result: ParsedReturn, spec: TableSpec, lines, *, sheet: str, today: date, formats=None) -> None:
    """Feed the lines of one table (first non-blank line = header) into a `TableReader` and add it to the result."""
    reader = None
    for line in lines:
        if not any(v.strip() for v in line.values):
            continue
        if reader is None:
            kwargs = {"date_formats": formats} if formats else {}
            reader = TableReader(spec, line.values, file=result.file, sheet=sheet, header_row=line.number,
                                 today=today, **kwargs)
            continue
        reader.read(line.number, line.values, line.dates, line.flagged)
    if reader is None:
        result.problems.append(RowProblem(result.file, sheet, None, "", "",
                                          f"{spec.label}: the sheet has no header row (the DfE column headings)"))
        result.fatal = True
        return
    result.add(reader)


def parse_annex_a(stream: BinaryIO, *, file: str, today: date) -> ParsedReturn:
    """Every list of an Annex A workbook, parsed. A missing list, or a list without its required columns, rejects the
    whole workbook; anything else rejects the row."""
    result = ParsedReturn(KIND, file)
    try:
        if not stream.read(1):
            raise UnreadableFile("the file is empty (0 bytes)")
        stream.seek(0)
        workbook = XlsxReader(stream, "")
        names = list(workbook.workbook.sheetnames)
        workbook.workbook.close()
        sheets: dict[int, str] = {}
        for name in names:
            match = _SHEET.match(name)
            if match and int(match[1]) in BY_NUMBER:
                sheets.setdefault(int(match[1]), name)
        missing = [number for number in BY_NUMBER if number not in sheets]
        for number in missing:
            result.fail(f"required sheet for {BY_NUMBER[number].label} is missing (a sheet named 'List {number}'); "
                        f"the workbook has: {', '.join(names)}", sheet=f"List {number}")
        if missing:
            return result
        for number, spec in BY_NUMBER.items():
            stream.seek(0)
            reader = XlsxReader(stream, sheets[number])
            read_table(result, spec, iter(reader), sheet=sheets[number], today=today)
    except UnreadableFile as error:
        result.fail(error.reason, row=error.row, column=error.column, value=error.value)
    if any(p.row is not None and p.reason.endswith("missing from the header row") for p in result.problems):
        result.fatal = True
    elif not result.fatal:
        _check_children_agree(result)
    return result


def _check_children_agree(result: ParsedReturn) -> None:
    """A child's date of birth must be the same in every list: a row that disagrees with the child's first row is
    rejected (which one is right is for the council to say)."""
    first: dict[str, ReturnRow] = {}
    for row in result.rows:
        if row.child is None or row.child.date_of_birth is None:
            continue
        earlier = first.setdefault(row.child_key, row)
        if earlier is not row and earlier.child.date_of_birth != row.child.date_of_birth:
            result.problems.append(RowProblem(
                result.file, row.sheet, row.source_row, "Date of Birth", row.child.date_of_birth.isoformat(),
                f"date of birth differs from the same child's in {earlier.sheet}, row {earlier.source_row} "
                f"({earlier.child.date_of_birth:%d/%m/%Y})"))
            result.rejected.add((row.sheet, row.source_row))
