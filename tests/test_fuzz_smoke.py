"""Issue #11 §4 "Proof", in small: every importer under Hypothesis (benchmarks/fuzz_importers.py, 40 inputs each here,
10,000 in the benchmark). No input may crash an importer, and no rejected input may leave rows behind.

The parser-level property tests (src/safehub/imports/tests/test_parser_properties.py) cover the agency parsers alone;
this goes through the services that write: `import_file`, the missing imports and `save_imported_minutes`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz_importers.py"
EXAMPLES = 40  # per importer; five importers


def load_harness():
    spec = importlib.util.spec_from_file_location("fuzz_importers", HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_no_importer_crashes_or_writes_part_of_a_rejected_file(tmp_path):
    harness = load_harness()
    summary = {}
    for target in harness.build_targets(tmp_path):
        tally = harness.fuzz(target, EXAMPLES, harness.Tally())
        summary[target.name] = tally
        assert tally.crashes == [], f"{target.name} crashed: {tally.crashes[:3]}"
        assert tally.partial_writes == [], f"{target.name} left rows from rejected input: {tally.partial_writes[:3]}"
        assert tally.inputs == EXAMPLES
        assert tally.rejected > 0  # the generated inputs reach the checks (and are not all trivially accepted)
    assert set(summary) == {"agency_csv", "agency_xlsx", "missing_police", "missing_ssda903", "minutes"}
    assert any(t.accepted for t in summary.values())  # and some get all the way through to the writes
