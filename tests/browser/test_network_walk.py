"""The network pages in Chromium: a MASH practitioner opens a cohort graph (Cytoscape.js draws it on a canvas from the
API), downloads it as PNG, and a police contributor sees another agency's child by initials only. axe-core finds no serious
or critical violations. Screenshots go to var/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safehub.network.tests.fixtures import build_network_world

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def graph_labels(page) -> list[str]:
    page.wait_for_selector("#network-graph[data-ready='true'] canvas", timeout=15_000)
    return page.evaluate("() => window.safehubNetwork.nodes().map(n => n.data('label')).sort()")


def test_cohort_graph_renders_and_downloads(page, world, personas, agencies):
    network = build_network_world(world, personas, agencies)
    sign_in(page, personas["mash_practitioner"].username)
    page.get_by_role("link", name="Network").first.click()
    expect(page.get_by_role("heading", name="Network", exact=True)).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("navigation", name="Network").get_by_role("link", name="Cohorts").click()
    expect(page.get_by_role("heading", name=f"Cohort {network.cohort.pk}: 3 children")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name=f"See the graph of cohort {network.cohort.pk}").click()
    labels = graph_labels(page)
    assert {"Olivia Brennan", "Jacob Whitfield", "Ruby Castellano", "Jay Mercer", "Riverside Hotel"} <= set(labels)
    box = page.locator("#network-graph canvas").first.bounding_box()
    assert box["width"] > 400 and box["height"] > 300
    # the canvas has something drawn on it (not a blank white rectangle)
    drawn = page.evaluate("""() => { const png = window.safehubNetwork.png({full: true}); return png.length; }""")
    assert drawn > 5_000
    assert run_axe(page) == []
    screenshot(page, "network-cohort")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download this picture (PNG)").click()
    assert download.value.suggested_filename.endswith(".png")


def test_contributor_graph_shows_initials(page, world, personas, agencies):
    build_network_world(world, personas, agencies)
    sign_in(page, personas["police_contributor"].username)
    page.goto(f"/network/children/{world.police_child.pk}/")
    labels = graph_labels(page)
    assert any(label.startswith("J.W., age") for label in labels)
    assert not any("Jacob" in label or "Ruby" in label for label in labels)
    assert run_axe(page) == []
    screenshot(page, "network-contributor-child")
