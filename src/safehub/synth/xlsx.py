"""Byte-reproducible xlsx writing with openpyxl's write-only mode."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .config import XLSX_TIMESTAMP

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
#: openpyxl overwrites ``modified`` with "now" while saving, so it is re-pinned in the zip.
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_STAMP = XLSX_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()


def write_xlsx(path: Path, sheet: str, header: list[str], rows: Iterable[list], date_col: int | None = None,
               date_format: str = "dd/mm/yyyy") -> None:
    """Write one sheet. ``date_col`` values (``datetime.date`` or ``None``) become real date cells.

    openpyxl stamps the current time into ``docProps/core.xml`` and into every
    zip entry; both are pinned so the same rows always give the same bytes.
    """
    wb = Workbook(write_only=True)
    wb.properties.created = XLSX_TIMESTAMP
    wb.properties.modified = XLSX_TIMESTAMP
    wb.properties.creator = "safehub-synth"
    ws = wb.create_sheet(sheet)
    ws.append(header)
    if date_col is None:
        for row in rows:
            ws.append(row)
    else:
        for row in rows:
            value = row[date_col]
            if value is not None:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = date_format
                row[date_col] = cell
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    _normalise_zip(buf.getvalue(), path)


def _normalise_zip(data: bytes, path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(lambda m: m[1] + _STAMP + m[2], data)
            dst.writestr(fixed, data)
