"""Permission-matrix rows for the missing-children pages added after the central matrix (format in
safehub/core/tests/matrix.py): Philomena profiles, held ready for the police. `missing_profiles` makes a profile (with a
photo in a temporary private directory) of the police-and-health child and one of the restricted child."""

from __future__ import annotations

from safehub.core.tests.matrix import CASE_ROLES_DENIED, row

from .fixtures import missing_profiles

# Profiles: the missing team and MASH keep them; panel chairs read; police contributors read and export (children their
# agency knows); other contributors have no access. Creating needs ?child=, so a bare GET is 404 for those who may create.
ROWS = {
    ("missing:profile_new", None): row(404, 403, 403, 403, 404, CASE_ROLES_DENIED),
    ("missing:profile", "missing_profile"): row(200, 200, 403, 200, 200, CASE_ROLES_DENIED),
    ("missing:profile", "missing_restricted_profile"): row(200, 404, 403, 404, 404, CASE_ROLES_DENIED),
    ("missing:profile_edit", "missing_profile"): row(200, 403, 403, 403, 200, CASE_ROLES_DENIED),
    ("missing:profile_photo", "missing_profile"): row(200, 200, 403, 200, 200, CASE_ROLES_DENIED),
    ("missing:profile_photo", "missing_restricted_profile"): row(200, 404, 403, 404, 404, CASE_ROLES_DENIED),
    ("missing:profile_police_pdf", "missing_profile"): row(200, 200, 403, 200, 200, CASE_ROLES_DENIED),
    # the child's missing history, linked from the child page: whoever may read episodes and see the child
    ("missing:child", "police_child"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("missing:child", "health_only_child"): row(200, 404, 200, 200, 200, CASE_ROLES_DENIED),
    ("missing:child", "restricted_child"): row(200, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("missing:child", "missing_child"): row(404, 404, 404, 404, 404, CASE_ROLES_DENIED),
}
OBJECTS = {
    "missing_profile": ("missing_profiles", "profile"),
    "missing_restricted_profile": ("missing_profiles", "restricted_profile"),
}
FIXTURES = {"missing_profiles": missing_profiles}
