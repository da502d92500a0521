"""Who may use the people pages beyond reading (reading is `people.view_child` etc. in `safehub.core.access`).

Which children and notes they act on is decided by the querysets' `visible_to`.

- Every case role exports the chronology it can see (the export shows exactly what the page shows).
- MASH practitioners, missing coordinators and agency contributors record a new child, after a search.
- Every case role records a warning note and its disclosures; MASH practitioners and panel chairs (the managers) sign
  notes off, never their own.
- MASH practitioners edit the single view's details (agencies correct their own records at source).
"""

from __future__ import annotations

import rules

from safehub.core.access import (
    is_agency_contributor,
    is_mash_practitioner,
    is_missing_coordinator,
    is_panel_chair,
    reads_case_data,
)

rules.add_perm("people.export_chronology", reads_case_data)
rules.add_perm("people.record_child", is_mash_practitioner | is_missing_coordinator | is_agency_contributor)
rules.add_perm("people.record_warning", reads_case_data)
rules.add_perm("people.sign_off_warning", is_mash_practitioner | is_panel_chair)
rules.add_perm("people.edit_child", is_mash_practitioner)
