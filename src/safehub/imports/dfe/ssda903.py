"""SSDA903 (children looked after return) CSV files: header, episodes and missing, as the DfE specifies them.

Which file is which is told by its columns. Dates are dd/mm/yyyy (ISO dates are accepted too).
"""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from safehub.imports.parsers import UnreadableFile
from safehub.imports.parsers.readers import CsvReader

from . import codes as c
from .annex_a import ParsedReturn, read_table
from .tables import Column, TableSpec

KIND = "ssda903"
CHILD = Column("CHILD", "child_id", "id", required=True, mandatory=True)

HEADER = TableSpec(KIND, "header", "SSDA903 header", (
    CHILD,
    Column("SEX", "sex", "sex", c.SEX_903, required=True, mandatory=True),
    Column("DOB", "date_of_birth", "dob", required=True, mandatory=True),
    Column("ETHNIC", "ethnicity", "code", c.ETHNICITY, required=True),
    Column("UPN", "upn", "text", required=True),
    Column("MOTHER", "mother", "yes_no", c.YES_NO),
    Column("MC_DOB", "mc_dob", "date"),
))
EPISODES = TableSpec(KIND, "episodes", "SSDA903 episodes", (
    CHILD,
    Column("DECOM", "decom", "date", required=True, mandatory=True),
    Column("RNE", "rne", "code", c.REASON_NEW_EPISODE, required=True, mandatory=True),
    Column("LS", "ls", "code", c.LEGAL_STATUS, required=True, mandatory=True),
    Column("CIN", "cin", "code", c.CATEGORY_OF_NEED, required=True, mandatory=True),
    Column("PLACE", "place", "code", c.PLACEMENT_TYPE, required=True, mandatory=True),
    Column("PLACE_PROVIDER", "place_provider", "code", c.PLACEMENT_PROVIDER, required=True),
    Column("DEC", "dec", "date", required=True),
    Column("REC", "rec", "code", c.REASON_EPISODE_CEASED, required=True),
    Column("REASON_PLACE_CHANGE", "reason_place_change", "code", c.REASON_PLACE_CHANGE),
    Column("HOME_POST", "home_post"),
    Column("PL_POST", "pl_post"),
    Column("URN", "urn"),
), key_date="decom", end_date="dec", natural_key=("decom",),
    event=("return.care_episode", "Care episode started (SSDA903)"))
MISSING = TableSpec(KIND, "missing", "SSDA903 missing", (
    CHILD,
    Column("MISSING", "missing", "code", c.MISSING_KIND, required=True, mandatory=True),
    Column("MIS_START", "mis_start", "date", required=True, mandatory=True),
    Column("MIS_END", "mis_end", "date", required=True),
), key_date="mis_start", end_date="mis_end", natural_key=("mis_start",),
    event=("return.missing", "Missing from care (SSDA903)"))
FILES = (HEADER, EPISODES, MISSING)
#: The column only that file has, to tell the files apart.
MARKERS = {"DECOM": EPISODES, "MIS_START": MISSING, "DOB": HEADER}
SSDA903_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def parse_ssda903(stream: BinaryIO, *, file: str, today: date) -> ParsedReturn:
    """One SSDA903 CSV (header, episodes or missing), parsed; the file's columns say which it is."""
    result = ParsedReturn(KIND, file)
    try:
        if not stream.read(1):
            raise UnreadableFile("the file is empty (0 bytes)")
        stream.seek(0)
        lines = iter(CsvReader(stream))
        first = next((line for line in lines if any(v.strip() for v in line.values)), None)
        if first is None:
            raise UnreadableFile("the file has no rows at all")
        header = {v.strip().upper() for v in first.values}
        spec = next((spec for marker, spec in MARKERS.items() if marker in header), None)
        if spec is None:
            raise UnreadableFile(
                "not an SSDA903 header, episodes or missing file: the header row has none of DOB, DECOM or MIS_START",
                row=first.number, value=",".join(first.values))
        read_table(result, spec, _chain(first, lines), sheet="", today=today, formats=SSDA903_DATE_FORMATS)
    except UnreadableFile as error:
        result.fail(error.reason, row=error.row, column=error.column, value=error.value)
    if any(p.reason.endswith("missing from the header row") for p in result.problems):
        result.fatal = True
    return result


def _chain(first, lines):
    yield first
    yield from lines
