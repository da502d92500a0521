"""Demo risk assessments: a few adolescents screened over recent months, through the service (events, audit, panel flags).

Called from `safehub.demo` as `load_demo(now)`. Seeded, so the same children get the same histories; does nothing if any
assessment exists already.
"""

from __future__ import annotations

import datetime as dt
import random

from dateutil.relativedelta import relativedelta

from safehub.core.models import User
from safehub.people.models import Child

from .definition import score_answers
from .models import RiskAssessment, RiskTool
from .services import complete_assessment, ensure_default_tools

# How worrying each child's picture is at each screening (0 = nothing known, 1 = every indicator at its worst).
TRAJECTORIES = [
    (0.15, 0.35, 0.6),  # rising
    (0.7, 0.45, 0.2),  # falling after a plan
    (0.3, 0.3),  # steady, low
    (0.55, 0.7, 0.65, 0.5),  # high and slow to come down
]
OVERRIDE_REASONS = {
    "raised": [
        "Police intelligence since the screening: seen with adults of concern at an address in another town.",
        "Disclosure to a teacher this week, not yet reflected in the answers.",
    ],
    "lowered": [
        "Missing episodes were with a grandparent, confirmed by police on return.",
        "The adult named is a cousin of similar age; checks with police show no concerns.",
    ],
}


def _answers(tool: RiskTool, intensity: float, rng: random.Random) -> dict[str, str]:
    answers = {}
    for question in tool.parsed.questions():
        top = len(question.answers) - 1
        index = 0 if rng.random() > intensity else min(top, 1 + int(rng.random() * intensity * top * 1.5))
        answers[question.id] = question.answers[index].id
    return answers


def _adolescents(now: dt.datetime, limit: int, rng: random.Random) -> list[Child]:
    today = now.date()
    children = list(
        Child.objects.filter(
            restricted=False,
            date_of_birth__lte=today - relativedelta(years=11),
            date_of_birth__gt=today - relativedelta(years=18),
        ).order_by("pk")[: limit * 20]
    )
    children = [c for c in children if getattr(c, "merged_into_id", None) is None]
    return rng.sample(children, min(limit, len(children)))


def load_demo(now: dt.datetime, *, children: int = 12, seed: int = 2026) -> str:
    """Screen `children` demo adolescents two to four times each over the months before `now` (aware datetime), with the
    MASH practitioner and panel chair personas; a few final levels differ from the computed one, with a reason.
    Returns a one-line summary for the demo's output ("" if any assessment already exists or the personas are missing)."""
    if RiskAssessment.objects.exists():
        return ""
    users = {u.username: u for u in User.objects.filter(username__in=["mash", "panel.chair"])}
    if "mash" not in users:
        return ""
    tools = {t.code: t for t in ensure_default_tools()}
    rng = random.Random(seed)
    made, flagged = 0, set()
    for n, child in enumerate(_adolescents(now, children, rng)):
        tool = tools["seraf_sexual_exploitation" if n % 4 == 3 else "rfm_child_exploitation"]
        trajectory = TRAJECTORIES[n % len(TRAJECTORIES)]
        for step, intensity in enumerate(trajectory):
            weeks_ago = 6 * (len(trajectory) - 1 - step) + rng.randrange(0, 3)
            answers = _answers(tool, intensity, rng)
            computed = score_answers(tool.parsed, answers).computed_level
            final, reason = computed, ""
            if rng.random() < 0.2:
                rank = tool.parsed.rank(computed)
                direction = "raised" if rank == 0 or (rank < len(tool.parsed.levels) - 1 and rng.random() < 0.5) else "lowered"
                final = tool.parsed.levels[rank + (1 if direction == "raised" else -1)].id
                reason = rng.choice(OVERRIDE_REASONS[direction])
            assessment = complete_assessment(
                child=child,
                tool=tool,
                answers=answers,
                final_level=final,
                override_reason=reason,
                actor=users.get("panel.chair") if (n + step) % 5 == 4 and "panel.chair" in users else users["mash"],
                now=now - dt.timedelta(weeks=weeks_ago, hours=rng.randrange(0, 8)),
            )
            made += 1
            if assessment.flagged_for_panel:
                flagged.add(child.pk)
    if not made:
        return ""
    return f"{made} risk assessments; {len(flagged)} children flagged for a MACE panel."
