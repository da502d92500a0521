from __future__ import annotations

import pytest

from safehub.imports.services import save_profile

from .builders import SPEC, XLSX_SPEC


@pytest.fixture
def police_profile(agencies):
    return save_profile(agencies["police"], SPEC)


@pytest.fixture
def police_xlsx_profile(agencies):
    return save_profile(agencies["police"], XLSX_SPEC.__class__(**{**XLSX_SPEC.__dict__, "name": "Test workbook"}))


@pytest.fixture
def write(tmp_path):
    """write(name, bytes) -> path of a new file in the test's own directory."""

    def write_file(name: str, data: bytes):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write_file
