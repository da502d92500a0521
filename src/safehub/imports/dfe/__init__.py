"""Standard DfE returns: Annex A workbooks, SSDA903 CSV files and the CIN census XML.

    parse_return(stream, fmt, file=..., today=...) -> ParsedReturn     pure: every row and every problem, no database
    services.import_return(path, agency, fmt, actor)  -> ImportRun     all or nothing, idempotent, with provenance

`fmt` is what `safehub import --format` takes: annex-a, ssda903 or cin-xml.
"""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from . import annex_a, cin_census, ssda903
from .annex_a import ParsedReturn
from .tables import ChildFacts, Column, ReturnRow, TableSpec

#: --format → the return's kind (`ReturnRecord.kind`).
FORMATS = {"annex-a": annex_a.KIND, "ssda903": ssda903.KIND, "cin-xml": cin_census.KIND}
PARSERS = {
    annex_a.KIND: annex_a.parse_annex_a,
    ssda903.KIND: ssda903.parse_ssda903,
    cin_census.KIND: cin_census.parse_cin_census,
}
#: Every table of every return by (kind, table).
TABLES: dict[tuple[str, str], TableSpec] = {
    (spec.kind, spec.table): spec
    for spec in (*annex_a.LISTS, *ssda903.FILES, cin_census.CHILD, cin_census.CIN_DETAILS, *cin_census.NESTED.values())
}


def parse_return(stream: BinaryIO, fmt: str, *, file: str, today: date) -> ParsedReturn:
    """Parse one return file of the given --format; raises KeyError for an unknown format."""
    return PARSERS[FORMATS[fmt]](stream, file=file, today=today)


__all__ = ["FORMATS", "TABLES", "ChildFacts", "Column", "ParsedReturn", "ReturnRow", "TableSpec", "parse_return"]
