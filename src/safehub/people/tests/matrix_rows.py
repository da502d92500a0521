"""The people app's rows in the permission matrix (format: safehub/core/tests/matrix.py).

The existing people pages' rows stay in tests/test_permission_matrix.py. Chronology pages and exports follow the child
page (404 where the child is not visible); recording a new child is for MASH practitioners, missing coordinators and
contributors (the details step sends anyone without a recent search back to the search); editing the single view is for
MASH practitioners; a warning note follows its agency's caveat (people_world: the police's note about police_child).
"""

from safehub.core.tests.matrix import API_DENIED, CASE_ROLES_DENIED, PERSONAS, row

from .fixtures import people_world

SEES_POLICE_CHILD = row(200, 200, 200, 200, 200, CASE_ROLES_DENIED)
SEES_HEALTH_ONLY_CHILD = row(200, 404, 200, 200, 200, CASE_ROLES_DENIED)
SEES_RESTRICTED_CHILD = row(200, 404, 404, 404, 404, CASE_ROLES_DENIED)

ROWS = {
    ("people:record_child_search", None): row(200, 200, 200, 403, 200, CASE_ROLES_DENIED),
    ("people:record_child", None): row(302, 302, 302, 403, 302, CASE_ROLES_DENIED),  # no search: back to the search
    ("people:edit_child", "police_child"): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("people:edit_child", "restricted_child"): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("people:edit_child", "missing_child"): row(404, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("people:chronology_pdf", "police_child"): SEES_POLICE_CHILD,
    ("people:chronology_pdf", "health_only_child"): SEES_HEALTH_ONLY_CHILD,
    ("people:chronology_pdf", "restricted_child"): SEES_RESTRICTED_CHILD,
    ("people:chronology_docx", "police_child"): SEES_POLICE_CHILD,
    ("people:chronology_docx", "restricted_child"): SEES_RESTRICTED_CHILD,
    ("people:household_chronology", "police_child"): SEES_POLICE_CHILD,
    ("people:household_chronology", "health_only_child"): SEES_HEALTH_ONLY_CHILD,
    ("people:household_chronology", "restricted_child"): SEES_RESTRICTED_CHILD,
    ("people:household_chronology", "missing_child"): row(404, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("people:household_chronology_pdf", "police_child"): SEES_POLICE_CHILD,
    ("people:household_chronology_pdf", "restricted_child"): SEES_RESTRICTED_CHILD,
    ("people:household_chronology_docx", "health_only_child"): SEES_HEALTH_ONLY_CHILD,
    ("people:add_warning", "police_child"): SEES_POLICE_CHILD,
    ("people:add_warning", "restricted_child"): SEES_RESTRICTED_CHILD,
    ("people:warning", "people_warning"): row(200, 200, 404, 200, 200, CASE_ROLES_DENIED),
    ("api:people_search_before_create", None): {p: 405 for p in PERSONAS},  # POST only
    ("api:people_record_child", None): {p: 405 for p in PERSONAS},  # POST only
}
OBJECTS = {"people_warning": ("people_world", "warning")}
FIXTURES = {"people_world": people_world}
_ = API_DENIED
