"""A small missing-children world on top of the shared `world`, for the permission matrix and this app's tests:

- police_episode: ongoing, reported by the police contributor (owned by the police), about the police-and-health child;
- care_episode: returned, owned by social care, about the health-only child, with a return home interview offered;
  with two earlier episodes it is the third in 90 days, so it fired the trigger whose action is `action`;
- restricted_episode: ongoing, owned by the police, about the child restricted to the MASH practitioner.

Imported by tests/test_permission_matrix.py for its rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from safehub.missing import services
from safehub.missing.models import MissingAction, MissingEpisode, PhilomenaProfile, ReturnHomeInterview


@dataclass
class MissingWorld:
    police_episode: MissingEpisode
    care_episode: MissingEpisode
    restricted_episode: MissingEpisode
    interview: ReturnHomeInterview
    action: MissingAction


@pytest.fixture
def missing_world(world, personas, agencies) -> MissingWorld:
    now = timezone.now()
    police, coordinator = personas["police_contributor"], personas["missing_coordinator"]
    police_episode = services.record_missing_episode(
        child=world.police_child, agency=agencies["police"], actor=police, started_at=now - dt.timedelta(hours=6), now=now,
        police_reference="MP/2026/000900", risk_grade="medium",
    )
    for days in (60, 30):
        services.record_missing_episode(
            child=world.health_only_child, agency=agencies["social_care"], actor=coordinator,
            started_at=now - dt.timedelta(days=days), ended_at=now - dt.timedelta(days=days, hours=-4), now=now,
        )
    care_episode = services.record_missing_episode(
        child=world.health_only_child, agency=agencies["social_care"], actor=coordinator,
        started_at=now - dt.timedelta(hours=30), ended_at=now - dt.timedelta(hours=20), now=now,
    )
    interview = services.create_return_interview(
        care_episode, offered_at=now - dt.timedelta(hours=10), provider_name="Safe Steps", now=now, actor=coordinator
    )
    restricted_episode = services.record_missing_episode(
        child=world.restricted_child, agency=agencies["police"], actor=police, started_at=now - dt.timedelta(hours=2), now=now
    )
    action = MissingAction.objects.get(child=world.health_only_child)
    return MissingWorld(police_episode, care_episode, restricted_episode, interview, action)


def png_bytes(size: tuple[int, int] = (4, 4), colour: str = "grey") -> bytes:
    """A tiny plain image: tests and the demo never hold a real photo."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def photo_upload(name: str = "photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, png_bytes(), content_type="image/png")
    upload.image_format = "PNG"
    return upload


@dataclass
class MissingProfiles:
    profile: PhilomenaProfile  # of the police-and-health child, with a photo
    restricted_profile: PhilomenaProfile  # of the child restricted to the MASH practitioner, with a photo


@pytest.fixture
def missing_profiles(world, personas, agencies, settings, tmp_path) -> MissingProfiles:
    settings.SAFEHUB_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    now = timezone.now()
    coordinator = personas["missing_coordinator"]
    made = [
        services.save_philomena_profile(
            child, agency=agencies["social_care"], actor=coordinator, now=now, photo=photo_upload(),
            height="1.60 m", hair="Brown, shoulder length", associates="Older friends in the town centre",
            review_due=timezone.localdate(now) + dt.timedelta(days=90),
        )
        for child in (world.police_child, world.restricted_child)
    ]
    return MissingProfiles(*made)
