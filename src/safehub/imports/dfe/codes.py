"""DfE code lists used by the statutory returns, code → readable label (CIN census and SSDA903 guidance wording, shortened).

Codes are matched case-insensitively and ignoring surrounding space; Annex A workbooks often hold "a) Male"-style values,
so `lookup` also accepts the label itself or "code) label" / "code - label".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SEX_903 = {"1": "Male", "2": "Female"}
GENDER = {"1": "Male", "2": "Female", "0": "Not known", "9": "Not specified", "M": "Male", "F": "Female", "U": "Not known"}
#: safehub's M/F/U for each gender label.
SEX_OF_LABEL = {"Male": "M", "Female": "F", "Not known": "U", "Not specified": "U"}

ETHNICITY = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

REFERRAL_SOURCE = {
    "1A": "Individual: family member, relative or carer",
    "1B": "Individual: acquaintance (including neighbours and child minders)",
    "1C": "Individual: self",
    "1D": "Individual: other",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: GP",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E (emergency department)",
    "3F": "Health services: other",
    "4": "Housing",
    "5A": "Local authority services: social care",
    "5B": "Local authority services: other internal",
    "5C": "Local authority services: external",
    "5D": "Local authority services: early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}

PRIMARY_NEED = {
    "N0": "Not stated",
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
    "N9": "Cases other than children in need",
}

CIN_CLOSURE_REASON = {
    "RC1": "Adopted",
    "RC2": "Died",
    "RC3": "Child arrangements order",
    "RC4": "Special guardianship order",
    "RC5": "Transferred to services of another local authority",
    "RC6": "Transferred to adult social care services",
    "RC7": "Services ceased for any other reason, including child no longer in need",
    "RC8": "Case closed after assessment, no further action",
    "RC9": "Case closed after assessment, referred to early help",
}

ABUSE_CATEGORY = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple categories",
}

YES_NO = {"Y": "Yes", "N": "No", "1": "Yes", "0": "No", "TRUE": "Yes", "FALSE": "No", "YES": "Yes", "NO": "No"}

DISABILITY = {"Y": "Yes", "N": "No", "NONE": "No disability", "MOB": "Mobility", "HAND": "Hand function",
              "PC": "Personal care", "INC": "Incontinence", "COMM": "Communication", "LD": "Learning",
              "HEAR": "Hearing", "VIS": "Vision", "BEH": "Behaviour", "CON": "Consciousness", "AUT": "Autism",
              "DDA": "Other disability"}

LEGAL_STATUS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "J1": "Remanded to local authority accommodation or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Sentenced to a youth rehabilitation order with residence or fostering requirement",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under child assessment order and in local authority accommodation",
    "V2": "Single period of accommodation under section 20",
    "V3": "Accommodated under an agreed series of short-term breaks (individual episodes)",
    "V4": "Accommodated under an agreed series of short-term breaks (single placements)",
}

REASON_NEW_EPISODE = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement only",
    "T": "Change of legal status and placement at the same time",
    "B": "Change of legal status and placement provider only",
    "U": "Change of legal status and change of placement (same carer)",
}

PLACEMENT_TYPE = {
    "A3": "Placed for adoption with parental/guardian consent with a former foster carer",
    "A4": "Placed for adoption with parental/guardian consent not with a former foster carer",
    "A5": "Placed for adoption with a placement order with a former foster carer",
    "A6": "Placed for adoption with a placement order not with a former foster carer",
    "H5": "Semi-independent living accommodation not subject to children's homes regulations",
    "K1": "Secure children's home",
    "K2": "Children's home",
    "P1": "Placed with own parent(s) or other person(s) with parental responsibility",
    "P2": "Independent living, for example in a flat, lodgings, bedsit, bed and breakfast or with friends",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS/health trust or other establishment providing medical or nursing care",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution or prison",
    "S1": "All residential schools, except where dual-registered as a school and children's home",
    "T0": "Temporary placement: not covered elsewhere",
    "T1": "Temporary periods in hospital",
    "T2": "Temporary absences of the child on holiday",
    "T3": "Temporary accommodation whilst normal foster placement is not available",
    "T4": "Temporary accommodation of seven days or less",
    "U1": "Foster placement with relative or friend: long term fostering",
    "U2": "Foster placement with relative or friend who is also an approved adopter: fostering for adoption",
    "U3": "Foster placement with relative or friend who is not long-term or FFA",
    "U4": "Foster placement with other foster carer: long term fostering",
    "U5": "Foster placement with other foster carer who is also an approved adopter: fostering for adoption",
    "U6": "Foster placement with other foster carer: not long term or FFA",
    "Z1": "Other placements",
}

PLACEMENT_PROVIDER = {
    "PR0": "Parent(s) or other person(s) with parental responsibility",
    "PR1": "Own provision (by the council)",
    "PR2": "Other local authority provision",
    "PR3": "Other public provision (for example, by a PCT)",
    "PR4": "Private provision",
    "PR5": "Voluntary/third sector provision",
}

REASON_EPISODE_CEASED = {
    "E11": "Adopted: application for an adoption order unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E13": "Left care to live with parent(s), relative(s) or other person(s) with no parental responsibility",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined child is aged 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 (or over) and remained with current carers (staying put)",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E41": "Residence order (or, from 22 April 2014, a child arrangement order) granted",
    "E45": "Special guardianship order made to former foster carer(s), who was/are a relative(s) or friend(s)",
    "E46": "Special guardianship order made to former foster carer(s), other than relative(s) or friend(s)",
    "E47": "Special guardianship order made to carer(s), not former foster carer(s), who are relative(s) or friend(s)",
    "E48": "Special guardianship order made to carer(s), other than former foster carer(s), other than relative(s) or friend(s)",
    "E4A": "Returned home to live with parent(s), relative(s), or other person(s) with parental responsibility",
    "E4B": "Returned home to parent(s), relative(s) or other person(s) with parental responsibility (not care planned)",
    "E5": "Moved into independent living arrangement and no longer looked-after",
    "E6": "Transferred to residential care funded by adult social care services",
    "E7": "Sentenced to custody",
    "E8": "Period of being looked-after ceased for any other reason",
    "E9": "Sentenced to custody (from 1 April 2018: see E7)",
    "X1": "Episode ceases, and new episode begins on same day, for any reason",
}

REASON_PLACE_CHANGE = {
    "CARPL": "Change to/implementation of care plan",
    "CLOSE": "Resignation/closure of provision",
    "ALLEG": "Allegation (section 47)",
    "STAND": "Standards of care concern",
    "APPRR": "Approval removed",
    "CREQB": "Carer request due to child's behaviour",
    "CREQO": "Carer request for other reasons",
    "CHILD": "Child requests placement end",
    "LAREQ": "Responsible/area authority requests placement end",
    "PLACE": "Change in the status of placement only",
    "CUSTOD": "Custody arrangement",
    "OTHER": "Other",
}

MISSING_KIND = {"M": "Missing", "A": "Away from placement without authorisation"}

CATEGORY_OF_NEED = {code: label for code, label in PRIMARY_NEED.items() if code not in ("N0", "N9")}

_PREFIX = re.compile(r"^\s*\(?([A-Za-z0-9]{1,6})\)?\s*(?:\)|-|:|\.)\s*(.+)$")


def lookup(codes: Mapping[str, str], value: str) -> tuple[str, str] | None:
    """(code, label) for a value that is a code, a label, or "code) label"; None if it is none of them."""
    text = " ".join(value.split())
    folded = {code.casefold(): code for code in codes}
    if text.casefold() in folded:
        code = folded[text.casefold()]
        return code, codes[code]
    for code, label in codes.items():
        if label.casefold() == text.casefold():
            return code, label
    match = _PREFIX.match(text)
    if match:
        head, tail = match[1].casefold(), match[2].casefold()
        if head in folded:
            code = folded[head]
            return code, codes[code]
        for code, label in codes.items():
            if label.casefold() == tail:
                return code, label
    return None


def describe(codes: Mapping[str, str], limit: int = 12) -> str:
    keys = list(codes)
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")
