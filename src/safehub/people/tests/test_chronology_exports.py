"""The chronology page and its PDF and DOCX exports: one selector, the same entries, the same redaction; audited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from tests.factories import ChildFactory, SourceRecordFactory, link

from safehub.core.caveats import Caveat
from safehub.core.models import AuditEvent
from safehub.people.models import Event, Relationship
from safehub.people.selectors import ChronologyFilters, chronology_document, involvement
from safehub.people.services import record_event

TODAY = dt.date(2026, 12, 1)


def at(y, m, d):
    return dt.datetime(y, m, d, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def no_wall_clock_events(world):
    Event.objects.filter(type="share.decision").delete()  # the shared world's share decision is dated now


@pytest.fixture
def events(world, agencies):
    child = world.police_child
    return {
        "old": record_event(child=child, agency=agencies["police"], type="police.incident", occurred_at=at(2023, 6, 1),
                            title="Old incident", significance=3),
        "police": record_event(child=child, agency=agencies["police"], type="police.incident", occurred_at=at(2026, 3, 1),
                               title="Domestic incident, child present", significance=3, summary="Officers attended."),
        "health_mash": record_event(child=child, agency=agencies["health"], type="health.ae", occurred_at=at(2026, 4, 2),
                                    title="A&E attendance", caveat=Caveat.MASH_ONLY, significance=2),
        "health_own": record_event(child=child, agency=agencies["health"], type="health.note", occurred_at=at(2026, 5, 3),
                                   title="Health visitor note", caveat=Caveat.AGENCY_ONLY, significance=1),
        "social": record_event(child=child, agency=agencies["social_care"], type="social_care.strategy",
                               occurred_at=at(2026, 6, 4), title="Strategy discussion", significance=3),
    }


def titles(doc):
    return [e.title for e in doc.entries]


def test_the_selector_applies_caveats_and_counts_what_is_withheld(world, personas, events):
    mash = chronology_document(personas["mash_practitioner"], world.police_child, today=TODAY)
    assert titles(mash) == ["Old incident", "Domestic incident, child present", "A&E attendance",
                            "Strategy discussion"]
    assert mash.withheld == 1  # health's own-agency note
    chair = chronology_document(personas["panel_chair"], world.police_child, today=TODAY)
    assert "A&E attendance" not in titles(chair) and chair.withheld == 2
    police = chronology_document(personas["police_contributor"], world.police_child, today=TODAY)
    assert titles(police) == ["Old incident", "Domestic incident, child present"]
    assert police.withheld == 3
    assert police.display_name == "Olivia Brennan"  # the police's own record of her


def test_last_two_years_significant_only(world, personas, events):
    doc = chronology_document(personas["mash_practitioner"], world.police_child,
                              ChronologyFilters(period="24m", significance=3), today=TODAY)
    assert titles(doc) == ["Domestic incident, child present", "Strategy discussion"]
    assert doc.filters.date_from == dt.date(2024, 12, 1)
    assert doc.filter_summary == ["Period: 1 December 2024 to 1 December 2026", "Significant events only"]
    leap = ChronologyFilters(period="12m").resolved(dt.date(2028, 2, 29))
    assert leap.date_from == dt.date(2027, 2, 28)


def _pdf_text(content: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(content)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_pdf_and_docx_show_exactly_the_screen_entries_and_are_audited(client, world, personas, events):
    client.force_login(personas["police_contributor"])
    page = client.get(reverse("people:chronology", args=[world.police_child.pk])).content.decode()
    assert "Domestic incident, child present" in page and "Strategy discussion" not in page
    assert "3 entries are not shown" in page
    before = AuditEvent.objects.count()
    response = client.get(reverse("people:chronology_pdf", args=[world.police_child.pk]), {"export_purpose": "court"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(response.content).split())
    assert "Domestic incident, child present" in text and "Old incident" in text
    for hidden in ("A&E attendance", "Health visitor note", "Strategy discussion"):
        assert hidden not in text
    assert "3 entries are not shown" in text and "Prepared for: Court" in text
    audit = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert (audit.action, audit.object_id, audit.detail["format"]) == ("child.chronology_export", str(world.police_child.pk),
                                                                       "pdf")

    from docx import Document

    response = client.post(reverse("people:chronology_docx", args=[world.police_child.pk]),
                           {"significance": "3", "from": "2026-01-01", "analysis": "Escalating pattern of incidents."})
    document = Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert any("Domestic incident, child present" in c for c in cells)
    assert not any("Old incident" in c or "Strategy discussion" in c for c in cells)
    paragraphs = [p.text for p in document.paragraphs]
    analysis_at = paragraphs.index("Part 2: Analysis")
    assert paragraphs.index("Part 1: Facts — what each agency recorded") < analysis_at
    assert "Escalating pattern of incidents." in paragraphs[analysis_at:]  # analysis only after the facts
    assert not any("Escalating" in c for c in cells)
    assert AuditEvent.objects.order_by("-seq").first().detail["analysis_added"] is True


def test_household_chronology_includes_siblings_the_user_may_see(client, world, personas, agencies, events):
    sibling = ChildFactory(given_name="Noah", family_name="Brennan")
    link(SourceRecordFactory(agency=agencies["health"], given_name="Noah", family_name="Brennan"), sibling)
    Relationship.objects.create(child=world.police_child, other_child=sibling, type=Relationship.Type.SIBLING,
                                lives_with=True)
    record_event(child=sibling, agency=agencies["health"], type="health.ae", occurred_at=at(2026, 7, 1),
                 title="Sibling hospital attendance")
    mash = chronology_document(personas["mash_practitioner"], world.police_child, today=TODAY, household=True)
    assert [s.name for s in mash.subjects] == ["Olivia Brennan", "Noah Brennan"]
    assert "Sibling hospital attendance" in titles(mash)
    police = chronology_document(personas["police_contributor"], world.police_child, today=TODAY, household=True)
    assert [s.name for s in police.subjects] == ["Olivia Brennan"]  # the police do not know Noah
    assert "Sibling hospital attendance" not in titles(police)
    client.force_login(personas["mash_practitioner"])
    page = client.get(reverse("people:household_chronology", args=[world.police_child.pk])).content.decode()
    assert "Sibling hospital attendance" in page and "about Noah Brennan (sibling)" in page
    response = client.get(reverse("people:household_chronology_pdf", args=[world.police_child.pk]))
    assert "Sibling hospital attendance" in " ".join(_pdf_text(response.content).split())


def test_known_to_lists_every_agency_with_closed_episodes(world, personas, agencies, events):
    world.health_record.received = {"Case Status": "Closed"}
    world.health_record.save()
    social = SourceRecordFactory(agency=agencies["social_care"], system="LCS", received={"Case Status": "Closed"})
    link(social, world.police_child)
    rows = {a.agency: a for a in involvement(personas["mash_practitioner"], world.police_child)}
    assert sorted(rows) == ["Health", "Police", "Social Care"]
    assert rows["Social Care"].status == "Closed" and rows["Social Care"].events == 1
    assert rows["Police"].first_event == dt.date(2023, 6, 1) and rows["Police"].last_event == dt.date(2026, 3, 1)
    assert [a.agency for a in involvement(personas["police_contributor"], world.police_child)] == ["Police"]


def test_event_dates_keep_their_precision(world, personas, agencies):
    record_event(child=world.police_child, agency=agencies["police"], type="police.note", occurred_at=at(2025, 9, 1),
                 title="Month only", precision=Event.Precision.MONTH)
    doc = chronology_document(personas["mash_practitioner"], world.police_child, today=TODAY)
    assert [e.when for e in doc.entries] == ["September 2025"]
