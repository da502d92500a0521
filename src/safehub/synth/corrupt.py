"""Small, realistic data-quality errors applied to agency records."""

from __future__ import annotations

import datetime as dt
import random

LOWER = "abcdefghijklmnopqrstuvwxyz"


def typo(value: str, rng: random.Random) -> str:
    """One keying error: insert, delete, substitute or transpose a character."""
    n = len(value)
    if n < 3:
        return value
    # errors on the first letter are rarer than later in the word
    i = rng.randrange(n) if rng.random() < 0.1 else rng.randrange(1, n)
    op = rng.randrange(4)
    if op == 3 and i < n - 1 and value[i] != value[i + 1]:
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    if op == 1 and n > 3:
        return value[:i] + value[i + 1 :]
    c = rng.choice(LOWER)
    if value[i].isupper() and (i == 0 or value[i - 1] in " -'"):
        c = c.upper()
    if op == 0:
        return value[:i] + c + value[i:]
    while c.lower() == value[i].lower():
        c = rng.choice(LOWER)
    return value[:i] + c + value[i + 1 :]


def case_variant(value: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return value.upper()
    if r < 0.85:
        return value.lower()
    return value.capitalize() if value[:1].isupper() else value.title()


def whitespace(value: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return value + " "
    if r < 0.7:
        return " " + value
    i = value.find(" ")
    if i > 0:
        return value[:i] + "  " + value[i + 1 :]
    return value + "  "


def transpose_dob(dob: dt.date) -> dt.date | None:
    """Swap day and month (US-style entry); ``None`` when not possible."""
    if dob.day > 12 or dob.day == dob.month:
        return None
    try:
        return dob.replace(month=dob.day, day=dob.month)
    except ValueError:
        return None


def postcode_variant(postcode: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.5:
        return postcode.replace(" ", "")
    if r < 0.8:
        return postcode.lower()
    return postcode.replace(" ", "  ")
