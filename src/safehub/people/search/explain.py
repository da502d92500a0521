"""What matched, in words a practitioner reads: "nickname of first name; date of birth with day and month swapped".

Built from :func:`~safehub.linkage.engine.score_pair`'s evidence: each comparison that agreed at all (reached a level above
"all other comparisons", even one weak enough to count slightly against, like a date of birth a year out) contributes the
phrase for the level it reached, strongest first. Levels are recognised by words in the engine's labels, so a
level the engine adds later still reads sensibly (as "<comparison>: <label>").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["matched_on"]

# (comparison, words the level label contains) -> phrase; the first entry whose words all appear wins.
_PHRASES: dict[str, list[tuple[tuple[str, ...], str]]] = {
    "given_name": [
        (("partly swapped",), "first name and surname partly swapped"),
        (("one letter different",), "first name spelt slightly differently"),
        (("swapped",), "first name and surname swapped"),
        (("nickname",), "nickname of first name"),
        (("exact",), "first name"),
        (("sounds",), "first name sounds alike"),
        (("0.9",), "first name spelt slightly differently"),
        (("jaro",), "first name spelt similarly"),
    ],
    "family_name": [
        (("counted under",), ""),  # a swap is said once, by the first name
        (("swapped with",), ""),
        (("one letter different",), "surname spelt slightly differently"),
        (("double-barrelled",), "part of a double-barrelled surname"),
        (("exact",), "surname"),
        (("sounds",), "surname sounds alike"),
        (("0.9",), "surname spelt slightly differently"),
        (("jaro",), "surname spelt similarly"),
    ],
    "dob": [
        (("exact",), "date of birth"),
        (("transposed",), "date of birth with day and month swapped"),
        (("one character",), "date of birth one digit different"),
        (("two of",), "two of day, month and year of birth"),
        (("within a year",), "date of birth within a year"),
    ],
    "nhs_number": [(("same",), "NHS number")],
    "upn": [(("same",), "unique pupil number")],
    "police_id": [(("same",), "police reference")],
    "sex": [(("same",), "sex")],
    "town": [(("exact",), "town"), (("jaro",), "town spelt similarly")],
    "twins": [(("",), "")],  # a penalty, never a reason
}
#: Comparisons whose level labels read well as they are, once "same" and asides are dropped ("same house number and
#: postcode" -> "house number and postcode").
_AS_LABELLED = frozenset({"location", "postcode", "address"})
_ASIDE = re.compile(r"\s*\([^)]*\)|\s*or two swapped|^same\s+|(?<=, )same\s+")


def _phrase(comparison: str, label: str) -> str:
    text = label.lower()
    if comparison in _AS_LABELLED:
        return _ASIDE.sub("", text).strip(" ,") or text
    for words, phrase in _PHRASES.get(comparison, []):
        if all(w in text for w in words):
            return phrase
    if comparison.startswith("extra_"):
        return comparison[len("extra_"):].replace("_", " ")
    return f"{comparison.replace('_', ' ')}: {label}"


def _two_of_three(query: Mapping[str, Any], candidate: Mapping[str, Any]) -> str:
    parts = [(query.get(f"dob_{p}"), candidate.get(f"dob_{p}")) for p in ("year", "month", "day")]
    if any(None in pair for pair in parts):
        return ""
    (qy, cy), (qm, cm), (qd, cd) = parts
    if qy != cy and qm == cm and qd == cd:
        return "date of birth a year out" if abs(qy - cy) == 1 else "day and month of birth (year differs)"
    if qm != cm:
        return "day and year of birth (month differs)"
    return "month and year of birth (day differs)"


def matched_on(evidence: Mapping[str, Any], query: Mapping[str, Any] | None = None,
               candidate: Mapping[str, Any] | None = None) -> list[str]:
    """Phrases for the comparisons that agreed at some level, strongest evidence first."""
    found: list[tuple[float, str]] = []
    for comparison, detail in evidence.items():
        if comparison in ("prior", "total") or not isinstance(detail, Mapping):
            continue
        if detail.get("gamma", 0) <= 0:  # missing, or no agreement at all
            continue
        phrase = _phrase(comparison, str(detail.get("level", "")))
        if comparison == "dob" and phrase.startswith("two of") and query and candidate:
            phrase = _two_of_three(query, candidate) or phrase
        if phrase:
            found.append((detail["match_weight"], phrase))
    found.sort(key=lambda item: -item[0])
    phrases: list[str] = []
    for _, phrase in found:
        if phrase not in phrases:
            phrases.append(phrase)
    return phrases
