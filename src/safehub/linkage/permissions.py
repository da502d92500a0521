import rules

from safehub.core.access import is_mash_practitioner

rules.add_perm("linkage.review", is_mash_practitioner)
rules.add_perm("linkage.run", is_mash_practitioner)
