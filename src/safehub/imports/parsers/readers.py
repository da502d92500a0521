"""Read an agency's CSV or XLSX file one row at a time, as text, without loading the file into memory.

Readers never evaluate a spreadsheet formula and never guess an encoding: CSV must be UTF-8 (with or without a byte
order mark), and anything else stops the import at the first bad byte with a message saying how to fix the file.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import BinaryIO

#: A line longer than this is not a row of an agency extract (and would otherwise be read into memory whole).
MAX_LINE_BYTES = 4 * 1024 * 1024
_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_ZIP_SIGNATURE = b"PK\x03\x04"


class UnreadableFile(Exception):  # noqa: N818 - reads as the domain says it: "the file is unreadable"
    """The whole file cannot be imported (wrong encoding, not a spreadsheet, no such sheet...)."""

    def __init__(self, reason: str, *, row: int | None = None, column: str = "", value: str = ""):
        super().__init__(reason)
        self.reason, self.row, self.column, self.value = reason, row, column, value


@dataclass(slots=True)
class SourceLine:
    """One row as read: its number as the person who made the file sees it, and each cell as text."""

    number: int
    values: list[str]
    dates: dict[int, date] | None = None  # spreadsheet date cells by column position, kept as dates
    flagged: dict[int, str] | None = None  # cells that must not be imported as they are (formulas, error values)


class CsvReader:
    """Rows of a UTF-8 CSV file. Row numbers count records, so a quoted value over several lines is still one row."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.records = 0

    def __iter__(self) -> Iterator[SourceLine]:
        reader = csv.reader(self._text_lines(), strict=False)
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise UnreadableFile(
                    f"row {self.records + 1} could not be read as CSV: {error}", row=self.records + 1
                ) from None
            self.records += 1
            yield SourceLine(self.records, values)

    def _text_lines(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        first = True
        while True:
            raw = self.stream.readline(MAX_LINE_BYTES)
            if not raw:
                self._decode(decoder, b"", final=True)
                return
            if first:
                raw = self._check_start(raw)
                first = False
            if len(raw) >= MAX_LINE_BYTES and not raw.endswith(b"\n"):
                raise UnreadableFile(
                    f"row {self.records + 1} is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB: is this the right file?",
                    row=self.records + 1,
                )
            if b"\x00" in raw:
                raise UnreadableFile(
                    f"this is a binary file, not CSV text (it contains NUL bytes at row {self.records + 1})",
                    row=self.records + 1,
                )
            yield self._decode(decoder, raw)

    def _check_start(self, raw: bytes) -> bytes:
        if raw.startswith(_UTF16_BOMS):
            raise UnreadableFile("wrong encoding (UTF-16): save the file as UTF-8 (in Excel: CSV UTF-8)", row=1)
        if raw.startswith(_ZIP_SIGNATURE):
            raise UnreadableFile(
                "this is an Excel workbook (.xlsx), not a CSV file: use a profile for xlsx files", row=1
            )
        return raw[len(_BOM) :] if raw.startswith(_BOM) else raw

    def _decode(self, decoder, raw: bytes, *, final: bool = False) -> str:
        try:
            return decoder.decode(raw, final)
        except UnicodeDecodeError as error:
            row = self.records + 1
            bad = error.object[error.start : error.start + 1].hex() if error.object else ""
            raise UnreadableFile(
                f"wrong encoding: save the file as UTF-8 (in Excel: CSV UTF-8). Row {row} has a byte (0x{bad}) "
                "that is not UTF-8",
                row=row,
            ) from None


class XlsxReader:
    """Rows of one sheet of an .xlsx workbook, read-only and streaming. Formulas are reported, never evaluated."""

    def __init__(self, stream: BinaryIO, sheet_name: str = ""):
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        head = stream.read(4)
        stream.seek(0)
        if not head.startswith(_ZIP_SIGNATURE):
            raise UnreadableFile("this is not an Excel workbook (.xlsx): is it a CSV file? Use a profile for CSV files")
        try:
            self.workbook = load_workbook(stream, read_only=True, data_only=False)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, EOFError) as error:
            raise UnreadableFile(
                f"this .xlsx workbook could not be opened ({type(error).__name__}): save it again from Excel"
            ) from None
        names = self.workbook.sheetnames
        if sheet_name and sheet_name not in names:
            self.workbook.close()
            raise UnreadableFile(f"the workbook has no sheet called {sheet_name!r} (its sheets: {', '.join(names)})")
        self.sheet = self.workbook[sheet_name] if sheet_name else self.workbook.worksheets[0]
        self.sheet_name = self.sheet.title

    def __iter__(self) -> Iterator[SourceLine]:
        number = 0
        try:
            for cells in self.sheet.iter_rows():
                number += 1
                values, dates, flagged = [], {}, {}
                for i, cell in enumerate(cells):
                    number = getattr(cell, "row", None) or number
                    text, when, problem = _cell_text(cell)
                    values.append(text)
                    if when is not None:
                        dates[i] = when
                    if problem:
                        flagged[i] = problem
                while values and values[-1] == "":
                    values.pop()
                yield SourceLine(number, values, dates or None, flagged or None)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as error:
            raise UnreadableFile(
                f"row {number + 1} of the workbook could not be read ({type(error).__name__})", row=number + 1
            ) from None
        finally:
            self.workbook.close()


def _cell_text(cell) -> tuple[str, date | None, str]:
    value = cell.value
    if value is None:
        return "", None, ""
    if cell.data_type == "f":
        return str(value), None, "cell contains a formula: paste values only, then import again"
    if cell.data_type == "e":
        return str(value), None, f"cell shows a spreadsheet error ({value})"
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat(), value.date(), ""
        return value.isoformat(sep=" "), None, ""
    if isinstance(value, date):
        return value.isoformat(), value, ""
    if isinstance(value, time):
        return value.isoformat(), None, ""
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), None, ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None, ""
    return str(value), None, ""
