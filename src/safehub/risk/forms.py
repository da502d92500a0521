"""Forms for choosing a tool, answering it, deciding the final level and uploading a definition. Templates render them
with GOV.UK markup; every error names the question or field it belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from safehub.core.caveats import Caveat

from .definition import AnswerDef, Problem, QuestionDef, SectionDef, ToolDefinition
from .models import RiskTool


class ChooseToolForm(forms.Form):
    tool = forms.ChoiceField(error_messages={"required": "Select a risk tool", "invalid_choice": "Select a risk tool"})

    def __init__(self, *args, tools: list[RiskTool], **kwargs):
        super().__init__(*args, **kwargs)
        self.tools = tools
        self.fields["tool"].choices = [(t.code, t.name) for t in tools]


def field_name(question_id: str) -> str:
    return f"q-{question_id}"


@dataclass
class QuestionRow:
    question: QuestionDef
    name: str
    value: str
    errors: list[str]
    number: int

    @property
    def answers(self) -> list[AnswerDef]:
        return self.question.answers


@dataclass
class SectionRows:
    section: SectionDef
    questions: list[QuestionRow]


class AnswersForm(forms.Form):
    """One required choice per question, named `q-<question id>`."""

    def __init__(self, *args, definition: ToolDefinition, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        for question in definition.questions():
            self.fields[field_name(question.id)] = forms.ChoiceField(
                choices=[(a.id, a.text) for a in question.answers],
                error_messages={
                    "required": f"Select an answer for: {question.text}",
                    "invalid_choice": f"Select one of the answers for: {question.text}",
                },
            )

    def answers(self) -> dict[str, str]:
        return {q.id: self.cleaned_data[field_name(q.id)] for q in self.definition.questions()}

    def raw_answers(self) -> dict[str, str]:
        return {q.id: self.data.get(field_name(q.id), "") for q in self.definition.questions()}

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            name = field_name(problem.path.removeprefix("answers.")) if problem.path.startswith("answers.") else None
            self.add_error(name if name in self.fields else None, problem.message)

    def sections(self) -> list[SectionRows]:
        rows, number = [], 0
        for section in self.definition.sections:
            questions = []
            for question in section.questions:
                number += 1
                name = field_name(question.id)
                value = self.data.get(name, "") if self.is_bound else ""
                errors = list(self.errors.get(name, [])) if self.is_bound else []
                questions.append(QuestionRow(question, name, value, errors, number))
            rows.append(SectionRows(section, questions))
        return rows


class OutcomeForm(forms.Form):
    """The practitioner's decision on the level, with the reason when it differs from the computed level."""

    final_level = forms.ChoiceField(error_messages={"required": "Select the final level"})
    override_reason = forms.CharField(required=False, max_length=2000, error_messages={
        "max_length": "The reason must be 2,000 characters or fewer"})
    caveat = forms.ChoiceField(choices=Caveat.choices, initial=Caveat.PARTNERSHIP,
                               error_messages={"required": "Select who may see this assessment"})

    def __init__(self, *args, definition: ToolDefinition, computed_level: str, **kwargs):
        kwargs.setdefault("initial", {"final_level": computed_level, "caveat": Caveat.PARTNERSHIP})
        super().__init__(*args, **kwargs)
        self.definition, self.computed_level = definition, computed_level
        self.fields["final_level"].choices = [(lv.id, lv.label) for lv in definition.levels]

    def clean(self):
        data = super().clean()
        if data.get("final_level") and data["final_level"] != self.computed_level and not data.get(
            "override_reason", ""
        ).strip():
            self.add_error("override_reason", "Enter why you chose a different level from the one the answers give")
        return data

    def value(self, name: str) -> str:
        return self[name].value() or ""


class ToolUploadForm(forms.Form):
    definition = forms.FileField(
        error_messages={"required": "Choose a YAML file with the tool definition", "empty": "The file is empty"}
    )
    status = forms.ChoiceField(
        choices=[(RiskTool.Status.ACTIVE, "In use now"), (RiskTool.Status.DRAFT, "Draft: not yet available")],
        initial=RiskTool.Status.ACTIVE,
        error_messages={"required": "Select whether practitioners can use the tool now"},
    )
