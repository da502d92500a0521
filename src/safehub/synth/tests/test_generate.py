import collections
import csv
import datetime as dt
import hashlib
import json
import zipfile

import nhs_number
import openpyxl
import pytest
from nicknames import NickNamer

from safehub.synth import (
    FILES,
    REFERENCE_DATE,
    generate,
    read_children,
    read_extracts,
    read_ground_truth,
    upn_is_valid,
)
from safehub.synth.generator import COLUMNS

N = 1000


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    calls = []
    summary = generate(children=N, seed=7, out=out, progress=lambda d, t: calls.append((d, t)))
    records = list(read_extracts(out))
    children = {c["child_id"]: c for c in read_children(out)}
    truth = read_ground_truth(out)
    return out, summary, calls, records, children, truth


def _hashes(path):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir())}


def test_same_seed_identical_bytes_different_seed_differs(tmp_path):
    generate(300, 3, tmp_path / "a")
    generate(300, 3, tmp_path / "b")
    generate(300, 4, tmp_path / "c")
    a, b, c = _hashes(tmp_path / "a"), _hashes(tmp_path / "b"), _hashes(tmp_path / "c")
    assert "education_capita.xlsx" in a and len(a) == 10
    assert a == b
    assert all(a[name] != c[name] for name in ["children.csv", "health_rio.csv", "education_capita.xlsx"])


def test_xlsx_metadata_is_pinned(dataset):
    out = dataset[0]
    with zipfile.ZipFile(out / "education_capita.xlsx") as zf:
        core = zf.read("docProps/core.xml").decode()
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())
    assert core.count("2026-11-01T00:00:00Z") == 2  # created and modified


def test_summary_manifest_and_progress(dataset):
    out, summary, calls, records, children, truth = dataset
    assert summary.children == N and summary.seconds > 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["children"] == N
    assert manifest["counts"] == summary.records
    assert summary.records["ground_truth.csv"] == len(records) == len(truth)
    assert calls and calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_ground_truth_covers_every_record_exactly_once(dataset):
    _, _, _, records, children, truth = dataset
    keys = collections.Counter((r.source_file, r.local_id) for r in records)
    assert set(keys) == set(truth)
    assert max(keys.values()) == 1
    assert set(truth.values()) <= set(children)


def test_children_truth_shape(dataset):
    _, _, _, _, children, _ = dataset
    assert len(children) == N
    for c in children.values():
        dob = dt.date.fromisoformat(c["date_of_birth"])
        age = REFERENCE_DATE.year - dob.year - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (dob.month, dob.day))
        assert 0 <= age <= 17
        assert c["sex"] in ("M", "F")
        assert nhs_number.is_valid(c["nhs_number"]) and c["nhs_number"].startswith("999")
        assert c["upn"] == "" or upn_is_valid(c["upn"])
    assert len({c["nhs_number"] for c in children.values()}) == N
    ethnicities = collections.Counter(c["ethnicity"] for c in children.values())
    assert ethnicities.most_common(1)[0][0] == "WBRI" and len(ethnicities) >= 8
    # families share surnames
    by_family = collections.defaultdict(list)
    for c in children.values():
        by_family[c["family_id"]].append(c)
    siblings = [kids for kids in by_family.values() if len(kids) > 1]
    assert len(siblings) > N // 10
    same = sum(len({k["family_name"] for k in kids}) == 1 for kids in siblings)
    assert same / len(siblings) > 0.8


def test_twins_exist(dataset):
    _, _, _, _, children, _ = dataset
    twins = [c for c in children.values() if c["twin_of"]]
    assert len(twins) >= 4
    for c in twins:
        other = children[c["twin_of"]]
        assert other["twin_of"] == c["child_id"]
        assert other["date_of_birth"] == c["date_of_birth"]
        assert other["family_name"] == c["family_name"]
        assert other["given_name"] != c["given_name"]
        assert other["nhs_number"] != c["nhs_number"]


def test_coverage_is_roughly_realistic(dataset):
    _, _, _, records, children, truth = dataset
    known = collections.defaultdict(set)
    for r in records:
        known[r.agency].add(truth[(r.source_file, r.local_id)])
    share = {a: len(ids) / N for a, ids in known.items()}
    assert 0.90 < share["health"] < 0.99
    assert 0.55 < share["education"] < 0.80
    assert 0.32 < share["social_care"] < 0.48
    assert 0.18 < share["police"] < 0.33
    assert 0.005 < share["youth_justice"] < 0.06
    assert 0.02 < share["missing"] < 0.07
    assert all(children[c]["upn"] for c in known["education"])  # school-age only


def test_each_agency_file_uses_its_own_columns(dataset):
    out = dataset[0]
    headers = {}
    for agency, (name, _) in FILES.items():
        if name.endswith(".xlsx"):
            wb = openpyxl.load_workbook(out / name, read_only=True)
            assert wb.sheetnames == ["Pupils"]
            headers[agency] = [c for c in next(wb["Pupils"].iter_rows(values_only=True))]
            wb.close()
        else:
            with (out / name).open(newline="", encoding="utf-8-sig") as fh:
                headers[agency] = next(csv.reader(fh))
        assert headers[agency] == COLUMNS[agency]
    assert "Person URN" in headers["police"] and "NHS_NUMBER" in headers["health"]
    assert "UPN" in headers["education"] and "LCS ID" in headers["social_care"]
    agencies = list(headers)
    for i, a in enumerate(agencies):
        for b in agencies[i + 1 :]:
            assert headers[a] != headers[b]


def test_xlsx_dob_is_a_real_date_cell(dataset):
    out = dataset[0]
    wb = openpyxl.load_workbook(out / "education_capita.xlsx", read_only=True)
    rows = wb["Pupils"].iter_rows(min_row=2, max_row=50, values_only=True)
    dobs = [row[COLUMNS["education"].index("DOB")] for row in rows]
    wb.close()
    assert sum(isinstance(d, dt.datetime) for d in dobs) >= 45


def test_identifiers_in_extracts_are_valid(dataset):
    _, _, _, records, children, truth = dataset
    health = [r for r in records if r.agency == "health"]
    with_nhs = [r for r in health if r.nhs_number]
    assert len(with_nhs) / len(health) > 0.95
    for r in records:
        if r.nhs_number:
            assert nhs_number.is_valid(r.nhs_number)
            assert r.nhs_number == children[truth[(r.source_file, r.local_id)]]["nhs_number"]
        if r.upn:
            assert upn_is_valid(r.upn)
            assert r.upn == children[truth[(r.source_file, r.local_id)]]["upn"]
    assert any(r.nhs_number for r in records if r.agency == "social_care")
    # the raw social care NHS number is sometimes formatted with spaces
    assert any(" " in r.raw["NHS Number"] for r in records if r.agency == "social_care")


def test_dates_parse_in_every_format_and_some_are_transposed(dataset):
    _, _, _, records, children, truth = dataset
    transposed = 0
    for agency in FILES:
        rows = [r for r in records if r.agency == agency]
        parsed = [r for r in rows if r.date_of_birth is not None]
        assert len(parsed) / len(rows) > 0.9, agency
        exact = 0
        for r in parsed:
            true = dt.date.fromisoformat(children[truth[(r.source_file, r.local_id)]]["date_of_birth"])
            if r.date_of_birth == true:
                exact += 1
            elif r.date_of_birth == dt.date(true.year, true.day, true.month) if true.day <= 12 else False:
                transposed += 1
        assert exact / len(parsed) > 0.9, agency
    assert transposed > 0


def test_sex_normalised(dataset):
    _, _, _, records, children, truth = dataset
    assert {r.sex for r in records} <= {"M", "F", "U"}
    agree = sum(r.sex == children[truth[(r.source_file, r.local_id)]]["sex"] for r in records)
    assert agree / len(records) > 0.95
    assert {r.raw["SEX_CODE"] for r in records if r.agency == "health"} <= {"1", "2", "9"}
    assert {r.raw["Gender"] for r in records if r.agency == "police"} <= {"Male", "Female", "Unknown"}


def test_corruptions_appear(dataset):
    _, _, _, records, children, truth = dataset
    namer = NickNamer()
    nick = swapped = changed = typo_or_other = blank_postcode = 0
    for r in records:
        c = children[truth[(r.source_file, r.local_id)]]
        given, family = r.given_name.lower(), r.family_name.lower()
        if given in namer.nicknames_of(c["given_name"]):
            nick += 1
        if given == c["family_name"].lower() and family == c["given_name"].lower():
            swapped += 1
        if family != c["family_name"].lower():
            changed += 1
        if given != c["given_name"].lower():
            typo_or_other += 1
        if not r.postcode:
            blank_postcode += 1
    assert nick >= 5
    assert swapped >= 1
    assert changed >= 20
    assert typo_or_other >= 50
    assert blank_postcode >= 10
    # most records are still clean
    clean = sum(r.given_name == children[truth[(r.source_file, r.local_id)]]["given_name"] for r in records)
    assert clean / len(records) > 0.8


def test_missing_reports(dataset):
    _, _, _, records, _, truth = dataset
    police = {r.local_id: truth[(r.source_file, r.local_id)] for r in records if r.agency == "police"}
    missing = [r for r in records if r.agency == "missing"]
    per_child = collections.Counter(truth[(r.source_file, r.local_id)] for r in missing)
    assert max(per_child.values()) <= 6
    for r in missing:
        assert police[r.police_id] == truth[(r.source_file, r.local_id)]
        went = dt.datetime.fromisoformat(r.raw["Date Missing"])
        found = dt.datetime.fromisoformat(r.raw["Date Found"])
        assert r.raw["Date Missing"].endswith("Z") and found > went
        assert r.raw["Risk Grade"] in {"high", "medium", "low", "no apparent risk"}


def test_duplicates_within_an_agency(dataset):
    _, _, _, records, _, truth = dataset
    per = collections.Counter((r.agency, truth[(r.source_file, r.local_id)]) for r in records if r.agency != "missing")
    assert any(n == 2 for n in per.values())
