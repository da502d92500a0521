"""Risk pages: find a child, choose and complete a tool, the result, the child's risk history (timeline and chart, also as
a fragment for the child page), the overrides report, and the tool definitions with upload for administrators.

Every page about a child fetches it through `get_visible_or_404`, which audits the view once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from safehub.core.access import get_visible_or_404, requires
from safehub.core.audit import record_audit
from safehub.people.models import Child
from safehub.people.selectors import search_children

from .charts import tag_class
from .definition import DefinitionInvalid, score_answers
from .forms import AnswersForm, ChooseToolForm, OutcomeForm, ToolUploadForm
from .models import RiskTool
from .selectors import (
    available_tools,
    child_display_name,
    overrides_report,
    risk_history,
    tool_catalogue,
    visible_assessments,
)
from .services import AssessmentInvalid, complete_assessment, parse_tool_yaml, save_tool_definition


def _child(request, pk: int, action: str) -> Child:
    return get_visible_or_404(
        Child.objects.visible_to(request.user), request.user, pk=pk, action=action, purpose="Child exploitation risk"
    )


def _error_list(form) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the GOV.UK error summary, in the form's field order. The first radio of a group, and
    every other input, has the field's name as its id."""
    out = [("", e) for e in form.non_field_errors()]
    for name in form.fields:
        out += [(name, error) for error in form.errors.get(name, [])]
    return out


@login_required
@requires("risk.view_assessments")
def start(request):
    name = request.GET.get("name", "").strip()[:100]
    results = search_children(request.user, name=name) if name else []
    if name:
        record_audit(request.user, "child.search", object_type="people.child", purpose="Risk assessment",
                     detail={"name": name, "results": [hit.child_id for hit in results]})
    recent = list(visible_assessments(request.user).order_by("-completed_at", "-pk")[:10])
    return render(request, "risk/start.html", {"name": name, "results": results, "recent": recent,
                                               "can_complete": request.user.has_perm("risk.complete_assessment"),
                                               "partnership": request.user.reads_partnership_case_data})


@login_required
@requires("risk.view_assessments")
def child_history(request, pk: int):
    child = _child(request, pk, "risk.history.view")
    return render(request, "risk/child_history.html", {
        "history": risk_history(request.user, child),
        "can_complete": request.user.has_perm("risk.complete_assessment"),
    })


@login_required
@requires("risk.view_assessments")
def child_panel(request, pk: int):
    """The child's risk history as a fragment, for the child page to load with htmx (`hx-get`)."""
    child = _child(request, pk, "risk.history.view")
    return render(request, "risk/_child_panel.html", {
        "history": risk_history(request.user, child),
        "can_complete": request.user.has_perm("risk.complete_assessment"),
    })


@login_required
@requires("risk.complete_assessment")
def assess(request, pk: int):
    """Choose a tool (GET ?tool=), answer it, check the computed level and decide the final level, then complete."""
    child = _child(request, pk, "risk.assessment.start")
    tools = available_tools()
    source = request.POST if request.method == "POST" else request.GET
    if "tool" not in source:
        return render(request, "risk/choose_tool.html", {"child": child, "form": ChooseToolForm(tools=tools)})
    choose = ChooseToolForm(source, tools=tools)
    if not choose.is_valid():
        return render(request, "risk/choose_tool.html", {"child": child, "form": choose,
                                                         "errors": _error_list(choose)})
    tool = next(t for t in tools if t.code == choose.cleaned_data["tool"])
    definition = tool.parsed
    context = {"child": child, "tool": tool, "definition": definition}
    if request.method != "POST":
        return render(request, "risk/questions.html", {**context, "form": AnswersForm(definition=definition)})
    answers_form = AnswersForm(request.POST, definition=definition)
    valid = answers_form.is_valid()
    if request.POST.get("tool_version") != str(tool.pk):
        # An administrator published a new version while this one was being answered: score with the new one only
        # after the practitioner has seen its questions.
        answers_form.add_error(None, "This tool was updated while you were answering it. Check your answers and continue.")
        valid = False
    if not valid:
        return render(request, "risk/questions.html",
                      {**context, "form": answers_form, "errors": _error_list(answers_form)})
    answers = answers_form.answers()
    result = score_answers(definition, answers)
    step = request.POST.get("step")
    if step == "edit":
        return render(request, "risk/questions.html", {**context, "form": answers_form})
    context.update(
        answers=answers,
        result=result,
        computed=definition.level(result.computed_level),
        computed_tag=tag_class(definition.rank(result.computed_level), len(definition.levels)),
        score_level=definition.level(result.score_level),
        critical=[(definition.question(h.question_id), definition.level(h.at_least)) for h in result.critical_hits],
    )
    if step != "complete":
        form = OutcomeForm(definition=definition, computed_level=result.computed_level)
        return render(request, "risk/check.html", {**context, "form": form})
    outcome = OutcomeForm(request.POST, definition=definition, computed_level=result.computed_level)
    if outcome.is_valid():
        try:
            assessment = complete_assessment(
                child=child,
                tool=tool,
                answers=answers,
                final_level=outcome.cleaned_data["final_level"],
                override_reason=outcome.cleaned_data["override_reason"],
                caveat=outcome.cleaned_data["caveat"],
                actor=request.user,
                now=timezone.now(),
            )
        except AssessmentInvalid as error:
            for problem in error.problems:
                outcome.add_error(problem.path if problem.path in outcome.fields else None, problem.message)
        else:
            label = assessment.final_level_label
            messages.success(request, f"Assessment completed: {label}"
                             + (". The child is flagged for the next MACE panel." if assessment.flagged_for_panel else "."))
            return redirect("risk:assessment", assessment.pk)
    return render(request, "risk/check.html", {**context, "form": outcome, "errors": _error_list(outcome)})


@login_required
@requires("risk.view_assessments")
def assessment_detail(request, pk: int):
    assessment = get_visible_or_404(visible_assessments(request.user), request.user, pk=pk,
                                    action="risk.assessment.view", purpose="Child exploitation risk")
    definition = assessment.tool.parsed
    show_answers = assessment.answers_visible_to(request.user)
    sections = []
    if show_answers:
        for section in definition.sections:
            rows = []
            for question in section.questions:
                answer = question.answer(assessment.answers.get(question.id, ""))
                rows.append((question, answer))
            counted = next((s for s in assessment.section_scores if s["section"] == section.id), None)
            sections.append((section, rows, counted))
    critical = [(definition.question(h["question"]), definition.level(h["at_least"])) for h in assessment.critical_hits]
    return render(request, "risk/assessment.html", {
        "a": assessment, "definition": definition, "sections": sections, "show_answers": show_answers,
        "critical": critical, "child_name": child_display_name(request.user, assessment.child),
    })


@login_required
@requires("risk.view_overrides")
def overrides(request):
    page = Paginator(overrides_report(request.user), 50).get_page(request.GET.get("page"))
    record_audit(request.user, "risk.overrides.view", object_type="risk.riskassessment", purpose="Overrides report",
                 detail={"assessments": [a.pk for a in page]})
    return render(request, "risk/overrides.html", {"page": page})


@login_required
@requires("risk.view_tools")
def tools(request):
    return render(request, "risk/tools.html", {
        "tools": tool_catalogue(), "can_manage": request.user.has_perm("risk.manage_tools"),
    })


@login_required
@requires("risk.view_tools")
def tool_detail(request, pk: int):
    tool = get_visible_or_404(RiskTool.objects.all(), request.user, pk=pk, action="risk.tool.view")
    versions = RiskTool.objects.filter(code=tool.code).order_by("-version")
    return render(request, "risk/tool.html", {"tool": tool, "definition": tool.parsed, "versions": versions,
                                              "can_manage": request.user.has_perm("risk.manage_tools")})


@login_required
@requires("risk.manage_tools")
def upload_tool(request):
    form = ToolUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            data = parse_tool_yaml(form.cleaned_data["definition"].read())
            saved = save_tool_definition(data, actor=request.user, status=form.cleaned_data["status"])
        except DefinitionInvalid as error:
            problems = error.problems
        else:
            messages.success(request, {
                "created": f"{saved.tool.name} added as version {saved.tool.version}.",
                "new_version": f"{saved.tool.name} saved as version {saved.tool.version}. Assessments already completed "
                               "keep the version they used.",
                "updated": f"{saved.tool.name} version {saved.tool.version} updated (it had not been used yet).",
                "unchanged": f"{saved.tool.name} is unchanged.",
            }[saved.outcome])
            return redirect("risk:tool", saved.tool.pk)
    errors = _error_list(form) if form.is_bound else []
    errors += [("definition", str(p)) for p in problems]
    return render(request, "risk/upload_tool.html", {"form": form, "errors": errors, "problems": problems})

