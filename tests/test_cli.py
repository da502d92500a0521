"""The `safehub` command: help on every command, and the generator's determinism through the CLI."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from safehub.cli import app

runner = CliRunner()


def _commands(group, prefix=()):
    for name, command in getattr(group, "commands", {}).items():
        yield (*prefix, name)
        yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("command", list(_commands(get_command(app))), ids=" ".join)
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_synth_twice_with_the_same_seed_gives_identical_files(tmp_path):
    for name in ("d1", "d2"):
        result = runner.invoke(app, ["synth", "--children", "300", "--seed", "1", "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    first, second = _digests(tmp_path / "d1"), _digests(tmp_path / "d2")
    assert first == second
    assert {"ground_truth.csv", "police_niche.csv", "health_rio.csv", "education_capita.xlsx"} <= set(first)
