"""Learning and assurance pages. Every page declares its permission; rows holding personal data are fetched through
`visible_to` with `get_visible_or_404`; changes go through the services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safehub.core.access import get_visible_or_404, requires
from safehub.core.audit import record_audit
from safehub.core.roles import Role
from safehub.meetings.models import Action
from safehub.people.models import Child
from safehub.performance.models import AssessmentRound

from . import documents, services
from .forms import (
    AnnualReportStartForm,
    AuditAnswerForm,
    AuditForm,
    ChallengeForm,
    CloseAuditForm,
    EvidenceForm,
    ImprovementActionForm,
    MilestoneForm,
    NotificationForm,
    PlanForm,
    PrivateFosteringForm,
    ProgressForm,
    RecommendationForm,
    ReturnForm,
    ReviewStageForm,
    RoundForm,
    SessionForm,
    TrackedActionForm,
    VisitForm,
)
from .models import (
    AnnualReport,
    AuditAnswer,
    AuditCase,
    CaseAudit,
    CaseReview,
    CaseReviewSubject,
    Course,
    CourseSession,
    ImprovementAction,
    ImprovementPlan,
    PrivateFosteringArrangement,
    Recommendation,
    Section11Return,
    TrackedAction,
)
from .selectors import (
    annual_report_data,
    attendance_by_agency_and_role,
    grade_summary,
    may_respond,
    private_fostering_counts,
    section11_matrix,
    suppress,
    training_compliance,
    visible_returns,
    year_of,
)
from .services import AssuranceError


def _today() -> dt.date:
    return timezone.localdate()


def _fetch(model, request, pk, action: str):
    """Assurance records that hold no personal data: every reader with the page's permission sees them; audited."""
    return get_visible_or_404(model.objects.all(), request.user, pk=pk, action=action)


def _financial_year(today: dt.date) -> dt.date:
    return dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)


@login_required
@requires("assurance.view_assurance")
def home(request):
    return render(request, "assurance/home.html", {})


# Section 11 ---------------------------------------------------------------------------------------------------------------


def _section11_rounds():
    return AssessmentRound.objects.filter(standard_set__kind="section11").select_related("standard_set")


@login_required
@requires("assurance.view_section11")
def rounds(request):
    return render(request, "assurance/rounds.html", {
        "rounds": _section11_rounds().prefetch_related("agencies"),
        "can_open": request.user.has_perm("assurance.manage_section11")})


@login_required
@requires("assurance.manage_section11")
def open_round(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.open_section11_round(actor=request.user, name=data["name"], opens_on=data["opens_on"],
                                                   due_on=data["due_on"], agencies=data["agencies"])
        except AssuranceError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{round_.name} sent to {round_.agencies.count()} agencies")
            return redirect("assurance:round", round_.pk)
    return render(request, "assurance/form.html", {"form": form, "title": "Open a section 11 round",
                                                   "back": "assurance:rounds", "button": "Send to agencies"})


@login_required
@requires("assurance.view_section11")
def round_detail(request, pk: int):
    round_ = get_visible_or_404(_section11_rounds(), request.user, pk=pk, action="s11.round_view")
    sees_matrix = request.user.has_perm("assurance.challenge_section11") or request.user.has_role(Role.ANALYST)
    return render(request, "assurance/round.html", {
        "round": round_, "returns": visible_returns(request.user).filter(round=round_), "today": _today(),
        "matrix": section11_matrix(round_) if sees_matrix else None})


def _return(request, pk: int, action: str) -> Section11Return:
    return get_visible_or_404(visible_returns(request.user).select_related("round__standard_set"), request.user, pk=pk,
                              action=action)


@login_required
@requires("assurance.view_section11")
def return_detail(request, pk: int):
    section11_return = _return(request, pk, "s11.return_view")
    editable = may_respond(request.user, section11_return) and not section11_return.submitted_at
    current = {r.standard_id: r for r in section11_return.ratings()}
    standards = list(section11_return.round.standard_set.standards.all())
    form = ReturnForm(request.POST or None, standards=standards, ratings=current)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                services.save_section11_return(section11_return, actor=request.user, ratings=form.ratings(), submit=submit)
            except AssuranceError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "Return submitted" if submit else "Draft saved")
                return redirect("assurance:return", section11_return.pk)
    return render(request, "assurance/return.html", {
        "ret": section11_return, "form": form, "editable": editable,
        "rows": [(s, current.get(s.pk)) for s in standards],
        "challenges": section11_return.challenges.select_related("meeting__body").prefetch_related("actions__action"),
        "can_challenge": request.user.has_perm("assurance.challenge_section11")})


@login_required
@requires("assurance.challenge_section11")
def challenge(request, pk: int):
    section11_return = _return(request, pk, "s11.return_view")
    form = ChallengeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_challenge(section11_return, actor=request.user, meeting=data["meeting"],
                                      challenge=data["challenge"], agency_response=data["agency_response"],
                                      action_details=data["action_details"], action_owner=data["action_owner"],
                                      action_due_on=data["action_due_on"])
        except AssuranceError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Challenge recorded")
            return redirect("assurance:return", section11_return.pk)
    return render(request, "assurance/form.html", {
        "form": form, "title": f"Challenge: {section11_return.agency}", "back_url": section11_return.pk,
        "back": "assurance:return", "button": "Record challenge"})


# Case reviews -------------------------------------------------------------------------------------------------------------


@login_required
@requires("assurance.view_reviews")
def reviews(request):
    return render(request, "assurance/reviews.html", {
        "reviews": CaseReview.objects.select_related("notifying_agency"), "today": _today(),
        "can_manage": request.user.has_perm("assurance.manage_reviews")})


@login_required
@requires("assurance.manage_reviews")
def notify(request):
    form = NotificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = None
        if data["child_id"]:
            child = Child.objects.visible_to(request.user).filter(pk=data["child_id"]).first()
            if child is None:
                form.add_error("child_id", "No child you may see has this number")
        if not form.errors:
            try:
                review = services.notify_serious_incident(
                    actor=request.user, reference=data["reference"], notified_on=data["notified_on"],
                    notifying_agency=data["notifying_agency"], incident_type=data["incident_type"], child=child,
                    circumstances=data["circumstances"])
            except AssuranceError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Rapid review due {review.rapid_review_due:%-d %B %Y}")
                return redirect("assurance:review", review.pk)
    return render(request, "assurance/form.html", {"form": form, "title": "Record a serious incident notification",
                                                   "back": "assurance:reviews", "button": "Record notification"})


@login_required
@requires("assurance.view_reviews")
def review_detail(request, pk: int):
    subjects = CaseReviewSubject.objects.visible_to(request.user).filter(review_id=pk).select_related("child")
    subject = subjects.first() if str(pk).isdigit() else None
    # One audit event per look; a review-team member's look at the identifiable details is named as such.
    review = _fetch(CaseReview, request, pk, "review.view_with_subject" if subject is not None else "review.view")
    can_manage = request.user.has_perm("assurance.manage_reviews")
    stage_form = ReviewStageForm(request.POST if "stage" in request.POST else None, prefix="stage",
                                 initial={f: getattr(review, f) for f in services.REVIEW_FIELDS})
    milestone_form = MilestoneForm(request.POST if "milestone" in request.POST else None, prefix="milestone")
    recommendation_form = RecommendationForm(request.POST if "recommendation" in request.POST else None, prefix="rec")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            if "stage" in request.POST and stage_form.is_valid():
                services.update_case_review(review, actor=request.user, **stage_form.cleaned_data)
                messages.success(request, "Review updated")
                return redirect("assurance:review", review.pk)
            if "milestone" in request.POST and milestone_form.is_valid():
                services.add_milestone(review, actor=request.user, **milestone_form.cleaned_data)
                messages.success(request, "Milestone added")
                return redirect("assurance:review", review.pk)
            if "recommendation" in request.POST and recommendation_form.is_valid():
                services.add_recommendation(review, actor=request.user, text=recommendation_form.cleaned_data["text"])
                messages.success(request, "Recommendation added")
                return redirect("assurance:review", review.pk)
        except AssuranceError as error:
            for form in (stage_form, milestone_form, recommendation_form):
                if form.is_bound:
                    form.add_service_errors(error)
    return render(request, "assurance/review.html", {
        "review": review, "subject": subject, "can_manage": can_manage, "today": _today(),
        "stage_form": stage_form, "milestone_form": milestone_form, "recommendation_form": recommendation_form,
        "recommendations": review.recommendations.prefetch_related("actions__action__owner_agency"),
        "milestones": review.milestones.all(), "team": review.team.all()})


@login_required
@requires("assurance.manage_reviews")
def recommendation_action(request, pk: int):
    recommendation = _fetch(Recommendation, request, pk, "review.recommendation_view")
    form = TrackedActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_recommendation_action(recommendation, actor=request.user, meeting=data["meeting"],
                                               details=data["details"], owner_name=data["owner_name"],
                                               owner_agency=data["owner_agency"], due_on=data["due_on"])
        except AssuranceError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Action added to the action log")
            return redirect("assurance:review", recommendation.review_id)
    return render(request, "assurance/form.html", {
        "form": form, "title": f"Action for recommendation {recommendation.number}", "intro": recommendation.text,
        "back": "assurance:review", "back_url": recommendation.review_id, "button": "Add action"})


@login_required
@requires("assurance.view_assurance")
def complete_action(request, pk: int):
    visible_actions = Action.objects.visible_to(request.user).values("pk")
    tracked = get_visible_or_404(TrackedAction.objects.filter(action__in=visible_actions).select_related("action"),
                                 request.user, pk=pk,
                                 action="assurance.action_view")
    runs = (request.user.has_perm("assurance.manage_reviews") or request.user.has_perm("assurance.challenge_section11")
            or request.user.has_perm("assurance.manage_audits"))
    if not (runs or tracked.action.owner_user_id == request.user.pk):
        raise PermissionDenied
    form = EvidenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_tracked_action(tracked, actor=request.user, evidence=form.cleaned_data["evidence"])
        except AssuranceError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Action {tracked.action.reference} completed")
            if tracked.recommendation_id:
                return redirect("assurance:review", tracked.recommendation.review_id)
            if tracked.audit_id:
                return redirect("assurance:audit", tracked.audit_id)
            return redirect("assurance:return", tracked.challenge.section11_return_id)
    return render(request, "assurance/form.html", {
        "form": form, "title": f"Complete action {tracked.action.reference}", "intro": tracked.action.details,
        "back": "assurance:home", "button": "Mark complete"})


# Case audits --------------------------------------------------------------------------------------------------------------


@login_required
@requires("assurance.view_audits")
def audits(request):
    return render(request, "assurance/audits.html", {
        "audits": CaseAudit.objects.prefetch_related("agencies"), "can_manage": request.user.has_perm("assurance.manage_audits")})


@login_required
@requires("assurance.manage_audits")
def create_audit(request):
    form = AuditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = services.create_case_audit(
                actor=request.user, title=data["title"], theme=data["theme"], questions=data["questions"].splitlines(),
                agencies=data["agencies"], sampling=data["sampling"], size=data["size"], seed=data["seed"],
                criteria={"event_type": data["event_type"], "since": data["since"]})
        except AssuranceError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Audit set up with {audit.cases.count()} children")
            return redirect("assurance:audit", audit.pk)
    return render(request, "assurance/form.html", {"form": form, "title": "Set up a multi-agency case audit",
                                                   "back": "assurance:audits", "button": "Draw the sample"})


@login_required
@requires("assurance.view_audits")
def audit_detail(request, pk: int):
    audit = _fetch(CaseAudit, request, pk, "audit.view")
    can_manage = request.user.has_perm("assurance.manage_audits")
    close_form = CloseAuditForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if close_form.is_valid():
            services.close_case_audit(audit, actor=request.user, learning=close_form.cleaned_data["learning"])
            messages.success(request, "Audit closed")
            return redirect("assurance:audit", audit.pk)
    cases = AuditCase.objects.visible_to(request.user).filter(audit=audit).select_related("child").prefetch_related(
        "answers__agency")
    return render(request, "assurance/audit.html", {
        "audit": audit, "summary": grade_summary(audit), "cases": cases, "case_count": audit.cases.count(),
        "can_manage": can_manage, "can_answer": request.user.has_perm("assurance.answer_audits"), "close_form": close_form,
        "actions": audit.actions.select_related("action")})


@login_required
@requires("assurance.answer_audits")
def answer_case(request, pk: int):
    case = get_visible_or_404(AuditCase.objects.visible_to(request.user).select_related("audit", "child"), request.user,
                              pk=pk, action="audit.case_view")
    audit = case.audit
    agencies = audit.agencies.all() if request.user.has_role(Role.MASH_PRACTITIONER) else None
    if agencies is None and not audit.agencies.filter(pk=request.user.agency_id).exists():
        raise PermissionDenied
    existing = AuditAnswer.objects.filter(case=case, agency_id=request.user.agency_id).first()
    initial = {"grade": existing.grade, "learning": existing.learning,
               **{f"answer_{i}": a for i, a in enumerate(existing.answers)}} if existing else {}
    form = AuditAnswerForm(request.POST or None, questions=audit.questions, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data.get("agency") or request.user.agency
        try:
            services.answer_audit_case(case, actor=request.user, agency=agency, answers=form.answers(),
                                       grade=form.cleaned_data["grade"], learning=form.cleaned_data["learning"])
        except AssuranceError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Answers for case {case.position} saved")
            return redirect("assurance:audit", audit.pk)
    return render(request, "assurance/form.html", {
        "form": form, "title": f"{audit.title}: case {case.position}", "intro": f"{case.child.full_name}",
        "back": "assurance:audit", "back_url": audit.pk, "button": "Save answers"})


# Improvement plans --------------------------------------------------------------------------------------------------------


@login_required
@requires("assurance.view_plans")
def plans(request):
    return render(request, "assurance/plans.html", {"plans": ImprovementPlan.objects.prefetch_related("objectives__actions"),
                                                    "can_manage": request.user.has_perm("assurance.manage_plans")})


@login_required
@requires("assurance.manage_plans")
def create_plan(request):
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.create_improvement_plan(actor=request.user, title=data["title"], purpose=data["purpose"],
                                                    objectives=data["objectives"].splitlines())
        except AssuranceError as error:
            form.add_service_errors(error)
        else:
            return redirect("assurance:plan", plan.pk)
    return render(request, "assurance/form.html", {"form": form, "title": "Start an improvement plan",
                                                   "back": "assurance:plans", "button": "Start plan"})


def _plan_rows(plan: ImprovementPlan):
    return [(objective, list(objective.actions.select_related("owner_agency").prefetch_related("history")))
            for objective in plan.objectives.all()]


@login_required
@requires("assurance.view_plans")
def plan_detail(request, pk: int):
    plan = _fetch(ImprovementPlan, request, pk, "plan.view")
    can_manage = request.user.has_perm("assurance.manage_plans")
    form = ImprovementActionForm(request.POST or None, plan=plan)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_improvement_action(data["objective"], actor=request.user, details=data["details"],
                                                owner=data["owner"], owner_agency=data["owner_agency"], due_on=data["due_on"])
            except AssuranceError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "Action added")
                return redirect("assurance:plan", plan.pk)
    return render(request, "assurance/plan.html", {"plan": plan, "rows": _plan_rows(plan), "form": form,
                                                   "can_manage": can_manage, "today": _today()})


@login_required
@requires("assurance.view_plans")
def plan_pdf(request, pk: int):
    plan = _fetch(ImprovementPlan, request, pk, "plan.export")
    response = HttpResponse(documents.plan_status_pdf(plan, _plan_rows(plan), today=_today()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="improvement-plan-{plan.pk}-status.pdf"'
    return response


@login_required
@requires("assurance.view_plans")
def plan_action(request, pk: int):
    action = _fetch(ImprovementAction, request, pk, "plan.action_view")
    can_manage = request.user.has_perm("assurance.manage_plans")
    form = ProgressForm(request.POST or None, initial={"rag": action.rag})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_progress(action, actor=request.user, **form.cleaned_data)
            except AssuranceError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "Progress recorded")
                return redirect("assurance:plan", action.objective.plan_id)
    return render(request, "assurance/plan_action.html", {"action": action, "form": form, "can_manage": can_manage,
                                                          "history": action.history.select_related("by")})


# Training -----------------------------------------------------------------------------------------------------------------


@login_required
@requires("assurance.view_training")
def training(request):
    period = year_of(_financial_year(_today()))
    return render(request, "assurance/training.html", {
        "courses": Course.objects.all(), "period": period, "compliance": training_compliance(period),
        "attendance": attendance_by_agency_and_role(period),
        "sessions": CourseSession.objects.select_related("course").prefetch_related("attendance")[:20],
        "can_manage": request.user.has_perm("assurance.manage_training")})


@login_required
@requires("assurance.manage_training")
def record_session(request):
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.record_course_session(data["course"], actor=request.user, held_on=data["held_on"], venue=data["venue"],
                                       attendees=data["attendees"])
        messages.success(request, "Course session recorded")
        return redirect("assurance:training")
    return render(request, "assurance/form.html", {"form": form, "title": "Record a course held",
                                                   "back": "assurance:training", "button": "Record session"})


# Private fostering --------------------------------------------------------------------------------------------------------


@login_required
@requires("assurance.view_private_fostering")
def private_fostering(request):
    arrangements = PrivateFosteringArrangement.objects.visible_to(request.user).select_related("child", "source_agency")
    record_audit(request.user, "private_fostering.register_view", object_type="assurance.privatefosteringarrangement")
    return render(request, "assurance/private_fostering.html", {"arrangements": arrangements, "today": _today()})


@login_required
@requires("assurance.view_private_fostering")
def notify_private_fostering(request):
    form = PrivateFosteringForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = Child.objects.visible_to(request.user).filter(pk=data["child_id"]).first()
        if child is None:
            form.add_error("child_id", "No child you may see has this number")
        else:
            arrangement = services.notify_private_fostering(actor=request.user, child=child,
                                                            source_agency=data["source_agency"],
                                                            notified_on=data["notified_on"], carer=data["carer"])
            messages.success(request, f"Visit due {arrangement.visit_due:%-d %B %Y}")
            return redirect("assurance:private_fostering_arrangement", arrangement.pk)
    return render(request, "assurance/form.html", {"form": form, "title": "Record a private fostering notification",
                                                   "back": "assurance:private_fostering", "button": "Add to the register"})


@login_required
@requires("assurance.view_private_fostering")
def private_fostering_arrangement(request, pk: int):
    arrangement = get_visible_or_404(
        PrivateFosteringArrangement.objects.visible_to(request.user).select_related("child", "source_agency"),
        request.user, pk=pk, action="private_fostering.view")
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_private_fostering_visit(arrangement, actor=request.user, **form.cleaned_data)
        except AssuranceError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Visit recorded")
            return redirect("assurance:private_fostering_arrangement", arrangement.pk)
    return render(request, "assurance/private_fostering_arrangement.html", {"arrangement": arrangement, "form": form,
                                                                            "visits": arrangement.visits.all()})


def _pf_period(request) -> tuple[dt.date, dt.date]:
    start = _financial_year(_today())
    return start.replace(year=start.year - 1), year_of(start)[1]


def _pf_counts(request) -> tuple[dict, dt.date, dt.date, bool]:
    """Counts for the page and chart; readers outside the MASH (analysts, the board) get counts of 1 to 4 suppressed."""
    start, end = _pf_period(request)
    counts = private_fostering_counts(start, end)
    suppressed = not request.user.has_perm("assurance.view_private_fostering")
    if suppressed:
        counts["shown"] = {a: [suppress(n) for n in v] for a, v in counts["by_agency"].items()}
        counts["by_agency"] = {a: [n if n >= 5 else 0 for n in v] for a, v in counts["by_agency"].items()}
        counts["total"] = suppress(counts["total"])
    else:
        counts["shown"] = counts["by_agency"]
    return counts, start, end, suppressed


@login_required
@requires("assurance.view_private_fostering_counts")
def private_fostering_counts_page(request):
    counts, start, end, suppressed = _pf_counts(request)
    return render(request, "assurance/private_fostering_counts.html", {"counts": counts, "start": start, "end": end,
                                                                       "suppressed": suppressed})


@login_required
@requires("assurance.view_private_fostering_counts")
def private_fostering_chart(request):
    counts, _start, _end, suppressed = _pf_counts(request)
    title = "Private fostering notifications by source agency" + (" (counts under 5 not shown)" if suppressed else "")
    png = documents.stacked_counts_chart(counts["quarters"], counts["by_agency"], title=title)
    return HttpResponse(png, content_type="image/png")


# Annual report ------------------------------------------------------------------------------------------------------------


@login_required
@requires("assurance.view_annual_report")
def annual_reports(request):
    form = AnnualReportStartForm(request.POST or None, initial={"year_start": _financial_year(_today())})
    if request.method == "POST":
        if not request.user.has_perm("assurance.edit_annual_report"):
            raise PermissionDenied
        if form.is_valid():
            report = services.start_annual_report(actor=request.user, year_start=form.cleaned_data["year_start"])
            return redirect("assurance:annual_report", report.pk)
    return render(request, "assurance/annual_reports.html", {
        "reports": AnnualReport.objects.all(), "form": form,
        "can_edit": request.user.has_perm("assurance.edit_annual_report")})


@login_required
@requires("assurance.view_annual_report")
def annual_report(request, pk: int):
    report = _fetch(AnnualReport, request, pk, "annual_report.view")
    can_edit = request.user.has_perm("assurance.edit_annual_report")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        services.save_annual_report_narrative(report, actor=request.user, narrative={
            code: request.POST.get(code, "") for code, _title in documents.SECTIONS})
        messages.success(request, "Draft saved")
        return redirect("assurance:annual_report", report.pk)
    data = annual_report_data(report.year_start)
    charts = documents.report_charts(data)
    import base64

    return render(request, "assurance/annual_report.html", {
        "report": report, "data": data, "can_edit": can_edit,
        "sections": [(code, title, report.narrative.get(code, "")) for code, title in documents.SECTIONS],
        "charts": {k: base64.b64encode(v).decode() for k, v in charts.items()}})


@login_required
@requires("assurance.view_annual_report")
def annual_report_pdf(request, pk: int):
    report = _fetch(AnnualReport, request, pk, "annual_report.export")
    response = HttpResponse(documents.annual_report_pdf(report, annual_report_data(report.year_start)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="annual-report-{report.year_start.year}.pdf"'
    return response


@login_required
@requires("assurance.view_annual_report")
def annual_report_docx(request, pk: int):
    report = _fetch(AnnualReport, request, pk, "annual_report.export")
    response = HttpResponse(documents.annual_report_docx(report, annual_report_data(report.year_start)),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="annual-report-{report.year_start.year}.docx"'
    return response
