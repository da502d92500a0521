"""Completing assessments, overrides, freezing tool versions, panel flags, events and audit."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from safehub.core.models import AuditEvent
from safehub.people.models import Event
from safehub.risk.definition import DefinitionInvalid
from safehub.risk.models import RiskAssessment, RiskTool
from safehub.risk.services import (
    AssessmentInvalid,
    complete_assessment,
    ensure_default_tools,
    save_tool_definition,
    shipped_definitions,
)

from .fixtures import NOW, RFM_HIGH, rfm_answers, tools

pytestmark = pytest.mark.django_db


def test_default_tools_are_created_on_demand_once(db):
    assert RiskTool.objects.count() == 0  # nothing from a data migration: tests flush the database
    first = ensure_default_tools()
    again = ensure_default_tools()
    assert [t.pk for t in first] == [t.pk for t in again]
    assert {(t.code, t.version, t.status, t.source) for t in RiskTool.objects.all()} == {
        ("rfm_child_exploitation", 1, "active", "shipped"),
        ("seraf_sexual_exploitation", 1, "active", "shipped"),
    }
    assert not AuditEvent.objects.filter(action="risk.tool.saved").exists()


def test_completing_scores_records_events_and_audits(world, personas):
    rfm = tools()["rfm_child_exploitation"]
    mash = personas["mash_practitioner"]
    a = complete_assessment(child=world.police_child, tool=rfm, answers=RFM_HIGH, actor=mash, now=NOW)
    assert (a.score, a.computed_level, a.final_level, a.final_rank, a.is_override) == (24, "high", "high", 2, False)
    assert a.flagged_for_panel and a.agency == mash.agency and a.completed_at == NOW
    events = {e.type: e for e in Event.objects.filter(child=world.police_child, type__startswith="risk.")}
    assert set(events) == {"risk.assessment", "risk.flag_mace"}
    assessment_event = events["risk.assessment"]
    assert assessment_event.significance == Event.Significance.SIGNIFICANT
    assert (assessment_event.detail_type, assessment_event.detail_id) == ("risk.riskassessment", str(a.pk))
    assert assessment_event.title == "Child exploitation screening (risk factor matrix style): High"
    audit = AuditEvent.objects.get(action="risk.assessment.completed")
    assert audit.object_id == str(a.pk)
    assert audit.detail == {"child": world.police_child.pk, "tool": "rfm_child_exploitation", "version": 1, "score": 24,
                            "computed_level": "high", "final_level": "high", "override": False,
                            "flagged_for_panel": True}


@pytest.mark.parametrize(("answers", "significance", "flagged"), [
    (rfm_answers(), Event.Significance.ROUTINE, False),
    (rfm_answers(missing_episodes="four_or_more", mood="serious", attendance="poor"), Event.Significance.NOTABLE, False),
])
def test_significance_follows_the_level(world, personas, answers, significance, flagged):
    a = complete_assessment(child=world.police_child, tool=tools()["rfm_child_exploitation"], answers=answers,
                            actor=personas["mash_practitioner"], now=NOW)
    assert a.flagged_for_panel is flagged
    assert Event.objects.get(child=world.police_child, type="risk.assessment").significance == significance
    assert Event.objects.filter(type="risk.flag_mace").exists() is flagged


def test_an_override_needs_a_reason_and_is_reported(world, personas):
    rfm = tools()["rfm_child_exploitation"]
    mash = personas["mash_practitioner"]
    with pytest.raises(AssessmentInvalid) as caught:
        complete_assessment(child=world.police_child, tool=rfm, answers=RFM_HIGH, final_level="medium",
                            override_reason="  ", actor=mash, now=NOW)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("override_reason", "Enter why you chose a different level from the one the answers give")
    ]
    assert not RiskAssessment.objects.exists() and not Event.objects.filter(type__startswith="risk.").exists()
    lowered = complete_assessment(child=world.police_child, tool=rfm, answers=RFM_HIGH, final_level="medium",
                                  override_reason="Missing episodes were with a grandparent; police agree.",
                                  actor=mash, now=NOW)
    assert (lowered.computed_level, lowered.final_level, lowered.override_direction) == ("high", "medium", "lowered")
    assert not lowered.flagged_for_panel  # the practitioner's final level decides the panel flag
    same = complete_assessment(child=world.police_child, tool=rfm, answers=RFM_HIGH, final_level="high",
                               override_reason="ignored when the level is the computed one", actor=mash, now=NOW)
    assert same.override_reason == "" and not same.is_override
    assert list(RiskAssessment.objects.overrides()) == [lowered]


def test_unknown_ids_are_named(world, personas):
    with pytest.raises(AssessmentInvalid) as caught:
        complete_assessment(child=world.police_child, tool=tools()["rfm_child_exploitation"],
                            answers={**RFM_HIGH, "shoe_size": "large"}, final_level="purple",
                            actor=personas["mash_practitioner"], now=NOW)
    assert [p.path for p in caught.value.problems] == ["answers.shoe_size", "final_level"]


def test_only_completing_roles_with_an_agency_may_complete(world, personas):
    rfm = tools()["rfm_child_exploitation"]
    with pytest.raises(PermissionDenied):
        complete_assessment(child=world.police_child, tool=rfm, answers=RFM_HIGH,
                            actor=personas["police_contributor"], now=NOW)
    chair = personas["panel_chair"]
    assert complete_assessment(child=world.police_child, tool=rfm, answers=RFM_HIGH, actor=chair, now=NOW).pk
    chair.agency = None
    with pytest.raises(AssessmentInvalid, match="completed_by: you need an agency"):
        complete_assessment(child=world.police_child, tool=rfm, answers=RFM_HIGH, actor=chair, now=NOW)


def _edited_rfm(weight: int) -> dict:
    data = copy.deepcopy(shipped_definitions()[0])
    data["sections"][0]["questions"][0]["answers"][1]["weight"] = weight  # missing once: 2 → weight
    return data


def test_a_used_version_is_frozen_and_an_edit_becomes_the_next_version(world, personas):
    rfm = tools()["rfm_child_exploitation"]
    admin, mash = personas["admin"], personas["mash_practitioner"]
    # before use, an edit changes the version in place
    saved = save_tool_definition(_edited_rfm(3), actor=admin)
    assert (saved.outcome, saved.tool.pk, saved.tool.version) == ("updated", rfm.pk, 1)
    old = complete_assessment(child=world.police_child, tool=saved.tool, answers=rfm_answers(missing_episodes="once"),
                              actor=mash, now=NOW)
    assert old.score == 3
    rfm.refresh_from_db()
    assert rfm.frozen_at == NOW
    # after use, the stored definition cannot change…
    rfm.definition = _edited_rfm(9)
    with pytest.raises(PermissionError):
        rfm.save()
    # …and saving an edit makes version 2, retiring version 1
    saved = save_tool_definition(_edited_rfm(5), actor=admin)
    assert (saved.outcome, saved.tool.version, saved.tool.status) == ("new_version", 2, "active")
    assert RiskTool.objects.get(pk=rfm.pk).status == "retired"
    new = complete_assessment(child=world.police_child, tool=saved.tool, answers=rfm_answers(missing_episodes="once"),
                              actor=mash, now=NOW + dt.timedelta(days=1))
    old.refresh_from_db()
    assert (old.tool_id, old.score, new.tool.version, new.score) == (rfm.pk, 3, 2, 5)
    assert old.tool.parsed.sections[0].questions[0].answers[1].weight == 3
    # a retired version can no longer be used
    with pytest.raises(AssessmentInvalid, match="tool: .* is not in use"):
        complete_assessment(child=world.police_child, tool=old.tool, answers=RFM_HIGH, actor=mash, now=NOW)
    assert AuditEvent.objects.filter(action="risk.tool.saved").count() == 2
    # saving the same definition again changes nothing; shipped defaults do not overwrite an uploaded version
    assert save_tool_definition(_edited_rfm(5), actor=admin).outcome == "unchanged"
    assert ensure_default_tools()[0].pk == saved.tool.pk


def test_an_invalid_definition_is_not_saved(personas):
    data = _edited_rfm(5)
    data["levels"][1]["min"] = 12
    with pytest.raises(DefinitionInvalid, match=r"levels\[1\].min: leaves a gap"):
        save_tool_definition(data, actor=personas["admin"])
    assert not RiskTool.objects.exists()


def test_a_draft_is_not_offered_and_a_shipped_change_becomes_a_new_version(world, personas, monkeypatch):
    from safehub.risk import selectors, services

    draft = copy.deepcopy(shipped_definitions()[1])
    draft["code"], draft["name"] = "local_tool", "Local tool"
    save_tool_definition(draft, actor=personas["admin"], status=RiskTool.Status.DRAFT)
    assert [t.code for t in selectors.available_tools()] == ["rfm_child_exploitation", "seraf_sexual_exploitation"]
    rfm = tools()["rfm_child_exploitation"]
    complete_assessment(child=world.police_child, tool=rfm, answers=RFM_HIGH, actor=personas["mash_practitioner"],
                        now=NOW)
    shipped = (_edited_rfm(4), shipped_definitions()[1])
    monkeypatch.setattr(services, "shipped_definitions", lambda: shipped)
    assert [t.version for t in ensure_default_tools()] == [2, 1]
