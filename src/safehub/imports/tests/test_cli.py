"""`safehub import` through typer's CliRunner (Django is already set up by pytest-django)."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from safehub.imports.models import ImportRun, MappingProfile
from safehub.people.models import SourceRecord

from .builders import SPEC, csv_bytes, good_row, good_rows
from .test_parsers import with_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_cli(monkeypatch):
    import safehub.cli

    monkeypatch.setattr(safehub.cli, "setup_django", lambda *args, **kwargs: None)
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(safehub.cli.app, ["import", *args], catch_exceptions=False, env={"COLUMNS": "250"})
        # rich wraps long lines (paths under tmp differ in length between runs): compare words, not line breaks
        result.text = " ".join(result.output.split())
        return result

    return invoke


@pytest.fixture
def profile_yaml(tmp_path):
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(SPEC.to_dict()), encoding="utf-8")
    return path


def test_imports_with_a_profile_file(run_cli, agencies, write, profile_yaml):
    result = run_cli(
        str(write("niche.csv", csv_bytes(good_rows(3)))), "--agency", "police", "--profile-file", str(profile_yaml)
    )
    assert result.exit_code == 0, result.output
    assert "niche.csv: imported 3 rows (3 new, 0 updated)" in result.text
    assert SourceRecord.objects.count() == 3
    assert MappingProfile.objects.get(agency=agencies["police"]).name == SPEC.name


def test_rejected_file_prints_every_error_and_exits_1(run_cli, agencies, write, profile_yaml):
    rows = [with_cell(good_row(1), "DOB", "[red]soon"), with_cell(good_row(2), "Sex", "7"), good_row(3)]
    result = run_cli(
        str(write("niche.csv", csv_bytes(rows))), "--agency", "police", "--profile-file", str(profile_yaml)
    )
    assert result.exit_code == 1
    assert "rejected, nothing imported — 2 problems in 2 of 3 rows" in result.text
    for text in ("File", "Sheet", "Row", "Column", "Value", "Reason", "[red]soon", "unknown code for sex"):
        assert text in result.text  # values are printed literally, never read as console markup
    assert SourceRecord.objects.count() == 0


def test_named_profile_dry_run_and_already_imported(run_cli, agencies, write, police_profile):
    path = str(write("niche.csv", csv_bytes(good_rows(2))))
    dry = run_cli(path, "--agency", "police", "--profile", police_profile.name, "--dry-run")
    assert dry.exit_code == 0 and "would import 2 rows" in dry.text
    assert SourceRecord.objects.count() == 0
    assert run_cli(path, "--agency", "police", "--profile", police_profile.name).exit_code == 0
    again = run_cli(path, "--agency", "police", "--profile", police_profile.name)
    assert again.exit_code == 0 and "already imported" in again.text
    assert ImportRun.objects.filter(status=ImportRun.Status.IMPORTED).count() == 1


def test_accept_valid_sets_rejects_aside(run_cli, agencies, write, police_profile):
    rows = [good_row(1), with_cell(good_row(2), "Sex", "7")]
    result = run_cli(
        str(write("niche.csv", csv_bytes(rows))),
        "--agency",
        "police",
        "--profile",
        police_profile.name,
        "--accept-valid",
    )
    assert result.exit_code == 0, result.output
    assert "imported 1 row (1 new" in result.text and "1 row rejected, set aside in" in result.text
    assert SourceRecord.objects.count() == 1


def test_several_files_exit_1_if_any_is_rejected(run_cli, agencies, write, police_profile):
    good = str(write("good.csv", csv_bytes(good_rows(2))))
    bad = str(write("bad.csv", b""))
    result = run_cli(good, bad, "--agency", "police", "--profile", police_profile.name)
    assert result.exit_code == 1
    assert "good.csv: imported 2 rows" in result.text and "the file is empty" in result.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "nowhere", "--profile", "x"], "no agency with the code 'nowhere'"),
        (["--agency", "police", "--profile", "Nope"], "has no profile called 'Nope'"),
        (["--agency", "police"], "give either --profile NAME or --profile-file"),
    ],
)
def test_usage_problems_are_explained(run_cli, agencies, write, args, message):
    result = run_cli(str(write("niche.csv", csv_bytes(good_rows(1)))), *args)
    assert result.exit_code == 2 and message in result.text


def test_a_bad_profile_file_names_the_bad_key(run_cli, agencies, write, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump({**SPEC.to_dict(), "columns": {"DOB": "birthday"}}), encoding="utf-8")
    result = run_cli(
        str(write("niche.csv", csv_bytes(good_rows(1)))), "--agency", "police", "--profile-file", str(broken)
    )
    assert result.exit_code == 2
    assert "columns['DOB']: 'birthday' is not a field" in result.text
