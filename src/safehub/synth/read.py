"""Read a generated partnership back, normalising every agency's own format."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .config import FILES

MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                      "dec"), 1)}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_DMONY = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3})[A-Za-z]*[- ](\d{4})$")
_POSTCODE_TAIL = re.compile(r"[,\s]*\b([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\s*$", re.IGNORECASE)
#: Two-digit years up to this value are 20yy, above are 19yy.
TWO_DIGIT_YEAR_PIVOT = 30


@dataclass(frozen=True, slots=True)
class ExtractRecord:
    """One agency row, normalised. Absent values are ``""`` (``None`` for the date).

    Names keep the case and spelling the agency recorded (only whitespace is
    tidied); ``given_name`` is the first forename. ``raw`` holds the row exactly
    as read, keyed by the agency's own column names.
    """

    agency: str
    system: str
    source_file: str
    row: int  #: 1-based data row (the header is not counted)
    local_id: str
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    sex: str  #: "M", "F" or "U"
    nhs_number: str  #: digits only
    upn: str
    police_id: str
    postcode: str  #: upper case, single space before the inward code
    address: str
    school: str
    gp_practice: str
    raw: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


def clean(value: str) -> str:
    return " ".join(value.split())


def first_forename(value: str) -> str:
    parts = value.split()
    return parts[0] if parts else ""


def normalise_postcode(value: str) -> str:
    compact = "".join(value.split()).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_sex(value: str) -> str:
    v = value.strip().lower()
    if v in ("m", "male", "1", "boy"):
        return "M"
    if v in ("f", "female", "2", "girl"):
        return "F"
    return "U"


def digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def parse_date(value: str) -> dt.date | None:
    """Parse the date styles used by the extracts; ``None`` if blank or impossible.

    Handles ``yyyy-mm-dd`` (optionally with a time), ``dd/mm/yyyy``, ``dd/mm/yy``
    and ``dd-Mon-yyyy``.
    """
    value = value.strip()
    if not value:
        return None
    try:
        if m := _ISO.match(value):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(value):
            year = int(m[3])
            if len(m[3]) == 2:
                year += 2000 if year <= TWO_DIGIT_YEAR_PIVOT else 1900
            return dt.date(year, int(m[2]), int(m[1]))
        if m := _DMONY.match(value):
            month = MONTHS.get(m[2].lower())
            return dt.date(int(m[3]), month, int(m[1])) if month else None
    except ValueError:
        return None
    return None


def split_postcode(address: str) -> tuple[str, str]:
    """``"1 High St, Town, AB1 2CD"`` -> ``("1 High St, Town", "AB1 2CD")``."""
    m = _POSTCODE_TAIL.search(address)
    if not m:
        return clean(address), ""
    return clean(address[: m.start()]), normalise_postcode(m[1])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- per-agency mapping: raw row -> ExtractRecord keyword arguments ----------------


def _police(r: dict[str, str]) -> dict:
    return dict(local_id=r["Person URN"], given_name=first_forename(r["Forename(s)"]), family_name=clean(r["Surname"]),
                date_of_birth=parse_date(r["DOB"]), sex=normalise_sex(r["Gender"]), police_id=r["Person URN"],
                postcode=normalise_postcode(r["Postcode"]), address=clean(r["Address"]))


def _missing(r: dict[str, str]) -> dict:
    return dict(local_id=r["Report Ref"], given_name=first_forename(r["Forename"]), family_name=clean(r["Surname"]),
                date_of_birth=parse_date(r["DOB"]), sex=normalise_sex(r["Gender"]), police_id=r["Person URN"],
                postcode=normalise_postcode(r["Postcode"]), address=clean(r["Missing From"]))


def _health(r: dict[str, str]) -> dict:
    address = ", ".join(p for p in (clean(r["ADDRESS_LINE_1"]), clean(r["ADDRESS_LINE_2"])) if p)
    return dict(local_id=r["CLIENT_ID"], given_name=first_forename(r["PATIENT_FORENAME"]),
                family_name=clean(r["PATIENT_SURNAME"]), date_of_birth=parse_date(r["DATE_OF_BIRTH"]),
                sex=normalise_sex(r["SEX_CODE"]), nhs_number=digits(r["NHS_NUMBER"]),
                postcode=normalise_postcode(r["POSTCODE"]), address=address, gp_practice=r["GP_PRACTICE_CODE"].strip())


def _education(r: dict[str, str]) -> dict:
    return dict(local_id=r["Person ID"], given_name=first_forename(r["Legal Forename"]),
                family_name=clean(r["Legal Surname"]), date_of_birth=parse_date(r["DOB"]),
                sex=normalise_sex(r["Gender"]), upn=r["UPN"].strip().upper(),
                postcode=normalise_postcode(r["Postcode"]), address=clean(r["Address"]), school=clean(r["School"]))


def _social_care(r: dict[str, str]) -> dict:
    return dict(local_id=r["LCS ID"], given_name=first_forename(r["First Name"]), family_name=clean(r["Last Name"]),
                date_of_birth=parse_date(r["Date of Birth"]), sex=normalise_sex(r["Sex"]),
                nhs_number=digits(r["NHS Number"]), postcode=normalise_postcode(r["Postcode"]),
                address=clean(r["Address"]))


def _youth_justice(r: dict[str, str]) -> dict:
    address, postcode = split_postcode(r["HomeAddress"])
    return dict(local_id=r["ChildViewID"], given_name=first_forename(r["Forenames"]), family_name=clean(r["Surname"]),
                date_of_birth=parse_date(r["BirthDate"]), sex=normalise_sex(r["Gender"]), upn=r["UPN"].strip().upper(),
                police_id=r["PoliceRef"].strip(), postcode=postcode, address=address,
                school=clean(r["EducationProvider"]))


MAPPERS: dict[str, Callable[[dict[str, str]], dict]] = {
    "police": _police,
    "missing": _missing,
    "health": _health,
    "education": _education,
    "social_care": _social_care,
    "youth_justice": _youth_justice,
}
_EMPTY = dict(nhs_number="", upn="", police_id="", school="", gp_practice="")


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        yield from csv.DictReader(fh)


def _xlsx_rows(path: Path) -> Iterator[dict[str, str]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb["Pupils"] if "Pupils" in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [_cell(v) for v in next(rows, ())]
        for values in rows:
            if values is None or all(v is None for v in values):
                continue
            yield {h: _cell(v) for h, v in zip(header, values, strict=False)}
    finally:
        wb.close()


def read_agency(out: Path, agency: str) -> Iterator[ExtractRecord]:
    """Records from one agency's file (nothing if the file is absent)."""
    name, system = FILES[agency]
    path = Path(out) / name
    if not path.exists():
        return
    mapper = MAPPERS[agency]
    rows = _xlsx_rows(path) if name.endswith(".xlsx") else _csv_rows(path)
    for i, raw in enumerate(rows, 1):
        fields = {**_EMPTY, **mapper(raw)}
        yield ExtractRecord(agency=agency, system=system, source_file=name, row=i, raw=raw, **fields)


def read_extracts(out: Path) -> Iterator[ExtractRecord]:
    """Every record of every agency extract in ``out``, normalised."""
    for agency in FILES:
        yield from read_agency(out, agency)


def read_ground_truth(out: Path) -> dict[tuple[str, str], str]:
    """``(source_file, local_id) -> child_id`` for every extract record."""
    with (Path(out) / "ground_truth.csv").open(newline="", encoding="utf-8") as fh:
        return {(r["source_file"], r["local_id"]): r["child_id"] for r in csv.DictReader(fh)}


def read_children(out: Path) -> list[dict[str, str]]:
    """The true children (rows of ``children.csv``)."""
    with (Path(out) / "children.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_families(out: Path) -> list[dict[str, str]]:
    with (Path(out) / "families.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
