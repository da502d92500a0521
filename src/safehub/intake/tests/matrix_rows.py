"""Permission-matrix rows for the 2026 Act workflows and the CP-IS exchange (collected by tests/test_permission_matrix.py;
the front door's first rows stay there). MASH practitioners only for now; the child page audits one `child.view`.
"""

from safehub.core.tests.matrix import API_DENIED, CASE_ROLES_DENIED, row

MASH_ONLY = row(200, 403, 403, 403, 403, CASE_ROLES_DENIED)

ROWS = {
    ("intake:child_act", "police_child"): MASH_ONLY,
    ("intake:child_act", "restricted_child"): MASH_ONLY,  # restricted to the MASH practitioner by name
    ("intake:child_act", "missing_child"): row(404, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("intake:fgdm_report", None): MASH_ONLY,
    ("intake:cpis", None): MASH_ONLY,
    ("intake:cpis_export", None): MASH_ONLY,
    ("api:intake_fgdm_report", None): row(200, 403, 403, 403, 403, API_DENIED),
}
