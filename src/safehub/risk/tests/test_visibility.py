"""Who reads which assessment, and what the meetings app gets from `children_flagged_for_panel`."""

from __future__ import annotations

import datetime as dt

import pytest

from safehub.core.caveats import Caveat
from safehub.risk.models import RiskAssessment
from safehub.risk.selectors import children_flagged_for_panel, overrides_report, risk_history
from safehub.risk.services import complete_assessment

from .fixtures import NOW, RFM_HIGH, rfm_answers

pytestmark = pytest.mark.django_db


def pks(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_visibility_per_persona(risk_world, personas):
    shared, mash_only, restricted = risk_world.assessment, risk_world.mash_only, risk_world.restricted
    expected = {
        "mash_practitioner": {shared.pk, mash_only.pk, restricted.pk},
        "panel_chair": {shared.pk, mash_only.pk},  # the completing agency (social care) is the chair's own
        "missing_coordinator": {shared.pk, mash_only.pk},
        "police_contributor": {shared.pk},  # the child is known to police; shared with the partnership
        "health_contributor": {shared.pk},
        "analyst": set(),
        "board_member": set(),
        "admin": set(),
    }
    for persona, visible in expected.items():
        assert pks(RiskAssessment.objects.visible_to(personas[persona])) == visible, persona


def test_contributors_see_the_result_but_not_other_agencies_answers(risk_world, personas):
    a = risk_world.assessment
    assert a.answers_visible_to(personas["mash_practitioner"])
    assert a.answers_visible_to(personas["panel_chair"])
    assert not a.answers_visible_to(personas["police_contributor"])


def test_a_contributor_sees_nothing_of_a_child_not_known_to_their_agency(world, personas):
    a = complete_assessment(child=world.health_only_child, tool=_rfm(), answers=RFM_HIGH,
                            actor=personas["mash_practitioner"], now=NOW)
    assert a.pk in pks(RiskAssessment.objects.visible_to(personas["health_contributor"]))
    assert a.pk not in pks(RiskAssessment.objects.visible_to(personas["police_contributor"]))


def _rfm():
    from .fixtures import tools

    return tools()["rfm_child_exploitation"]


def test_children_flagged_for_panel(world, personas):
    mash, chair = personas["mash_practitioner"], personas["panel_chair"]
    rfm = _rfm()

    def complete(child, answers, days, **kwargs):
        return complete_assessment(child=child, tool=rfm, answers=answers, actor=mash,
                                   now=NOW + dt.timedelta(days=days), **kwargs)

    complete(world.police_child, RFM_HIGH, -30)  # before the window
    newer = complete(world.police_child, RFM_HIGH, 2)
    complete(world.police_child, rfm_answers(), 3)  # a later low assessment does not remove the flag
    raised = complete(world.health_only_child, rfm_answers(), 1, final_level="very_high",
                      override_reason="Seen with an adult of concern at a hotel last night.")
    complete(world.restricted_child, RFM_HIGH, 1)
    flags = children_flagged_for_panel(chair, NOW)
    assert [(f.child.pk, f.assessment.pk, f.level, f.level_label) for f in flags] == [
        (world.health_only_child.pk, raised.pk, "very_high", "Very high"),
        (world.police_child.pk, newer.pk, "high", "High"),
    ]  # oldest flag first; the restricted child is not visible to the chair
    assert {f.child.pk for f in children_flagged_for_panel(mash, NOW)} == {
        world.police_child.pk, world.health_only_child.pk, world.restricted_child.pk}
    assert children_flagged_for_panel(personas["analyst"], NOW) == []
    assert list(overrides_report(mash)) == [raised]


def test_history_has_a_chart_per_tool_oldest_first(world, personas):
    mash = personas["mash_practitioner"]
    rfm = _rfm()
    for days, answers in ((0, rfm_answers()), (7, RFM_HIGH), (14, rfm_answers(missing_episodes="once"))):
        complete_assessment(child=world.police_child, tool=rfm, answers=answers, actor=mash,
                            now=NOW + dt.timedelta(days=days), caveat=Caveat.PARTNERSHIP)
    history = risk_history(mash, world.police_child)
    assert [a.completed_at.day for a in history.assessments] == [18, 11, 4]
    (chart,) = history.charts
    assert [(p.observation.label, p.x, p.y) for p in chart.points] == [
        ("Low", 150, 152), ("High", 400.0, 64), ("Low", 650.0, 152)]
    assert [r.label for r in chart.rows] == ["Low", "Medium", "High", "Very high"]
    assert chart.line == "150.0,152 400.0,64 650.0,152"
