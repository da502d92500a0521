"""Sharing caveats and lawful bases carried by every source record, fact and event."""

from django.db import models


class Caveat(models.TextChoices):
    PARTNERSHIP = "partnership", "Share within the partnership for safeguarding"
    MASH_ONLY = "mash_only", "MASH only — not for wider circulation"
    AGENCY_ONLY = "agency_only", "Owning agency only — ask before sharing"


class LawfulBasis(models.TextChoices):
    CHILDREN_ACT_S47 = "ca1989_s47", "Children Act 1989 s47 (significant harm)"
    CHILDREN_ACT_S17 = "ca1989_s17", "Children Act 1989 s17 (child in need)"
    CHILDREN_ACT_2004_S11 = "ca2004_s11", "Children Act 2004 s11 (duty to safeguard)"
    UK_GDPR_6_1_E = "gdpr_6_1_e", "UK GDPR 6(1)(e) public task"
    CONSENT = "consent", "Consent"
