"""`safehub link`: runs record linkage over the stored records with the chosen engine; clear errors."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from safehub.cli import app
from safehub.linkage.models import LinkageRun

pytestmark = pytest.mark.django_db


def test_link_runs_linkage_with_the_options_given(monkeypatch, personas):
    from safehub.linkage import services

    seen = {}

    def fake_run_linkage(**kwargs):
        seen.update(kwargs)
        kwargs["progress"]("Scoring pairs")
        return SimpleNamespace(pk=7, status=LinkageRun.Status.DONE, Status=LinkageRun.Status, error="",
                               counts={"children_created": 3, "records": 5})

    monkeypatch.setattr(services, "run_linkage", fake_run_linkage)
    result = CliRunner().invoke(app, ["link", "--retrain", "--user", personas["mash_practitioner"].username])
    assert result.exit_code == 0, result.output
    assert seen["backend"] == "duckdb" and seen["retrain"] is True and seen["actor"] == personas["mash_practitioner"]
    assert "Linkage run 7 done" in result.output and "children created" in result.output


def test_a_failed_run_exits_1(monkeypatch):
    from safehub.linkage import services

    monkeypatch.setattr(services, "run_linkage", lambda **kwargs: SimpleNamespace(
        pk=8, status=LinkageRun.Status.FAILED, Status=LinkageRun.Status, error="LinkageError('too few records')",
        counts={}))
    result = CliRunner().invoke(app, ["link"])
    assert result.exit_code == 1 and "too few records" in result.output


def test_unknown_engine_or_user_exits_2():
    assert CliRunner().invoke(app, ["link", "--engine", "oracle"]).exit_code == 2
    assert CliRunner().invoke(app, ["link", "--user", "nobody"]).exit_code == 2


def test_demo_logins_are_shown_whole_on_a_narrow_terminal():
    from rich.console import Console

    from safehub.cli import logins_table

    logins = [("mash", "MASH practitioner", "KmiSNpnQP46aXy-3_q"),
              ("inspector", "Inspector (read only, time-limited), until 6 Jan 2027", "w-6jR9n9m8Bt4TzQ_9")]
    console = Console(width=80, record=True)
    console.print(logins_table(logins, 8000))
    text = console.export_text()
    assert "KmiSNpnQP46aXy-3_q" in text and "w-6jR9n9m8Bt4TzQ_9" in text and "inspector" in text
