"""Every URL × every persona × own agency / other agency / restricted → expected status.

Adding a URL without rows here fails `test_every_url_has_a_row`. 404 means "missing or forbidden" (indistinguishable);
403 means the persona's role does not include the page at all; 302 is the sign-in redirect for anonymous visitors.
"""

from __future__ import annotations

import importlib
import importlib.util

import pytest
from django.conf import settings
from django.urls import get_resolver, reverse

from safehub.assurance.tests.fixtures import assurance_world  # noqa: F401 - objects for the assurance rows
from safehub.core.models import AuditEvent
from safehub.core.tests.matrix import API_DENIED, ASSURANCE_READERS, CASE_ROLES_DENIED, PERSONAS, row
from safehub.intake.tests.fixtures import intake_world  # noqa: F401 - objects for the intake rows
from safehub.meetings.tests.fixtures import meetings_world  # noqa: F401 - objects for the meetings rows
from safehub.missing.tests.fixtures import missing_world  # noqa: F401 - objects for the missing rows
from safehub.network.tests.fixtures import network_world  # noqa: F401 - objects for the network rows
from safehub.performance.tests.fixtures import performance_world  # noqa: F401 - objects for the performance rows
from safehub.risk.tests.fixtures import risk_world  # noqa: F401 - objects for the risk rows
from safehub.trust.tests.fixtures import trust_world  # noqa: F401 - objects for the trust rows

# What each object is, for the reader: police_child is known to police and health; health_only_child only to health;
# restricted_child is known to police and restricted to the MASH practitioner by name.
MATRIX: dict[tuple[str, str | None], dict[str, int]] = {
    ("dashboard", None): {**{p: 200 for p in PERSONAS}, "anonymous": 302},
    ("login", None): {p: (302 if p != "anonymous" else 200) for p in PERSONAS},
    ("people:search", None): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("people:child", "police_child"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("people:child", "health_only_child"): row(200, 404, 200, 200, 200, CASE_ROLES_DENIED),
    ("people:child", "restricted_child"): row(200, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("people:child", "missing_child"): row(404, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("people:chronology", "police_child"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("people:chronology", "health_only_child"): row(200, 404, 200, 200, 200, CASE_ROLES_DENIED),
    ("people:chronology", "restricted_child"): row(200, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("people:record", "police_record"): row(200, 200, 404, 200, 200, CASE_ROLES_DENIED),
    ("people:record", "health_record"): row(200, 404, 200, 200, 200, CASE_ROLES_DENIED),
    ("people:record", "restricted_record"): row(200, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("linkage:queue", None): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("linkage:pair", "review_pair"): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("linkage:data_quality", None): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("sharing:child", "police_child"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("sharing:child", "health_only_child"): row(200, 404, 200, 200, 200, CASE_ROLES_DENIED),
    ("sharing:child", "restricted_child"): row(200, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("sharing:decision", "share_decision"): row(200, 200, 404, 200, 200, CASE_ROLES_DENIED),
    ("sharing:report", None): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    # risk: MASH practitioners and panel chairs complete; missing coordinators and contributors read (contributors: children
    # visible to them, assessments shared with the partnership or their own agency's); tool pages for completers and admins
    ("risk:start", None): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("risk:child", "police_child"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("risk:child", "health_only_child"): row(200, 404, 200, 200, 200, CASE_ROLES_DENIED),
    ("risk:child", "restricted_child"): row(200, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("risk:child", "missing_child"): row(404, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("risk:child_panel", "police_child"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("risk:child_panel", "restricted_child"): row(200, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("risk:assess", "police_child"): row(200, 403, 403, 200, 403, CASE_ROLES_DENIED),
    ("risk:assess", "restricted_child"): row(200, 403, 403, 404, 403, CASE_ROLES_DENIED),
    ("risk:assessment", "risk_assessment"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("risk:assessment", "risk_assessment_mash_only"): row(200, 404, 404, 200, 200, CASE_ROLES_DENIED),
    ("risk:assessment", "risk_assessment_restricted"): row(200, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("risk:overrides", None): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("risk:tools", None): {**row(200, 403, 403, 200, 403, CASE_ROLES_DENIED), "admin": 200},
    ("risk:tool", "risk_tool"): {**row(200, 403, 403, 200, 403, CASE_ROLES_DENIED), "admin": 200},
    ("risk:upload_tool", None): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), "admin": 200},
    ("api:risk_tools", None): {**row(200, 403, 403, 200, 403, API_DENIED), "admin": 200},
    ("api:risk_tool", "risk_tool"): {**row(200, 403, 403, 200, 403, API_DENIED), "admin": 200},
    ("api:risk_child_assessments", "police_child"): row(200, 200, 200, 200, 200, API_DENIED),
    ("api:risk_child_assessments", "health_only_child"): row(200, 404, 200, 200, 200, API_DENIED),
    ("api:risk_child_assessments", "restricted_child"): row(200, 404, 404, 404, 404, API_DENIED),
    ("api:risk_assessment", "risk_assessment"): row(200, 200, 200, 200, 200, API_DENIED),
    ("api:risk_assessment", "risk_assessment_mash_only"): row(200, 404, 404, 200, 200, API_DENIED),
    ("core:audit", None): {**{p: 403 for p in PERSONAS}, "admin": 200, "anonymous": 302},
    ("api:openapi-json", None): {p: 200 for p in PERSONAS},
    ("api:openapi-view", None): {p: 200 for p in PERSONAS},
    ("api:api-root", None): {p: 404 for p in PERSONAS},
    ("api:me", None): {**{p: 200 for p in PERSONAS}, "anonymous": 401},
    ("api:find_children", None): row(200, 200, 200, 200, 200, API_DENIED),
    ("api:search_people", None): row(200, 200, 200, 200, 200, API_DENIED),
    ("api:get_child", "police_child"): row(200, 200, 200, 200, 200, API_DENIED),
    ("api:get_child", "health_only_child"): row(200, 404, 200, 200, 200, API_DENIED),
    ("api:get_child", "restricted_child"): row(200, 404, 404, 404, 404, API_DENIED),
    ("api:get_record", "police_record"): row(200, 200, 404, 200, 200, API_DENIED),
    ("api:get_record", "health_record"): row(200, 404, 200, 200, 200, API_DENIED),
    ("api:get_record", "restricted_record"): row(200, 404, 404, 404, 404, API_DENIED),
    # intake: the MASH front door; agencies answer only the checks sent to them (intake_hidden_contact is about a child
    # restricted to someone else; intake_police_check and intake_health_check were sent to those agencies)
    ("intake:front_door", None): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("intake:record_contact", None): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("intake:contact", "intake_contact"): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("intake:contact", "intake_hidden_contact"): row(404, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("intake:check_queue", None): row(403, 200, 200, 403, 403, CASE_ROLES_DENIED),
    ("intake:answer_check", "intake_police_check"): row(403, 200, 404, 403, 403, CASE_ROLES_DENIED),
    ("intake:answer_check", "intake_health_check"): row(403, 404, 200, 403, 403, CASE_ROLES_DENIED),
    ("intake:my_tasks", None): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("intake:tasks_calendar", None): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("intake:complete_task", "intake_task"): row(405, 405, 405, 405, 405, CASE_ROLES_DENIED),  # POST only
    ("intake:overdue", None): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("api:intake_list_contacts", None): row(200, 403, 403, 403, 403, API_DENIED),
    ("api:intake_create_contact", None): row(200, 403, 403, 403, 403, API_DENIED),  # GET lists
    ("api:intake_get_contact", "intake_contact"): row(200, 403, 403, 403, 403, API_DENIED),
    ("api:intake_get_contact", "intake_hidden_contact"): row(404, 403, 403, 403, 403, API_DENIED),
    ("api:intake_list_checks", None): row(403, 200, 200, 403, 403, API_DENIED),
    ("api:intake_respond_to_check", "intake_police_check"): {p: 405 for p in PERSONAS},  # POST only
    # missing: coordinators and MASH record and manage; panel chairs read; contributors read their own agency's episodes
    # of children they can see, and police contributors record episodes and returns (see missing/permissions.py)
    ("missing:ongoing", None): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("missing:episode_new", None): row(200, 200, 403, 403, 200, CASE_ROLES_DENIED),
    ("missing:episode", "missing_police_episode"): row(200, 200, 404, 200, 200, CASE_ROLES_DENIED),
    ("missing:episode", "missing_care_episode"): row(200, 404, 404, 200, 200, CASE_ROLES_DENIED),
    ("missing:episode", "missing_restricted_episode"): row(200, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("missing:episode", "missing_child"): row(404, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("missing:episode_return", "missing_police_episode"): row(200, 200, 403, 403, 200, CASE_ROLES_DENIED),
    ("missing:episode_return", "missing_restricted_episode"): row(200, 404, 403, 403, 404, CASE_ROLES_DENIED),
    ("missing:episode_grade", "missing_police_episode"): row(200, 403, 403, 403, 200, CASE_ROLES_DENIED),
    ("missing:interview", "missing_care_episode"): row(200, 403, 403, 403, 200, CASE_ROLES_DENIED),
    ("missing:interview", "missing_restricted_episode"): row(200, 403, 403, 403, 404, CASE_ROLES_DENIED),
    ("missing:interviews_due", None): row(200, 403, 403, 200, 200, CASE_ROLES_DENIED),
    ("missing:triggers", None): row(200, 403, 403, 200, 200, CASE_ROLES_DENIED),
    ("missing:action", "missing_action"): row(200, 403, 403, 200, 200, CASE_ROLES_DENIED),
    ("missing:reconciliation", None): row(200, 403, 403, 200, 200, CASE_ROLES_DENIED),
    ("missing:import", None): row(200, 403, 403, 403, 200, CASE_ROLES_DENIED),
    ("api:list_missing_episodes", None): row(200, 200, 200, 200, 200, API_DENIED),
    ("api:create_missing_episode", None): row(200, 200, 200, 200, 200, API_DENIED),  # GET lists
    ("api:get_missing_episode", "missing_police_episode"): row(200, 200, 404, 200, 200, API_DENIED),
    ("api:get_missing_episode", "missing_care_episode"): row(200, 404, 404, 200, 200, API_DENIED),
    ("api:get_missing_episode", "missing_restricted_episode"): row(200, 404, 404, 404, 404, API_DENIED),
    ("api:close_missing_episode", "missing_police_episode"): {p: 405 for p in PERSONAS},  # POST only
    ("api:create_return_interview", "missing_care_episode"): {p: 405 for p in PERSONAS},  # POST only
    ("api:get_return_interview", "missing_interview"): row(200, 403, 403, 200, 200, API_DENIED),
    ("api:update_return_interview", "missing_interview"): row(200, 403, 403, 200, 200, API_DENIED),  # GET reads
    # imports: MASH practitioners and agency contributors, their own agency's runs and profiles only (tested in
    # src/safehub/imports/tests/test_views.py); map and confirm redirect to the upload page until a file is uploaded
    ("imports:runs", None): row(200, 200, 200, 403, 403, CASE_ROLES_DENIED),
    ("imports:upload", None): row(200, 200, 200, 403, 403, CASE_ROLES_DENIED),
    ("imports:map", None): row(302, 302, 302, 403, 403, CASE_ROLES_DENIED),
    ("imports:confirm", None): row(302, 302, 302, 403, 403, CASE_ROLES_DENIED),
    ("imports:profiles", None): row(200, 200, 200, 403, 403, CASE_ROLES_DENIED),
    ("imports:run", "missing_child"): row(404, 404, 404, 403, 403, CASE_ROLES_DENIED),
    ("imports:profile_yaml", "missing_child"): row(404, 404, 404, 403, 403, CASE_ROLES_DENIED),
    # meetings: governance bodies for every role (public minutes for non-members); case panels (meetings_panel) for their
    # members only; board members, panel chairs and administrators run meetings (meetings_board is chaired by the board
    # member, meetings_panel by the panel chair); the record endpoint is POST only
    ("meetings:bodies", None): {**{p: 200 for p in PERSONAS}, "anonymous": 302},
    ("meetings:create_body", None): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED), "board_member": 200, "admin": 200},
    ("meetings:body", "meetings_board"): {**{p: 200 for p in PERSONAS}, "anonymous": 302},
    ("meetings:body", "meetings_panel"): {**{p: 404 for p in PERSONAS}, "panel_chair": 200, "anonymous": 302},
    ("meetings:create_meeting", "meetings_board"): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), "board_member": 200,
                                                    "admin": 200},
    ("meetings:action_log", "meetings_board"): {**{p: 200 for p in PERSONAS}, "anonymous": 302},
    ("meetings:meeting", "meetings_first"): {**{p: 200 for p in PERSONAS}, "anonymous": 302},
    ("meetings:meeting", "meetings_panel_meeting"): {**{p: 404 for p in PERSONAS}, "panel_chair": 200, "anonymous": 302},
    ("meetings:record", "meetings_first"): {**row(403, 403, 403, 405, 403, CASE_ROLES_DENIED), "board_member": 405,
                                            "admin": 405},
    ("meetings:minutes", "meetings_first"): {**{p: 200 for p in PERSONAS}, "anonymous": 302},
    ("meetings:minutes_pdf", "meetings_first"): {**{p: 200 for p in PERSONAS}, "anonymous": 302},
    ("meetings:agenda_pdf", "meetings_first"): {**{p: 200 for p in PERSONAS}, "anonymous": 302},
    ("meetings:panel_pack", "meetings_panel_meeting"): row(403, 403, 403, 200, 403, CASE_ROLES_DENIED),
    ("meetings:paper", "missing_child"): {**{p: 404 for p in PERSONAS}, "anonymous": 302},
    ("meetings:my_actions", None): {**{p: 200 for p in PERSONAS}, "anonymous": 302},
    ("meetings:import", None): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED), "board_member": 200, "admin": 200},
    ("api:meetings_bodies", None): {**{p: 200 for p in PERSONAS}, "anonymous": 401},
    ("api:meetings_list", None): {**{p: 200 for p in PERSONAS}, "anonymous": 401},
    ("api:meetings_get", "meetings_first"): {**{p: 200 for p in PERSONAS}, "anonymous": 401},
    ("api:meetings_get", "meetings_panel_meeting"): {**{p: 404 for p in PERSONAS}, "panel_chair": 200, "anonymous": 401},
    ("api:meetings_actions", None): {**{p: 200 for p in PERSONAS}, "anonymous": 401},
    ("api:meetings_update_action", "meetings_action"): {p: 405 for p in PERSONAS},  # PATCH only
    # performance and reports: the scorecard, its exports and indicator pages for board members, analysts and MASH
    # practitioners; drill-down to records for analysts (pseudonymised) and MASH practitioners, never the board;
    # analysts edit targets, comparators and the population; agencies in a round rate themselves (performance_round:
    # social care, police and health), the board and analysts see the matrix (performance_world in
    # src/safehub/performance/tests/fixtures.py)
    ("reports:scorecard", None): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "analyst": 200, "board_member": 200},
    ("reports:scorecard_pdf", None): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "analyst": 200,
                                      "board_member": 200},
    ("reports:scorecard_xlsx", None): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "analyst": 200,
                                       "board_member": 200},
    ("reports:indicator", "performance_indicator"): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "analyst": 200,
                                                     "board_member": 200},
    ("reports:drilldown", "performance_indicator"): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "analyst": 200},
    ("performance:indicators", None): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "analyst": 200,
                                       "board_member": 200},
    ("performance:indicator_edit", "performance_indicator"): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED),
                                                              "analyst": 200},
    ("performance:population", None): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), "analyst": 200},
    ("performance:standards", None): {**row(200, 200, 200, 403, 403, CASE_ROLES_DENIED), "analyst": 200,
                                      "board_member": 200},
    ("performance:round_rate", "performance_round"): {**row(200, 200, 200, 403, 403, CASE_ROLES_DENIED), "analyst": 200},
    ("performance:round_matrix", "performance_round"): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), "analyst": 200,
                                                        "board_member": 200},
    ("api:performance_scorecard", None): {**row(200, 403, 403, 403, 403, API_DENIED), "analyst": 200, "board_member": 200},
    ("api:performance_indicators", None): {**row(200, 403, 403, 403, 403, API_DENIED), "analyst": 200,
                                           "board_member": 200},
    ("api:performance_matrix", "performance_round"): {**row(403, 403, 403, 403, 403, API_DENIED), "analyst": 200,
                                                      "board_member": 200},
    ("api:performance_rate", "performance_round"): {p: 405 for p in PERSONAS},  # POST only
    # network: graph pages for every case role through Link.objects.visible_to (network_world in
    # src/safehub/network/tests/fixtures.py: a person of concern and places recorded by the police, one place police-only);
    # cohorts for the partnership roles; counts without names for the board and analysts
    ("network:home", None): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("network:child", "police_child"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("network:child", "health_only_child"): row(200, 404, 200, 200, 200, CASE_ROLES_DENIED),
    ("network:child", "restricted_child"): row(200, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("network:child", "missing_child"): row(404, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("network:add_child_link", "police_child"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("network:add_child_link", "restricted_child"): row(200, 404, 404, 404, 404, CASE_ROLES_DENIED),
    ("network:person", "network_person"): row(200, 200, 404, 200, 200, CASE_ROLES_DENIED),
    ("network:add_person_link", "network_person"): row(200, 200, 404, 200, 200, CASE_ROLES_DENIED),
    ("network:place", "network_place"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("network:place", "network_hidden_place"): row(404, 200, 404, 404, 404, CASE_ROLES_DENIED),
    ("network:add_place_link", "network_place"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("network:add_place_link", "network_hidden_place"): row(404, 200, 404, 404, 404, CASE_ROLES_DENIED),
    ("network:group", "network_group"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("network:add_group_link", "network_group"): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("network:cohorts", None): row(200, 403, 403, 200, 200, CASE_ROLES_DENIED),
    ("network:cohort", "network_cohort"): row(200, 403, 403, 200, 200, CASE_ROLES_DENIED),
    ("network:hotspots", None): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("network:hotspots_chart", None): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("network:hotspot_counts", None): {**row(200, 403, 403, 200, 200, CASE_ROLES_DENIED), "analyst": 200,
                                       "board_member": 200},
    ("network:new_record", None): row(200, 200, 200, 200, 200, CASE_ROLES_DENIED),
    ("api:network_child_graph", "police_child"): row(200, 200, 200, 200, 200, API_DENIED),
    ("api:network_child_graph", "health_only_child"): row(200, 404, 200, 200, 200, API_DENIED),
    ("api:network_child_graph", "restricted_child"): row(200, 404, 404, 404, 404, API_DENIED),
    ("api:network_person_graph", "network_person"): row(200, 200, 404, 200, 200, API_DENIED),
    ("api:network_place_graph", "network_place"): row(200, 200, 200, 200, 200, API_DENIED),
    ("api:network_place_graph", "network_hidden_place"): row(404, 200, 404, 404, 404, API_DENIED),
    ("api:network_group_graph", "network_group"): row(200, 200, 200, 200, 200, API_DENIED),
    ("api:network_cohort_graph", "network_cohort"): row(200, 403, 403, 200, 200, API_DENIED),
    ("api:network_cohorts", None): row(200, 403, 403, 200, 200, API_DENIED),
    ("api:network_hotspots", None): row(200, 200, 200, 200, 200, API_DENIED),
    ("api:network_people_linked", None): row(200, 200, 200, 200, 200, API_DENIED),
    ("api:network_links", None): row(200, 200, 200, 200, 200, API_DENIED),  # GET lists new links; POST records one
    ("api:network_path", None): row(422, 422, 422, 422, 422, API_DENIED),  # from_node and to_node are required
    # assurance (src/safehub/assurance/permissions.py; assurance_world in src/safehub/assurance/tests/fixtures.py): section 11
    # returns for their own agency to contributors, every return to the board, chairs, admins and analysts; case reviews for
    # chairs, the board and admins; private fostering for the MASH; aggregates (annual report) for the board and analysts
    ("assurance:home", None): {**row(200, 200, 200, 200, 403, CASE_ROLES_DENIED), "analyst": 200, "board_member": 200,
                               "admin": 200},
    ("assurance:rounds", None): {**row(200, 200, 200, 200, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:open_round", None): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), "board_member": 200, "admin": 200},
    ("assurance:round", "assurance_round"): {**row(200, 200, 200, 200, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:return", "assurance_police_return"): {**row(404, 200, 404, 200, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:return", "assurance_health_return"): {**row(404, 404, 200, 200, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:challenge", "assurance_police_return"): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED),
                                                         "board_member": 200, "admin": 200},
    ("assurance:reviews", None): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED), "board_member": 200, "admin": 200},
    ("assurance:notify", None): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED), "admin": 200},
    ("assurance:review", "assurance_review"): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED), "board_member": 200,
                                               "admin": 200},
    ("assurance:recommendation_action", "assurance_recommendation"): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED),
                                                                      "admin": 200},
    ("assurance:complete_action", "assurance_tracked_action"): {**row(200, 403, 403, 200, 403, CASE_ROLES_DENIED),
                                                                "analyst": 403, "board_member": 200, "admin": 200},
    ("assurance:audits", None): {**row(200, 200, 200, 200, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:create_audit", None): row(200, 403, 403, 200, 403, CASE_ROLES_DENIED),
    ("assurance:audit", "assurance_audit"): {**row(200, 200, 200, 200, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:answer_case", "assurance_audit_case"): row(200, 200, 200, 403, 403, CASE_ROLES_DENIED),
    ("assurance:plans", None): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:create_plan", None): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), "board_member": 200, "admin": 200},
    ("assurance:plan", "assurance_plan"): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:plan_pdf", "assurance_plan"): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:plan_action", "assurance_plan_action"): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED),
                                                         **ASSURANCE_READERS},
    ("assurance:training", None): {**row(403, 403, 403, 200, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:record_session", None): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), "admin": 200},
    ("assurance:private_fostering", None): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("assurance:notify_private_fostering", None): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("assurance:private_fostering_arrangement", "assurance_arrangement"): row(200, 403, 403, 403, 403, CASE_ROLES_DENIED),
    ("assurance:private_fostering_counts", None): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "analyst": 200,
                                                   "board_member": 200},
    ("assurance:private_fostering_chart", None): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "analyst": 200,
                                                  "board_member": 200},
    ("assurance:annual_reports", None): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:annual_report", "assurance_report"): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), **ASSURANCE_READERS},
    ("assurance:annual_report_pdf", "assurance_report"): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED),
                                                          **ASSURANCE_READERS},
    ("assurance:annual_report_docx", "assurance_report"): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED),
                                                           **ASSURANCE_READERS},
    ("api:assurance_s11_matrix", "assurance_round"): {**row(403, 403, 403, 200, 403, API_DENIED), "board_member": 200,
                                                      "admin": 200},
    ("api:assurance_audit_grades", "assurance_audit"): {**row(200, 200, 200, 200, 403, API_DENIED), "analyst": 200,
                                                        "board_member": 200, "admin": 200},
    ("api:assurance_training_compliance", None): {**{p: 422 for p in PERSONAS}, "anonymous": 401},  # start and end required
    # trust: two-factor and account pages for everyone signed in (verify sends a user with no device to set-up); break-glass
    # for the partnership case roles only (the form is audited; missing records 404); the data protection pages for
    # administrators, subject access also for MASH practitioners (trust_sar is about police_child)
    ("trust:mfa_setup", None): {**{p: 200 for p in PERSONAS}, "anonymous": 302},
    ("trust:mfa_verify", None): {p: 302 for p in PERSONAS},
    ("trust:account", None): {**{p: 200 for p in PERSONAS}, "anonymous": 302},
    ("trust:sign_out_everywhere", None): {**{p: 405 for p in PERSONAS}, "anonymous": 302},  # POST only
    ("trust:break_glass", "police_child"): row(200, 403, 403, 200, 200, CASE_ROLES_DENIED),
    ("trust:break_glass", "restricted_child"): row(200, 403, 403, 200, 200, CASE_ROLES_DENIED),
    ("trust:break_glass", "missing_child"): row(404, 403, 403, 404, 404, CASE_ROLES_DENIED),
    ("trust:break_glass_report", None): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), "admin": 200},
    ("trust:retention", None): {**row(403, 403, 403, 403, 403, CASE_ROLES_DENIED), "admin": 200},
    ("trust:sars", None): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "admin": 200},
    ("trust:sar_new", None): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "admin": 200},
    ("trust:sar", "trust_sar"): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "admin": 200},
    ("trust:sar_json", "trust_sar"): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "admin": 200},
    ("trust:sar_pdf", "trust_sar"): {**row(200, 403, 403, 403, 403, CASE_ROLES_DENIED), "admin": 200},
}
NOT_PAGES = {"logout"}  # POST-only sign-out, tested in tests/test_auth.py


def all_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_a_row():
    covered = {name for name, _ in MATRIX} | NOT_PAGES
    assert all_url_names() - covered == set(), "add rows to MATRIX for these URLs"


# Objects an app makes in a fixture of its own (imported above): key -> (fixture name, attribute).
FIXTURE_OBJECTS = {
    "assurance_round": ("assurance_world", "round"),
    "assurance_police_return": ("assurance_world", "police_return"),
    "assurance_health_return": ("assurance_world", "health_return"),
    "assurance_review": ("assurance_world", "review"),
    "assurance_recommendation": ("assurance_world", "recommendation"),
    "assurance_tracked_action": ("assurance_world", "tracked_action"),
    "assurance_audit": ("assurance_world", "audit"),
    "assurance_audit_case": ("assurance_world", "audit_case"),
    "assurance_plan": ("assurance_world", "plan"),
    "assurance_plan_action": ("assurance_world", "plan_action"),
    "assurance_arrangement": ("assurance_world", "arrangement"),
    "assurance_report": ("assurance_world", "report"),
    "intake_contact": ("intake_world", "contact"),
    "intake_hidden_contact": ("intake_world", "hidden_contact"),
    "intake_police_check": ("intake_world", "police_check"),
    "intake_health_check": ("intake_world", "health_check"),
    "intake_task": ("intake_world", "task"),
    "meetings_board": ("meetings_world", "board"),
    "meetings_panel": ("meetings_world", "panel"),
    "meetings_first": ("meetings_world", "first"),
    "meetings_panel_meeting": ("meetings_world", "panel_meeting"),
    "meetings_action": ("meetings_world", "action"),
    "trust_sar": ("trust_world", "sar"),
    "risk_assessment": ("risk_world", "assessment"),
    "risk_assessment_mash_only": ("risk_world", "mash_only"),
    "risk_assessment_restricted": ("risk_world", "restricted"),
    "risk_tool": ("risk_world", "tool"),
    "missing_police_episode": ("missing_world", "police_episode"),
    "missing_care_episode": ("missing_world", "care_episode"),
    "missing_restricted_episode": ("missing_world", "restricted_episode"),
    "missing_interview": ("missing_world", "interview"),
    "missing_action": ("missing_world", "action"),
    "network_person": ("network_world", "person"),
    "network_place": ("network_world", "place"),
    "network_hidden_place": ("network_world", "hidden_place"),
    "network_group": ("network_world", "group"),
    "network_cohort": ("network_world", "cohort"),
    "performance_round": ("performance_world", "round"),
    "performance_indicator": ("performance_world", "indicator"),
}



def _collect_app_rows():
    """Rows, objects and fixtures from each app's own `tests/matrix_rows.py` (see safehub/core/tests/matrix.py)."""
    for app in settings.INSTALLED_APPS:
        if not app.startswith("safehub.") or importlib.util.find_spec(f"{app}.tests") is None:
            continue
        if importlib.util.find_spec(f"{app}.tests.matrix_rows") is None:
            continue
        module = importlib.import_module(f"{app}.tests.matrix_rows")
        clash = set(module.ROWS) & set(MATRIX)
        assert not clash, f"{app} repeats matrix rows: {sorted(clash)}"
        MATRIX.update(module.ROWS)
        FIXTURE_OBJECTS.update(getattr(module, "OBJECTS", {}))
        for name, fixture in getattr(module, "FIXTURES", {}).items():
            globals()[name] = fixture  # pytest finds fixtures among the module's names (name = the fixture's function name)


_collect_app_rows()


def _object_pk(world, key, request=None):
    if key is None:
        return None
    if key == "missing_child":
        return 999_999
    if key in FIXTURE_OBJECTS:
        fixture, attribute = FIXTURE_OBJECTS[key]
        return getattr(request.getfixturevalue(fixture), attribute).pk
    return getattr(world, key).pk


CASES = [
    (name, key, persona, status) for (name, key), statuses in MATRIX.items() for persona, status in statuses.items()
]


@pytest.mark.parametrize(("name", "key", "persona", "expected"), CASES, ids=[f"{n}[{k}]-{p}" for n, k, p, _ in CASES])
def test_route_statuses(request, client, world, personas, name, key, persona, expected):
    if persona != "anonymous":
        client.force_login(personas[persona])
    pk = _object_pk(world, key, request)
    url = reverse(name, args=[pk] if pk is not None else [])
    before = AuditEvent.objects.count()
    response = client.get(url, {"name": "Brennan"} if name.endswith(("find_children", "search_people")) else {})
    assert response.status_code == expected
    if key is not None and expected in (200, 404):
        # every view of, and every attempt at, a child's or record's data is audited
        newest = AuditEvent.objects.order_by("-seq").first()
        assert AuditEvent.objects.count() == before + 1
        assert newest.object_id == str(pk)
        assert newest.outcome == ("ok" if expected == 200 else ("not_found" if key == "missing_child" else "denied"))
