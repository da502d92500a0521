"""Who may use the missing-children pages and API. Which episodes they see is decided by the querysets' `visible_to`.

- Missing coordinators and MASH practitioners record and manage everything: episodes, returns, risk grades, return home
  interviews, imports and the actions triggers create.
- Panel chairs read: episodes, interviews due, triggers and the reconciliation.
- Agency contributors read the episodes their own agency recorded, about children their agency knows. Police contributors may
  also record an episode and its return, because the police take the missing person reports; the episode is then owned by
  the police. Other contributors cannot record episodes.
"""

from __future__ import annotations

import rules

from safehub.core.access import (
    is_agency_contributor,
    is_mash_practitioner,
    is_missing_coordinator,
    is_panel_chair,
)
from safehub.core.models import AgencyType


@rules.predicate
def in_police_agency(user) -> bool:
    agency = getattr(user, "agency", None)
    return agency is not None and agency.type == AgencyType.POLICE


manages_missing = is_missing_coordinator | is_mash_practitioner
reads_missing = manages_missing | is_panel_chair
is_police_contributor = is_agency_contributor & in_police_agency

rules.add_perm("missing.view_episodes", reads_missing | is_agency_contributor)
rules.add_perm("missing.record_episode", manages_missing | is_police_contributor)
rules.add_perm("missing.record_return", manages_missing | is_police_contributor)
rules.add_perm("missing.grade_risk", manages_missing)
rules.add_perm("missing.view_interviews", reads_missing)
rules.add_perm("missing.manage_interviews", manages_missing)
rules.add_perm("missing.view_triggers", reads_missing)
rules.add_perm("missing.manage_actions", manages_missing)
rules.add_perm("missing.view_reconciliation", reads_missing)
rules.add_perm("missing.import", manages_missing)

# Philomena profiles are held ready for the police: the police read and export them, the missing team keeps them.
rules.add_perm("missing.view_profiles", reads_missing | is_police_contributor)
rules.add_perm("missing.manage_profiles", manages_missing)
