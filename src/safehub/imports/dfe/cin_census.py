"""The children in need census XML (Message / Header / Children / Child), validated against safehub's own schema
(`cin_census.xsd`, an approximation of the DfE's published structure) with xmlschema.

A schema error is reported like a row error: the row is the line in the file, the column is the XML path. Every element
of a child that the schema accepts is then read like a table row (codes looked up, dates checked), so the same
checks apply as to Annex A and SSDA903.
"""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from safehub.imports.parsers import RowProblem, short

from . import codes as c
from .annex_a import ParsedReturn
from .tables import Column, TableReader, TableSpec

KIND = "cin_census"
SCHEMA_PATH = Path(__file__).with_name("cin_census.xsd")
MAX_BYTES = 200 * 1024 * 1024
CHILD_ID = Column("LAchildID", "child_id", "id", required=True, mandatory=True)

CHILD = TableSpec(KIND, "child", "CIN census child", (
    CHILD_ID,
    Column("UPN", "upn", "upn"),
    Column("PersonBirthDate", "date_of_birth", "dob"),
    Column("ExpectedPersonBirthDate", "expected_birth", "text"),
    Column("GenderCurrent", "sex", "sex", c.GENDER, required=True, mandatory=True),
    Column("Ethnicity", "ethnicity", "code", c.ETHNICITY, required=True, mandatory=True),
))
CIN_DETAILS = TableSpec(KIND, "cin_details", "CIN census CINdetails", (
    CHILD_ID,
    Column("CINreferralDate", "referral_date", "date", required=True, mandatory=True),
    Column("ReferralSource", "referral_source", "code", c.REFERRAL_SOURCE, required=True, mandatory=True),
    Column("PrimaryNeedCode", "primary_need", "code", c.PRIMARY_NEED, required=True, mandatory=True),
    Column("CINclosureDate", "closure_date", "date"),
    Column("ReasonForClosure", "closure_reason", "code", c.CIN_CLOSURE_REASON),
    Column("DateOfInitialCPC", "icpc_date", "date"),
    Column("ReferralNFA", "referral_nfa", "yes_no", c.YES_NO, required=True, mandatory=True),
), key_date="referral_date", end_date="closure_date", natural_key=("referral_date",),
    event=("return.referral", "Referral (CIN census)"))
ASSESSMENT = TableSpec(KIND, "assessment", "CIN census Assessments", (
    CHILD_ID,
    Column("AssessmentActualStartDate", "start", "date", required=True, mandatory=True),
    Column("AssessmentAuthorisationDate", "authorised", "date"),
), key_date="start", end_date="authorised", natural_key=("start",),
    event=("return.assessment", "Assessment started (CIN census)"))
CIN_PLAN = TableSpec(KIND, "cin_plan", "CIN census CINPlanDates", (
    CHILD_ID,
    Column("CINPlanStartDate", "start", "date", required=True, mandatory=True),
    Column("CINPlanEndDate", "end", "date"),
), key_date="start", end_date="end", natural_key=("start",))
SECTION47 = TableSpec(KIND, "section47", "CIN census Section47", (
    CHILD_ID,
    Column("S47ActualStartDate", "start", "date", required=True, mandatory=True),
    Column("InitialCPCtarget", "icpc_target", "date"),
    Column("DateOfInitialCPC", "icpc_date", "date"),
    Column("ICPCnotRequired", "icpc_not_required", "yes_no", c.YES_NO),
), key_date="start", natural_key=("start",), event=("return.s47", "Section 47 enquiry started (CIN census)"))
CP_PLAN = TableSpec(KIND, "cp_plan", "CIN census ChildProtectionPlans", (
    CHILD_ID,
    Column("CPPstartDate", "start", "date", required=True, mandatory=True),
    Column("CPPendDate", "end", "date"),
    Column("InitialCategoryOfAbuse", "initial_category", "code", c.ABUSE_CATEGORY, required=True, mandatory=True),
    Column("LatestCategoryOfAbuse", "latest_category", "code", c.ABUSE_CATEGORY, required=True, mandatory=True),
    Column("NumberOfPreviousCPP", "previous_plans", "int", required=True, mandatory=True),
), key_date="start", end_date="end", natural_key=("start",),
    event=("return.cp_plan", "Child protection plan started (CIN census)"))
NESTED = {"Assessments": ASSESSMENT, "CINPlanDates": CIN_PLAN, "Section47": SECTION47, "ChildProtectionPlans": CP_PLAN}


@lru_cache(maxsize=1)
def schema():
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA_PATH))


def _parse_xml(data: bytes):
    """An lxml tree (with line numbers) that never fetches anything and never expands entities."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    return etree.parse(io.BytesIO(data), parser)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def parse_cin_census(stream: BinaryIO, *, file: str, today: date) -> ParsedReturn:
    """A CIN census XML file, validated and parsed. Schema errors reject the child they are in (or, in the header,
    the whole file)."""
    from lxml import etree

    result = ParsedReturn(KIND, file)
    data = stream.read(MAX_BYTES + 1)
    if not data:
        result.fail("the file is empty (0 bytes)")
        return result
    if len(data) > MAX_BYTES:
        result.fail(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB: is this a CIN census file?")
        return result
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        result.fail("the XML declares a DOCTYPE or entities, which a CIN census file never has: not imported")
        return result
    try:
        tree = _parse_xml(data)
    except etree.XMLSyntaxError as error:
        line = error.lineno if isinstance(error.lineno, int) and error.lineno > 0 else None
        result.fail(f"not well-formed XML: {error.msg}", row=line)
        return result
    root = tree.getroot()
    if _local(root.tag) != "Message":
        result.fail(f"not a CIN census file: the root element is {_local(root.tag)!r}, expected 'Message'",
                    row=root.sourceline, column=f"/{_local(root.tag)}")
        return result
    child_elements = [el for children in _children(root, "Children") for el in _children(children, "Child")]
    bad_children: set[int] = set()
    index_of = {el: i for i, el in enumerate(child_elements)}
    for error in schema().iter_errors(tree):
        element = error.elem if error.elem is not None else root
        path = tree.getpath(element)
        owner = next((index_of[el] for el in (element, *element.iterancestors()) if el in index_of), None)
        value = short((element.text or "").strip()) if len(element) == 0 else ""
        result.problems.append(RowProblem(file, "", element.sourceline, path, value,
                                          f"does not match the CIN census schema: {error.reason or error.message}"))
        if owner is None:
            result.fatal = True
        else:
            bad_children.add(owner)
    header = root.find("Header")
    reference = _text(header.find("CollectionDetails"), "ReferenceDate") if header is not None and \
        header.find("CollectionDetails") is not None else ""
    result.period = reference[:10]
    if result.fatal:
        return result
    readers = {spec.table: _reader(spec, file, today) for spec in (CHILD, CIN_DETAILS, *NESTED.values())}
    for index, element in enumerate(child_elements):
        if index in bad_children:
            result.rejected.add(("", element.sourceline))
            continue
        identifiers = element.find("ChildIdentifiers")
        characteristics = element.find("ChildCharacteristics")
        child_id = _text(identifiers, "LAchildID") if identifiers is not None else ""
        cells = {"LAchildID": child_id}
        for part in (identifiers, characteristics):
            if part is not None:
                cells.update({_local(el.tag): (el.text or "").strip() for el in part if len(el) == 0})
        _read(readers["child"], tree, identifiers if identifiers is not None else element, cells)
        for details in _children(element, "CINdetails"):
            cells = {"LAchildID": child_id, **{_local(el.tag): (el.text or "").strip() for el in details if len(el) == 0}}
            _read(readers["cin_details"], tree, details, cells)
            for name, spec in NESTED.items():
                for nested in _children(details, name):
                    cells = {"LAchildID": child_id,
                             **{_local(el.tag): (el.text or "").strip() for el in nested if len(el) == 0}}
                    _read(readers[spec.table], tree, nested, cells)
    for reader in readers.values():
        result.add(reader)
    result.row_count += len(bad_children)
    # A child with any rejected element is rejected whole: its rows are one child's record.
    rejected_children = {row.child_key for row in result.rows if ("", row.source_row) in result.rejected}
    for row in result.rows:
        if row.child_key in rejected_children:
            result.rejected.add(("", row.source_row))
    return result


class _XmlTableReader(TableReader):
    path = ""

    def problem(self, row, column, value, reason):
        super().problem(row, f"{self.path}/{column}" if self.path else column, value, reason)


def _reader(spec: TableSpec, file: str, today: date) -> _XmlTableReader:
    return _XmlTableReader(spec, [col.heading for col in spec.columns], file=file, sheet="", header_row=1,
                           today=today, date_formats=("%Y-%m-%d",))


def _read(reader: _XmlTableReader, tree, element, cells: dict[str, str]) -> None:
    reader.path = tree.getpath(element)
    reader.read(element.sourceline or 0, [cells.get(col.heading, "") for col in reader.spec.columns])
