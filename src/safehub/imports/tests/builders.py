"""Synthetic agency files for the import tests, built in memory: no real data is ever committed."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook

from safehub.imports.parsers import ProfileSpec

TODAY = date(2026, 11, 1)
HEADER = ["ID", "Forename", "Surname", "DOB", "Sex", "NHS", "Postcode"]
SPEC = ProfileSpec(
    name="Test extract",
    system="TestSys",
    local_id_column="ID",
    columns={
        "Forename": "given_name",
        "Surname": "family_name",
        "DOB": "date_of_birth",
        "Sex": "sex",
        "NHS": "nhs_number",
        "Postcode": "postcode",
    },
    date_formats=("%d/%m/%Y",),
    code_lists={"sex": {"1": "M", "2": "F", "9": "U"}},
)
XLSX_SPEC = ProfileSpec(**{**SPEC.__dict__, "file_kind": "xlsx", "sheet_name": "Data"})


def nhs_number_for(serial: int) -> str:
    """A valid NHS number in the 999 range (never issued to a real person)."""
    while True:
        nine = f"999{serial:06d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return nine + str(check)
        serial += 1


def good_row(i: int) -> list[str]:
    return [
        f"L{i:05d}",
        ["Amara", "Tomasz", "Ellie", "Kwame"][i % 4],
        ["Okafor", "Nowak", "Smith", "Mensah"][i % 4],
        f"{(i % 28) + 1:02d}/{(i % 12) + 1:02d}/{2010 + i % 8}",
        ["1", "2", "9"][i % 3],
        nhs_number_for(i),
        f"PR{i % 40} {i % 10}AB",
    ]


def good_rows(n: int) -> list[list[str]]:
    return [good_row(i) for i in range(1, n + 1)]


def csv_bytes(rows, header=HEADER, *, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER, *, sheet: str = "Data", dob_as_dates: bool = True) -> bytes:
    """A workbook whose DOB column holds real dates. A cell value starting with "=" is written as a formula."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if header is not None:
        ws.append(header)
    dob = HEADER.index("DOB")
    for row in rows:
        row = list(row)
        if dob_as_dates and len(row) > dob and row[dob].count("/") == 2:
            day, month, year = (int(p) for p in row[dob].split("/"))
            row[dob] = date(year, month, day)
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
