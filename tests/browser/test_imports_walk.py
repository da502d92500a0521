"""A police contributor in Chromium: uploads an extract, matches its columns, imports it, then uploads a broken one and
reads the report. axe-core finds no serious or critical violations on any page. Screenshots: var/screenshots/imports-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safehub.imports.tests.builders import csv_bytes, good_row, good_rows
from safehub.imports.tests.test_parsers import with_cell
from safehub.people.models import SourceRecord

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def test_police_contributor_imports_an_extract(page, personas, agencies, tmp_path):
    good = tmp_path / "niche.csv"
    good.write_bytes(csv_bytes(good_rows(12)))
    broken = tmp_path / "niche-broken.csv"
    broken.write_bytes(csv_bytes([good_row(1), with_cell(good_row(2), "DOB", "31/02/2015")]))

    sign_in(page, personas["police_contributor"].username)
    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", name="Imports", exact=True)).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name="Upload a file").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label("Upload a file").set_input_files(str(good))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    assert run_axe(page) == []
    screenshot(page, "imports-map")
    page.get_by_label("Profile name").fill("Niche persons")
    page.get_by_label("System the file comes from").fill("Niche RMS")
    page.get_by_label("Column with each record’s id in the system").select_option("ID")
    for label, column in (
        ("Given name", "Forename"),
        ("Family name", "Surname"),
        ("Date of birth", "DOB"),
        ("Sex", "Sex"),
    ):
        page.get_by_label(label, exact=True).select_option(column)
    page.get_by_label("Codes for sex (optional)").fill("1 = M\n2 = F\n9 = U")
    page.get_by_role("button", name="Save profile and continue").click()

    expect(page.get_by_role("heading", name="Import niche.csv")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("Check the file, and import it only if every row is valid").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="niche.csv")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Imported")).to_be_visible()
    assert run_axe(page) == []
    assert SourceRecord.objects.filter(agency=agencies["police"]).count() == 12

    page.get_by_role("link", name="Back to imports").click()
    page.get_by_role("link", name="Upload a file").click()
    page.get_by_label("Upload a file").set_input_files(str(broken))
    page.get_by_label("Mapping profile").select_option(label="Niche persons (Niche RMS)")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Check the file, and import it only if every row is valid").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="The file was not imported")).to_be_visible()
    expect(page.get_by_role("cell", name="31/02/2015")).to_be_visible()
    assert run_axe(page) == []
    screenshot(page, "imports-report")
