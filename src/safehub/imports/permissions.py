"""Who may import: MASH practitioners and agency contributors, for their own agency (which needs them to have one)."""

import rules

from safehub.core.access import is_agency_contributor, is_mash_practitioner


@rules.predicate
def belongs_to_an_agency(user) -> bool:
    return bool(getattr(user, "agency_id", None))


imports_own_agency_data = (is_mash_practitioner | is_agency_contributor) & belongs_to_an_agency

rules.add_perm("imports.run_import", imports_own_agency_data)
