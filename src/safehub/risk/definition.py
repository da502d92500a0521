"""A risk tool as data: the validated shape of a definition, and scoring a set of answers against it.

Pure Python (pydantic, no database), so a definition can be checked before anything is stored, and scoring can be tested
with exact values. Every problem is reported with the key path a person editing the YAML can find, e.g.
`sections[1].questions[3].answers[0].weight: must be a number`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_PANEL_LEVELS = ("high", "very_high")
YAML_BOOLEAN = 'must be text: YAML reads unquoted yes/no/on/off as true/false, so put it in quotes ("no")'


def _whole_number(value: Any) -> int:
    # YAML turns `yes` into True and pydantic would happily read it as 1: a weight must be written as a number.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("not_a_number", "must be a number")
    if isinstance(value, float) and not value.is_integer():
        raise PydanticCustomError("not_whole", "must be a whole number")
    if value < 0:
        raise PydanticCustomError("negative", "must be 0 or more")
    return int(value)


def _identifier(value: Any) -> str:
    if isinstance(value, bool):
        raise PydanticCustomError("yaml_boolean", YAML_BOOLEAN)
    if not isinstance(value, str):
        raise PydanticCustomError("not_text", "must be text")
    if not IDENTIFIER.match(value):
        raise PydanticCustomError(
            "bad_identifier", f"must start with a lower-case letter and use only a-z, 0-9 and _ (got {value!r})"
        )
    return value


Number = Annotated[int, BeforeValidator(_whole_number)]
Identifier = Annotated[str, BeforeValidator(_identifier)]
Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnswerDef(_Strict):
    id: Identifier
    text: Text
    weight: Number
    critical: Identifier | None = None  # choosing this answer forces at least this level


class QuestionDef(_Strict):
    id: Identifier
    text: Text
    help: str = ""
    answers: list[AnswerDef] = Field(min_length=2)
    # Shorthand: any answer with a weight above 0 forces at least this level (an answer's own `critical` wins).
    critical: Identifier | None = None

    def answer(self, answer_id: str) -> AnswerDef | None:
        return next((a for a in self.answers if a.id == answer_id), None)


class SectionDef(_Strict):
    id: Identifier
    title: Text
    help: str = ""
    cap: Number | None = None  # the most this section can add to the total
    questions: list[QuestionDef] = Field(min_length=1)


class LevelDef(_Strict):
    id: Identifier
    label: Text
    min: Number
    max: Number | None = None  # only the last level may be open-ended ("30 and above")
    description: str = ""

    @property
    def range_label(self) -> str:
        return f"{self.min} and above" if self.max is None else f"{self.min} to {self.max}"


class CriticalRule(_Strict):
    question: Identifier
    answers: list[Identifier] = Field(min_length=1)
    at_least: Identifier


class ToolDefinition(_Strict):
    code: Identifier
    name: Text
    description: str = ""
    source: str = ""
    sections: list[SectionDef] = Field(min_length=1)
    levels: list[LevelDef] = Field(min_length=2)
    flag_for_panel: list[Identifier] | None = None
    critical: list[CriticalRule] = []

    # ---- lookups -------------------------------------------------------------------------------------------------
    def questions(self) -> list[QuestionDef]:
        return [q for s in self.sections for q in s.questions]

    def question(self, question_id: str) -> QuestionDef | None:
        return next((q for q in self.questions() if q.id == question_id), None)

    def level(self, level_id: str) -> LevelDef | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)

    def rank(self, level_id: str) -> int:
        """0 for the lowest level, upwards; -1 for an unknown level."""
        return next((i for i, lv in enumerate(self.levels) if lv.id == level_id), -1)

    def level_for_score(self, score: int) -> LevelDef:
        for lv in self.levels:
            if score >= lv.min and (lv.max is None or score <= lv.max):
                return lv
        return self.levels[-1]  # unreachable for a validated definition: the levels cover every possible score

    @property
    def panel_levels(self) -> tuple[str, ...]:
        """Final levels that put the child on the next MACE panel: as declared, else high/very_high, else the top level."""
        if self.flag_for_panel is not None:
            return tuple(self.flag_for_panel)
        named = tuple(lv.id for lv in self.levels if lv.id in DEFAULT_PANEL_LEVELS)
        return named or (self.levels[-1].id,)

    def max_score(self) -> int:
        total = 0
        for section in self.sections:
            best = sum(max(a.weight for a in q.answers) for q in section.questions)
            total += best if section.cap is None else min(best, section.cap)
        return total

    def critical_for(self, question: QuestionDef, answer: AnswerDef) -> list[str]:
        """Levels this answer forces, from the answer, its question's shorthand and the tool's critical rules."""
        forced = []
        if answer.critical:
            forced.append(answer.critical)
        elif question.critical and answer.weight > 0:
            forced.append(question.critical)
        forced += [r.at_least for r in self.critical if r.question == question.id and answer.id in r.answers]
        return forced


@dataclass(frozen=True)
class Problem:
    """One thing wrong, at a key path (`sections[0].questions[2].id`) or a form/API field (`answers.missing_often`)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DefinitionInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class AnswersInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# ---- validation ---------------------------------------------------------------------------------------------------

_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a recognised key (check the spelling)",
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "dict_type": "must be a mapping of keys to values",
}


def path_of(loc: tuple | list) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: dict) -> str:
    kind = error["type"]
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        n = error.get("ctx", {}).get("min_length", 1)
        return f"must have at least {n} item{'s' if n != 1 else ''}"
    if kind == "string_type" and isinstance(error.get("input"), bool):
        return YAML_BOOLEAN
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    return error["msg"]


def validate_definition(data: Any) -> ToolDefinition:
    """Parse and check a definition (a dict, e.g. from YAML). Raises `DefinitionInvalid` listing every problem found."""
    if not isinstance(data, dict):
        raise DefinitionInvalid([Problem("", "a tool definition must be a mapping with code, name, sections and levels")])
    try:
        definition = ToolDefinition.model_validate(data)
    except ValidationError as error:
        raise DefinitionInvalid(
            [Problem(path_of(e["loc"]), _message(e)) for e in error.errors(include_url=False)]
        ) from None
    problems = _duplicates(definition) + _level_problems(definition) + _reference_problems(definition)
    if problems:
        raise DefinitionInvalid(problems)
    return definition


def _duplicates(d: ToolDefinition) -> list[Problem]:
    problems: list[Problem] = []

    def check(seen: dict[str, str], key: str, path: str, what: str) -> None:
        if key in seen:
            problems.append(Problem(path, f"duplicate {what} id {key!r} (also at {seen[key]})"))
        else:
            seen[key] = path

    sections: dict[str, str] = {}
    questions: dict[str, str] = {}
    for s, section in enumerate(d.sections):
        check(sections, section.id, f"sections[{s}].id", "section")
        for q, question in enumerate(section.questions):
            check(questions, question.id, f"sections[{s}].questions[{q}].id", "question")
            answers: dict[str, str] = {}
            for a, answer in enumerate(question.answers):
                check(answers, answer.id, f"sections[{s}].questions[{q}].answers[{a}].id", "answer")
    levels: dict[str, str] = {}
    for i, level in enumerate(d.levels):
        check(levels, level.id, f"levels[{i}].id", "level")
    return problems


def _level_problems(d: ToolDefinition) -> list[Problem]:
    """Levels must run from 0 upwards with no gap and no overlap, and reach the highest possible score."""
    problems: list[Problem] = []
    levels = d.levels
    if levels[0].min != 0:
        problems.append(Problem("levels[0].min", f"the lowest level must start at 0 (got {levels[0].min})"))
    for i, level in enumerate(levels):
        if level.max is not None and level.max < level.min:
            problems.append(Problem(f"levels[{i}].max", f"must not be below min ({level.min})"))
        if level.max is None and i < len(levels) - 1:
            problems.append(Problem(f"levels[{i}].max", "only the last level may be open-ended"))
            continue
        if i == 0:
            continue
        before = levels[i - 1]
        if before.max is None or before.max < before.min:  # already reported
            continue
        if level.min <= before.max:
            problems.append(
                Problem(f"levels[{i}].min", f"overlaps levels[{i - 1}] ({before.id}: {before.range_label}); "
                                            f"start at {before.max + 1}")
            )
        elif level.min > before.max + 1:
            gap = f"{before.max + 1}" if level.min == before.max + 2 else f"{before.max + 1} to {level.min - 1}"
            problems.append(
                Problem(f"levels[{i}].min", f"leaves a gap after levels[{i - 1}] ({before.id}): a score of {gap} "
                                            f"has no level; start at {before.max + 1}")
            )
    top = levels[-1]
    if top.max is not None and not problems and top.max < d.max_score():
        problems.append(
            Problem(f"levels[{len(levels) - 1}].max",
                    f"the highest possible score is {d.max_score()}, above this level's max ({top.max}); "
                    "leave max out to make the top level open-ended")
        )
    return problems


def _reference_problems(d: ToolDefinition) -> list[Problem]:
    problems: list[Problem] = []
    level_ids = [lv.id for lv in d.levels]
    known = ", ".join(level_ids)

    def level_ref(path: str, level_id: str | None) -> None:
        if level_id is not None and level_id not in level_ids:
            problems.append(Problem(path, f"unknown level {level_id!r} (levels are {known})"))

    for s, section in enumerate(d.sections):
        for q, question in enumerate(section.questions):
            level_ref(f"sections[{s}].questions[{q}].critical", question.critical)
            for a, answer in enumerate(question.answers):
                level_ref(f"sections[{s}].questions[{q}].answers[{a}].critical", answer.critical)
    for i, level_id in enumerate(d.flag_for_panel or []):
        level_ref(f"flag_for_panel[{i}]", level_id)
    for r, rule in enumerate(d.critical):
        level_ref(f"critical[{r}].at_least", rule.at_least)
        question = d.question(rule.question)
        if question is None:
            problems.append(Problem(f"critical[{r}].question", f"unknown question {rule.question!r}"))
            continue
        for a, answer_id in enumerate(rule.answers):
            if question.answer(answer_id) is None:
                choices = ", ".join(x.id for x in question.answers)
                problems.append(
                    Problem(f"critical[{r}].answers[{a}]",
                            f"unknown answer {answer_id!r} to question {question.id!r} (answers are {choices})")
                )
    return problems


# ---- scoring --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    title: str
    raw: int
    counted: int  # after the section's cap


@dataclass(frozen=True)
class CriticalHit:
    question_id: str
    answer_id: str
    at_least: str


@dataclass(frozen=True)
class ScoreResult:
    score: int
    sections: list[SectionScore]
    score_level: str  # the level the score alone reaches
    computed_level: str  # after critical answers raised it
    critical_hits: list[CriticalHit] = field(default_factory=list)


def answer_problems(d: ToolDefinition, answers: Any) -> list[Problem]:
    """What is wrong with a set of answers (question id → answer id): unknown questions, unknown answers, gaps."""
    if not isinstance(answers, dict):
        return [Problem("answers", "must be a mapping of question id to answer id")]
    problems = []
    for question_id, answer_id in answers.items():
        question = d.question(str(question_id))
        if question is None:
            problems.append(Problem(f"answers.{question_id}", "unknown question id"))
        elif not isinstance(answer_id, str) or question.answer(answer_id) is None:
            choices = ", ".join(a.id for a in question.answers)
            problems.append(Problem(f"answers.{question_id}", f"{answer_id!r} is not an answer to this question "
                                                              f"(choose one of {choices})"))
    for question in d.questions():
        if question.id not in answers:
            problems.append(Problem(f"answers.{question.id}", "not answered"))
    return problems


def score_answers(d: ToolDefinition, answers: dict[str, str]) -> ScoreResult:
    """Sum the chosen answers' weights (each section capped if it has a cap), find the level, and apply critical answers.

    Raises `AnswersInvalid` if any question is unanswered or an id is unknown.
    """
    problems = answer_problems(d, answers)
    if problems:
        raise AnswersInvalid(problems)
    sections, hits = [], []
    for section in d.sections:
        raw = 0
        for question in section.questions:
            answer = question.answer(answers[question.id])
            raw += answer.weight
            hits += [CriticalHit(question.id, answer.id, level) for level in d.critical_for(question, answer)]
        sections.append(SectionScore(section.id, section.title, raw, raw if section.cap is None else min(raw, section.cap)))
    total = sum(s.counted for s in sections)
    score_level = d.level_for_score(total).id
    computed = max([score_level, *(h.at_least for h in hits)], key=d.rank)
    return ScoreResult(total, sections, score_level, computed, hits)
