"""Who may use the performance pages. Nothing here reads child-level data except the drill-down, which is for analysts
(pseudonymised references only) and MASH practitioners (through `Child.objects.visible_to`); board members never.

`performance.view_aggregates` (analysts, board members, MASH practitioners) is declared in `safehub.core.access`.
"""

import rules

from safehub.core.access import (
    is_agency_contributor,
    is_analyst,
    is_board_member,
    is_mash_practitioner,
)


@rules.predicate
def has_agency(user) -> bool:
    return bool(getattr(user, "agency_id", None))


rules.add_perm("performance.edit_indicators", is_analyst)  # targets, comparators, population base
rules.add_perm("performance.edit_commentary", is_analyst)
rules.add_perm("performance.drill_down", is_analyst | is_mash_practitioner)
# An agency rates the partnership standards for itself: its contributors, the MASH (social care) and analysts.
rules.add_perm("performance.rate_standards", has_agency & (is_agency_contributor | is_mash_practitioner | is_analyst))
rules.add_perm("performance.view_standards_matrix", is_board_member | is_analyst)
rules.add_perm(
    "performance.view_standards",
    (has_agency & (is_agency_contributor | is_mash_practitioner | is_analyst)) | is_board_member,
)
