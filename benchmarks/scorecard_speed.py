"""Time the whole partnership scorecard on a large synthetic partnership.

    UV_PYTHON_DOWNLOADS=never uv run python benchmarks/scorecard_speed.py --children 50000 --events 1000000 --seed 1

Builds a temporary SQLite database (migrated, then filled with bulk inserts: children, a million events over three years,
and the front-door, missing and meetings rows the indicators read), then times `safehub.performance.engine.scorecard` —
every default indicator for its period with a 12-period trend and agency breakdowns — and the board report built on it
(suppression, sparklines; no matplotlib). Prints JSON, including the machine's load average. Target: scorecard <= 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

TYPES = [  # event type, share of events
    ("contact", 0.25), ("mash_decision", 0.18), ("agency_check_response", 0.15), ("missing.started", 0.08),
    ("missing.returned", 0.08), ("assessment_started", 0.05), ("risk.assessment", 0.05), ("share.decision", 0.04),
    ("strategy_discussion", 0.02), ("plan_started", 0.02), ("panel.action_agreed", 0.02), ("network.link", 0.03),
    ("missing.trigger", 0.02), ("risk.flag_mace", 0.01),
]


def setup_django(path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "safehub.settings.test"
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = str(path)
    settings.DATABASES["default"]["TEST"] = {"NAME": str(path)}
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def insert(model, columns: list[str], rows) -> int:
    """executemany into the model's table (the benchmark writes directly; the app writes through services)."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    with connection.cursor() as cursor:
        batch, n = [], 0
        for row in rows:
            batch.append(row)
            if len(batch) == 20_000:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
    return n


def build(children: int, events: int, seed: int, now: dt.datetime) -> dict:
    from django.db import transaction

    from safehub.core.models import Agency, AgencyType, User
    from safehub.intake.models import (
        AgencyCheckRequest,
        AgencyCheckResponse,
        Assessment,
        Contact,
        Enquiry,
        MashDecision,
        Plan,
        StrategyDiscussion,
    )
    from safehub.meetings.models import Action, Body, Meeting
    from safehub.missing.models import MissingEpisode, ReturnHomeInterview
    from safehub.people.models import Child, Event
    from safehub.performance.models import PopulationBase

    rng = random.Random(seed)
    span = 3 * 365 * 86400
    start = now - dt.timedelta(seconds=span)

    def moment() -> dt.datetime:
        return start + dt.timedelta(seconds=rng.randrange(span))

    def ts(value: dt.datetime | None) -> str | None:
        return None if value is None else value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")

    counts = {}
    with transaction.atomic():
        agencies = [Agency.objects.create(code=f"a{n}", name=f"Agency {n}", type=AgencyType.OTHER) for n in range(8)]
        agency_ids = [a.pk for a in agencies]
        user = User.objects.create(username="bench")
        PopulationBase.objects.create(year=now.year - 1, children=children * 2)
        PopulationBase.objects.create(year=now.year - 3, children=children * 2)
        stamp = ts(now)
        counts["children"] = insert(Child, [
            "given_name", "family_name", "date_of_birth", "sex", "restricted", "restriction_reason", "version",
            "created_at", "updated_at", "ethnicity", "nhs_number"],
            ((f"C{n}", "Bench", "2015-01-01", "U", False, "", 1, stamp, stamp, "", "") for n in range(children)))
        first_child = Child.objects.order_by("pk").values_list("pk", flat=True).first()
        child_ids = range(first_child, first_child + children)
        weights = [w for _, w in TYPES]
        names = [t for t, _ in TYPES]
        counts["events"] = insert(Event, [
            "child_id", "occurred_at", "precision", "recorded_at", "agency_id", "type", "significance", "title",
            "summary", "action_taken", "outcome", "caveat", "lawful_basis", "detail_type", "detail_id"],
            ((rng.choice(child_ids), ts(moment()), "exact", stamp, rng.choice(agency_ids),
              rng.choices(names, weights)[0], 1, "Event", "", "", "", "partnership", "ca2004_s11", "", "")
             for _ in range(events)))
        n_contacts = events // 10
        contacts = []
        for _ in range(n_contacts):
            received = moment()
            contacts.append((rng.choice(child_ids), received))
        counts["contacts"] = insert(Contact, [
            "child_id", "subject_description", "reporter_name", "reporter_relationship", "received_at", "concerns",
            "consent", "without_consent_reason", "urgency", "summary", "caveat", "decision_due", "recording_agency_id",
            "recorded_by_id", "recorded_at"],
            ((c, "", "R", "", ts(r), "[]", "given", "", "normal", "S", "partnership", ts(r + dt.timedelta(hours=24)),
              agency_ids[0], user.pk, stamp) for c, r in contacts))
        first_contact = Contact.objects.order_by("pk").values_list("pk", flat=True).first()
        outcomes = ["nfa", "advice", "early_help", "s17", "s47", "mace"]
        counts["decisions"] = insert(MashDecision, ["contact_id", "outcome", "reason", "transfer_to", "decided_by_id",
                                                    "decided_at"],
            ((first_contact + i, rng.choices(outcomes, [30, 20, 15, 20, 12, 3])[0], "R", "", user.pk,
              ts(r + dt.timedelta(hours=rng.uniform(1, 30)))) for i, (_, r) in enumerate(contacts)))
        counts["checks"] = insert(AgencyCheckRequest, [
            "contact_id", "agency_id", "question", "subject_name", "urgent", "sent_at", "sent_by_id", "deadline"],
            ((first_contact + i, agency_ids[1 + i % 3], "Q", "Child", False, ts(r), user.pk,
              ts(r + dt.timedelta(hours=72))) for i, (_, r) in enumerate(contacts)))
        first_check = AgencyCheckRequest.objects.order_by("pk").values_list("pk", flat=True).first()
        counts["check_responses"] = insert(AgencyCheckResponse, [
            "request_id", "agency_id", "known", "text", "caveat", "answered_by_id", "answered_at"],
            ((first_check + i, agency_ids[1 + i % 3], True, "T", "partnership", user.pk,
              ts(r + dt.timedelta(hours=rng.uniform(2, 96)))) for i, (_, r) in enumerate(contacts) if i % 7))
        counts["assessments"] = insert(Assessment, [
            "child_id", "started_on", "due_on", "completed_on", "started_by_id"],
            ((c, (r.date()).isoformat(), (r.date() + dt.timedelta(days=63)).isoformat(),
              (r.date() + dt.timedelta(days=rng.randrange(10, 90))).isoformat(), user.pk)
             for c, r in contacts[: n_contacts // 3]))
        discussions = contacts[: n_contacts // 10]
        counts["strategy_discussions"] = insert(StrategyDiscussion, [
            "child_id", "held_at", "decision", "notes", "icpc_due", "recorded_by_id", "recorded_at"],
            ((c, ts(r), "s47", "", r.date().isoformat(), user.pk, stamp) for c, r in discussions))
        first_sd = StrategyDiscussion.objects.order_by("pk").values_list("pk", flat=True).first()
        counts["enquiries"] = insert(Enquiry, [
            "strategy_discussion_id", "child_id", "lead_practitioner_id", "started_on", "icpc_due", "outcome"],
            ((first_sd + i, c, user.pk, r.date().isoformat(), r.date().isoformat(), "")
             for i, (c, r) in enumerate(discussions)))
        counts["plans"] = insert(Plan, ["child_id", "type", "start_on", "end_on", "created_at"],
            ((c, "cp" if i % 3 else "cla", (r.date() + dt.timedelta(days=rng.randrange(5, 30))).isoformat(),
              (r.date() + dt.timedelta(days=rng.randrange(90, 900))).isoformat() if i % 4 else None, stamp)
             for i, (c, r) in enumerate(discussions)))
        returns = contacts[: n_contacts // 5]
        counts["episodes"] = insert(MissingEpisode, [
            "child_id", "agency_id", "category", "started_at", "ended_at", "precision", "reported_by",
            "reported_by_detail", "police_reference", "where_found", "risk_grade", "risk_grade_code_list_version",
            "notes", "places", "people", "caveat", "lawful_basis", "import_key", "created_at", "updated_at"],
            ((c, agency_ids[1], "missing", ts(r), ts(r + dt.timedelta(hours=20)), "exact", "police", "", "", "", "low",
              "", "", "", "", "partnership", "ca2004_s11", "", stamp, stamp) for c, r in returns))
        first_episode = MissingEpisode.objects.order_by("pk").values_list("pk", flat=True).first()
        counts["return_interviews"] = insert(ReturnHomeInterview, [
            "episode_id", "due_at", "offered_at", "response", "provider_name", "independent", "push_factors",
            "pull_factors", "places", "people", "notes", "created_at", "updated_at"],
            ((first_episode + i, ts(r + dt.timedelta(hours=92)), ts(r + dt.timedelta(hours=rng.uniform(21, 120))),
              rng.choice(["accepted", "declined", ""]), "", True, "", "", "", "", "", stamp, stamp)
             for i, (_, r) in enumerate(returns)))
        body = Body.objects.create(name="Bench board", kind="board")
        meeting = Meeting.objects.create(body=body, date=now.date())
        counts["actions"] = insert(Action, [
            "meeting_id", "reference", "kind", "details", "owner_name", "owner_agency_id", "due_on", "status", "place",
            "completed_at", "created_at"],
            ((meeting.pk, str(i), "action", "D", "", rng.choice(agency_ids), r.date().isoformat(),
              rng.choice(["done", "done", "open", "dropped"]), "", ts(r + dt.timedelta(days=rng.randrange(-5, 10))), stamp)
             for i, (_, r) in enumerate(contacts[:3000])))
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, help="keep the database here, and reuse it when it exists (no rebuild)")
    args = parser.parse_args(argv)
    reuse = args.db is not None and args.db.exists()
    path = args.db or Path(tempfile.mkdtemp(prefix="scorecard-bench-")) / "bench.sqlite3"
    setup_django(path)
    from zoneinfo import ZoneInfo

    now = dt.datetime(2026, 4, 15, 12, 0, tzinfo=ZoneInfo("Europe/London"))
    started = time.perf_counter()
    if reuse:
        from django.apps import apps

        counts = {m: apps.get_model(*label.split(".")).objects.count() for m, label in (
            ("children", "people.Child"), ("events", "people.Event"), ("contacts", "intake.Contact"),
            ("checks", "intake.AgencyCheckRequest"), ("return_interviews", "missing.ReturnHomeInterview"))}
    else:
        counts = build(args.children, args.events, args.seed, now)
    build_seconds = round(time.perf_counter() - started, 1)

    from safehub.performance.engine import scorecard
    from safehub.reports.board import board_report

    month = dt.date(2026, 3, 31)
    from safehub.performance import event_counts

    fold_started = time.perf_counter()
    folded = event_counts.fold()  # events the last run (or the build) added, into the daily counts: once, not per view
    fold_seconds = time.perf_counter() - fold_started
    timings, cpu, report_timings = [], [], []
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        card = scorecard(now=now, month=month)
        timings.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    for _ in range(args.repeat):
        t = time.perf_counter()
        board_report(now=now, month=month, charts=False)
        report_timings.append(time.perf_counter() - t)
    with_data = sum(1 for r in card.rows if r.current.value is not None)
    result = {
        "children": args.children, "events": counts["events"], "rows": counts, "build_seconds": build_seconds,
        "indicators": len(card.rows), "indicators_with_a_value": with_data,
        "values_computed": sum(len(r.trend) + len(r.by_agency) for r in card.rows),
        "events_folded": folded, "fold_seconds": round(fold_seconds, 2),
        "scorecard_seconds": {"first": round(timings[0], 2), "median": round(statistics.median(timings), 2)},
        "scorecard_cpu_seconds": {"median": round(statistics.median(cpu), 2)},
        "board_report_seconds": {"median": round(statistics.median(report_timings), 2)},
        "target_seconds": 2.0,
        "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
    }
    print(json.dumps(result, indent=2))  # noqa: T201 - the benchmark prints its result
    if args.db is None:
        path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
