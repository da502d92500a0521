"""Property tests: whatever bytes arrive, the parsers answer with a result, never a crash; valid rows survive a round trip."""

from __future__ import annotations

import io
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.imports.parsers import FileCheck, check_file, parse_rows

from .builders import HEADER, SPEC, TODAY, XLSX_SPEC, csv_bytes, nhs_number_for, xlsx_bytes

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def checked(data: bytes, spec=SPEC) -> FileCheck:
    result = check_file(io.BytesIO(data), spec, file="fuzz", today=TODAY)
    assert isinstance(result, FileCheck)
    assert result.ok == (not result.problems)
    assert all(row >= 1 for row in result.rejected_rows)
    for problem in result.problems:
        assert problem.reason and len(problem.value) <= 200
    return result


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_the_csv_parser(data):
    checked(data)


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_after_a_good_header_never_crash(data):
    checked(csv_bytes([]) + data)


@FAST
@given(st.text(max_size=2000))
def test_arbitrary_text_never_crashes_the_csv_parser(text):
    checked(text.encode("utf-8"))
    checked(csv_bytes([]) + text.encode("utf-8"))


@FAST
@given(st.lists(st.lists(st.text(max_size=30), max_size=10), max_size=20))
def test_arbitrary_cells_under_the_header_never_crash(rows):
    checked(csv_bytes(rows))


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_crash_the_xlsx_parser(data):
    checked(data, XLSX_SPEC)
    checked(b"PK\x03\x04" + data, XLSX_SPEC)


# --- round trip: rows written from valid values parse back to the same values -----------------------------------

NAME_LETTERS = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéøłñçÖ'-")
NAME_WORD = st.text(NAME_LETTERS, min_size=1, max_size=12)
NAME = st.lists(NAME_WORD, min_size=1, max_size=3).map(" ".join)
DOB = st.dates(min_value=TODAY - timedelta(days=25 * 365 - 10), max_value=TODAY)
SEX = st.sampled_from([("1", "M"), ("2", "F"), ("9", "U"), ("", "U")])
NHS = st.one_of(st.just(""), st.integers(0, 999_999).map(nhs_number_for))
POSTCODE = st.from_regex(r"[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}", fullmatch=True)


@st.composite
def valid_rows(draw):
    count = draw(st.integers(1, 12))
    ids = draw(st.lists(st.from_regex(r"[A-Z0-9]{1,10}", fullmatch=True), min_size=count, max_size=count, unique=True))
    rows = []
    for local_id in ids:
        code, sex = draw(SEX)
        rows.append(
            {
                "local_id": local_id,
                "given_name": draw(NAME),
                "family_name": draw(NAME),
                "date_of_birth": draw(st.one_of(st.none(), DOB)),
                "sex_code": code,
                "sex": sex,
                "nhs_number": draw(NHS),
                "postcode": draw(POSTCODE),
            }
        )
    return rows


def as_cells(row: dict) -> list[str]:
    dob = row["date_of_birth"]
    return [
        row["local_id"],
        row["given_name"],
        row["family_name"],
        "" if dob is None else f"{dob:%d/%m/%Y}",
        row["sex_code"],
        row["nhs_number"],
        row["postcode"],
    ]


def assert_round_trip(expected: list[dict], parsed) -> None:
    assert len(parsed) == len(expected)
    for want, got in zip(expected, parsed, strict=True):
        assert got.local_id == want["local_id"]
        assert (got.given_name, got.family_name) == (want["given_name"], want["family_name"])
        assert got.date_of_birth == want["date_of_birth"]
        assert got.sex == want["sex"]
        assert got.nhs_number == want["nhs_number"]
        assert got.postcode == want["postcode"]


@FAST
@given(valid_rows())
def test_valid_rows_round_trip_through_csv(rows):
    data = csv_bytes([as_cells(r) for r in rows])
    result = checked(data)
    assert result.ok and result.rows == len(rows)
    parsed = [r.parsed for r in parse_rows(io.BytesIO(data), SPEC, file="x.csv", today=TODAY)]
    assert_round_trip(rows, parsed)
    assert [r.received for r in parsed] == [dict(zip(HEADER, as_cells(r), strict=True)) for r in rows]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_rows())
def test_valid_rows_round_trip_through_xlsx(rows):
    data = xlsx_bytes([as_cells(r) for r in rows])
    result = checked(data, XLSX_SPEC)
    assert result.ok and result.rows == len(rows)
    parsed = [r.parsed for r in parse_rows(io.BytesIO(data), XLSX_SPEC, file="x.xlsx", today=TODAY)]
    assert_round_trip(rows, parsed)


def test_the_oldest_allowed_date_of_birth_is_accepted():
    oldest = date(TODAY.year - 25, TODAY.month, TODAY.day)
    row = ["A1", "Ann", "Lee", f"{oldest:%d/%m/%Y}", "2", "", "PR1 1AB"]
    assert checked(csv_bytes([row])).ok
    row[3] = f"{oldest - timedelta(days=1):%d/%m/%Y}"
    assert not checked(csv_bytes([row])).ok


# --- profiles: whatever a YAML file holds, the answer is a profile or a ProfileError naming keys -------------------

YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=15),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
PROFILE_DATA = st.one_of(
    YAML_VALUES,
    st.fixed_dictionaries(
        {"name": st.text(max_size=10), "system": st.text(max_size=10), "local_id_column": st.text(max_size=10)},
        optional={
            "columns": YAML_VALUES,
            "file_kind": YAML_VALUES,
            "sheet_name": YAML_VALUES,
            "header_row": YAML_VALUES,
            "date_formats": YAML_VALUES,
            "code_lists": YAML_VALUES,
            "caveat": YAML_VALUES,
        },
    ),
)


@FAST
@given(PROFILE_DATA)
def test_any_profile_data_gives_a_profile_or_named_problems(data):
    from safehub.imports.parsers import ProfileError, ProfileSpec

    try:
        spec = ProfileSpec.from_dict(data)
    except ProfileError as error:
        assert error.problems and all(isinstance(k, str) and m for k, m in error.problems.items())
    else:
        assert spec.problems() == {}
        assert ProfileSpec.from_dict(spec.to_dict()) == spec
