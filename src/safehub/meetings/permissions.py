"""Who may use which meetings page. Which bodies, meetings, cases and actions they then see is decided by the querysets'
`visible_to(user)` and, for the content of exempt items and full minutes, by membership of the body.

Governance meetings are partnership business: every role may read them (public minutes for non-members). Board members,
panel chairs and administrators (the business support who clerk meetings) run them. Case panels are run by panel chairs.
"""

import rules

from safehub.core.access import (
    is_administrator,
    is_agency_contributor,
    is_analyst,
    is_board_member,
    is_mash_practitioner,
    is_missing_coordinator,
    is_panel_chair,
)

has_any_role = (
    is_mash_practitioner
    | is_agency_contributor
    | is_panel_chair
    | is_missing_coordinator
    | is_analyst
    | is_board_member
    | is_administrator
)
runs_meetings = is_board_member | is_panel_chair | is_administrator

rules.add_perm("meetings.view_meetings", has_any_role)
rules.add_perm("meetings.manage_meetings", runs_meetings)
rules.add_perm("meetings.run_case_panels", is_panel_chair)
rules.add_perm("meetings.import_minutes", runs_meetings)
rules.add_perm("meetings.view_own_actions", has_any_role)
