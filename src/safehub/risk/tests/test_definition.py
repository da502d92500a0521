"""A tool definition is rejected early, with every problem named by its key path (no database needed)."""

from __future__ import annotations

import copy

import pytest

from safehub.risk.definition import DefinitionInvalid, validate_definition
from safehub.risk.services import parse_tool_yaml, shipped_definitions


def answers(*weights):
    return [{"id": f"a{i}", "text": f"Answer {i}", "weight": w} for i, w in enumerate(weights)]


def minimal() -> dict:
    """Two sections; the second has four questions, so `sections[1].questions[3]` exists. Highest score 10."""
    return {
        "code": "test_tool",
        "name": "Test tool",
        "sections": [
            {"id": "one", "title": "One", "questions": [{"id": "q1", "text": "Q1", "answers": answers(0, 2)}]},
            {"id": "two", "title": "Two", "questions": [
                {"id": f"q{n}", "text": f"Q{n}", "answers": answers(0, 2)} for n in (2, 3, 4, 5)
            ]},
        ],
        "levels": [
            {"id": "low", "label": "Low", "min": 0, "max": 3},
            {"id": "medium", "label": "Medium", "min": 4, "max": 6},
            {"id": "high", "label": "High", "min": 7},
        ],
    }


def problems(data) -> list[str]:
    with pytest.raises(DefinitionInvalid) as caught:
        validate_definition(data)
    return [str(p) for p in caught.value.problems]


def changed(path_and_value: list[tuple[tuple, object]]) -> dict:
    data = copy.deepcopy(minimal())
    for path, value in path_and_value:
        target = data
        for key in path[:-1]:
            target = target[key]
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return data


DELETE = object()
WEIGHT = ("sections", 1, "questions", 3, "answers", 0, "weight")


def test_the_minimal_and_shipped_definitions_are_valid():
    assert validate_definition(minimal()).max_score() == 10
    assert [d["code"] for d in shipped_definitions()] == ["rfm_child_exploitation", "seraf_sexual_exploitation"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("three", "sections[1].questions[3].answers[0].weight: must be a number"),
        (None, "sections[1].questions[3].answers[0].weight: must be a number"),
        (True, "sections[1].questions[3].answers[0].weight: must be a number"),  # YAML `yes`
        (2.5, "sections[1].questions[3].answers[0].weight: must be a whole number"),
        (-1, "sections[1].questions[3].answers[0].weight: must be 0 or more"),
    ],
)
def test_weights_must_be_whole_numbers(value, message):
    assert problems(changed([(WEIGHT, value)])) == [message]


def test_a_weight_written_as_a_whole_float_is_accepted():
    assert validate_definition(changed([(WEIGHT, 2.0)])).sections[1].questions[3].answers[0].weight == 2


def test_missing_and_unknown_keys():
    assert problems(changed([(("name",), DELETE), (("sections", 0, "questions", 0, "colour"), "red")])) == [
        "name: is required",
        "sections[0].questions[0].colour: is not a recognised key (check the spelling)",
    ]


def test_ids_must_be_identifiers_and_yaml_booleans_are_explained():
    assert problems(changed([(("sections", 0, "id"), "Section One")])) == [
        "sections[0].id: must start with a lower-case letter and use only a-z, 0-9 and _ (got 'Section One')"
    ]
    message = problems(changed([(("sections", 0, "questions", 0, "answers", 0, "id"), False)]))[0]
    assert message.startswith("sections[0].questions[0].answers[0].id: must be text: YAML reads unquoted yes/no")


def test_a_question_needs_two_answers_and_a_tool_a_section():
    assert problems(changed([(("sections", 0, "questions", 0, "answers"), answers(0))])) == [
        "sections[0].questions[0].answers: must have at least 2 items"
    ]
    assert problems(changed([(("sections",), [])])) == ["sections: must have at least 1 item"]


def test_duplicate_ids_name_both_places():
    data = changed([
        (("sections", 1, "id"), "one"),
        (("sections", 1, "questions", 3, "id"), "q1"),
        (("sections", 1, "questions", 0, "answers", 1, "id"), "a0"),
        (("levels", 2, "id"), "low"),
    ])
    assert problems(data) == [
        "sections[1].id: duplicate section id 'one' (also at sections[0].id)",
        "sections[1].questions[0].answers[1].id: duplicate answer id 'a0' (also at sections[1].questions[0].answers[0].id)",
        "sections[1].questions[3].id: duplicate question id 'q1' (also at sections[0].questions[0].id)",
        "levels[2].id: duplicate level id 'low' (also at levels[0].id)",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ([(("levels", 1, "min"), 3)], "levels[1].min: overlaps levels[0] (low: 0 to 3); start at 4"),
        ([(("levels", 1, "min"), 6)], "levels[1].min: leaves a gap after levels[0] (low): a score of 4 to 5 has no level; "
                                      "start at 4"),
        ([(("levels", 0, "min"), 1)], "levels[0].min: the lowest level must start at 0 (got 1)"),
        ([(("levels", 1, "max"), 3)], "levels[1].max: must not be below min (4)"),
        ([(("levels", 0, "max"), DELETE)], "levels[0].max: only the last level may be open-ended"),
        ([(("levels", 2, "max"), 8)], "levels[2].max: the highest possible score is 10, above this level's max (8); leave "
                                      "max out to make the top level open-ended"),
    ],
)
def test_levels_are_contiguous_from_zero_and_cover_every_score(changes, message):
    assert problems(changed(changes)) == [message]


def test_a_capped_section_lowers_the_highest_possible_score():
    assert problems(changed([(("levels", 2, "max"), 8)]))
    data = changed([(("sections", 1, "cap"), 6), (("levels", 2, "max"), 8)])
    assert validate_definition(data).max_score() == 8


def test_references_to_unknown_questions_answers_and_levels():
    data = changed([
        (("critical",), [
            {"question": "q9", "answers": ["a1"], "at_least": "high"},
            {"question": "q2", "answers": ["a7"], "at_least": "severe"},
        ]),
        (("sections", 0, "questions", 0, "critical"), "extreme"),
        (("sections", 1, "questions", 0, "answers", 1, "critical"), "urgent"),
        (("flag_for_panel",), ["high", "red"]),
    ])
    assert problems(data) == [
        "sections[0].questions[0].critical: unknown level 'extreme' (levels are low, medium, high)",
        "sections[1].questions[0].answers[1].critical: unknown level 'urgent' (levels are low, medium, high)",
        "flag_for_panel[1]: unknown level 'red' (levels are low, medium, high)",
        "critical[0].question: unknown question 'q9'",
        "critical[1].at_least: unknown level 'severe' (levels are low, medium, high)",
        "critical[1].answers[0]: unknown answer 'a7' to question 'q2' (answers are a0, a1)",
    ]


def test_not_a_mapping_and_unreadable_yaml():
    assert problems(["a list"]) == ["a tool definition must be a mapping with code, name, sections and levels"]
    with pytest.raises(DefinitionInvalid) as caught:
        parse_tool_yaml("code: x\nsections: [\n  - broken")
    assert str(caught.value).startswith("the file could not be read as YAML at line")
    with pytest.raises(DefinitionInvalid, match="UTF-8"):
        parse_tool_yaml(b"\xff\xfe")


def test_panel_levels_default_to_high_and_very_high_or_the_top_level():
    assert validate_definition(minimal()).panel_levels == ("high",)
    data = changed([(("levels", 2, "id"), "severe")])
    assert validate_definition(data).panel_levels == ("severe",)
    assert validate_definition(changed([(("flag_for_panel",), ["medium", "high"])])).panel_levels == ("medium", "high")
