"""The demonstration partnership: agencies, one login per role, and a synthetic partnership loaded through the services.

Re-running is safe: agencies and users are found by code/username, source records by (agency, system, local id), and
children are only made for records not yet linked.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.models import Agency, AgencyType, RoleAssignment, Team, User
from safehub.core.roles import Role
from safehub.linkage.models import ReviewPair
from safehub.people.models import Child, SourceRecord
from safehub.people.services import RecordValues, restrict_child, store_source_records

AGENCIES = [
    ("social_care", "Children's Social Care", AgencyType.SOCIAL_CARE),
    ("police", "Police", AgencyType.POLICE),
    ("health", "NHS Integrated Care Board", AgencyType.HEALTH),
    ("education", "Education and Inclusion", AgencyType.EDUCATION),
    ("youth_justice", "Youth Justice Service", AgencyType.YOUTH_JUSTICE),
    ("probation", "Probation Service", AgencyType.PROBATION),
    ("housing", "Housing Services", AgencyType.HOUSING),
    ("voluntary", "Voluntary and Community Sector", AgencyType.VOLUNTARY),
]

# username, first, last, agency code, team, roles
PERSONAS = [
    ("mash", "Maya", "Ashworth", "social_care", "MASH", [Role.MASH_PRACTITIONER]),
    ("police", "Peter", "Oduya", "police", "Public Protection Unit", [Role.AGENCY_CONTRIBUTOR]),
    ("health", "Hannah", "Ellis", "health", "Safeguarding Children Team", [Role.AGENCY_CONTRIBUTOR]),
    ("panel.chair", "Priya", "Chaudhry", "social_care", "Exploitation Team", [Role.PANEL_CHAIR]),
    ("missing", "Marcus", "Ingram", "social_care", "Missing Children Team", [Role.MISSING_COORDINATOR]),
    ("analyst", "Aisha", "Nwosu", "social_care", "Performance and Intelligence", [Role.ANALYST]),
    ("board", "Bernard", "Okafor", "voluntary", "Partnership Board", [Role.BOARD_MEMBER]),
    ("admin", "Alex", "Dunmore", "social_care", "Business Support", [Role.ADMINISTRATOR]),
]

SYSTEMS = {
    "police": "Niche",
    "health": "RiO",
    "education": "Capita One",
    "social_care": "LCS",
    "youth_justice": "ChildView",
    "missing": "Niche missing persons",
}


def reset_database() -> None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        raise SystemExit("--reset only deletes the embedded SQLite demo database.")
    connections.close_all()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)


def migrate() -> None:
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is absent
    call_command("migrate", interactive=False, verbosity=0)


@transaction.atomic
def ensure_agencies_and_personas() -> dict[str, Agency]:
    agencies = {}
    for code, name, kind in AGENCIES:
        agencies[code], _ = Agency.objects.get_or_create(code=code, defaults={"name": name, "type": kind})
    for username, first, last, agency_code, team_name, roles in PERSONAS:
        team, _ = Team.objects.get_or_create(agency=agencies[agency_code], name=team_name)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "agency": agencies[agency_code],
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.teams.add(team)
        for role in roles:
            RoleAssignment.objects.get_or_create(user=user, role=role)
    return agencies


def reset_persona_passwords() -> list[tuple[str, str, str]]:
    """Give every demo persona a new random password and return them, to be printed once and never stored in clear."""
    logins = []
    for username, *_rest, roles in PERSONAS:
        user = User.objects.get(username=username)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save(update_fields=["password"])
        logins.append((username, ", ".join(Role(r).label for r in roles), password))
    from safehub.trust.demo import ensure_demo_inspector

    logins.append(ensure_demo_inspector())  # read only and audited; access ends 30 days from now
    record_audit(None, "demo.passwords_reset", detail={"users": [u for u, *_ in logins]})
    return logins


def to_values(record) -> RecordValues:
    return RecordValues(
        local_id=record.local_id,
        given_name=record.given_name,
        family_name=record.family_name,
        date_of_birth=record.date_of_birth,
        sex=record.sex or "U",
        nhs_number=record.nhs_number,
        upn=record.upn,
        police_id=record.police_id,
        postcode=record.postcode,
        address=record.address,
        school=record.school,
        gp_practice=record.gp_practice,
        received=dict(record.raw),
        source_file=record.source_file,
        source_row=record.row,
    )


def store_synthetic_extracts(directory: Path, agencies: dict[str, Agency], progress=None) -> int:
    """Store every agency extract in `directory` as source records, as each agency's import would (idempotent)."""
    from safehub.synth import read_extracts

    by_agency: dict[str, list] = defaultdict(list)
    for record in read_extracts(directory):
        by_agency[record.agency].append(record)
    agency_for = {"missing": "police"}
    total = sum(len(v) for v in by_agency.values())
    task = progress.add_task("Storing agency records", total=total) if progress else None
    for key, records in by_agency.items():
        agency = agencies[agency_for.get(key, key)]
        values = [to_values(r) for r in records]
        for start in range(0, len(values), 2000):
            chunk = values[start : start + 2000]
            store_source_records(agency, SYSTEMS[key], chunk)
            if progress:
                progress.advance(task, len(chunk))
    return total


def link_records(progress=None) -> dict:
    """Run record linkage over every stored record: the children the demo shows are the model's clusters."""
    from safehub.linkage.services import run_linkage

    if not SourceRecord.objects.filter(link__isnull=True).exists():
        return {}
    task = progress.add_task("Linking records into children (Splink)", total=None) if progress else None

    def say(message: str) -> None:
        if progress:
            progress.update(task, description=message)

    run = run_linkage(progress=say)
    if progress:
        progress.update(task, total=1, completed=1, description="Linked records into children (Splink)")
    return run.counts


def linkage_accuracy(directory: Path) -> dict:
    """Pairwise precision and recall of the stored links against the generator's ground truth (demo data only)."""
    from itertools import combinations

    from safehub.synth import read_ground_truth

    truth = read_ground_truth(directory)
    rows = SourceRecord.objects.filter(link__child__isnull=False).values_list(
        "source_file", "local_id", "link__child_id"
    )
    by_child: dict[int, list[str]] = defaultdict(list)
    by_true: dict[str, list[int]] = defaultdict(list)
    for index, (source_file, local_id, child_id) in enumerate(rows):
        by_child[child_id].append(index)
        by_true[truth.get((source_file, local_id), f"unknown-{index}")].append(index)
    predicted = {pair for members in by_child.values() for pair in combinations(sorted(members), 2)}
    actual = {pair for members in by_true.values() for pair in combinations(sorted(members), 2)}
    hits = len(predicted & actual)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(actual) if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


EVENT_TEMPLATES = {
    "police": [
        (
            "police.incident",
            "Domestic abuse incident attended; child present",
            3,
            "DASH risk assessment completed: medium",
        ),
        ("police.incident", "Child stopped and searched; cannabis found", 2, "Community resolution"),
        ("police.incident", "Child reported as a victim of robbery", 2, "Crime recorded; enquiries ongoing"),
        ("police.intelligence", "Seen with older males in a car late at night", 3, "Intelligence submitted"),
    ],
    "health": [
        ("health.ae_attendance", "A&E attendance: injury to wrist", 2, "Treated and discharged"),
        ("health.ae_attendance", "A&E attendance: alcohol intoxication", 3, "Safeguarding referral considered"),
        ("health.missed_appointments", "Three missed health appointments", 1, "GP informed"),
    ],
    "education": [
        (
            "education.exclusion",
            "Fixed-term exclusion (3 days): persistent disruptive behaviour",
            2,
            "Reintegration meeting held",
        ),
        ("education.attendance", "Attendance below 80% this term", 2, "Education welfare officer visit"),
        ("education.concern", "Disclosure to teacher about arguments at home", 3, "DSL informed; contact made to MASH"),
    ],
    "social_care": [
        ("social_care.referral", "Referral received from school", 2, "Single assessment started"),
        ("social_care.assessment", "Single assessment completed", 2, "Child in need plan agreed"),
    ],
    "youth_justice": [
        ("youth_justice.outcome", "Referral order made (6 months)", 2, "Youth offender panel arranged"),
    ],
}


def add_demo_events(seed: int) -> int:
    """Give demo children a plausible multi-agency history: events from each agency's records (synthetic, seeded)."""
    import datetime as dt
    import random

    from safehub.people.models import Event

    if Event.objects.filter(type__in=[t for templates in EVENT_TEMPLATES.values() for t, *_ in templates]).exists():
        return 0
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.UTC)
    events = []
    records = SourceRecord.objects.filter(link__child__isnull=False).select_related("agency", "link").order_by("pk")
    for record in records:
        templates = EVENT_TEMPLATES.get(record.agency.code, [])
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3]) if templates else 0):
            event_type, title, significance, outcome = rng.choice(templates)
            events.append(
                Event(
                    child_id=record.link.child_id,
                    agency=record.agency,
                    source_record=record,
                    type=event_type,
                    title=title,
                    significance=significance,
                    outcome=outcome,
                    occurred_at=start + dt.timedelta(days=rng.randrange(0, 1040), hours=rng.randrange(0, 12)),
                )
            )
    Event.objects.bulk_create(events, batch_size=2000)
    return len(events)


RELATIONSHIP_TYPES = {"mother": "mother", "father": "father", "stepfather": "step_parent", "stepmother": "step_parent",
                      "grandmother": "carer", "grandfather": "carer", "foster carer": "carer"}


def add_demo_households(directory: Path) -> int:
    """Carers from children's social care records as people linked to their children, and siblings linked to each other."""
    import csv

    from safehub.people.models import Person, RecordLink, Relationship
    from safehub.synth import read_ground_truth

    if Relationship.objects.exists():
        return 0
    truth = read_ground_truth(directory)
    child_of_truth: dict[str, int] = {}
    for source_file, local_id, child_id in SourceRecord.objects.filter(link__child__isnull=False).values_list(
        "source_file", "local_id", "link__child_id"
    ):
        true_id = truth.get((source_file, local_id))
        if true_id:
            child_of_truth.setdefault(true_id, child_id)
    with (directory / "children.csv").open(newline="", encoding="utf-8") as handle:
        children = list(csv.DictReader(handle))
    with (directory / "families.csv").open(newline="", encoding="utf-8") as handle:
        families = {row["family_id"]: row for row in csv.DictReader(handle)}
    members: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for row in children:
        if row["child_id"] in child_of_truth:
            members[row["family_id"]].append((child_of_truth[row["child_id"]], row["child_id"], row["twin_of"]))
    social_care = Agency.objects.get(code="social_care")
    relationships = []
    for family_id, kids in sorted(members.items()):
        family = families[family_id]
        for n in (1, 2):
            name = family[f"carer_{n}_name"].strip()
            if not name:
                continue
            given, _, surname = name.partition(" ")
            record, _ = SourceRecord.objects.get_or_create(
                agency=social_care, system="LCS", local_id=f"{family_id}-CARER{n}",
                defaults={"subject_type": "person", "given_name": given, "family_name": surname,
                          "address": family["address_line"], "postcode": family["postcode"],
                          "received": {"Name": name, "Relationship": family[f"carer_{n}_relationship"]},
                          "source_file": "families.csv"},
            )
            person = Person.objects.create(given_name=given, family_name=surname)
            RecordLink.objects.get_or_create(source_record=record, defaults={"person": person,
                                                                             "decision": RecordLink.Decision.SYNTHETIC})
            kind = RELATIONSHIP_TYPES.get(family[f"carer_{n}_relationship"].lower(), "carer")
            relationships += [Relationship(child_id=child, person=person, type=kind, lives_with=True, source_record=record)
                              for child, _id, _twin in kids]
        for child, true_id, twin_of in kids:
            for other, other_id, other_twin_of in kids:
                if other != child:
                    twins = twin_of == other_id or other_twin_of == true_id
                    relationships.append(Relationship(child_id=child, other_child_id=other,
                                                      type="twin" if twins else "sibling", lives_with=True))
    Relationship.objects.bulk_create(relationships, batch_size=2000)
    return len(relationships)


# Each domain app that has demo data offers `load_demo(now)` in its `demo` module (idempotent). Order matters: panels
# (meetings) are built from what the front door, missing, risk and network apps flagged.
DEMO_MODULES = ["intake", "missing", "risk", "network", "meetings", "performance", "assurance"]


def run_domain_demos(now, progress=None) -> list[str]:
    import importlib
    import importlib.util

    results = []
    for name in DEMO_MODULES:
        module_name = f"safehub.{name}.demo"
        if importlib.util.find_spec(f"safehub.{name}") is None or importlib.util.find_spec(module_name) is None:
            continue
        if f"safehub.{name}" not in settings.INSTALLED_APPS:
            continue
        task = progress.add_task(f"Demo data: {name}", total=1) if progress else None
        result = importlib.import_module(module_name).load_demo(now)
        if progress:
            progress.update(task, completed=1)
        if isinstance(result, str) and result:
            results.append(result)
    return results


def restrict_one_child() -> None:
    if Child.objects.filter(restricted=True).exists():
        return
    child = Child.objects.filter(record_links__source_record__agency__code="police").order_by("pk").first()
    if child is not None:
        mash = User.objects.get(username="mash")
        restrict_child(child, named_users=[mash], reason="High-profile family: named MASH staff only.", actor=mash)


def load_demo(*, children: int, seed: int, progress=None) -> str:
    from safehub.synth import generate

    agencies = ensure_agencies_and_personas()
    directory = Path(settings.VAR_DIR) / f"demo-data-{children}-{seed}"
    if not (directory / "manifest.json").exists():
        task = progress.add_task("Generating a synthetic partnership", total=children) if progress else None
        generate(
            children=children,
            seed=seed,
            out=directory,
            progress=(lambda done, total: progress.update(task, completed=done, total=total)) if progress else None,
        )
    records = store_synthetic_extracts(directory, agencies, progress)
    link_records(progress)
    events = add_demo_events(seed)
    add_demo_households(directory)
    restrict_one_child()
    domain_results = run_domain_demos(timezone.now(), progress)
    accuracy = linkage_accuracy(directory)
    waiting = ReviewPair.objects.filter(status=ReviewPair.Status.OPEN).count()
    summary = (
        f"{records:,} agency records linked into {Child.objects.filter(merged_into__isnull=True).count():,} children "
        f"(pairwise F1 against the synthetic ground truth {accuracy['f1']:.3f}); "
        f"{waiting:,} pairs for review."
    )
    summary += f" {events:,} chronology events." if events else ""
    return " ".join([summary, *domain_results])
