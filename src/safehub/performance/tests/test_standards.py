"""Standards self-assessment: agencies rate themselves only, amber and red need a plan, the board sees the matrix with the
change since the last round; the demo loads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from safehub.performance import services
from safehub.performance.models import StandardRating, StandardSet
from safehub.performance.selectors import standards_matrix

from .fixtures import NOW, d


def test_an_agency_rates_only_itself_and_amber_needs_a_plan(performance_world, personas):
    round_, first = performance_world.round, performance_world.standard_set.standards.get(number="1")
    rating = services.rate_standard(round_, first, actor=personas["police_contributor"], rag="green",
                                    evidence="Board minutes", now=NOW)
    assert rating.agency == personas["police_contributor"].agency
    with pytest.raises(services.PerformanceError) as problem:
        services.rate_standard(round_, first, actor=personas["health_contributor"], rag="amber", evidence="Audit")
    assert set(problem.value.errors) == {"action_plan"}
    with pytest.raises(PermissionDenied):  # the board member's agency (voluntary sector) is not in the round
        services.rate_standard(round_, first, actor=personas["board_member"], rag="green", evidence="x")
    with pytest.raises(PermissionDenied):  # panel chairs (social care, in the round) may not rate
        services.rate_standard(round_, first, actor=personas["panel_chair"], rag="green", evidence="x")


def test_matrix_rows_and_change_since_the_last_round(performance_world, personas, agencies):
    standard_set = performance_world.standard_set
    earlier = services.open_round(standard_set, name="Round 2025", opens_on=d("2025-01-06"), due_on=d("2025-03-31"),
                                  agencies=[agencies["police"], agencies["health"]])
    one, two = standard_set.standards.get(number="1"), standard_set.standards.get(number="2")
    police = personas["police_contributor"]
    services.rate_standard(earlier, one, actor=police, rag="red", evidence="e", action_plan="p", now=NOW)
    services.rate_standard(earlier, two, actor=police, rag="green", evidence="e", now=NOW)
    services.rate_standard(performance_world.round, one, actor=police, rag="amber", evidence="e", action_plan="p", now=NOW)
    services.rate_standard(performance_world.round, two, actor=police, rag="amber", evidence="e", action_plan="p", now=NOW)
    matrix = standards_matrix(performance_world.round)
    assert matrix.previous_round == earlier
    rows = {r.agency: r for r in matrix.rows}
    assert list(rows) == ["Health", "Police", "Social Care"]
    assert [(c.rag, c.change) for c in rows["Police"].cells] == [("amber", "better"), ("amber", "worse"), (None, None)]
    assert rows["Police"].rated == 2 and rows["Health"].rated == 0
    assert matrix.totals["amber"] == [1, 1, 0]


def test_rating_page_and_matrix_page(client, performance_world, personas):
    url = reverse("performance:round_rate", args=[performance_world.round.pk])
    client.force_login(personas["health_contributor"])
    bad = client.post(url, {"standard": "2", "rag": "red", "evidence": ""})
    html = bad.content.decode()
    assert bad.status_code == 200 and "Enter the evidence for your rating" in html and 'href="#evidence-2"' in html
    assert client.post(url, {"standard": "2", "rag": "green", "evidence": "Training records"}).status_code == 302
    assert StandardRating.objects.get(agency=personas["health_contributor"].agency).rag == "green"
    client.force_login(personas["board_member"])
    matrix = client.get(reverse("performance:round_matrix", args=[performance_world.round.pk])).content.decode()
    assert 'data-testid="matrix"' in matrix and "Health" in matrix
    api = client.get(reverse("api:performance_matrix", args=[performance_world.round.pk])).json()
    assert api["standards"] == ["1", "2", "3"]
    assert [c["rag"] for r in api["rows"] if r["agency"] == "Health" for c in r["cells"]] == [None, "green", None]


def test_api_rating_names_the_field(client, performance_world, personas):
    client.force_login(personas["police_contributor"])
    url = reverse("api:performance_rate", args=[performance_world.round.pk])
    response = client.post(url, {"standard": "1", "rag": "amber", "evidence": "Audit"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "action_plan"]
    ok = client.post(url, {"standard": "1", "rag": "green", "evidence": "Audit"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["agency"] == "Police"


def test_analyst_sets_targets_comparators_and_population_through_pages(client, personas):
    client.force_login(personas["analyst"])
    url = reverse("performance:indicator_edit", args=["re_referrals"])
    bad = client.post(url, {"form": "target", "target": "high", "tolerance": "2"})
    assert "Enter the target, like 85 or 12.5" in bad.content.decode()
    assert client.post(url, {"form": "target", "target": "18", "tolerance": "2"}).status_code == 302
    missing_source = client.post(url, {"form": "comparator", "kind": "region", "value": "21", "year": "2024-25"})
    assert "Enter where the figure was published" in missing_source.content.decode()
    assert client.post(reverse("performance:population"), {"year": "2025", "children": "52,300"}).status_code == 302
    page = client.get(reverse("performance:indicators")).content.decode()
    assert "18.0 (tolerance 2.0)" in page and "2025: 52300" in page


def test_demo_loads_once(personas, agencies):
    from safehub.performance.demo import load_demo

    now = dt.datetime(2026, 4, 15, 12, 0, tzinfo=dt.UTC)
    summary = load_demo(now)
    assert "24 standards" in summary and "3 agencies" in summary
    assert StandardSet.objects.get(code="partnership-standards").rounds.count() == 2
    assert load_demo(now) == "Performance: demo data already loaded"
