"""The partnership's roles. A user may hold several; what each may read is decided in `safehub.core.access`."""

from django.db import models


class Role(models.TextChoices):
    MASH_PRACTITIONER = "mash_practitioner", "MASH practitioner"
    AGENCY_CONTRIBUTOR = "agency_contributor", "Agency contributor"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    MISSING_COORDINATOR = "missing_coordinator", "Missing-episodes coordinator"
    ANALYST = "analyst", "Analyst"
    BOARD_MEMBER = "board_member", "Board member"
    ADMINISTRATOR = "administrator", "Administrator"
    INSPECTOR = "inspector", "Inspector (read only, time-limited)"


# Roles that read identifiable case data across the partnership (restricted records still need a named grant).
PARTNERSHIP_CASE_ROLES = frozenset({Role.MASH_PRACTITIONER, Role.PANEL_CHAIR, Role.MISSING_COORDINATOR})

# Inspection mode (safehub.trust.inspection): an inspector reads children's records as this role does, but only while their
# access lasts, never changes anything, and every request they make is audited.
INSPECTOR_READS_AS = Role.MASH_PRACTITIONER
