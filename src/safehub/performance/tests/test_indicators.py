"""Exact values for every default indicator on the hand-built partnership in fixtures.py: numerator, denominator, value
and RAG. Population base 2025: 50,000 children aged 0-17."""

from __future__ import annotations

import pytest

from safehub.intake.selectors import share_within_sla
from safehub.performance import indicators
from safehub.performance.engine import compute, direction_of_travel, rag_for, scorecard
from safehub.performance.periods import parse_period

from .fixtures import NOW, d

# indicator: (period, numerator, denominator, value, rag)
EXPECTED = {
    "contacts": ("2026-03", 3, None, 3, None),
    "contacts_to_referral": ("2026-03", 2, 4, 50.0, None),
    "referrals": ("2026-03", 2, None, 2, None),
    "referrals_rate": ("R12-2026-03", 3, 50_000, 0.6, None),
    "re_referrals": ("R12-2026-03", 1, 3, 100 / 3, "red"),
    "assessments_in_time": ("2026-02", 1, 2, 50.0, "red"),
    "s47_enquiries": ("2026-03", 1, None, 1, None),
    "s47_rate": ("R12-2026-03", 3, 50_000, 0.6, None),
    "s47_to_icpc": ("2025-26-Q4", 1, 2, 50.0, None),
    "icpc_in_time": ("2025-26-Q4", 1, 2, 50.0, "red"),
    "cp_plans": ("2026-03", 2, None, 2, None),
    "cp_rate": ("2026-03", 2, 50_000, 0.4, None),
    "cp_second_plans": ("R12-2026-03", 1, 3, 100 / 3, "red"),
    "cp_two_years": ("R12-2026-03", 1, 2, 50.0, "red"),
    "cla": ("2026-03", 1, None, 1, None),
    "cla_rate": ("2026-03", 1, 50_000, 0.2, None),
    "missing_children": ("2026-03", 2, None, 2, None),
    "missing_episodes": ("2026-03", 3, None, 3, None),
    "repeat_missing": ("2026-03", 1, None, 1, None),
    "rhi_offered_in_time": ("2026-03", 2, 4, 50.0, "red"),
    "rhi_accepted": ("2026-03", 1, 2, 50.0, "red"),
    "checks_in_time": ("2026-03", 1, 3, 100 / 3, "red"),
    "mash_decisions_in_time": ("2026-03", 3, 4, 75.0, "red"),
    "mace_referrals": ("2026-03", 2, None, 2, None),
    "risk_assessments": ("2026-03", 2, None, 2, None),
    "panel_actions_on_time": ("2025-26-Q4", 1, 3, 100 / 3, "red"),
    "share_decisions": ("2026-03", 1, None, 1, None),
    "nhs_match_rate": ("2026-03", 0, 8, 0.0, "red"),
}
NO_DATA = {"cp_visits_in_time": "2026-03", "police_protection": "2026-03"}


def test_library_has_at_least_25_valid_indicators():
    ids = [i.id for i in indicators.library()]
    assert len(ids) >= 25
    assert set(ids) == set(EXPECTED) | set(NO_DATA)


@pytest.mark.parametrize("indicator_id", sorted(EXPECTED))
def test_indicator_exact_values(scorecard_world, indicator_id):
    period, numerator, denominator, value, rag = EXPECTED[indicator_id]
    result = compute(indicator_id, period, now=NOW)
    assert (result.numerator, result.denominator) == (numerator, denominator)
    assert result.value == pytest.approx(value)
    assert result.rag == rag
    assert result.status == "ok"


@pytest.mark.parametrize("indicator_id", sorted(NO_DATA))
def test_indicators_without_data_say_so(scorecard_world, indicator_id):
    result = compute(indicator_id, NO_DATA[indicator_id], now=NOW)
    assert result.status == "no_data" and result.value is None and result.numerator is None
    assert "No data" in result.status_label


def test_agency_checks_match_the_intake_selector_and_split_by_agency(scorecard_world):
    agencies = scorecard_world.agencies
    period = parse_period("2026-03")
    sla = share_within_sla((period.start, period.end), now=NOW)
    result = compute("checks_in_time", period, now=NOW)
    assert (result.numerator, result.denominator) == (sla.numerator, sla.denominator) == (1, 3)
    police = compute("checks_in_time", period, now=NOW, agency_id=agencies["police"].pk)
    health = compute("checks_in_time", period, now=NOW, agency_id=agencies["health"].pk)
    assert (police.numerator, police.denominator, police.value) == (1, 2, 50.0)
    assert (health.numerator, health.denominator, health.value) == (0, 1, 0.0)


def test_working_days_skip_bank_holidays_not_just_weekends(scorecard_world):
    """Completed on 26 Feb 2026, 45 working days after 22 Dec 2025 counting the Christmas and New Year bank holidays;
    a weekday-only count would make it late (due 23 Feb)."""
    import polars as pl

    from safehub.performance.dataset import WorkingDayIndex

    index = WorkingDayIndex(d("2025-11-01"), d("2026-06-30"))
    due = index.due(pl.Series([d("2025-12-22"), d("2025-12-19"), d("2026-03-30")]), 45).to_list()
    assert due[0] == d("2026-02-26")
    assert index.due(pl.Series([d("2025-12-19")]), 15).to_list() == [d("2026-01-14")]
    # Easter 2026: Good Friday 3 April and Easter Monday 6 April are not working days
    assert index.due(pl.Series([d("2026-04-02")]), 1).to_list() == [d("2026-04-07")]


def test_a_closure_day_counts_as_a_non_working_day(scorecard_world):
    from safehub.core.models import Closure

    Closure.objects.create(date=d("2026-02-26"), reason="Council closure")
    result = compute("assessments_in_time", "2026-02", now=NOW)
    assert (result.numerator, result.denominator) == (2, 2)  # the due day moves to 27 February


def test_no_population_base_means_no_rate(scorecard_world):
    from safehub.performance.models import PopulationBase

    PopulationBase.objects.all().delete()
    result = compute("cp_rate", "2026-03", now=NOW)
    assert result.status == "no_population" and result.value is None


def test_rates_for_short_periods_are_annualised(scorecard_world):
    result = compute("referrals_rate", "2026-03", now=NOW)
    assert result.numerator == 2
    assert result.value == pytest.approx(2 / 50_000 * 10_000 * 365.25 / 31)


def test_rag_and_direction_follow_polarity():
    assert rag_for(95, 95, 5, "high_good") == "green"
    assert rag_for(90, 95, 5, "high_good") == "amber"
    assert rag_for(89.9, 95, 5, "high_good") == "red"
    assert rag_for(20, 20, 3, "low_good") == "green"
    assert rag_for(23, 20, 3, "low_good") == "amber"
    assert rag_for(23.1, 20, 3, "low_good") == "red"
    assert rag_for(50, None, 3, "low_good") is None
    assert rag_for(50, 10, 3, "neutral") is None


def test_direction_of_travel(scorecard_world):
    card = scorecard(now=NOW, month=d("2026-03-31"))
    rows = {r.indicator.id: r for r in card.rows}
    contacts = rows["contacts"]
    assert [v.period.key for v in contacts.trend][-2:] == ["2026-02", "2026-03"]
    assert contacts.previous.value == 1 and contacts.current.value == 3
    assert (contacts.direction, contacts.judgement) == ("up", None)
    assert len(contacts.trend) == 12
    checks = rows["checks_in_time"]
    assert {name: v.value for name, v in checks.by_agency if v.value is not None} == {"Police": 50.0, "Health": 0.0}
    assert direction_of_travel(rows["mash_decisions_in_time"].current, rows["mash_decisions_in_time"].previous,
                               "high_good") == (None, None)  # no decisions in February: not comparable


def test_targets_and_comparators_from_the_database_override_the_yaml(scorecard_world, personas):
    from safehub.performance.services import set_comparator, set_target

    set_target("mash_decisions_in_time", target=70, tolerance=5, actor=personas["analyst"])
    set_comparator("mash_decisions_in_time", kind="region", value=88.0, year="2024-25", source="Regional benchmarking club",
                   actor=personas["analyst"])
    assert compute("mash_decisions_in_time", "2026-03", now=NOW).rag == "green"
    effective = {i.id: i for i in indicators.effective()}
    assert effective["mash_decisions_in_time"].comparator("region").value == 88.0
