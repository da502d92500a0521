"""Exact scores and levels on both shipped tools (sums written out so a change of weights shows here)."""

from __future__ import annotations

import pytest

from safehub.risk.definition import AnswersInvalid, CriticalHit, score_answers, validate_definition
from safehub.risk.services import shipped_definitions

from .fixtures import RFM_HIGH, rfm_answers


@pytest.fixture(scope="module")
def rfm():
    return validate_definition(shipped_definitions()[0])


@pytest.fixture(scope="module")
def seraf():
    return validate_definition(shipped_definitions()[1])


def seraf_answers(**changes):
    d = validate_definition(shipped_definitions()[1])
    return {**{q.id: q.answers[0].id for q in d.questions()}, **changes}


def test_rfm_shape(rfm):
    assert (len(rfm.sections), len(rfm.questions()), rfm.max_score()) == (8, 22, 89)
    assert [(lv.id, lv.min, lv.max) for lv in rfm.levels] == [
        ("low", 0, 9), ("medium", 10, 19), ("high", 20, 29), ("very_high", 30, None)
    ]


def test_rfm_sums_every_section(rfm):
    result = score_answers(rfm, RFM_HIGH)
    # missing 4+3+2, substances 1+0, associations 2+0+0, relationships 0+3+1, online 2+0+0, education 1+2,
    # money 2+0, wellbeing 0+0+1+0
    assert [s.counted for s in result.sections] == [9, 1, 2, 4, 2, 3, 2, 1]
    assert (result.score, result.score_level, result.computed_level, result.critical_hits) == (24, "high", "high", [])


@pytest.mark.parametrize(
    ("changes", "score", "level"),
    [
        ({}, 0, "low"),
        ({"missing_episodes": "four_or_more", "late_home": "often", "substance_use": "occasional"}, 9, "low"),
        ({"missing_episodes": "four_or_more", "late_home": "often", "substance_use": "occasional", "mood": "some"}, 10,
         "medium"),
        ({"group_links": "known", "controlled": "clear", "online_contact": "known", "injuries": "repeated"}, 20, "high"),
    ],
)
def test_rfm_level_boundaries(rfm, changes, score, level):
    result = score_answers(rfm, rfm_answers(**changes))
    assert (result.score, result.computed_level) == (score, level)


def test_rfm_critical_answers_raise_the_level_whatever_the_score(rfm):
    places = score_answers(rfm, rfm_answers(places_of_concern="once"))  # question shorthand: any answer above 0
    assert (places.score, places.score_level, places.computed_level) == (3, "low", "high")
    images = score_answers(rfm, rfm_answers(images_shared="yes_shared"))  # the tool's critical rule
    assert (images.score, images.computed_level) == (4, "high")
    disclosure = score_answers(rfm, rfm_answers(places_of_concern="once", disclosure="yes"))  # the answer's own
    assert (disclosure.score, disclosure.computed_level) == (9, "very_high")
    assert disclosure.critical_hits == [CriticalHit("places_of_concern", "once", "high"),
                                        CriticalHit("disclosure", "yes", "very_high")]


def test_rfm_every_highest_answer_scores_the_maximum(rfm):
    result = score_answers(rfm, {q.id: q.answers[-1].id for q in rfm.questions()})
    assert (result.score, result.computed_level) == (89, "very_high")


def test_seraf_caps_vulnerabilities_and_weights_recent_indicators(seraf):
    vulnerabilities = {q.id: "yes" for q in seraf.sections[0].questions}  # 7 ticked, capped at 5
    result = score_answers(seraf, seraf_answers(
        **vulnerabilities, staying_out="yes", substances="yes", distress="yes",  # 3
        controlling_adult="recent", gifts="earlier",  # 5 + 1
    ))
    assert [(s.raw, s.counted) for s in result.sections] == [(7, 5), (3, 3), (6, 6)]
    assert (result.score, result.computed_level) == (14, "moderate")
    assert "moderate" in seraf.panel_levels


@pytest.mark.parametrize(
    ("changes", "score", "level"),
    [
        ({}, 0, "no_apparent"),
        ({"abuse_history": "yes", "isolated": "yes", "recent_loss": "yes", "unstable_home": "yes"}, 4, "no_apparent"),
        ({"abuse_history": "yes", "isolated": "yes", "recent_loss": "yes", "unstable_home": "yes", "peers_exploited": "yes"},
         5, "mild"),
        ({"picked_up": "recent_and_earlier", "taken_to_addresses": "recent"}, 11, "moderate"),
        ({"picked_up": "recent_and_earlier", "taken_to_addresses": "recent", "sexual_images": "recent",
          "gifts": "earlier"}, 17, "moderate"),
        ({"picked_up": "recent_and_earlier", "taken_to_addresses": "recent", "sexual_images": "recent",
          "gifts": "recent_and_earlier"}, 22, "significant"),
    ],
)
def test_seraf_categories(seraf, changes, score, level):
    result = score_answers(seraf, seraf_answers(**changes))
    assert (result.score, result.computed_level) == (score, level)


def test_seraf_a_disclosure_even_long_ago_means_significant(seraf):
    result = score_answers(seraf, seraf_answers(disclosure="earlier"))
    assert (result.score, result.score_level, result.computed_level) == (1, "no_apparent", "significant")
    assert score_answers(seraf, {q.id: q.answers[-1].id for q in seraf.questions()}).score == 56


def test_answers_must_cover_every_question_with_known_ids(rfm):
    with pytest.raises(AnswersInvalid) as caught:
        score_answers(rfm, {**rfm_answers(mood="terrible", colour="blue"), "disclosure": None} | {"debt": "no"})
    got = [str(p) for p in caught.value.problems]
    assert "answers.mood: 'terrible' is not an answer to this question (choose one of no, some, serious)" in got
    assert "answers.colour: unknown question id" in got
    assert "answers.disclosure: None is not an answer to this question (choose one of no, yes)" in got
    with pytest.raises(AnswersInvalid, match="answers.late_home: not answered"):
        score_answers(rfm, {k: v for k, v in rfm_answers().items() if k != "late_home"})
