"""Who may use which front-door page. Which rows they then see is decided by the querysets' `visible_to(user)`.

There is no separate MASH manager role yet: every MASH practitioner sees the overdue view, as duty managers rotate.
"""

import rules

from safehub.core.access import is_agency_contributor, is_mash_practitioner, reads_case_data


@rules.predicate
def belongs_to_an_agency(user) -> bool:
    return bool(getattr(user, "agency_id", None))


rules.add_perm("intake.view_front_door", is_mash_practitioner)
rules.add_perm("intake.record_contact", is_mash_practitioner & belongs_to_an_agency)
rules.add_perm("intake.send_checks", is_mash_practitioner)
rules.add_perm("intake.decide", is_mash_practitioner)
rules.add_perm("intake.record_strategy_discussion", is_mash_practitioner)
rules.add_perm("intake.view_overdue", is_mash_practitioner)
rules.add_perm("intake.answer_checks", is_agency_contributor & belongs_to_an_agency)
rules.add_perm("intake.view_tasks", reads_case_data)
# The 2026 Act workflows (care proceedings and FGDM, NRM, home education) and the CP-IS exchange: the MASH for now.
rules.add_perm("intake.record_act_workflows", is_mash_practitioner)
rules.add_perm("intake.view_act_reports", is_mash_practitioner)
rules.add_perm("intake.exchange_cpis", is_mash_practitioner)
