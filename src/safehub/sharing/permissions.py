import rules

from safehub.core.access import is_agency_contributor, is_mash_practitioner, is_missing_coordinator, is_panel_chair

records_share_decisions = is_mash_practitioner | is_agency_contributor | is_panel_chair | is_missing_coordinator
rules.add_perm("sharing.record_decision", records_share_decisions)
rules.add_perm("sharing.view_log", records_share_decisions)
rules.add_perm("sharing.report", is_mash_practitioner)
