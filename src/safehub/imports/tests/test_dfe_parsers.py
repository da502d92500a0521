"""DfE return parsers (pure, no database): the synthetic returns read back cleanly; a corpus of bad files, each
problem naming the file, sheet, row, column, value and reason."""

from __future__ import annotations

import io

import pytest

from safehub.imports.dfe import parse_return
from safehub.synth.dfe_returns import (
    SSDA903_EPISODES,
    SSDA903_HEADER,
    SSDA903_MISSING,
    build_returns,
    cin_census_tree,
    hand_checked_sample,
)

from .dfe_builders import TODAY, csv_text, edit_annex_a, sample_files, set_cell


def parsed(data: bytes, fmt: str, file: str = "return"):
    return parse_return(io.BytesIO(data), fmt, file=file, today=TODAY)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return sample_files(tmp_path_factory.mktemp("dfe"))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return build_returns(tmp_path_factory.mktemp("synthetic"), children=150, seed=7)


def test_synthetic_returns_parse_without_problems(synthetic):
    for fmt, paths in (("annex-a", [synthetic.annex_a]), ("ssda903", synthetic.ssda903),
                       ("cin-xml", [synthetic.cin_census])):
        for path in paths:
            result = parsed(path.read_bytes(), fmt, path.name)
            assert result.problems == [] and not result.fatal, (path.name, result.problems[:3])
            assert result.row_count == len(result.rows) > 0


def test_annex_a_codes_become_labels_and_dates_iso(files):
    result = parsed(files.annex_a.read_bytes(), "annex-a", "annex_a.xlsx")
    assert len(result.tables) == 11
    referral = next(r for r in result.rows if r.table == "list_3" and r.child_key == "HC3" and r.values["referral_nfa"] == "Y")
    assert referral.values["referral_date"] == "2025-06-01"
    assert referral.labels["referral_source"] == "Health services: A&E (emergency department)"
    assert referral.labels["sex"] == "Female" and referral.child.sex == "F"
    assert referral.sheet == "List 3 - Referrals" and referral.source_row >= 2


def test_ssda903_files_are_told_apart_by_their_columns(files):
    kinds = {path.name: parsed(path.read_bytes(), "ssda903", path.name).tables for path in files.ssda903}
    assert kinds == {"ssda903_header.csv": ["header"], "ssda903_episodes.csv": ["episodes"],
                     "ssda903_missing.csv": ["missing"]}
    episodes = parsed(files.ssda903_episodes.read_bytes(), "ssda903").rows
    assert {r.labels["ls"] for r in episodes} >= {"Full care order"}


def test_cin_census_rows_come_from_each_element(files):
    result = parsed(files.cin_census.read_bytes(), "cin-xml")
    assert result.period == "2026-03-31"
    counts = {table: sum(1 for r in result.rows if r.table == table) for table in result.tables}
    assert counts["child"] == 4 and counts["cin_details"] == 7 and counts["section47"] == 3 and counts["cp_plan"] == 3


# --- the bad-file corpus ----------------------------------------------------------------------------------------

def _annex(files, edit):
    return edit_annex_a(files.annex_a, edit)


ANNEX_A_CASES = {
    "unparseable date": (lambda wb: set_cell(wb, 3, 2, "Date of Referral", "31/02/2025"),
                         "List 3 - Referrals", 2, "Date of Referral", "31/02/2025", "unparseable date"),
    "impossible date of birth": (lambda wb: set_cell(wb, 1, 2, "Date of Birth", "01/01/2030"),
                                 "List 1 - Contacts", 2, "Date of Birth", "01/01/2030", "impossible date of birth"),
    "too old to be a child": (lambda wb: set_cell(wb, 1, 2, "Date of Birth", "01/01/1950"),
                              "List 1 - Contacts", 2, "Date of Birth", "01/01/1950", "more than 26 years ago"),
    "unknown code": (lambda wb: set_cell(wb, 1, 2, "Contact Source", "ZZ"),
                     "List 1 - Contacts", 2, "Contact Source", "ZZ", "unknown code for Contact Source"),
    "unknown gender": (lambda wb: set_cell(wb, 3, 3, "Gender", "x) Robot"),
                       "List 3 - Referrals", 3, "Gender", "x) Robot", "unknown code for Gender"),
    "missing child id": (lambda wb: set_cell(wb, 3, 2, "Child Unique ID", None),
                         "List 3 - Referrals", 2, "Child Unique ID", "", "required on every row"),
    "end before start": (lambda wb: set_cell(wb, 7, 2, "Child Protection Plan End Date", "01/01/2025"),
                         "List 7 - Child Protection", 2, "Child Protection Plan End Date", "2025-01-01",
                         "is before Child Protection Plan Start Date"),
    "fact before birth": (lambda wb: set_cell(wb, 1, 2, "Date of Contact", "01/01/2001"),
                          "List 1 - Contacts", 2, "Date of Contact", "2001-01-01", "before the child's date of birth"),
    "formula": (lambda wb: set_cell(wb, 3, 2, "Referral Source", "=1+1"),
                "List 3 - Referrals", 2, "Referral Source", "=1+1", "formula"),
    "not a number": (lambda wb: set_cell(wb, 7, 2, "Number of Previous Child Protection Plans", "two"),
                     "List 7 - Child Protection", 2, "Number of Previous Child Protection Plans", "two",
                     "whole number"),
    "duplicate row": (lambda wb: [set_cell(wb, 1, 3, h, sheet_value(wb, 1, 2, h)) for h in
                                  ("Child Unique ID", "Date of Birth", "Date of Contact")],
                      "List 1 - Contacts", 3, "Child Unique ID", "HC1", "duplicate row"),
}


def sheet_value(workbook, number, row, heading):
    from .dfe_builders import sheet

    ws = sheet(workbook, number)
    return ws.cell(row=row, column=[c.value for c in ws[1]].index(heading) + 1).value


@pytest.mark.parametrize("case", sorted(ANNEX_A_CASES))
def test_bad_annex_a_rows_are_reported_in_full(files, case):
    edit, sheet_name, row, column, value, reason = ANNEX_A_CASES[case]
    result = parsed(_annex(files, edit), "annex-a", "annex_a.xlsx")
    assert not result.fatal
    problem = next(p for p in result.problems if reason in p.reason)
    assert (problem.file, problem.sheet, problem.row, problem.column) == ("annex_a.xlsx", sheet_name, row, column)
    assert value in problem.value
    assert (sheet_name, row) in result.rejected


def test_a_child_with_two_dates_of_birth_is_reported(files):
    result = parsed(_annex(files, lambda wb: set_cell(wb, 3, 2, "Date of Birth", "02/01/2015")), "annex-a", "a.xlsx")
    problem = next(p for p in result.problems if "date of birth differs" in p.reason)
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("List 3 - Referrals", 2, "Date of Birth",
                                                                          "2015-01-02")
    assert "List 1 - Contacts, row 2 (01/01/2015)" in problem.reason
    assert ("List 3 - Referrals", 2) in result.rejected


def test_annex_a_missing_sheet_rejects_the_workbook(files):
    result = parsed(_annex(files, lambda wb: wb.remove(wb["List 9 - Care Leavers"])), "annex-a", "a.xlsx")
    assert result.fatal
    assert any(p.sheet == "List 9" and "required sheet for List 9: Care leavers is missing" in p.reason
               for p in result.problems)


def test_annex_a_missing_required_column_rejects_the_workbook(files):
    def drop(wb):
        from .dfe_builders import sheet

        ws = sheet(wb, 3)
        ws.delete_cols([c.value for c in ws[1]].index("Date of Referral") + 1)

    result = parsed(_annex(files, drop), "annex-a", "a.xlsx")
    assert result.fatal
    problem = next(p for p in result.problems if p.column == "Date of Referral")
    assert (problem.sheet, problem.row) == ("List 3 - Referrals", 1)
    assert "required column 'Date of Referral' is missing" in problem.reason


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"Child Unique ID,Gender\nA,1\n", "not an Excel workbook"),
    (b"PK\x03\x04broken", "could not be opened"),
])
def test_annex_a_files_that_are_not_workbooks(data, reason):
    result = parsed(data, "annex-a")
    assert result.fatal and reason in result.problems[0].reason


def _903(header, rows):
    return csv_text(header, rows)


GOOD_EPISODE = ["E1", "01/06/2025", "S", "C2", "N1", "U4", "PR1", "", "", "", "", "", ""]
SSDA903_CASES = {
    "unparseable date": (SSDA903_EPISODES, [[*GOOD_EPISODE[:1], "2025/06/01", *GOOD_EPISODE[2:]]], 2, "DECOM",
                         "2025/06/01", "unparseable date"),
    "unknown legal status": (SSDA903_EPISODES, [[*GOOD_EPISODE[:3], "Z9", *GOOD_EPISODE[4:]]], 2, "LS", "Z9",
                             "unknown code for LS"),
    "impossible DOB": (SSDA903_HEADER, [["E1", "1", "30/02/2015", "WBRI", "UN1", "", ""],
                                        ["E2", "2", "01/01/2027", "WBRI", "UN1", "", ""]], 3, "DOB", "01/01/2027",
                       "impossible date of birth"),
    "unknown sex": (SSDA903_HEADER, [["E1", "3", "01/01/2015", "WBRI", "UN1", "", ""]], 2, "SEX", "3",
                    "unknown code for SEX"),
    "duplicate episode": (SSDA903_EPISODES, [GOOD_EPISODE, GOOD_EPISODE], 3, "CHILD", "E1", "duplicate row"),
    "missing kind": (SSDA903_MISSING, [["E1", "X", "01/09/2025", ""]], 2, "MISSING", "X", "unknown code for MISSING"),
    "return before start": (SSDA903_MISSING, [["E1", "M", "01/09/2025", "31/08/2025"]], 2, "MIS_END", "2025-08-31",
                            "is before MIS_START"),
    "date in the future": (SSDA903_MISSING, [["E1", "M", "01/09/2026", ""]], 2, "MIS_START", "01/09/2026",
                           "in the future"),
}


@pytest.mark.parametrize("case", sorted(SSDA903_CASES))
def test_bad_ssda903_rows_are_reported_in_full(case):
    header, rows, row, column, value, reason = SSDA903_CASES[case]
    result = parsed(_903(header, rows), "ssda903", "903.csv")
    problem = next(p for p in result.problems if reason in p.reason)
    assert (problem.file, problem.sheet, problem.row, problem.column) == ("903.csv", "", row, column)
    assert value in problem.value and ("", row) in result.rejected


def test_ssda903_missing_column_rejects_the_file():
    result = parsed(_903(["CHILD", "MISSING", "MIS_START"], [["E1", "M", "01/09/2025"]]), "ssda903", "m.csv")
    assert result.fatal
    assert any(p.column == "MIS_END" and "required column 'MIS_END' is missing" in p.reason for p in result.problems)


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"CHILD,FOO\nA,1\n", "not an SSDA903 header, episodes or missing file"),
    ("CHILD,SEX,DOB,ETHNIC,UPN\nA,1,01/01/2015,WBRI,\xe9\n".encode("latin-1"), "wrong encoding"),
    (b"\xff\xfeC\x00H\x00", "UTF-16"),
])
def test_ssda903_files_that_cannot_be_read(data, reason):
    result = parsed(data, "ssda903")
    assert result.fatal and any(reason in p.reason for p in result.problems)


def _xml(tree) -> bytes:

    out = io.BytesIO()
    tree.write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue()


def cin_xml(edit=None) -> bytes:
    tree = cin_census_tree(hand_checked_sample())
    if edit:
        edit(tree.getroot())
    import xml.etree.ElementTree as ET

    ET.indent(tree)
    return _xml(tree)


def _first(root, path):
    return root.find(path)


def test_cin_schema_error_is_a_row_error_with_the_xml_path():
    result = parsed(cin_xml(lambda root: setattr(_first(root, "Children/Child/ChildIdentifiers/PersonBirthDate"),
                                                  "text", "2015-02-31")), "cin-xml", "cin.xml")
    problem = next(p for p in result.problems if "schema" in p.reason)
    assert problem.column == "/Message/Children/Child[1]/ChildIdentifiers/PersonBirthDate"
    assert problem.value == "2015-02-31" and problem.row and problem.row > 1
    assert not result.fatal
    # the whole child is rejected, the other children are not
    assert {r.child_key for r in result.rows if ("", r.source_row) not in result.rejected} == {"HC2", "HC3", "HC4"}


def test_cin_unexpected_element_names_its_parent():
    def add(root):
        import xml.etree.ElementTree as ET

        details = _first(root, "Children/Child/CINdetails")
        details.insert(3, ET.Element("Bogus"))

    result = parsed(cin_xml(add), "cin-xml", "cin.xml")
    problem = next(p for p in result.problems if "Bogus" in p.reason)
    assert problem.column == "/Message/Children/Child[1]/CINdetails[1]"


def test_cin_unknown_code_names_the_element_path():
    result = parsed(cin_xml(lambda root: setattr(_first(root, "Children/Child/CINdetails/ReferralSource"), "text", "Q7")),
                    "cin-xml", "cin.xml")
    problem = next(p for p in result.problems if "unknown code" in p.reason)
    assert problem.column == "/Message/Children/Child[1]/CINdetails[1]/ReferralSource" and problem.value == "Q7"


def test_cin_header_error_rejects_the_file():
    result = parsed(cin_xml(lambda root: setattr(_first(root, "Header/CollectionDetails/Collection"), "text", "SEN")),
                    "cin-xml")
    assert result.fatal and result.problems[0].column == "/Message/Header/CollectionDetails/Collection"


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"<Message><Header>", "not well-formed"),
    (b"<Other/>", "root element is 'Other'"),
    (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><Message>&a;</Message>', "DOCTYPE"),
    (b"CHILD,SEX\n1,2\n", "not well-formed"),
])
def test_cin_files_that_cannot_be_read(data, reason):
    result = parsed(data, "cin-xml")
    assert result.fatal and reason in result.problems[0].reason
