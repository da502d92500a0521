"""Who may use the network pages. Which records and links a user sees is decided by the querysets in `models.py`."""

import rules

from safehub.core.access import (
    is_agency_contributor,
    is_analyst,
    is_board_member,
    is_mash_practitioner,
    is_missing_coordinator,
    is_panel_chair,
)

partnership_roles = is_mash_practitioner | is_panel_chair | is_missing_coordinator
case_readers = partnership_roles | is_agency_contributor

# Graph pages around a child, person, place or group, hotspots, and recording links: every case role, each through
# `Link.objects.visible_to` (contributors see their own agency's links and shared links about records they hold).
rules.add_perm("network.view_network", case_readers)
rules.add_perm("network.record_link", case_readers)
# Cohorts join children across the whole partnership: a MACE panel's tool, for the partnership roles.
rules.add_perm("network.view_cohorts", partnership_roles)
# Counts without names or places (small numbers suppressed) for the board and analysts, and the partnership roles.
rules.add_perm("network.view_aggregates", partnership_roles | is_analyst | is_board_member)
