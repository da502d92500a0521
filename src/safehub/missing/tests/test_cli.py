"""`safehub missing import` and `safehub missing check-triggers`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from typer.testing import CliRunner

from safehub.cli import app
from safehub.missing.models import MissingEpisode, TriggerFiring

runner = CliRunner()


def test_import_lists_row_errors_and_exits_1(tmp_path, db):
    bad = tmp_path / "903.csv"
    bad.write_text("CHILD,MISSING,MIS_START,MIS_END\nLCS1,Q,01/02/2026,\n")
    result = runner.invoke(app, ["missing", "import", str(bad), "--kind", "ssda903"])
    assert result.exit_code == 1
    assert "row 2, MISSING 'Q': Must be M (missing) or A (absent)" in result.output
    assert "nothing was imported" in result.output
    assert not MissingEpisode.objects.exists()


def test_check_triggers_fires_for_a_child_missing_more_than_24_hours(world, record):
    record(world.police_child, timezone.now() - dt.timedelta(hours=30), now=timezone.now() - dt.timedelta(hours=29))
    assert not TriggerFiring.objects.exists()
    result = runner.invoke(app, ["missing", "check-triggers"])
    assert result.exit_code == 0, result.output
    assert "1 trigger fired." in result.output
    assert runner.invoke(app, ["missing", "check-triggers"]).output.strip() == "0 triggers fired."
