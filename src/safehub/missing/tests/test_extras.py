"""Missing extras: the police risk grade as a versioned code list with a grading history, the return home interview's
delivery and out-of-area details, and the Philomena profile (private photo, audited police export)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safehub.core.caveats import Caveat
from safehub.core.models import AuditEvent
from safehub.missing import services
from safehub.missing.models import PhilomenaProfile, RiskGradeCodeList, RiskGrading
from safehub.missing.risk_grades import current_code_list, label_for
from safehub.missing.selectors import reconciliation

from .conftest import NOW
from .fixtures import photo_upload, png_bytes

# --- risk grade: versioned code list and history -----------------------------------------------------------------------


def test_regrading_adds_a_row_and_never_overwrites(world, record, personas):
    police, mash = personas["police_contributor"], personas["mash_practitioner"]
    episode = record(world.police_child, NOW - dt.timedelta(hours=5), risk_grade="medium", actor=police)
    services.grade_risk(episode, risk_grade="high", reason="Seen with an adult of concern",
                        now=NOW + dt.timedelta(hours=1), actor=mash)
    first, second = RiskGrading.objects.filter(episode=episode).order_by("graded_at")
    assert (first.grade, first.label, first.graded_by, first.source) == ("medium", "Medium", police, "recorded")
    assert first.graded_at == NOW
    assert (second.grade, second.graded_by, second.reason) == ("high", mash, "Seen with an adult of concern")
    assert second.code_list_version == first.code_list_version == "cop-app-missing-2016"
    episode.refresh_from_db()
    assert (episode.risk_grade, episode.risk_grade_label, episode.risk_grade_reviewed_by) == ("high", "High", mash)
    audit = AuditEvent.objects.filter(action="missing.episode.graded").get()
    assert audit.detail["before"]["risk_grade"] == "medium" and audit.detail["grading"] == second.pk


def test_the_code_list_in_force_comes_from_code_with_a_database_override(db):
    assert current_code_list(dt.date(2015, 1, 1)).version == "acpo-2013"
    assert current_code_list(dt.date(2026, 3, 16)).version == "cop-app-missing-2016"
    assert label_for("absent", "acpo-2013") == "Absent" and label_for("", "acpo-2013") == "Not graded"
    RiskGradeCodeList.objects.create(
        version="local-2026", name="Local pilot", effective_from=dt.date(2026, 2, 1),
        codes=[["no_apparent_risk", "No apparent risk"], ["low", "Low"], ["medium", "Medium"], ["high", "High"],
               ["very_high", "Very high"]],
    )
    assert current_code_list(dt.date(2026, 1, 31)).version == "cop-app-missing-2016"
    assert current_code_list(dt.date(2026, 3, 16)).version == "local-2026"
    assert label_for("very_high", "local-2026") == "Very high"
    with pytest.raises(ValidationError):
        RiskGradeCodeList(version="bad", name="Bad", effective_from=dt.date(2026, 1, 1), codes=["high"]).full_clean()


def test_grades_are_checked_against_the_list_in_force_and_keep_their_version(world, record, personas):
    episode = record(world.police_child, NOW - dt.timedelta(hours=5), risk_grade="low")
    with pytest.raises(ValidationError):
        services.grade_risk(episode, risk_grade="very_high", now=NOW, actor=personas["mash_practitioner"])
    RiskGradeCodeList.objects.create(
        version="local-2026", name="Local pilot", effective_from=dt.date(2026, 3, 1),
        codes=[["low", "Low"], ["high", "High"], ["very_high", "Very high"]],
    )
    services.grade_risk(episode, risk_grade="very_high", now=NOW, actor=personas["mash_practitioner"])
    versions = list(RiskGrading.objects.filter(episode=episode).values_list("code_list_version", "label"))
    assert versions == [("cop-app-missing-2016", "Low"), ("local-2026", "Very high")]


def test_episode_page_shows_the_current_grade_with_its_history(client, personas, missing_world):
    client.force_login(personas["missing_coordinator"])
    episode = missing_world.police_episode
    grade_url = reverse("missing:episode_grade", args=[episode.pk])
    assert "No apparent risk" in client.get(grade_url).content.decode()
    response = client.post(grade_url, {"risk_grade": "high", "reason": "New intelligence"})
    assert response.status_code == 302
    page = client.get(reverse("missing:episode", args=[episode.pk])).content.decode()
    history = page.split('data-testid="gradings"')[1].split("</table>")[0]
    assert history.index("High") < history.index("Medium")  # newest first, the earlier grade still there
    assert "New intelligence" in history and "cop-app-missing-2016" in history


# --- return home interviews: who delivered them, out of area ---------------------------------------------------------


def _returned(record, child, hours_ago=30):
    return record(child, NOW - dt.timedelta(hours=hours_ago), NOW - dt.timedelta(hours=hours_ago - 4))


def test_an_out_of_area_interview_names_the_host_authority_and_keeps_the_72_hour_clock(world, record, personas):
    episode = _returned(record, world.health_only_child)
    coordinator = personas["missing_coordinator"]
    with pytest.raises(ValidationError) as error:
        services.create_return_interview(episode, now=NOW, actor=coordinator, out_of_area=True)
    assert set(error.value.message_dict) == {"host_authority", "responsible"}
    interview = services.create_return_interview(
        episode, now=NOW, actor=coordinator, offered_at=NOW - dt.timedelta(hours=2), out_of_area=True,
        host_authority="Northshire County Council", responsible="host",
        delivered_by_name="Sam Taylor", delivered_by_role="commissioned",
    )
    assert interview.due_at == episode.ended_at + dt.timedelta(hours=72)
    assert (interview.host_authority, interview.get_responsible_display()) == (
        "Northshire County Council", "The host authority where the child is placed")
    audit = AuditEvent.objects.get(action="missing.rhi.created")
    assert audit.detail["out_of_area"] is True and audit.detail["delivered_by"] == "Sam Taylor"


def test_the_childs_social_worker_is_not_independent(world, record, personas):
    episode = _returned(record, world.health_only_child)
    interview = services.create_return_interview(episode, now=NOW, offered_at=NOW - dt.timedelta(hours=3))
    with pytest.raises(ValidationError) as error:
        services.complete_return_interview(
            interview, completed_at=NOW - dt.timedelta(hours=1), now=NOW, delivered_by_role="social_worker", independent=True
        )
    assert "independent" in error.value.message_dict
    services.complete_return_interview(
        interview, completed_at=NOW - dt.timedelta(hours=1), now=NOW, delivered_by_name="Jo Smith",
        delivered_by_role="social_worker", independent=False,
    )
    interview.refresh_from_db()
    assert (interview.held_by, interview.independent) == ("Jo Smith", False)


def test_reconciliation_reports_independence_and_out_of_area(world, record, personas):
    month = NOW.date().replace(day=1)
    inside = _returned(record, world.health_only_child, hours_ago=60)
    out = _returned(record, world.police_child, hours_ago=50)
    late = _returned(record, world.restricted_child, hours_ago=200)
    first = services.create_return_interview(inside, now=NOW, offered_at=NOW - dt.timedelta(hours=50))
    services.complete_return_interview(first, completed_at=NOW - dt.timedelta(hours=40), now=NOW, independent=True)
    second = services.create_return_interview(
        out, now=NOW, offered_at=NOW - dt.timedelta(hours=40), out_of_area=True, host_authority="Westshire",
        responsible="home",
    )
    services.complete_return_interview(
        second, completed_at=NOW - dt.timedelta(hours=30), now=NOW, delivered_by_role="placement", independent=False
    )
    services.create_return_interview(
        late, now=NOW, offered_at=NOW - dt.timedelta(hours=20), out_of_area=True, host_authority="Eastshire",
        responsible="host",
    )
    result = reconciliation(personas["mash_practitioner"], month=month)
    total = result.total
    assert (total.completed, total.completed_independent, total.completed_not_independent) == (2, 1, 1)
    assert (total.out_of_area, total.out_of_area_in_time, total.percent_independent) == (2, 1, 50)
    assert sorted(rhi.host_authority for _e, _name, rhi in result.out_of_area) == ["Eastshire", "Westshire"]


def test_the_interview_page_records_out_of_area_details(client, personas, world, record):
    episode = _returned(record, world.health_only_child, hours_ago=30)
    client.force_login(personas["missing_coordinator"])
    url = reverse("missing:interview", args=[episode.pk])
    from .test_views import when

    moment = episode.ended_at + dt.timedelta(hours=1)
    page = client.post(url, {"stage": "offer", **when("offered_at", moment), "independent": "yes", "out_of_area": "on"})
    assert "Enter the host authority the child is placed in" in page.content.decode()
    client.post(url, {"stage": "offer", **when("offered_at", moment), "independent": "yes", "out_of_area": "on",
                      "host_authority": "Northshire County Council", "responsible": "host",
                      "delivered_by_role": "independent_worker"})
    page = client.get(reverse("missing:episode", args=[episode.pk])).content.decode()
    assert "Host authority: Northshire County Council" in page


# --- Philomena profiles ------------------------------------------------------------------------------------------------


def test_the_photo_is_kept_privately_and_served_only_through_the_audited_view(client, personas, missing_profiles):
    profile = missing_profiles.profile
    path = profile.photo.path
    assert not path.startswith(str(settings.STATIC_ROOT)) and "/private/" in path
    with pytest.raises(ValueError):
        profile.photo.url  # noqa: B018 - no URL exists for a private file
    client.force_login(personas["police_contributor"])
    response = client.get(reverse("missing:profile_photo", args=[profile.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Cache-Control"] == "private, no-store"
    audit = AuditEvent.objects.order_by("-seq").first()
    assert (audit.action, audit.object_id, audit.actor) == ("missing.profile.photo", str(profile.pk),
                                                             personas["police_contributor"])


def test_police_export_is_a_pdf_and_audited(client, personas, missing_profiles):
    client.force_login(personas["police_contributor"])
    response = client.get(reverse("missing:profile_police_pdf", args=[missing_profiles.profile.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="missing.profile.export_police", outcome="ok").count() == 1


def test_profiles_are_visible_by_role_and_caveat(personas, missing_profiles):
    profile = missing_profiles.profile
    for persona in ("mash_practitioner", "police_contributor", "panel_chair", "missing_coordinator"):
        assert PhilomenaProfile.objects.visible_to(personas[persona]).filter(pk=profile.pk).exists(), persona
    for persona in ("health_contributor", "analyst", "board_member", "admin"):
        assert not PhilomenaProfile.objects.visible_to(personas[persona]).exists(), persona
    PhilomenaProfile.objects.filter(pk=profile.pk).update(caveat=Caveat.MASH_ONLY)
    assert not PhilomenaProfile.objects.visible_to(personas["police_contributor"]).filter(pk=profile.pk).exists()
    assert PhilomenaProfile.objects.visible_to(personas["mash_practitioner"]).filter(pk=profile.pk).exists()


def test_create_and_update_a_profile_through_the_pages(client, personas, world, settings, tmp_path):
    settings.SAFEHUB_PRIVATE_MEDIA_ROOT = str(tmp_path)
    client.force_login(personas["missing_coordinator"])
    new = reverse("missing:profile_new") + f"?child={world.health_only_child.pk}"
    assert client.get(new).status_code == 200
    bad = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    page = client.post(new, {"child": world.health_only_child.pk, "review_due": "16 6 2026", "photo": bad,
                             "caveat": "partnership"})
    assert "The selected file must be a JPEG or PNG photo" in page.content.decode()
    response = client.post(new, {
        "child": world.health_only_child.pk, "height": "1.55 m", "hair": "Black, short", "phone": "07700 900123",
        "social_media": "@jacob_w", "review_due": "16 6 2026", "photo": photo_upload(), "caveat": "partnership",
    })
    profile = PhilomenaProfile.objects.get(child=world.health_only_child)
    assert response.status_code == 302 and profile.review_due == dt.date(2026, 6, 16) and profile.photo
    old_photo = profile.photo.path
    created = AuditEvent.objects.get(action="missing.profile.created")
    assert "phone" in created.detail["changed"] and "07700" not in str(created.detail)
    client.post(reverse("missing:profile_edit", args=[profile.pk]), {
        "height": "1.56 m", "hair": "Black, short", "phone": "07700 900123", "social_media": "@jacob_w",
        "review_due": "16 9 2026", "photo": photo_upload(), "caveat": "partnership",
    })
    profile.refresh_from_db()
    assert profile.height == "1.56 m" and profile.photo.path != old_photo
    import os

    assert not os.path.exists(old_photo)  # the replaced photo is not kept
    updated = AuditEvent.objects.get(action="missing.profile.updated")
    assert set(updated.detail["changed"]) == {"height", "photo", "review_due"}
    # the child now has a profile: "create" goes to the edit page
    assert client.get(new)["Location"] == reverse("missing:profile_edit", args=[profile.pk])
