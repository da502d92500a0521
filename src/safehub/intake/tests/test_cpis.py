"""CP-IS style exchange (docs/cp-is.md): the plans export against its documented columns, and the all-or-nothing,
idempotent import of unscheduled-care notifications into front-door contacts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from typer.testing import CliRunner

from safehub.core.models import AuditEvent, Team
from safehub.intake import cpis, services
from safehub.intake.models import Contact, Task, UnscheduledCareNotification

from .fixtures import LONDON

DOC = Path(__file__).resolve().parents[4] / "docs" / "cp-is.md"
D = dt.date
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=LONDON)
OLIVIA = "9434765919"  # world.police_child


def documented_columns(heading: str) -> list[str]:
    """The first column of the first table after `heading` in docs/cp-is.md, in order."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(heading):]
    columns = []
    for line in section.splitlines()[1:]:
        if line.startswith("## "):
            break
        if match := re.match(r"\| `([a-z_]+)` \|", line):
            columns.append(match.group(1))
        elif columns and not line.startswith("|"):
            break
    return columns


@pytest.fixture
def plans(world, personas):
    mash = personas["mash_practitioner"]
    mash.email = "mash@council.example"
    mash.save(update_fields=["email"])
    cp = services.start_plan(world.police_child, type="cp", actor=mash, start_on=D(2026, 1, 5), lead_practitioner=mash)
    cla = services.start_plan(world.restricted_child, type="cla", actor=mash, start_on=D(2025, 6, 1))
    cla.end_on = D(2026, 2, 20)
    cla.save()
    world.restricted_child.nhs_number = "4010232137"
    world.restricted_child.save()
    no_nhs = services.start_plan(world.health_only_child, type="cp", actor=mash, start_on=D(2026, 1, 5), lead_practitioner=mash)
    services.start_plan(world.police_child, type="cin", actor=mash, start_on=D(2025, 1, 5))
    return cp, cla, no_nhs


def test_export_matches_the_documented_columns(plans, personas):
    documented = documented_columns("## Export")
    assert documented == cpis.EXPORT_COLUMNS
    export = cpis.export_plans(personas["mash_practitioner"], as_of=D(2026, 3, 1))
    reader = csv.DictReader(io.StringIO(export.csv()))
    assert reader.fieldnames == documented
    rows = list(reader)
    cp, cla, _ = plans
    assert rows == [
        {"nhs_number": "4010232137", "plan_type": "LAC", "start_date": "2025-06-01", "end_date": "2026-02-20",
         "responsible_authority": "Social Care", "contact_name": "Test " + personas["mash_practitioner"].last_name,
         "contact_email": "mash@council.example", "local_reference": f"PLAN-{cla.pk}"},
        {"nhs_number": OLIVIA, "plan_type": "CPP", "start_date": "2026-01-05", "end_date": "",
         "responsible_authority": "Social Care", "contact_name": "Test " + personas["mash_practitioner"].last_name,
         "contact_email": "mash@council.example", "local_reference": f"PLAN-{cp.pk}"},
    ]
    assert export.without_nhs_number == 1
    audit = AuditEvent.objects.get(action="cpis.exported")
    assert audit.detail["rows"] == 2 and audit.detail["without_nhs_number"] == 1
    # a plan ended more than 30 days before the day is no longer sent; another user sees only what they may see
    assert [r["plan_type"] for r in cpis.export_plans(personas["mash_practitioner"], as_of=D(2026, 3, 23)).rows] == ["CPP"]
    assert [r["nhs_number"] for r in cpis.export_plans(personas["panel_chair"], as_of=D(2026, 3, 1)).rows] == [OLIVIA]
    assert cpis.export_plans(personas["analyst"], as_of=D(2026, 3, 1)).rows == []


def test_the_import_columns_are_documented():
    assert documented_columns("## Import") == cpis.IMPORT_REQUIRED + cpis.IMPORT_OPTIONAL


def test_the_cpis_page_and_download(client, plans, personas):
    client.force_login(personas["mash_practitioner"])
    page = client.get(reverse("intake:cpis"), {"as_of": "2026-03-01"})
    assert page.status_code == 200 and "Download the export" in page.content.decode()
    assert page.context["counts"] == {"CPP": 1, "LAC": 1, "without_nhs_number": 1}
    download = client.get(reverse("intake:cpis_export"), {"as_of": "2026-03-01"})
    assert download["Content-Disposition"] == 'attachment; filename="cp-is-2026-03-01.csv"'
    assert download.content.decode().splitlines()[0] == ",".join(cpis.EXPORT_COLUMNS)


GOOD = (
    "nhs_number,attended_at,setting,site,reason\n"
    "943 476 5919,2026-03-01T23:10,ED,Northshire General,Fall from a bunk bed\n"
    "9434765919,2026-02-28T10:00:00+00:00,utc,Riverside UTC,\n"
)


def test_import_makes_a_contact_for_the_responsible_team_and_is_idempotent(plans, personas, agencies):
    mash, chair = personas["mash_practitioner"], personas["panel_chair"]
    team = Team.objects.create(agency=agencies["social_care"], name="Child protection team north")
    mash.teams.add(team)
    report = cpis.import_notifications(GOOD, file="cpis-0301.csv", actor=chair, now=NOW)
    assert report.ok and len(report.created) == 2 and report.already_imported == 0
    contact = Contact.objects.get(pk=report.created[0].pk)
    assert (contact.child.nhs_number, contact.reporter_name, contact.reporter_agency) == (
        OLIVIA, "Northshire General", agencies["health"]
    )
    assert "Attended emergency department at Northshire General on 01 March 2026 at 23:10" in contact.summary
    assert "Fall from a bunk bed" in contact.summary
    task = Task.objects.get(detail_type="intake.contact", detail_id=str(contact.pk))
    assert (task.assigned_to, task.team, task.agency) == (mash, team, agencies["social_care"])
    assert task.due_at == dt.datetime(2026, 3, 3, 12, 0, tzinfo=LONDON)  # the MASH decision clock: 1 working day
    again = cpis.import_notifications(GOOD.encode(), file="cpis-0301-resent.csv", actor=chair, now=NOW)
    assert again.ok and again.created == [] and again.already_imported == 2
    assert UnscheduledCareNotification.objects.count() == 2 and Contact.objects.count() == 2
    assert AuditEvent.objects.filter(action="cpis.imported").count() == 2


def test_import_is_all_or_nothing_with_every_row_error(plans, personas):
    bad = (
        "nhs_number,attended_at,setting,site\n"
        "9434765919,2026-03-01T23:10,ED,Northshire General\n"  # good, but not imported
        "1234567890,yesterday,XX,\n"
        "4010232137,2026-03-01T09:00,ED,Northshire General\n"  # the looked-after child: plan ended 20 February
        "9434765919,2026-03-05T09:00,MIU,Riverside\n"  # in the future
        "9434765911,2026-03-01T09:00,ED,Northshire General\n"  # check digit wrong
    )
    report = cpis.import_notifications(bad, file="bad.csv", actor=personas["mash_practitioner"], now=NOW)
    assert not report.ok and report.created == []
    assert [(e.file, e.row, e.column) for e in report.errors] == [
        ("bad.csv", 3, "attended_at"),
        ("bad.csv", 3, "nhs_number"),
        ("bad.csv", 3, "setting"),
        ("bad.csv", 3, "site"),
        ("bad.csv", 4, "nhs_number"),
        ("bad.csv", 5, "attended_at"),
        ("bad.csv", 6, "nhs_number"),
    ]
    assert report.errors[4].reason == "the child was not on a child protection plan or looked after then"
    assert str(report.errors[5]) == "bad.csv, row 5, attended_at: is in the future"
    assert not Contact.objects.exists() and not UnscheduledCareNotification.objects.exists()
    missing = cpis.import_notifications("nhs_number,site\n", file="x.csv", actor=personas["mash_practitioner"], now=NOW)
    assert [(e.row, e.column) for e in missing.errors] == [(1, "attended_at"), (1, "setting")]


def test_parsing_needs_no_database():
    rows, errors = cpis.parse_notifications(GOOD, file="g.csv", now=NOW)
    assert errors == [] and [r.setting for r in rows] == ["ED", "UTC"]
    assert rows[0].attended_at == dt.datetime(2026, 3, 1, 23, 10, tzinfo=LONDON)
    assert rows[0].key != rows[1].key and len(rows[0].key) == 64


def test_the_cpis_commands(plans, personas, tmp_path):
    from safehub.cli import app

    runner = CliRunner()
    out = tmp_path / "plans.csv"
    result = runner.invoke(app, ["cpis", "export", "--out", str(out), "--user", "mash", "--as-of", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines()[0] == ",".join(cpis.EXPORT_COLUMNS)
    assert "2 plan(s) exported" in result.output
    assert runner.invoke(app, ["cpis", "export", "--out", str(out), "--user", "nobody"]).exit_code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("nhs_number,attended_at,setting,site\n1,2,3,\n")
    result = runner.invoke(app, ["cpis", "import", str(bad), "--user", "mash"])
    assert result.exit_code == 1 and "bad.csv, row 2, nhs_number" in result.output
    good = tmp_path / "good.csv"
    good.write_text("nhs_number,attended_at,setting,site\n9434765919,2026-03-01T23:10,ED,Northshire General\n")
    result = runner.invoke(app, ["cpis", "import", str(good), "--user", "mash"])
    assert result.exit_code == 0 and "1 contact(s) made" in result.output
