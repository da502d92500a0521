"""Tunable constants for the synthetic partnership generator.

Everything that shapes the synthetic population (coverage of each agency,
duplicate rates, corruption rates) lives here so it can be documented and
adjusted in one place. All values are probabilities in ``[0, 1]`` unless
stated otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

GENERATOR_VERSION = "safehub-synth/1.0"

#: Ages are computed relative to this date (never "today"), so output is
#: reproducible whenever it is generated.
REFERENCE_DATE = dt.date(2026, 11, 1)

#: Fixed timestamp written into the xlsx document properties.
XLSX_TIMESTAMP = dt.datetime(2026, 11, 1, 0, 0, 0)  # noqa: DTZ001 - naive by design, openpyxl wants naive

#: Agency keys used by :class:`~safehub.synth.read.ExtractRecord`.
AGENCIES = ("police", "missing", "health", "education", "social_care", "youth_justice")

#: Agency key -> (file name, system name).
FILES = {
    "police": ("police_niche.csv", "Niche RMS"),
    "missing": ("missing_reports.csv", "Niche RMS (missing person reports)"),
    "health": ("health_rio.csv", "RiO"),
    "education": ("education_capita.xlsx", "Capita ONE"),
    "social_care": ("social_care_lcs.csv", "Liquidlogic LCS"),
    "youth_justice": ("youth_justice_childview.csv", "ChildView"),
}

# --- coverage: which children each agency knows -------------------------------

#: Probability that a child is known to the agency.
#: ``education`` applies to school-age children (4-17), ``youth_justice`` to
#: children aged 10+, ``missing`` is spread over children aged 8+ so that about
#: 4% of *all* children have at least one missing episode.
COVERAGE = {
    "health": 0.95,
    "education": 0.85,
    "social_care": 0.40,
    "police": 0.25,
    "youth_justice": 0.05,
    "missing": 0.04,
}

#: Probability that a known child has a second (duplicate) record in the agency.
DUPLICATE_RATE = {
    "health": 0.015,
    "education": 0.02,
    "social_care": 0.04,
    "police": 0.06,
    "youth_justice": 0.02,
}

#: Missing episodes per missing child: inclusive range.
MISSING_REPORTS_PER_CHILD = (1, 6)

#: Probability the agency holds an NHS number for the child.
NHS_RECORDED = {"health": 0.985, "social_care": 0.55}

#: Probability that youth justice records carry a police URN / UPN.
YJ_POLICE_REF = 0.6
YJ_UPN = 0.4

#: Probability that a family moved recently (agencies may hold the old address).
FAMILY_MOVED = 0.18


@dataclass(frozen=True)
class CorruptionRates:
    """Base per-record corruption rates, scaled by :data:`AGENCY_QUALITY`."""

    typo_given: float = 0.025  #: insert/delete/substitute/transpose one character
    typo_family: float = 0.025
    nickname: float = 0.06  #: William -> Bill (``nicknames`` package)
    swap_names: float = 0.01  #: forename and surname swapped
    hyphenated_surname: float = 0.02  #: Smith -> Smith-Jones
    changed_surname: float = 0.04  #: mother's or new partner's surname
    dob_transposed: float = 0.015  #: day and month swapped (only where day <= 12)
    dob_missing: float = 0.01
    postcode_missing: float = 0.03
    moved_address: float = 0.35  #: stale (previous) address, only for families that moved
    case_variation: float = 0.05  #: UPPER / lower / mIxEd case in a name
    whitespace: float = 0.04  #: stray leading/trailing/double spaces
    sex_unknown: float = 0.01  #: sex recorded as unknown / not stated


CORRUPTION = CorruptionRates()

#: Multiplier applied to every corruption rate, per agency (1.0 = base rates).
AGENCY_QUALITY = {
    "health": 0.5,
    "education": 0.6,
    "social_care": 1.0,
    "police": 1.5,
    "youth_justice": 1.0,
    "missing": 1.8,
}

# --- population shape --------------------------------------------------------

#: Children per family: value -> weight.
FAMILY_SIZE_WEIGHTS = {1: 38, 2: 35, 3: 17, 4: 6, 5: 3, 6: 1}

#: Probability that a family with 2+ children includes a pair of twins.
TWIN_RATE = 0.045

#: Family structure -> weight.
FAMILY_TYPES = {"two_parent": 50, "single_mother": 28, "step_family": 16, "single_father": 3, "kinship": 3}

#: DfE ethnicity code -> (weight, name locale for the Faker pools).
ETHNICITY = {
    "WBRI": (66.0, "en_GB"),
    "WIRI": (0.4, "en_GB"),
    "WIRT": (0.3, "en_GB"),
    "WROM": (0.5, "en_GB"),
    "WOTH": (6.5, "pl_PL"),
    "MWBC": (2.0, "en_GB"),
    "MWBA": (0.8, "en_GB"),
    "MWAS": (1.2, "en_GB"),
    "MOTH": (1.9, "en_GB"),
    "AIND": (3.5, "en_IN"),
    "APKN": (4.3, "en_PK"),
    "ABAN": (1.7, "en_PK"),
    "AOTH": (1.7, "en_IN"),
    "BCRB": (0.7, "en_GB"),
    "BAFR": (4.0, "en_NG"),
    "BOTH": (0.6, "en_NG"),
    "CHNE": (0.5, "zh_CN"),
    "OOTH": (2.0, "en_GB"),
    "REFU": (0.4, "en_GB"),
    "NOBT": (0.6, "en_GB"),
}
