"""Who may use which trust page. Break-glass is for the partnership case roles only: agency contributors reach beyond their
own agency's records by asking the MASH, not by breaking glass (docs/security.md)."""

import rules

from safehub.core.access import is_administrator, is_mash_practitioner, is_missing_coordinator, is_panel_chair

rules.add_perm("trust.break_glass", is_mash_practitioner | is_panel_chair | is_missing_coordinator)
rules.add_perm("trust.review_break_glass", is_administrator)
rules.add_perm("trust.manage_subject_access", is_administrator | is_mash_practitioner)
rules.add_perm("trust.manage_retention", is_administrator)
rules.add_perm("trust.manage_inspectors", is_administrator)
