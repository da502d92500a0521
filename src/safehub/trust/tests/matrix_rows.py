"""Permission-matrix rows for the trust pages added after the central matrix (format in safehub/core/tests/matrix.py):
inspector logins, for administrators only. The inspector persona itself is not a matrix column; inspection mode has its
own tests in test_inspection.py."""

from __future__ import annotations

from safehub.core.tests.matrix import CASE_ROLES_DENIED, row

from .fixtures import inspection

ROWS = {
    ("trust:inspectors", None): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), "admin": 200},
    ("trust:inspector_end", "trust_inspection"): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), "admin": 405},  # POST only
}
OBJECTS = {"trust_inspection": ("inspection", "access")}
FIXTURES = {"inspection": inspection}
