"""`safehub risk check` and `safehub risk load-defaults`."""

from __future__ import annotations

import copy

import pytest
import yaml
from typer.testing import CliRunner

from safehub.cli import app
from safehub.risk.models import RiskTool
from safehub.risk.services import SHIPPED_TOOLS_DIR, shipped_definitions

runner = CliRunner()


def test_check_a_good_and_a_bad_definition(tmp_path):
    good = runner.invoke(app, ["risk", "check", str(SHIPPED_TOOLS_DIR / "seraf_sexual_exploitation.yaml")])
    assert good.exit_code == 0, good.output
    assert "23 questions in 3 sections, highest score 56" in " ".join(good.output.split())
    data = copy.deepcopy(shipped_definitions()[0])
    data["sections"][1]["questions"][1]["answers"][0]["weight"] = "lots"
    bad_file = tmp_path / "bad.yaml"
    bad_file.write_text(yaml.safe_dump(data))
    bad = runner.invoke(app, ["risk", "check", str(bad_file)])
    assert bad.exit_code == 1
    assert "sections[1].questions[1].answers[0].weight: must be a number" in " ".join(bad.output.split())


@pytest.mark.django_db
def test_load_defaults():
    result = runner.invoke(app, ["risk", "load-defaults"])
    assert result.exit_code == 0, result.output
    assert "rfm_child_exploitation version 1" in result.output
    assert RiskTool.objects.count() == 2
