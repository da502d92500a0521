"""The parsers on good files and on a corpus of broken ones. Pure: no database."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest

from safehub.imports.parsers import (
    MAX_REPORTED_VALUE,
    ProfileSpec,
    check_file,
    parse_rows,
    read_preview,
)

from .builders import HEADER, SPEC, TODAY, XLSX_SPEC, csv_bytes, good_row, good_rows, xlsx_bytes


def check(data: bytes, spec: ProfileSpec = SPEC, **kwargs):
    return check_file(io.BytesIO(data), spec, file="extract.csv", today=TODAY, **kwargs)


def with_cell(row: list[str], column: str, value: str) -> list[str]:
    row = list(row)
    row[HEADER.index(column)] = value
    return row


def test_a_good_csv_parses_every_field():
    data = csv_bytes([with_cell(good_row(1), "Postcode", "pr1 1ab"), good_row(2)])
    result = check(data)
    assert result.ok and result.rows == 2 and result.valid_rows == 2
    first = next(parse_rows(io.BytesIO(data), SPEC, file="extract.csv", today=TODAY)).parsed
    assert first.local_id == "L00001"
    assert (first.given_name, first.family_name) == ("Tomasz", "Nowak")
    assert first.date_of_birth == date(2011, 2, 2)
    assert first.sex == "F"
    assert first.postcode == "PR1 1AB"
    assert first.source_row == 2  # the header is row 1, as a spreadsheet numbers it
    assert first.received["Postcode"] == "pr1 1ab"  # every cell kept exactly as received


def test_utf8_with_byte_order_mark_is_accepted():
    result = check(b"\xef\xbb\xbf" + csv_bytes([with_cell(good_row(1), "Forename", "Zoë")]))
    assert result.ok and result.header[0] == "ID"


def test_a_good_xlsx_reads_real_date_cells():
    data = xlsx_bytes(good_rows(3))
    result = check_file(io.BytesIO(data), XLSX_SPEC, file="pupils.xlsx", today=TODAY)
    assert result.ok and result.rows == 3 and result.sheet == "Data"
    rows = [r.parsed for r in parse_rows(io.BytesIO(data), XLSX_SPEC, file="pupils.xlsx", today=TODAY)]
    assert rows[0].date_of_birth == date(2011, 2, 2)
    assert rows[0].received["DOB"] == "2011-02-02"


def test_columns_are_matched_whatever_their_case_and_spacing():
    header = [" id ", "FORENAME", "Surname", "dob", "Sex", "NHS", "Postcode"]
    assert check(csv_bytes(good_rows(2), header=header)).ok


def test_blank_rows_are_skipped_and_short_rows_padded():
    data = csv_bytes([good_row(1), [], ["", "", ""], good_row(2)[:5]])
    result = check(data)
    assert result.ok and result.rows == 2


def test_two_columns_mapped_to_one_field_are_joined():
    spec = replace(SPEC, columns={**SPEC.columns, "Line 2": "address", "Line 1": "address"})
    header = [*HEADER, "Line 1", "Line 2"]
    data = csv_bytes([[*good_row(1), "1 Mill Lane", "Lake Lauren"]], header=header)
    row = next(parse_rows(io.BytesIO(data), spec, file="x.csv", today=TODAY)).parsed
    assert row.address == "Lake Lauren, 1 Mill Lane"  # in the order the profile lists them


def test_preview_finds_the_header_and_first_rows():
    preview = read_preview(io.BytesIO(b"\r\n" + csv_bytes(good_rows(12))), file_kind="csv")
    assert preview.header == HEADER and preview.header_row == 2 and len(preview.rows) == 10


def test_preview_of_a_workbook_lists_its_sheets():
    preview = read_preview(io.BytesIO(xlsx_bytes(good_rows(2), sheet="Pupils")), file_kind="xlsx")
    assert preview.sheets == ["Pupils"] and preview.sheet == "Pupils" and preview.rows[0][0] == "L00001"


# --- the corpus of broken files: each gives the right error, at the right row, and rejects the row or file ----------

LATIN1_ROW = "L00003,Zoë,Brontë,01/01/2015,2,,PR1 1AB\r\n".encode("latin-1")
CSV_CORPUS = {
    "zero bytes": (b"", None, "", "the file is empty (0 bytes)"),
    "header only": (csv_bytes([]), None, "", "no rows"),
    "missing columns": (
        csv_bytes([good_row(1)[:3]], header=["ID", "Forename", "Surname"]),
        1,
        "DOB, Sex, NHS, Postcode",
        "the file has no columns 'DOB', 'Sex', 'NHS', 'Postcode'",
    ),
    "unparseable date": (csv_bytes([with_cell(good_row(1), "DOB", "31/02/2015")]), 2, "DOB", "not a date"),
    "date in another format": (csv_bytes([with_cell(good_row(1), "DOB", "2015-02-01")]), 2, "DOB", "(dd/mm/yyyy)"),
    "future date of birth": (csv_bytes([with_cell(good_row(1), "DOB", "02/11/2026")]), 2, "DOB", "in the future"),
    "adult date of birth": (csv_bytes([with_cell(good_row(1), "DOB", "31/10/2001")]), 2, "DOB", "more than 25 years"),
    "nhs check digit": (csv_bytes([with_cell(good_row(1), "NHS", "9434765918")]), 2, "NHS", "check digit"),
    "nhs length": (csv_bytes([with_cell(good_row(1), "NHS", "94347659")]), 2, "NHS", "10 digits"),
    "unknown code": (csv_bytes([with_cell(good_row(1), "Sex", "Male")]), 2, "Sex", "unknown code for sex"),
    "empty local id": (csv_bytes([with_cell(good_row(1), "ID", "  ")]), 2, "ID", "local id is empty"),
    "huge field": (csv_bytes([with_cell(good_row(1), "Surname", "x" * 10_001)]), 2, "Surname", "longer than 10,000"),
    "field too long for the csv reader": (
        csv_bytes([with_cell(good_row(1), "Surname", "x" * 200_000)]),
        2,
        "",
        "could not be read as CSV",
    ),
    "extra values": (csv_bytes([[*good_row(1), "spill", "over"]]), 2, "", "row has 9 values but the header has 7"),
    "postcode too long": (csv_bytes([with_cell(good_row(1), "Postcode", "PR1 1AB PR2 2CD")]), 2, "Postcode", "longer"),
    "binary (NUL bytes)": (csv_bytes(good_rows(2)) + b"\x00\x01\x02garbage\n", 4, "", "binary file"),
    "wrong encoding": (csv_bytes(good_rows(2)) + LATIN1_ROW, 4, "", "wrong encoding: save the file as UTF-8"),
    "utf-16": (csv_bytes(good_rows(2), encoding="utf-16"), 1, "", "wrong encoding (UTF-16)"),
    "an xlsx file given a csv profile": (xlsx_bytes(good_rows(1)), 1, "", "Excel workbook (.xlsx), not a CSV"),
    "header row beyond the end": (csv_bytes([]), None, "", "no header row"),
}


@pytest.mark.parametrize("case", CSV_CORPUS, ids=list(CSV_CORPUS))
def test_broken_csv_is_rejected_with_a_reason_at_the_right_row(case):
    data, row, column, reason = CSV_CORPUS[case]
    spec = replace(SPEC, header_row=5) if case == "header row beyond the end" else SPEC
    result = check(data, spec)
    assert not result.ok
    problem = result.problems[0]
    assert reason in problem.reason, problem
    assert problem.row == row
    assert problem.column == column
    assert problem.file == "extract.csv"
    assert result.valid_rows == 0 or result.fatal


def test_wrong_encoding_names_the_byte_and_row():
    result = check(csv_bytes(good_rows(2)) + LATIN1_ROW)
    assert result.fatal
    assert "Row 4 has a byte (0xeb)" in result.problems[0].reason


def test_a_duplicate_local_id_rejects_every_row_carrying_it():
    rows = [good_row(1), good_row(2), with_cell(good_row(3), "ID", "L00001")]
    result = check(csv_bytes(rows))
    assert result.rejected_rows == {2, 4}
    assert [(p.row, p.reason) for p in result.problems] == [
        (2, "duplicate local id: also on row 4"),
        (4, "duplicate local id: also on row 2"),
    ]
    assert result.valid_rows == 1


def test_every_problem_in_a_row_is_reported_and_values_are_truncated():
    row = with_cell(with_cell(good_row(1), "DOB", "yesterday"), "NHS", "1" * 300)
    result = check(csv_bytes([row, good_row(2)]))
    assert [p.column for p in result.problems] == ["DOB", "NHS"]
    assert len(result.problems[1].value) == MAX_REPORTED_VALUE
    assert result.rejected_rows == {2} and result.valid_rows == 1


def test_problems_beyond_the_kept_number_are_counted():
    rows = [with_cell(good_row(i), "Sex", "7") for i in range(1, 31)]
    result = check(csv_bytes(rows), keep=10)
    assert len(result.problems) == 10 and result.problem_count == 30 and len(result.rejected_rows) == 30


def formula_workbook() -> bytes:
    return xlsx_bytes([good_row(1), with_cell(good_row(2), "Surname", '=HYPERLINK("http://example.invalid","x")')])


XLSX_CORPUS = {
    "formula cell": (formula_workbook(), XLSX_SPEC, 3, "Surname", "cell contains a formula"),
    "no such sheet": (xlsx_bytes(good_rows(1), sheet="Sheet1"), XLSX_SPEC, None, "", "no sheet called 'Data'"),
    "header only": (xlsx_bytes([]), XLSX_SPEC, None, "", "no rows"),
    "truncated workbook": (xlsx_bytes(good_rows(5))[:300], XLSX_SPEC, None, "", "could not be opened"),
    "a csv file given an xlsx profile": (csv_bytes(good_rows(1)), XLSX_SPEC, None, "", "not an Excel workbook"),
    "date as text in the wrong format": (
        xlsx_bytes([with_cell(good_row(1), "DOB", "1 March 2015")], dob_as_dates=False),
        XLSX_SPEC,
        2,
        "DOB",
        "not a date",
    ),
}


@pytest.mark.parametrize("case", XLSX_CORPUS, ids=list(XLSX_CORPUS))
def test_broken_xlsx_is_rejected_with_a_reason(case):
    data, spec, row, column, reason = XLSX_CORPUS[case]
    result = check_file(io.BytesIO(data), spec, file="pupils.xlsx", today=TODAY)
    assert not result.ok
    problem = result.problems[0]
    assert reason in problem.reason, problem
    assert (problem.row, problem.column) == (row, column)


def test_a_formula_is_never_evaluated_and_its_row_is_rejected():
    result = check_file(io.BytesIO(formula_workbook()), XLSX_SPEC, file="pupils.xlsx", today=TODAY)
    assert result.rejected_rows == {3} and result.valid_rows == 1
    assert result.problems[0].value.startswith("=HYPERLINK")
    assert result.problems[0].sheet == "Data"


def test_an_error_value_in_a_workbook_is_rejected():
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx_bytes(good_rows(1))))
    workbook.active["C2"] = "#N/A"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = check_file(buffer, XLSX_SPEC, file="pupils.xlsx", today=TODAY)
    assert "spreadsheet error (#N/A)" in result.problems[0].reason


def test_big_files_are_read_a_row_at_a_time(tmp_path):
    import tracemalloc

    header = [*HEADER, "Notes"]
    path = tmp_path / "big.csv"
    with path.open("wb") as out:
        out.write(csv_bytes([], header=header))
        for start in range(0, 6000, 500):
            out.write(csv_bytes([[*good_row(i), "n" * 1000] for i in range(start + 1, start + 501)], header=None))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        result = check_file(path, SPEC, file="big.csv", today=TODAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.ok and result.rows == 6000
    assert peak < size / 3, f"peak {peak:,} bytes reading a {size:,}-byte file"
