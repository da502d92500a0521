"""Synthetic DfE return files for the tests, built from the project's own synthetic children (never real data)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from safehub.synth.dfe_returns import (
    ANNEX_A_LISTS,
    CHILD_HEADINGS,
    build_returns,
    hand_checked_sample,
)

TODAY = date(2026, 4, 30)


def sample_files(directory: Path):
    return build_returns(directory, sample=hand_checked_sample())


def edit_annex_a(path: Path, edit) -> bytes:
    """The workbook at `path` after `edit(workbook)`, as bytes."""
    workbook = load_workbook(path)
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet(workbook, number: int):
    return next(ws for ws in workbook.worksheets if ws.title.startswith(f"List {number} "))


def set_cell(workbook, number: int, row: int, heading: str, value) -> None:
    ws = sheet(workbook, number)
    column = [c.value for c in ws[1]].index(heading) + 1
    ws.cell(row=row, column=column).value = value


def empty_annex_a() -> bytes:
    """An Annex A workbook with every list and no rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, (title, headings) in ANNEX_A_LISTS.items():
        ws = workbook.create_sheet(f"List {number} - {title}")
        ws.append([*(CHILD_HEADINGS if number != 11 else []), *headings])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_text(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
