"""Each shipped YAML profile imports the synthetic generator's extract for its agency with no errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from safehub.imports.models import ImportRun, MappingProfile
from safehub.imports.services import import_file, save_profile
from safehub.people.models import SourceRecord
from safehub.synth import FILES, generate

PROFILES = Path(__file__).resolve().parent.parent / "profiles"
EXTRACTS = {
    "police_niche.yaml": "police",
    "health_rio.yaml": "health",
    "education_capita.yaml": "education",
    "social_care_lcs.yaml": "social_care",
    "youth_justice_childview.yaml": "youth_justice",
}


@pytest.fixture(scope="module")
def partnership(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    generate(children=200, seed=7, out=out)
    return out


def test_every_profile_has_an_extract():
    assert sorted(p.name for p in PROFILES.glob("*.yaml")) == sorted(EXTRACTS)


@pytest.mark.django_db
@pytest.mark.parametrize("profile_file", EXTRACTS)
def test_each_profile_imports_its_extract_with_no_errors(partnership, agencies, profile_file):
    agency_key = EXTRACTS[profile_file]
    file_name, system = FILES[agency_key]
    spec = MappingProfile.spec_from_yaml((PROFILES / profile_file).read_text(encoding="utf-8"))
    assert spec.system == system
    profile = save_profile(agencies["police"], spec)
    run = import_file(partnership / file_name, agencies["police"], profile)
    assert list(run.row_errors.values_list("row", "column", "reason")) == []
    assert run.status == ImportRun.Status.IMPORTED
    assert run.rows > 0 and run.created == run.rows
    assert SourceRecord.objects.filter(system=system).count() == run.rows


@pytest.mark.django_db
def test_the_police_extract_through_a_profile(partnership, agencies, personas):
    header = (partnership / "police_niche.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("Person URN,Surname,Forename(s),DOB,Gender")
    spec = MappingProfile.spec_from_yaml((PROFILES / "police_niche.yaml").read_text(encoding="utf-8"))
    profile = save_profile(agencies["police"], spec, actor=personas["police_contributor"])
    run = import_file(partnership / "police_niche.csv", agencies["police"], profile, personas["police_contributor"])
    assert run.status == ImportRun.Status.IMPORTED
    record = SourceRecord.objects.filter(import_run_id=run.pk).order_by("local_id").first()
    row = record.received
    assert record.local_id == row["Person URN"]
    assert record.family_name == " ".join(row["Surname"].split())
    assert record.sex == {"Male": "M", "Female": "F", "Unknown": "U"}[row["Gender"]]
    assert record.date_of_birth is None or record.date_of_birth.strftime("%d/%m/%Y") == row["DOB"]
    assert record.source_file == "police_niche.csv" and record.source_row >= 2
