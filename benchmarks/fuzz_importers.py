"""Fuzz every importer with Hypothesis: agency extracts (CSV and XLSX, through `imports.services.import_file`), the
missing-episode imports (police notifications and SSDA903, `missing.importers`) and the minutes importer (parse, then
`meetings.services.save_imported_minutes`). Every input must end in a clean answer — imported, or rejected with
reasons — never an exception, and a rejected input must leave the database exactly as it was (no partial writes).

    uv run python benchmarks/fuzz_importers.py [--examples 2000] [--db PATH]

`--examples` is per target (five targets; the default gives 10,000 inputs). Builds a temporary SQLite database (migrated)
unless `--db` names one. Prints JSON: inputs, accepted, rejections by reason, crashes (with the input), partial writes,
seconds. Deterministic (derandomised). The test suite runs a smaller version (tests/test_fuzz_smoke.py).

Inputs are drawn three ways per target: arbitrary bytes or text; the right header with arbitrary cells; and valid
content with mutations (cells blanked, swapped or replaced, text cut or spliced), so most inputs get past the first
checks and reach the row parsers and the writes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
CORPUS = ROOT / "src/safehub/meetings/tests/minutes_corpus"


# --- results --------------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    inputs: int = 0
    accepted: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    crashes: list[dict] = field(default_factory=list)
    partial_writes: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "inputs": self.inputs,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "rejections_by_reason": dict(self.reasons.most_common(15)),
            "crashes": len(self.crashes),
            "crash_examples": self.crashes[:5],
            "partial_writes": len(self.partial_writes),
            "partial_write_examples": self.partial_writes[:5],
        }


def reason_key(text: str) -> str:
    """A reason without the values it quotes, so reasons group: digits → #, quoted text → '…'."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|“[^”]*”", "'…'", str(text))
    return re.sub(r"\d+", "#", text)[:90]


# --- the targets ----------------------------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    strategy: st.SearchStrategy
    run: Callable[[object], tuple[bool, list[str]]]  # → (accepted, rejection reasons); raises on a crash
    counts: Callable[[], tuple]  # the rows this importer writes; unchanged after a rejection


def cell_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=20),
        st.sampled_from(["", " ", "31/02/2015", "29/02/2016", "1/1/1800", "=cmd|' /C calc'!A0", "9999999999", "NULL",
                         "01/01/2030", "PR1 1AA", "1", "2", "9", "X", "\x00", "é", "😀", "-1", "1e9"]),
    )


def mutated_rows(good: list[list[str]]) -> st.SearchStrategy[list[list[str]]]:
    @st.composite
    def build(draw):
        rows = [list(r) for r in good[: draw(st.integers(0, len(good)))]]
        for _ in range(draw(st.integers(0, 6))):
            if not rows:
                break
            row = rows[draw(st.integers(0, len(rows) - 1))]
            action = draw(st.sampled_from(["replace", "blank", "drop", "extra", "dup"]))
            if action == "replace" and row:
                row[draw(st.integers(0, len(row) - 1))] = draw(cell_text())
            elif action == "blank" and row:
                row[draw(st.integers(0, len(row) - 1))] = ""
            elif action == "drop" and row:
                row.pop()
            elif action == "extra":
                row.append(draw(cell_text()))
            elif action == "dup":
                rows.append(list(row))
        return rows

    return build()


def agency_targets(agency, csv_profile, xlsx_profile, tmp: Path) -> list[Target]:
    from safehub.imports.models import ImportRun
    from safehub.imports.services import import_file
    from safehub.imports.tests.builders import HEADER, TODAY, good_rows, xlsx_bytes

    def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
        return plain_csv(header, rows).decode("utf-8", "surrogatepass").encode(encoding, "replace")

    def workbook(rows, header=HEADER) -> bytes:
        clean = [[re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", c) for c in row] for row in rows]
        header = [re.sub(r"[\x00-\x1f]", "", c) for c in header]
        try:
            return xlsx_bytes(clean, header=header)  # dates of birth as real date cells where they look like dates
        except ValueError:
            return xlsx_bytes(clean, header=header, dob_as_dates=False)
    from safehub.people.models import SourceRecord

    good = good_rows(12)
    header = st.one_of(st.just(HEADER), st.lists(cell_text(), max_size=8), st.permutations(HEADER))
    any_rows = st.lists(st.lists(cell_text(), max_size=9), max_size=8)
    csv_inputs = st.one_of(
        st.binary(max_size=600),
        st.builds(lambda rows: csv_bytes(rows), any_rows),
        st.builds(lambda h, rows: csv_bytes(rows, header=h), header, mutated_rows(good)),
        st.builds(lambda rows, enc: csv_bytes(rows, encoding=enc), mutated_rows(good),
                  st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])),
    )
    xlsx_inputs = st.one_of(
        st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),
        st.builds(workbook, mutated_rows(good)),
        st.builds(workbook, any_rows, header),
    )
    counter = {"n": 0}

    def counts() -> tuple:
        return (SourceRecord.objects.count(),)

    def run_with(profile, suffix):
        def run(data: bytes) -> tuple[bool, list[str]]:
            counter["n"] += 1
            path = tmp / f"extract{counter['n']}{suffix}"
            path.write_bytes(data)
            before = SourceRecord.objects.count()
            result = import_file(path, agency, profile, None, today=TODAY)
            path.unlink()
            if result.status == ImportRun.Status.IMPORTED:
                if result.already_imported:
                    return True, []
                grew = SourceRecord.objects.count() - before
                if grew != result.created:
                    raise AssertionError(f"imported {result.created} new records but {grew} were stored")
                return True, []
            reasons = list(result.row_errors.values_list("reason", flat=True)[:3]) or ["rejected"]
            return False, reasons

        return run

    return [
        Target("agency_csv", csv_inputs, run_with(csv_profile, ".csv"), counts),
        Target("agency_xlsx", xlsx_inputs, run_with(xlsx_profile, ".xlsx"), counts),
    ]


POLICE_HEADER = ["Report Ref", "Person URN", "Forename", "Surname", "DOB", "Gender", "Missing From", "Postcode",
                 "Date Missing", "Date Found", "Risk Grade", "Location Found", "Reported By"]
POLICE_ROWS = [
    ["MP/2026/000101", "5550001", "Olivia", "Brennan", "02/05/13", "F", "1 High St", "PR1 1AA",
     "2026-01-10T17:44:00Z", "2026-01-11T09:00:00Z", "medium", "Friend's address", "Parent/carer"],
    ["MP/2026/000102", "5550001", "Olivia", "Brennan", "02/05/13", "F", "1 High St", "PR1 1AA",
     "2026-02-01T20:00:00Z", "", "high", "", "Foster carer"],
]
SSDA903_HEADER = ["CHILD", "MISSING", "MIS_START", "MIS_END"]
SSDA903_ROWS = [["LCS000777", "M", "10/01/2026", "11/01/2026"], ["LCS000777", "A", "01/02/2026", ""]]


def plain_csv(header, rows) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def missing_targets() -> list[Target]:
    from safehub.missing.importers import import_police_notifications, import_ssda903_missing
    from safehub.missing.models import MissingEpisode, TriggerFiring
    from safehub.people.models import Event

    def counts() -> tuple:
        return MissingEpisode.objects.count(), TriggerFiring.objects.count(), Event.objects.count()

    def inputs(header, rows):
        return st.one_of(
            st.binary(max_size=600),
            st.text(max_size=600).map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.builds(plain_csv, st.just(header), st.lists(st.lists(cell_text(), max_size=14), max_size=6)),
            st.builds(plain_csv, st.just(header), mutated_rows(rows)),
        )

    def runner(importer):
        def run(data: bytes) -> tuple[bool, list[str]]:
            report = importer(data, now=NOW)
            return report.ok, [e.reason if hasattr(e, "reason") else str(e) for e in report.errors[:3]]

        return run

    return [
        Target("missing_police", inputs(POLICE_HEADER, POLICE_ROWS), runner(import_police_notifications), counts),
        Target("missing_ssda903", inputs(SSDA903_HEADER, SSDA903_ROWS), runner(import_ssda903_missing), counts),
    ]


def minutes_target(body) -> Target:
    from safehub.meetings.minutes import UnreadableMinutes, parse_minutes
    from safehub.meetings.models import Action, AgendaItem, Attendance, Meeting
    from safehub.meetings.services import MeetingsError, save_imported_minutes

    documents = sorted(p for p in CORPUS.iterdir() if not p.name.endswith(".json"))
    texts = [(p.suffix, p.read_bytes()) for p in documents]

    @st.composite
    def mutated(draw):
        suffix, data = draw(st.sampled_from(texts))
        for _ in range(draw(st.integers(0, 4))):
            i = draw(st.integers(0, len(data)))
            j = draw(st.integers(i, min(len(data), i + 400)))
            data = data[:i] + draw(st.binary(max_size=40)) + data[j:]
        return suffix, data

    inputs = st.one_of(
        st.tuples(st.sampled_from([".txt", ".html", ".docx", ".pdf", ".md", ""]), st.binary(max_size=800)),
        st.tuples(st.sampled_from([".txt", ".html"]), st.text(max_size=800).map(lambda t: t.encode("utf-8", "replace"))),
        mutated(),
    )

    def counts() -> tuple:
        return tuple(m.objects.count() for m in (Meeting, AgendaItem, Attendance, Action))

    def run(value) -> tuple[bool, list[str]]:
        suffix, data = value
        try:
            proposal = parse_minutes(data, f"minutes{suffix}")
        except UnreadableMinutes as error:
            return False, [str(error)]
        try:
            save_imported_minutes(proposal, body=body, actor=None, source_file=f"minutes{suffix}")
        except MeetingsError as error:
            return False, [f"{k}: {v}" for k, v in getattr(error, "errors", {"": str(error)}).items()]
        return True, []

    return Target("minutes", inputs, run, counts)


def build_targets(tmp: Path) -> list[Target]:
    """The importers, with the agency, profiles and board they need (created if missing)."""
    from safehub.core.models import Agency, AgencyType
    from safehub.imports.models import MappingProfile
    from safehub.imports.services import save_profile
    from safehub.imports.tests.builders import SPEC, XLSX_SPEC
    from safehub.meetings.models import Body

    agency, _ = Agency.objects.get_or_create(code="fuzz-police", defaults={"name": "Fuzz Police",
                                                                          "type": AgencyType.POLICE})
    csv_profile = MappingProfile.objects.filter(agency=agency, name=SPEC.name).first() or save_profile(agency, SPEC)
    xlsx_name = "Fuzz workbook"
    xlsx_profile = MappingProfile.objects.filter(agency=agency, name=xlsx_name).first() or save_profile(
        agency, XLSX_SPEC.__class__(**{**XLSX_SPEC.__dict__, "name": xlsx_name})
    )
    body, _ = Body.objects.get_or_create(name="Fuzz Partnership Board", defaults={"kind": Body.Kind.BOARD})
    return [*agency_targets(agency, csv_profile, xlsx_profile, tmp), *missing_targets(), minutes_target(body)]


def fuzz(target: Target, examples: int, tally: Tally) -> Tally:
    """Run `examples` generated inputs through one importer; never raises (crashes are counted, with the input)."""

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(target.strategy)
    def one(value) -> None:
        tally.inputs += 1
        before = target.counts()
        try:
            accepted, reasons = target.run(value)
        except Exception as error:  # noqa: BLE001 - the point: count it, keep going
            tally.crashes.append({"target": target.name, "error": f"{type(error).__name__}: {error}"[:300],
                                  "input": repr(value)[:300]})
            return
        if accepted:
            tally.accepted += 1
            return
        tally.rejected += 1
        for reason in reasons[:1]:
            tally.reasons[f"{target.name}: {reason_key(reason)}"] += 1
        if target.counts() != before:
            tally.partial_writes.append({"target": target.name, "input": repr(value)[:300]})

    one()
    return tally


# --- command line ---------------------------------------------------------------------------------------------------


def setup_django(path: Path) -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safehub.settings.test")
    os.environ["SAFEHUB_DATABASE_URL"] = f"sqlite:///{path}"
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings as django_settings

    django_settings.DATABASES["default"]["NAME"] = str(path)  # test settings would otherwise pick their own file
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="inputs per importer (five importers)")
    parser.add_argument("--db", type=Path, help="a SQLite file to use (migrated if new)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-importers-"))
    setup_django(args.db or tmp / "fuzz.sqlite3")
    start = time.perf_counter()
    results, total = {}, Tally()
    for target in build_targets(tmp):
        began = time.perf_counter()
        tally = fuzz(target, args.examples, Tally())
        results[target.name] = {**tally.to_json(), "seconds": round(time.perf_counter() - began, 1)}
        for name in ("inputs", "accepted", "rejected"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
        total.crashes += tally.crashes
        total.partial_writes += tally.partial_writes
    print(json.dumps({  # noqa: T201
        "inputs": total.inputs, "accepted": total.accepted, "rejected": total.rejected,
        "crashes": len(total.crashes), "partial_writes": len(total.partial_writes),
        "seconds": round(time.perf_counter() - start, 1), "targets": results,
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
