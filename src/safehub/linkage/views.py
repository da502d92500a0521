"""The MASH review queue: uncertain pairs side by side with the model's evidence, and the decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from safehub.core.access import get_visible_or_404, requires

from .models import ReviewPair
from .quality import identifier_conflicts, nhs_match_rate
from .selectors import recent_runs, review_queue, side_by_side
from .services import decide_pair


@login_required
@requires("linkage.review")
def queue(request):
    page = Paginator(review_queue(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "linkage/queue.html", {"page": page, "runs": recent_runs(5)})


@login_required
@requires("linkage.review")
def pair_detail(request, pk: int):
    pair = get_visible_or_404(
        ReviewPair.objects.visible_to(request.user).select_related("left__agency", "right__agency", "left__link",
                                                                    "right__link"),
        request.user, pk=pk, action="linkage.pair_view", purpose="Record linkage review",
    )
    error = ""
    if request.method == "POST":
        decision = request.POST.get("decision")
        reason = request.POST.get("reason", "")
        if decision not in ("match", "non_match"):
            error = "Select whether these records are the same child"
        elif not reason.strip():
            error = "Enter the reason for your decision"
        elif pair.status != ReviewPair.Status.OPEN:
            error = "This pair has already been decided"
        else:
            decide_pair(pair, same_child=decision == "match", reason=reason, actor=request.user)
            messages.success(request, "Decision saved. Every later linkage run will respect it.")
            nxt = review_queue(request.user).first()
            return redirect("linkage:pair", nxt.pk) if nxt else redirect("linkage:queue")
    return render(request, "linkage/pair.html", {"pair": pair, "rows": side_by_side(pair), "error": error,
                                                 "posted": request.POST})


@login_required
@requires("linkage.review")
def data_quality(request):
    return render(request, "linkage/data_quality.html", {"conflicts": identifier_conflicts(request.user),
                                                         "match": nhs_match_rate()})
