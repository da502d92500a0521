"""Normalisation of names, postcodes, addresses and identifiers (pure Python, cached per value).

Everything here works on one value at a time and is memoised, so a column of a quarter of a million
names costs one call per *distinct* name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish

__all__ = [
    "address_number",
    "address_numbers",
    "address_street",
    "address_tokens",
    "ascii_fold",
    "canonical_forename",
    "family_name_parts",
    "forename_aliases",
    "nhs_number_valid",
    "normalise_address",
    "normalise_forename",
    "normalise_nhs_number",
    "normalise_postcode",
    "normalise_sex",
    "normalise_surname",
    "normalise_text",
    "normalise_upn",
    "phonetic",
    "postcode_parts",
]

#: Distinct values each normalising function remembers (a table is normalised once per distinct value anyway; this is
#: for single records and small batches, and bounds what a million-record run leaves behind).
_CACHE = 50_000
# Letters that NFKD does not decompose into ASCII.
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
                       "þ": "th", "Þ": "Th", "œ": "oe", "Œ": "OE", "ı": "i", "’": "'", "‘": "'", "–": "-", "—": "-"})
_NON_NAME = re.compile(r"[^a-z\s-]")
_SEPARATORS = re.compile(r"[\s-]+")
_TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "master", "sir", "prof", "rev"})
_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_ADDRESS_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=_CACHE)
def ascii_fold(value: str) -> str:
    """``"Zoë Łukasz"`` -> ``"Zoe Lukasz"``: strip accents and fold the few letters NFKD leaves alone."""
    value = value.translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


def normalise_text(value: object) -> str | None:
    """Lower case, ASCII, single spaces; ``None`` for blank."""
    if value is None:
        return None
    text = " ".join(ascii_fold(str(value)).lower().split())
    return text or None


def _name_tokens(value: object) -> list[str]:
    text = normalise_text(value)
    if not text:
        return []
    text = _NON_NAME.sub("", text.replace("'", "").replace(".", " ").replace(",", " "))
    return [t for t in text.split() if t]


@lru_cache(maxsize=_CACHE)
def _forename(value: str) -> str | None:
    tokens = _name_tokens(value)
    while len(tokens) > 1 and tokens[0] in _TITLES:
        tokens = tokens[1:]
    if not tokens:
        return None
    name = tokens[0].replace("-", "")
    return name or None


def normalise_forename(value: object) -> str | None:
    """First forename, lower-case ASCII letters only: ``" Mary-Jane Ann"`` -> ``"maryjane"``."""
    if value is None:
        return None
    return _forename(str(value))


@lru_cache(maxsize=_CACHE)
def _surname_parts(value: str) -> tuple[str, ...]:
    tokens = _name_tokens(value)
    parts = [p for t in tokens for p in _SEPARATORS.split(t) if p]
    return tuple(parts)


def family_name_parts(value: object) -> list[str]:
    """``"Smith-Jones"`` -> ``["jones", "smith"]`` (sorted, distinct); ``[]`` for blank."""
    if value is None:
        return []
    return sorted(set(_surname_parts(str(value))))


def normalise_surname(value: object) -> str | None:
    """Surname with spaces, hyphens and apostrophes removed: ``"O'Brien-Smith"`` -> ``"obriensmith"``."""
    if value is None:
        return None
    parts = _surname_parts(str(value))
    return "".join(parts) or None


@lru_cache(maxsize=_CACHE)
def phonetic(name: str | None) -> str | None:
    """Metaphone key of an already-normalised name (``None`` if there is none)."""
    if not name:
        return None
    return jellyfish.metaphone(name) or None


# --- nicknames ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _nickname_tables() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """Precompute, once, every name's related names and a blocking representative from ``nicknames``."""
    from nicknames import name_triplets

    related: dict[str, set[str]] = {}
    nick_count: dict[str, int] = {}
    for triplet in name_triplets():
        a, b = triplet.name1.lower(), triplet.name2.lower()
        related.setdefault(a, set()).add(b)
        related.setdefault(b, set()).add(a)
        if str(triplet.relationship) == "has_nickname":
            nick_count[a] = nick_count.get(a, 0) + 1
    aliases = {name: frozenset(others | {name}) for name, others in related.items()}
    canon: dict[str, str] = {}
    for name, group in aliases.items():
        # Prefer a related name that starts with the same letter, then the one with most nicknames (the
        # "formal" name), then alphabetical: bill -> bill, billy -> bill, will -> william, liz -> elizabeth?
        canon[name] = min(group, key=lambda c, n=name: (c[0] != n[0], -nick_count.get(c, 0), c))
    return aliases, canon


def forename_aliases(name: str | None) -> list[str]:
    """The name and every name ``nicknames`` relates it to directly (sorted): ``bill`` -> ``[bill, will, william, …]``."""
    if not name:
        return []
    aliases, _ = _nickname_tables()
    return sorted(aliases.get(name, (name,)))


def canonical_forename(name: str | None) -> str | None:
    """A representative of the name's nickname group, for blocking only (``None`` for blank)."""
    if not name:
        return None
    _, canon = _nickname_tables()
    return canon.get(name, name)


# --- postcodes, addresses -----------------------------------------------------------------------------------


@lru_cache(maxsize=_CACHE)
def _postcode(value: str) -> tuple[str | None, str | None, str | None]:
    compact = "".join(ascii_fold(value).upper().split())
    compact = "".join(ch for ch in compact if ch.isalnum())
    if not compact:
        return None, None, None
    m = _UK_POSTCODE.match(compact)
    if not m:
        return compact, None, None
    outward, inward = m[1], m[2]
    return f"{outward} {inward}", f"{outward} {inward[0]}", outward


def normalise_postcode(value: object) -> str | None:
    """UK postcodes as ``"AB1 2CD"``; anything else upper case without spaces; ``None`` for blank."""
    return postcode_parts(value)[0]


def postcode_parts(value: object) -> tuple[str | None, str | None, str | None]:
    """``(postcode, sector, district)``: ``"ab12cd"`` -> ``("AB1 2CD", "AB1 2", "AB1")``.

    Sector and district are ``None`` for a value that is not a UK postcode.
    """
    if value is None:
        return None, None, None
    return _postcode(str(value))


@lru_cache(maxsize=_CACHE)
def _address(value: str) -> str | None:
    text = normalise_text(value)
    if not text:
        return None
    words = _ADDRESS_WORD.findall(text)
    return " ".join(words) or None


def normalise_address(value: object) -> str | None:
    """Lower case, ASCII, punctuation removed: ``"74 Karl Place, Port Adrian"`` -> ``"74 karl place port adrian"``."""
    if value is None:
        return None
    return _address(str(value))


def address_tokens(address: str | None) -> list[str]:
    """Distinct words of a normalised address, sorted."""
    if not address:
        return []
    return sorted(set(address.split()))


def address_number(address: str | None) -> str | None:
    """First word of a normalised address that contains a digit (the house or flat number), for blocking."""
    if not address:
        return None
    return next((w for w in address.split() if any(ch.isdigit() for ch in w)), None)


def address_numbers(address: str | None) -> list[str]:
    """Distinct words of a normalised address that contain a digit (house, flat numbers), sorted."""
    if not address:
        return []
    return sorted({w for w in address.split() if any(ch.isdigit() for ch in w)})


@lru_cache(maxsize=_CACHE)
def address_street(address: str | None) -> tuple[str | None, str | None]:
    """The address without its numbers, as one string with no spaces, in order and with its words sorted:
    ``"74 karl place port adrian"`` -> ``("karlplaceportadrian", "adriankarlplaceport")``.

    Spaces typed in the wrong place (``"karlp lace"``) or address lines given in another order then cost no
    more than a letter or two.
    """
    if not address:
        return None, None
    words = [w for w in address.split() if not any(ch.isdigit() for ch in w)]
    if not words:
        return None, None
    return "".join(words), "".join(sorted(words))


# --- sex, identifiers ---------------------------------------------------------------------------------------

_SEX = {"m": "m", "male": "m", "1": "m", "boy": "m", "man": "m", "f": "f", "female": "f", "2": "f", "girl": "f",
        "woman": "f"}


def normalise_sex(value: object) -> str | None:
    """``"M"``, ``"Male"``, ``"1"`` -> ``"m"``; ``"F"``/``"Female"``/``"2"`` -> ``"f"``; anything else ``None``."""
    if value is None:
        return None
    return _SEX.get(str(value).strip().lower())


def nhs_number_valid(digits: str) -> bool:
    """Modulus 11 check of a 10-digit NHS number."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def normalise_nhs_number(value: object) -> str | None:
    """Digits of a valid NHS number, or ``None`` (blank or failing the Modulus 11 check)."""
    if value is None:
        return None
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return digits if nhs_number_valid(digits) else None


def normalise_upn(value: object) -> str | None:
    """Upper-case alphanumerics of a Unique Pupil Number (``None`` for blank)."""
    if value is None:
        return None
    text = "".join(ch for ch in str(value).upper() if ch.isalnum())
    return text or None
