"""Shared vocabulary of the permission matrix (tests/test_permission_matrix.py).

An app adds its own rows without touching the central file: `safehub/<app>/tests/matrix_rows.py` defines `ROWS`
({(url name, object key): {persona: status}}) and, for objects made by a fixture of its own, `OBJECTS`
({object key: (fixture name, attribute)}) and `FIXTURES` ({fixture function name: the fixture itself}).
"""

from __future__ import annotations

PERSONAS = [
    "mash_practitioner",
    "police_contributor",
    "health_contributor",
    "panel_chair",
    "missing_coordinator",
    "analyst",
    "board_member",
    "admin",
    "anonymous",
]

CASE_ROLES_DENIED = {"analyst": 403, "board_member": 403, "admin": 403, "anonymous": 302}
API_DENIED = {"analyst": 403, "board_member": 403, "admin": 403, "anonymous": 401}
ASSURANCE_READERS = {"analyst": 200, "board_member": 200, "admin": 200}  # the assurance pages' readers beyond case roles


def row(mash, police, health, chair, missing, denied):
    return {
        "mash_practitioner": mash,
        "police_contributor": police,
        "health_contributor": health,
        "panel_chair": chair,
        "missing_coordinator": missing,
        **denied,
    }
