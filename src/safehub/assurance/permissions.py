"""Who may use which assurance page. Which rows they then see is decided by the querysets' `visible_to(user)`.

The partnership's business unit (administrators), board members and panel chairs run assurance; agency contributors answer
for their own agency (section 11 returns, case-audit questions); analysts and board members read the aggregates.
Identifiable details of a case review are for the review team only (`CaseReviewSubject.objects.visible_to`).
"""

import rules

from safehub.core.access import (
    is_administrator,
    is_agency_contributor,
    is_analyst,
    is_board_member,
    is_mash_practitioner,
    is_panel_chair,
)

runs_assurance = is_board_member | is_panel_chair | is_administrator
reads_assurance = runs_assurance | is_analyst

rules.add_perm("assurance.view_assurance", reads_assurance | is_agency_contributor | is_mash_practitioner)
rules.add_perm("assurance.view_section11", reads_assurance | is_agency_contributor | is_mash_practitioner)
rules.add_perm("assurance.manage_section11", is_board_member | is_administrator)
rules.add_perm("assurance.respond_section11", is_agency_contributor | is_mash_practitioner)
rules.add_perm("assurance.challenge_section11", runs_assurance)
rules.add_perm("assurance.view_reviews", runs_assurance)
rules.add_perm("assurance.manage_reviews", is_panel_chair | is_administrator)
rules.add_perm("assurance.view_audits", reads_assurance | is_agency_contributor | is_mash_practitioner)
rules.add_perm("assurance.manage_audits", is_mash_practitioner | is_panel_chair)
rules.add_perm("assurance.answer_audits", is_agency_contributor | is_mash_practitioner)
rules.add_perm("assurance.view_plans", reads_assurance)
rules.add_perm("assurance.manage_plans", is_board_member | is_administrator)
rules.add_perm("assurance.view_training", reads_assurance)
rules.add_perm("assurance.manage_training", is_administrator)
rules.add_perm("assurance.view_private_fostering", is_mash_practitioner)
rules.add_perm("assurance.view_private_fostering_counts", is_mash_practitioner | is_analyst | is_board_member)
rules.add_perm("assurance.view_annual_report", is_board_member | is_administrator | is_analyst)
rules.add_perm("assurance.edit_annual_report", is_board_member | is_administrator)
