"""Annex A lists generated from the platform: the scorecard world's contacts, referrals, enquiries and plans, written
as a workbook that imports back cleanly and gives the same counts."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from safehub.core.models import AuditEvent
from safehub.imports.dfe.export import annex_a_from_platform
from safehub.imports.dfe.services import import_return
from safehub.performance.engine import compute
from safehub.performance.tests.fixtures import scorecard_world  # noqa: F401 - the world the indicators are tested on

pytestmark = pytest.mark.django_db
YEAR = (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_annex_a_from_the_platform(scorecard_world, personas, agencies, tmp_path):  # noqa: F811
    start, end = YEAR
    export = annex_a_from_platform(personas["mash_practitioner"], start=start, end=end, path=tmp_path / "annex_a.xlsx")
    # contacts: Scorecard1 ×2, 2, 3, 4; referrals (s17/s47): Scorecard1 ×2, 2; enquiries: 6, 7, 8; CP plans open in
    # the year: 3, 5, 6, 7 (7's earlier plan ended before April 2025); looked after: 8
    assert export.rows == {1: 5, 2: 0, 3: 3, 4: 0, 5: 3, 6: 0, 7: 4, 8: 1, 9: 0, 10: 0, 11: 0}
    assert export.children == 8
    workbook = load_workbook(export.path)
    assert len(workbook.sheetnames) == 11 and workbook.sheetnames[2] == "List 3 - Referrals"
    assert AuditEvent.objects.filter(action="annex_a.exported", actor=personas["mash_practitioner"]).exists()

    run = import_return(export.path, agencies["social_care"], "annex-a", today=dt.date(2026, 4, 30))
    assert run.status == "imported", list(run.row_errors.values_list("sheet", "row", "column", "reason"))
    assert compute("annex_a_referrals", "2025-26").numerator == 3
    s47 = compute("annex_a_s47_to_icpc", "2025-26")
    assert (s47.numerator, s47.denominator) == (2, 3)  # 6 and 7 had a plan within 90 days of the enquiry
    second = compute("annex_a_cp_second_plans", "2025-26")
    assert (second.numerator, second.denominator) == (1, 3)  # 7's plan of February 2026 is its second


def test_nothing_visible_exports_empty_lists(scorecard_world, personas, tmp_path):  # noqa: F811
    export = annex_a_from_platform(personas["police_contributor"], start=YEAR[0], end=YEAR[1],
                                   path=tmp_path / "annex_a.xlsx")
    assert export.children == 0 and sum(export.rows.values()) == 0


def test_the_export_command(scorecard_world, personas, tmp_path, monkeypatch):  # noqa: F811
    from typer.testing import CliRunner

    import safehub.cli

    monkeypatch.setattr(safehub.cli, "setup_django", lambda *args, **kwargs: None)
    out = tmp_path / "annex_a.xlsx"
    args = ["export", "annex-a", "--out", str(out), "--user", "mash", "--from", "2025-04-01", "--to", "2026-03-31"]
    result = CliRunner().invoke(safehub.cli.app, args, catch_exceptions=False, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "8 children (list 1: 5, list 3: 3, list 5: 3, list 7: 4, list 8: 1)" in " ".join(result.output.split())
    assert out.exists()
    bad = CliRunner().invoke(safehub.cli.app, [*args[:5], "nobody", *args[6:]], catch_exceptions=False)
    assert bad.exit_code == 2 and "no active user called 'nobody'" in bad.output
