"""Where Philomena profile photos are kept: a directory under the install's private `var/` that no URL serves. A photo
leaves it only through the audited `missing:profile_photo` view (or inside the police export)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:  # read each time, so tests and deployments can move VAR_DIR
        return str(Path(getattr(settings, "SAFEHUB_PRIVATE_MEDIA_ROOT", "") or Path(settings.VAR_DIR) / "private"))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL: serve them through an audited view.")
