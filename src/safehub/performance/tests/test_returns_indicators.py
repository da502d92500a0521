"""Indicators computed from imported DfE returns: the project's own hand-checked sample (four synthetic children,
`safehub.synth.dfe_returns.hand_checked_sample`) gives the values worked out by hand for 2025-26."""

from __future__ import annotations

import datetime as dt

import pytest

from safehub.imports.dfe.services import import_return
from safehub.performance import returns
from safehub.performance.engine import compute
from safehub.performance.indicators import IndicatorLibraryError
from safehub.synth.dfe_returns import build_returns, hand_checked_sample

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 4, 30)

# indicator: (numerator, denominator, value, rag) for 2025-26 (1 April 2025 to 31 March 2026)
EXPECTED = {
    "annex_a_referrals": (5, None, 5, None),  # HC1 ×2, HC2 10/04/2025, HC3 01/06/2025, HC4
    "annex_a_re_referrals": (2, 5, 40.0, "red"),  # HC1 01/09/2025 (after 01/05/2025); HC2 (after 01/06/2024)
    "annex_a_s47_to_icpc": (2, 3, 200 / 3, None),  # HC1 and HC4 had an ICPC; HC2 did not
    "annex_a_cp_second_plans": (1, 2, 50.0, "red"),  # HC4's plan is its second; HC3's started in 2024-25
    "ssda903_cla": (2, None, 2, None),  # HC2 (placement change, still open), HC4 (started 31/03/2026); HC3 ceased 31/03
    "ssda903_missing_episodes": (3, None, 3, None),  # HC2 ×2 (its "A" episode is not missing), HC4
    "ssda903_missing_children": (2, None, 2, None),
    "cin_census_referrals": (5, None, 5, None),
    "cin_census_nfa_referrals": (1, 5, 20.0, None),  # HC3's referral of 01/06/2025
}


@pytest.fixture
def imported(agencies, tmp_path):
    files = build_returns(tmp_path, sample=hand_checked_sample())
    council = agencies["social_care"]
    for fmt, paths in (("annex-a", [files.annex_a]), ("ssda903", files.ssda903), ("cin-xml", [files.cin_census])):
        for path in paths:
            run = import_return(path, council, fmt, today=TODAY)
            assert run.status == "imported", list(run.row_errors.values_list("reason", flat=True))
    return council


def test_every_return_indicator_has_an_exact_test():
    assert {i.id for i in returns.library()} == set(EXPECTED)


@pytest.mark.parametrize("indicator_id", sorted(EXPECTED))
def test_return_indicator_exact_values(imported, indicator_id):
    numerator, denominator, value, rag = EXPECTED[indicator_id]
    result = compute(indicator_id, "2025-26")
    assert (result.numerator, result.denominator, result.status) == (numerator, denominator, "ok")
    assert result.value == pytest.approx(value)
    assert result.rag == rag


def test_other_periods_and_agencies(imported, agencies):
    assert compute("annex_a_referrals", "2024-25").numerator == 1  # HC2 01/06/2024
    assert compute("ssda903_cla", "2024-25").numerator == 2  # HC2 and HC3 at 31/03/2025
    assert compute("annex_a_referrals", "2025-26-Q1").numerator == 3  # April to June 2025
    assert compute("annex_a_referrals", "2025-26", agency_id=imported.pk).numerator == 5
    assert compute("annex_a_referrals", "2025-26", agency_id=agencies["police"].pk).numerator == 0


def test_no_return_imported_is_no_data_not_zero(agencies):
    result = compute("ssda903_cla", "2025-26")
    assert result.status == "no_data" and result.value is None and "No data" in result.status_label


def test_the_main_library_is_unchanged():
    from safehub.performance import indicators

    assert not {i.id for i in indicators.library()} & set(EXPECTED)


def test_return_library_rejects_a_bad_entry_naming_it():
    with pytest.raises(IndicatorLibraryError, match="indicator broken: measure: .*unknown return measure"):
        returns._parse("- {id: broken, title: t, definition: d, numerator: n, unit: count, measure: contacts, "
                       "source: s, return_kind: annex_a}", "test.yaml")
