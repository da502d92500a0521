"""`safehub import --format annex-a|ssda903|cin-xml` through typer's CliRunner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from safehub.imports.models import ImportRun, ReturnRecord

from .dfe_builders import edit_annex_a, sample_files, set_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_cli(monkeypatch):
    import safehub.cli

    monkeypatch.setattr(safehub.cli, "setup_django", lambda *args, **kwargs: None)
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(safehub.cli.app, ["import", *args], catch_exceptions=False, env={"COLUMNS": "250"})
        result.text = " ".join(result.output.split())
        return result

    return invoke


@pytest.fixture
def files(tmp_path):
    return sample_files(tmp_path)


def test_imports_all_three_returns(run_cli, agencies, files):
    for fmt, paths in (("annex-a", [files.annex_a]), ("ssda903", files.ssda903), ("cin-xml", [files.cin_census])):
        result = run_cli(*map(str, paths), "--agency", "social_care", "--format", fmt)
        assert result.exit_code == 0, result.output
    assert "annex_a.xlsx: imported" in result.text or ImportRun.objects.filter(file_name="annex_a.xlsx").exists()
    assert set(ReturnRecord.objects.values_list("kind", flat=True)) == {"annex_a", "ssda903", "cin_census"}
    again = run_cli(str(files.annex_a), "--agency", "social_care", "--format", "annex-a")
    assert again.exit_code == 0 and "already imported" in again.text


def test_a_bad_return_prints_every_problem_and_exits_1(run_cli, agencies, files, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(edit_annex_a(files.annex_a, lambda wb: set_cell(wb, 3, 2, "Referral Source", "[red]99")))
    result = run_cli(str(bad), "--agency", "social_care", "--format", "annex-a")
    assert result.exit_code == 1
    assert "bad.xlsx: rejected, nothing imported — 1 problem in 1 of" in result.text
    # (the table wraps long reasons to the terminal's width: the short words are checked in the output, the whole
    # reason in the stored row error)
    for text in ("File", "Sheet", "Row", "Column", "Value", "Reason", "[red]99", "unknown"):
        assert text in result.text
    error = ImportRun.objects.get(file_name="bad.xlsx").row_errors.get()
    assert (error.sheet, error.row, error.column, error.value) == ("List 3 - Referrals", 2, "Referral Source", "[red]99")
    assert error.reason.startswith("unknown code for Referral Source (expected one of 1A, 1B")
    assert ReturnRecord.objects.count() == 0


def test_dry_run(run_cli, agencies, files):
    result = run_cli(str(files.cin_census), "--agency", "social_care", "--format", "cin-xml", "--dry-run")
    assert result.exit_code == 0 and "would import" in result.text
    assert ReturnRecord.objects.count() == 0


@pytest.mark.parametrize("args,message", [
    (["--format", "annex-b"], "unknown --format 'annex-b'; use one of annex-a, ssda903, cin-xml"),
    (["--format", "annex-a", "--profile", "x"], "give either --format or a profile, not both"),
    (["--profile", "DfE Annex A"], "'DfE Annex A' is a DfE return, read by its own parser: use --format annex-a"),
])
def test_usage_problems_exit_2(run_cli, agencies, files, args, message):
    result = run_cli(str(files.annex_a), "--agency", "social_care", *args)
    assert result.exit_code == 2 and message in result.text
