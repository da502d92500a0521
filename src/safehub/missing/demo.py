"""Missing episodes for the demonstration partnership, from the police missing-person reports the demo stored.

`load_demo(now=...)` turns every stored report (police source records of system "Niche missing persons", linked to a child)
into an episode through the services, arranges return home interviews for most returns (offered within 72 hours, late, or
never, so the reconciliation has something to show), adds a few live episodes around `now` (children missing now, interviews
due and overdue), and evaluates the trigger rules. Re-running adds nothing twice.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from safehub.core.models import User
from safehub.people.models import Child, RecordLink, SourceRecord

from . import services
from .importers import REPORTED_BY, RISK_GRADES, parse_datetime
from .models import MissingAction, MissingEpisode, PhilomenaProfile, ReportedBy, ReturnHomeInterview

MISSING_REPORTS_SYSTEM = "Niche missing persons"
PROVIDERS = ["Safe Steps (commissioned)", "Safe Steps (commissioned)", "Barnardo's", ""]
PUSH = ["Arguments with carer about curfew", "Unhappy at placement", "Conflict with a sibling", "Bullying at school"]
PULL = ["Older friends in the town centre", "Boyfriend aged 19", "Offered money to carry packages", "Friends at a party"]


def _coordinator(actor):
    return actor or User.objects.filter(username="missing").first()


def _reports() -> list[tuple[SourceRecord, Child]]:
    records = (
        SourceRecord.objects.filter(system=MISSING_REPORTS_SYSTEM, link__child__isnull=False)
        .exclude(link__decision=RecordLink.Decision.REJECTED)
        .select_related("agency", "link__child")
        .order_by("pk")
    )
    return [(record, record.link.child) for record in records]


def _episode_from_report(record: SourceRecord, child: Child, *, now, actor) -> MissingEpisode | None:
    raw = record.received or {}
    started = parse_datetime(raw.get("Date Missing", ""))
    ended = parse_datetime(raw.get("Date Found", "")) if raw.get("Date Found") else None
    if started is None or started > now or (ended is not None and (ended > now or ended < started)):
        return None
    reporter_text = raw.get("Reported By", "").strip()
    return services.record_missing_episode(
        child=child,
        agency=record.agency,
        started_at=started,
        ended_at=ended,
        now=now,
        actor=actor,
        reported_by=REPORTED_BY.get(reporter_text.lower(), ReportedBy.OTHER),
        police_reference=record.local_id,
        risk_grade=RISK_GRADES.get(raw.get("Risk Grade", "").strip().lower(), ""),
        where_found=raw.get("Location Found", "").strip()[:200],
        places=f"Missing from: {raw['Missing From']}" if raw.get("Missing From") else "",
        source_record=record,
        evaluate=False,
    )


def _interview(episode: MissingEpisode, rng: random.Random, *, now, actor) -> ReturnHomeInterview | None:
    """Offered within 72 hours (most), late, or not at all; then accepted and held, or declined."""
    roll = rng.random()
    if roll < 0.1:
        return None
    offered = episode.ended_at + dt.timedelta(hours=rng.uniform(2, 70) if roll < 0.85 else rng.uniform(80, 140))
    if offered > now:
        return None
    interview = services.create_return_interview(
        episode, offered_at=offered, provider_name=rng.choice(PROVIDERS), independent=rng.random() < 0.9, now=now, actor=actor
    )
    answered = offered + dt.timedelta(hours=rng.uniform(1, 24))
    if answered > now:
        return interview
    if rng.random() < 0.15:
        services.record_interview_response(interview, accepted=False, responded_at=answered, now=now, actor=actor)
        return interview
    held = answered + dt.timedelta(hours=rng.uniform(4, 72))
    if held <= now:
        services.complete_return_interview(
            interview,
            completed_at=held,
            now=now,
            actor=actor,
            push_factors=rng.choice(PUSH),
            pull_factors=rng.choice(PULL),
            places=episode.where_found,
            people=rng.choice(["", "Older peers, names not given", "A man known as 'Tee'"]),
        )
    return interview


def _live_episodes(children: list[Child], rng: random.Random, *, now, actor) -> list[MissingEpisode]:
    """Episodes around `now`: three children missing now, and returns with interviews due soon and overdue."""
    if not children or MissingEpisode.objects.filter(import_key__startswith="demo:").exists():
        return []
    agency = getattr(actor, "agency", None) or children[0].missing_episodes.first().agency
    made = []
    plans = [(5, None), (30, None), (52, None), (26, 20), (60, 50), (100, 90), (130, 110)]  # hours ago: (missing, returned)
    for n, (missing_hours, returned_hours) in enumerate(plans):
        child = children[(n * 7) % len(children)]
        started = now - dt.timedelta(hours=missing_hours, minutes=rng.randrange(60))
        made.append(
            services.record_missing_episode(
                child=child,
                agency=agency,
                started_at=started,
                ended_at=now - dt.timedelta(hours=returned_hours) if returned_hours else None,
                now=now,
                actor=actor,
                reported_by=rng.choice([ReportedBy.PLACEMENT, ReportedBy.FOSTER_CARER, ReportedBy.PARENT_CARER]),
                risk_grade=rng.choice(["medium", "high", "low"]),
                where_found="Returned of own accord" if returned_hours else "",
                import_key=f"demo:{n}",
                evaluate=False,
            )
        )
    return made


@transaction.atomic
def load_demo(now: dt.datetime, *, seed: int = 2026, actor=None) -> str:
    """Episodes from the demo's stored police missing reports, return home interviews (some overdue), a few live episodes
    and the trigger firings they cause. Idempotent: reports already recorded are skipped."""
    actor = _coordinator(actor)
    rng = random.Random(seed)
    recorded = set(MissingEpisode.objects.exclude(police_reference="").values_list("police_reference", flat=True))
    created: list[MissingEpisode] = []
    for record, child in _reports():
        if record.local_id in recorded:
            continue
        episode = _episode_from_report(record, child, now=now, actor=actor)
        if episode is not None:
            created.append(episode)
            recorded.add(record.local_id)
    children = sorted({e.child_id: e.child for e in created}.values(), key=lambda c: c.pk)
    created += _live_episodes(children, rng, now=now, actor=actor)
    interviews = 0
    for episode in created:
        if episode.ended_at is not None and (now - episode.ended_at) > dt.timedelta(hours=100):
            interviews += _interview(episode, rng, now=now, actor=actor) is not None
    fired = []
    for child in {e.child_id: e.child for e in created}.values():
        fired += services.evaluate_triggers(child, now=now, actor=actor)
    # Crossings long past were dealt with at the time: close their actions, leave the recent ones open.
    for action in MissingAction.objects.filter(firing__in=fired, firing__crossed_at__lt=now - dt.timedelta(days=30)):
        services.complete_action(
            action, outcome="Strategy discussion held; plan reviewed (demo data).", now=now, actor=actor
        )
    extras = _extras(now=now, actor=actor)
    return (
        f"{len(created):,} missing episodes, {interviews:,} return home interviews, {len(fired):,} triggers fired"
        + (f"; {extras}." if extras else ".")
    )


def placeholder_photo(size: tuple[int, int] = (240, 300)):
    """A plain grey image standing in for a photo: the demo never holds a picture of anyone."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (190, 190, 190))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.ellipse((width * 0.3, height * 0.15, width * 0.7, height * 0.5), fill=(150, 150, 150))  # head
    draw.rectangle((width * 0.2, height * 0.55, width * 0.8, height), fill=(150, 150, 150))  # shoulders
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    upload = SimpleUploadedFile("placeholder.png", buffer.getvalue(), content_type="image/png")
    upload.image_format = "PNG"
    return upload


def _extras(*, now, actor) -> str:
    """What the missing extras look like: a regraded episode (its grading history), a Philomena profile with a
    placeholder photo for the child missing now, and an interview for a child placed out of area. Idempotent."""
    live = {e.import_key: e for e in MissingEpisode.objects.filter(import_key__in=["demo:0", "demo:3"]).select_related("child")}
    done = []
    missing_now = live.get("demo:0")
    if missing_now is not None and missing_now.gradings.count() < 2:
        services.grade_risk(
            missing_now, risk_grade="high", now=now, actor=actor,
            reason="Seen getting into a car with an adult of concern (demo).",
        )
        done.append("1 episode regraded")
    if missing_now is not None and not PhilomenaProfile.objects.filter(child=missing_now.child).exists():
        services.save_philomena_profile(
            missing_now.child, agency=getattr(actor, "agency", None) or missing_now.agency, actor=actor, now=now,
            photo=placeholder_photo(), photo_taken_on=(now - dt.timedelta(days=40)).date(),
            height="1.63 m", build="Slim", hair="Dark brown, long, usually tied back", eyes="Brown",
            distinguishing_features="Small scar above the left eyebrow; pierced ears.",
            clothing="Black puffer jacket, grey joggers, white trainers.",
            health_needs="Asthma: carries a blue inhaler.",
            associates="Older friends from the town centre; a man known as 'Tee' (about 20).",
            places_frequented="Bus station; the retail park; a flat above the takeaway on the high street.",
            phone="07700 900461", social_media="Snapchat and Instagram (usernames held by the missing team).",
            review_due=(now + dt.timedelta(days=60)).date(),
        )
        done.append("1 Philomena profile")
    returned = live.get("demo:3")
    if returned is not None and not ReturnHomeInterview.objects.filter(episode=returned).exists():
        services.create_return_interview(
            returned, now=now, actor=actor, offered_at=min(now, returned.ended_at + dt.timedelta(hours=3)),
            provider_name="Northshire Missing Service", independent=True, delivered_by_name="Jordan Reeve",
            delivered_by_role="commissioned", out_of_area=True, host_authority="Northshire County Council",
            responsible="host",
        )
        done.append("1 interview for a child placed out of area")
    return ", ".join(done)
