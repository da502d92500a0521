"""Who may use the risk pages. Which assessments a user reads is decided by `RiskAssessment.objects.visible_to`."""

import rules

from safehub.core.access import (
    is_administrator,
    is_agency_contributor,
    is_mash_practitioner,
    is_missing_coordinator,
    is_panel_chair,
)

completes_assessments = is_mash_practitioner | is_panel_chair

rules.add_perm("risk.view_assessments", completes_assessments | is_missing_coordinator | is_agency_contributor)
rules.add_perm("risk.complete_assessment", completes_assessments)
# There is no separate MASH manager role yet: MASH practitioners (who include the managers) read the overrides report.
rules.add_perm("risk.view_overrides", is_mash_practitioner)
rules.add_perm("risk.view_tools", completes_assessments | is_administrator)
rules.add_perm("risk.manage_tools", is_administrator)
