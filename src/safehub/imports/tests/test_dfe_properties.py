"""Property tests for the DfE return parsers: whatever arrives, an answer and never a crash; every rejection has a
reason naming where; a file with any problem writes nothing."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.imports.dfe import parse_return
from safehub.synth.dfe_returns import (
    SSDA903_EPISODES,
    SSDA903_HEADER,
    SSDA903_MISSING,
    cin_census_tree,
    hand_checked_sample,
)

from .dfe_builders import TODAY, csv_text, empty_annex_a

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FORMATS = ("annex-a", "ssda903", "cin-xml")


def checked(data: bytes, fmt: str):
    result = parse_return(io.BytesIO(data), fmt, file="fuzz", today=TODAY)
    for problem in result.problems:
        assert problem.reason and problem.file == "fuzz" and len(problem.value) <= 200
        assert problem.row is None or problem.row >= 1
    if not result.fatal and fmt != "cin-xml":  # (XML: a schema error rejects the whole child it is in)
        rows_with_problems = {(p.sheet, p.row) for p in result.problems if p.row is not None}
        assert result.rejected <= rows_with_problems
    assert result.fatal or result.row_count >= len(result.valid_rows)
    if result.problems and not result.fatal:
        assert result.rejected, "a row problem must reject its row"
    return result


@FAST
@given(st.binary(max_size=2000), st.sampled_from(FORMATS))
def test_arbitrary_bytes_never_crash(data, fmt):
    checked(data, fmt)


@FAST
@given(st.sampled_from((SSDA903_HEADER, SSDA903_EPISODES, SSDA903_MISSING)),
       st.lists(st.lists(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=20), max_size=15),
                max_size=15))
def test_arbitrary_cells_under_an_ssda903_header_never_crash(header, rows):
    result = checked(csv_text(header, rows), "ssda903")
    assert not result.fatal


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(st.text(max_size=15), st.integers(-5, 10**6), st.dates(), st.none()),
                         min_size=1, max_size=10), max_size=6),
       st.integers(1, 11))
def test_arbitrary_cells_in_an_annex_a_list_never_crash(rows, number):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(empty_annex_a()))
    sheet = next(ws for ws in workbook.worksheets if ws.title.startswith(f"List {number} "))
    for row in rows:
        sheet.append([v if not isinstance(v, str) else "".join(ch for ch in v if ch.isprintable()) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    checked(out.getvalue(), "annex-a")


ELEMENTS = ("LAchildID", "PersonBirthDate", "GenderCurrent", "Ethnicity", "CINreferralDate", "ReferralSource",
            "PrimaryNeedCode", "ReferralNFA", "S47ActualStartDate", "CPPstartDate", "NumberOfPreviousCPP")


@FAST
@given(st.sampled_from(ELEMENTS), st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                                          max_size=20))
def test_any_text_in_a_cin_census_element_never_crashes(element, text):
    tree = cin_census_tree(hand_checked_sample())
    target = next(tree.getroot().iter(element))
    target.text = text
    out = io.BytesIO()
    tree.write(out, encoding="utf-8", xml_declaration=True)
    checked(out.getvalue(), "cin-xml")


@pytest.mark.django_db
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.sampled_from(("", "X", "01/09/2025", "M", "A", "31/02/2025", "C1", "2026-01-01")),
                              min_size=4, max_size=4), min_size=1, max_size=6))
def test_a_file_with_any_problem_writes_nothing(agencies, tmp_path, rows):
    from safehub.imports.dfe.services import import_return
    from safehub.imports.models import ImportRun, ReturnRecord
    from safehub.people.models import SourceRecord

    path = tmp_path / "missing.csv"
    path.write_bytes(csv_text(SSDA903_MISSING, rows))
    before = (ReturnRecord.objects.count(), SourceRecord.objects.count())
    run = import_return(path, agencies["social_care"], "ssda903", today=TODAY)
    if run.already_imported:
        return
    if run.row_errors.exists():
        assert run.status == ImportRun.Status.FAILED
        assert (ReturnRecord.objects.count(), SourceRecord.objects.count()) == before
        assert all(e.reason for e in run.row_errors.all())
    else:
        assert run.status == ImportRun.Status.IMPORTED


def test_the_sample_xml_is_what_the_schema_expects():
    from safehub.imports.dfe.cin_census import schema

    tree = cin_census_tree(hand_checked_sample())
    assert schema().is_valid(ET.tostring(tree.getroot(), encoding="unicode"))
