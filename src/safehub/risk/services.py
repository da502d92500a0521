"""Changes to risk tools and assessments. Each public function runs in a transaction and writes the audit trail; completing
an assessment also writes the child's events (`risk.assessment`, and `risk.flag_mace` when the level puts the child on the
next MACE panel)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.people.models import Child, Event
from safehub.people.services import record_event

from .definition import AnswersInvalid, DefinitionInvalid, Problem, answer_problems, score_answers, validate_definition
from .models import RiskAssessment, RiskTool

SHIPPED_TOOLS_DIR = Path(__file__).resolve().parent / "tools"
MAX_UPLOAD_BYTES = 256 * 1024


class AssessmentInvalid(ValueError):
    """The assessment cannot be completed as asked; `problems` name the field (`answers.<question>`, `final_level`...)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# ---- tools ----------------------------------------------------------------------------------------------------------


def parse_tool_yaml(text: str | bytes) -> dict:
    """Read a tool definition from YAML text; raises `DefinitionInvalid` for YAML that cannot be read."""
    if isinstance(text, bytes):
        if len(text) > MAX_UPLOAD_BYTES:
            raise DefinitionInvalid([Problem("", f"the file is larger than {MAX_UPLOAD_BYTES // 1024} KB")])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise DefinitionInvalid([Problem("", "the file must be UTF-8 text (a .yaml file)")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "it is not valid YAML"
        raise DefinitionInvalid([Problem("", f"the file could not be read as YAML{where}: {problem}")]) from None
    return data


@dataclass(frozen=True)
class ToolSaved:
    tool: RiskTool
    outcome: str  # "created" (new code), "new_version" (the last one was in use), "updated" (not yet used), "unchanged"


def _store_tool(data: Any, *, status: str, source: str, actor=None) -> ToolSaved:
    definition = validate_definition(data)
    stored = definition.model_dump(mode="json", exclude_defaults=True)
    latest = RiskTool.objects.select_for_update().filter(code=definition.code).order_by("-version").first()
    if latest is not None and latest.definition == stored and latest.name == definition.name:
        if latest.status != status:
            latest.status = status
            latest.save(update_fields=["status"])
            _retire_others(latest)
            return ToolSaved(latest, "updated")
        return ToolSaved(latest, "unchanged")
    if latest is not None and not latest.is_frozen:
        latest.definition, latest.name, latest.status, latest.source = stored, definition.name, status, source
        latest.save()
        outcome, tool = "updated", latest
    else:
        tool = RiskTool.objects.create(
            code=definition.code,
            version=latest.version + 1 if latest else 1,
            name=definition.name,
            definition=stored,
            status=status,
            source=source,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        outcome = "new_version" if latest else "created"
    _retire_others(tool)
    return ToolSaved(tool, outcome)


def _retire_others(tool: RiskTool) -> None:
    # One version of a tool is in use at a time; older versions stay for the assessments that used them.
    if tool.status == RiskTool.Status.ACTIVE:
        RiskTool.objects.filter(code=tool.code, status=RiskTool.Status.ACTIVE).exclude(pk=tool.pk).update(
            status=RiskTool.Status.RETIRED
        )


@transaction.atomic
def save_tool_definition(
    data: Any, *, actor, status: str = RiskTool.Status.ACTIVE, source: str = RiskTool.Source.UPLOADED
) -> ToolSaved:
    """Validate a definition and store it: a new tool, the next version of a tool already used in an assessment (so old
    assessments keep the version they were scored with), or an edit of a version not yet used. Making a version active
    retires the others of the same code. Raises `DefinitionInvalid`. Audits `risk.tool.saved`."""
    saved = _store_tool(data, status=status, source=source, actor=actor)
    record_audit(
        actor,
        "risk.tool.saved",
        saved.tool,
        detail={"code": saved.tool.code, "version": saved.tool.version, "status": saved.tool.status,
                "outcome": saved.outcome},
    )
    return saved


@lru_cache(maxsize=1)
def shipped_definitions() -> tuple[dict, ...]:
    """The tools in `risk/tools/*.yaml`, validated and normalised as they are stored."""
    return tuple(
        validate_definition(parse_tool_yaml(path.read_text(encoding="utf-8"))).model_dump(mode="json", exclude_defaults=True)
        for path in sorted(SHIPPED_TOOLS_DIR.glob("*.yaml"))
    )


def ensure_default_tools() -> list[RiskTool]:
    """Make sure the tools shipped in `risk/tools/*.yaml` exist (get-or-create, so a flushed test database or a fresh
    install has them without a data migration). A shipped tool an administrator has since replaced by an upload is left
    alone; a changed shipped file becomes its next version. Not audited: like a migration, it changes no one's data and
    is the same on every install; an administrator's upload is audited (`save_tool_definition`)."""
    latest = {t.code: t for t in RiskTool.objects.latest_versions()}
    stale = [
        data for data in shipped_definitions()
        if data["code"] not in latest
        or (latest[data["code"]].source == RiskTool.Source.SHIPPED and latest[data["code"]].definition != data)
    ]
    for data in stale:
        previous = latest.get(data["code"])
        try:
            with transaction.atomic():
                status = previous.status if previous is not None else RiskTool.Status.ACTIVE
                latest[data["code"]] = _store_tool(data, status=status, source=RiskTool.Source.SHIPPED).tool
        except IntegrityError:  # another request stored it a moment ago
            latest[data["code"]] = RiskTool.objects.filter(code=data["code"]).order_by("-version").first()
    return [latest[data["code"]] for data in shipped_definitions()]


# ---- assessments ----------------------------------------------------------------------------------------------------


def _significance(tool: RiskTool, final_level: str) -> int:
    definition = tool.parsed
    if final_level in definition.panel_levels:
        return Event.Significance.SIGNIFICANT
    if definition.rank(final_level) == 0:
        return Event.Significance.ROUTINE
    return Event.Significance.NOTABLE


def check_assessment(tool: RiskTool, answers: Any, final_level: str | None, override_reason: str) -> list[Problem]:
    """Every reason the assessment cannot be completed as given (used by the service, the form and the API)."""
    definition = tool.parsed
    problems = []
    if tool.status != RiskTool.Status.ACTIVE:
        problems.append(Problem("tool", f"{tool} is not in use; choose a tool that is"))
    problems += answer_problems(definition, answers)
    if final_level and definition.level(final_level) is None:
        choices = ", ".join(lv.id for lv in definition.levels)
        problems.append(Problem("final_level", f"unknown level {final_level!r} (choose one of {choices})"))
    elif final_level and not problems:
        computed = score_answers(definition, answers).computed_level
        if final_level != computed and not override_reason.strip():
            problems.append(
                Problem("override_reason", "Enter why you chose a different level from the one the answers give")
            )
    return problems


@transaction.atomic
def complete_assessment(
    *,
    child: Child,
    tool: RiskTool,
    answers: dict[str, str],
    actor,
    now,
    final_level: str | None = None,
    override_reason: str = "",
    caveat: str = Caveat.PARTNERSHIP,
) -> RiskAssessment:
    """Score the answers with this tool version, record the practitioner's final level (the computed level unless they
    chose another, which needs a reason), and freeze the version. Writes the child's `risk.assessment` event (significance
    by level) and, when the final level is one the tool flags for panel, a `risk.flag_mace` event. Raises
    `AssessmentInvalid` naming each bad field. Audits `risk.assessment.completed`."""
    if not actor.has_perm("risk.complete_assessment"):
        raise PermissionDenied("Your role does not include completing risk assessments")
    if actor.agency_id is None:
        raise AssessmentInvalid([Problem("completed_by", "you need an agency in safehub to complete an assessment")])
    if caveat not in Caveat.values:
        raise AssessmentInvalid([Problem("caveat", f"unknown caveat {caveat!r}")])
    # Lock the version so an administrator's edit cannot slip between scoring and freezing.
    tool = RiskTool.objects.select_for_update().get(pk=tool.pk)
    problems = check_assessment(tool, answers, final_level, override_reason)
    if problems:
        raise AssessmentInvalid(problems)
    definition = tool.parsed
    try:
        result = score_answers(definition, answers)
    except AnswersInvalid as error:  # pragma: no cover - check_assessment has already reported these
        raise AssessmentInvalid(error.problems) from None
    final = final_level or result.computed_level
    if tool.frozen_at is None:
        RiskTool.objects.filter(pk=tool.pk, frozen_at__isnull=True).update(frozen_at=now)
    assessment = RiskAssessment.objects.create(
        child=child,
        tool=tool,
        answers=dict(answers),
        score=result.score,
        section_scores=[
            {"section": s.section_id, "title": s.title, "raw": s.raw, "counted": s.counted} for s in result.sections
        ],
        score_level=result.score_level,
        critical_hits=[
            {"question": h.question_id, "answer": h.answer_id, "at_least": h.at_least} for h in result.critical_hits
        ],
        computed_level=result.computed_level,
        final_level=final,
        final_rank=definition.rank(final),
        override_reason=override_reason.strip() if final != result.computed_level else "",
        flagged_for_panel=final in definition.panel_levels,
        agency=actor.agency,
        caveat=caveat,
        completed_by=actor,
        completed_at=now,
    )
    label = definition.level(final).label
    record_event(
        agency=actor.agency,
        type="risk.assessment",
        occurred_at=now,
        precision=Event.Precision.EXACT,
        title=f"{tool.name}: {label}",
        summary=f"Score {result.score}; the answers give {definition.level(result.computed_level).label}"
        + (f"; final level {label} chosen by the practitioner." if assessment.is_override else "."),
        child=child,
        significance=_significance(tool, final),
        caveat=caveat,
        detail=assessment,
        actor=actor,
    )
    if assessment.flagged_for_panel:
        record_event(
            agency=actor.agency,
            type="risk.flag_mace",
            occurred_at=now,
            precision=Event.Precision.EXACT,
            title=f"Flagged for the next MACE panel: {label} on {tool.name}",
            child=child,
            significance=Event.Significance.SIGNIFICANT,
            caveat=caveat,
            detail=assessment,
            actor=actor,
        )
    record_audit(
        actor,
        "risk.assessment.completed",
        assessment,
        detail={
            "child": child.pk,
            "tool": tool.code,
            "version": tool.version,
            "score": result.score,
            "computed_level": result.computed_level,
            "final_level": final,
            "override": assessment.is_override,
            "flagged_for_panel": assessment.flagged_for_panel,
        },
    )
    return assessment
