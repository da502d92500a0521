"""Synthetic NHS numbers and Unique Pupil Numbers (UPNs)."""

from __future__ import annotations

import random

from nhs_number import calculate_checksum
from nhs_number import is_valid as nhs_is_valid

__all__ = ["nhs_is_valid", "nhs_numbers", "upn", "upn_check_letter", "upn_is_valid", "LA_CODES"]

#: Letters used by the DfE UPN check-letter algorithm (no I, O or S).
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

#: English local authority numbers (DfE "new LA codes").
LA_CODES = (
    201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 301, 302, 303, 304, 305, 306, 307,
    308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 330, 331, 332, 333, 334, 335, 336,
    340, 341, 342, 343, 344, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 380,
    381, 382, 383, 384, 390, 391, 392, 393, 394, 420, 800, 801, 802, 803, 805, 806, 807, 808, 810, 811,
    812, 813, 815, 816, 821, 822, 823, 825, 826, 830, 831, 835, 836, 837, 840, 841, 845, 846, 850, 851,
    852, 855, 856, 857, 860, 861, 865, 866, 867, 868, 869, 870, 871, 872, 873, 874, 876, 877, 878, 879,
    880, 881, 882, 883, 884, 885, 886, 887, 888, 889, 890, 891, 892, 893, 894, 895, 896, 908, 909, 916,
    919, 921, 925, 926, 928, 929, 931, 933, 935, 936, 937, 938,
)  # fmt: skip


def nhs_numbers(rng: random.Random, count: int) -> list[str]:
    """Return ``count`` distinct NHS numbers from the synthetic (999...) test range.

    Each number has a valid Modulus-11 check digit (bases whose check digit
    would be 10 are skipped, exactly as the NHS does). Uses ``rng`` rather than
    :func:`nhs_number.generate` (which draws from the global ``random`` module)
    so the output is reproducible for a seed.
    """
    # 999000000..999999999 gives ~909k valid numbers; widen to 99x for huge runs.
    lo, hi = (999_000_000, 1_000_000_000) if count <= 800_000 else (990_000_000, 1_000_000_000)
    out: list[str] = []
    want = count
    seen: set[int] = set()
    while len(out) < count:
        batch = rng.sample(range(lo, hi), min(hi - lo, int(want * 1.12) + 16))
        for base in batch:
            if base in seen:
                continue
            seen.add(base)
            digits = str(base)
            check = calculate_checksum(digits)
            if check == 10:
                continue
            out.append(digits + str(check))
            if len(out) == count:
                break
        want = count - len(out)
    return out


def upn_check_letter(twelve: str) -> str:
    """DfE check letter for the 12 characters after the check letter.

    Characters 2-13 are weighted 2..13, summed, reduced modulo 23 and mapped
    to ``A B C D E F G H J K L M N P Q R T U V W X Y Z``. (A trailing letter in
    a temporary UPN counts as its position in that alphabet.)
    """
    total = 0
    for weight, ch in enumerate(twelve, 2):
        value = int(ch) if ch.isdigit() else UPN_LETTERS.index(ch)
        total += weight * value
    return UPN_LETTERS[total % 23]


def upn(la: int, establishment: int, year: int, serial: int) -> str:
    """Build a permanent 13-character UPN with a valid check letter."""
    body = f"{la:03d}{establishment:04d}{year % 100:02d}{serial:03d}"
    return upn_check_letter(body) + body


def upn_is_valid(value: str) -> bool:
    """True for a 13-character UPN whose check letter is correct."""
    value = value.strip().upper()
    if len(value) != 13 or value[0] not in UPN_LETTERS or not value[1:12].isdigit():
        return False
    if not (value[12].isdigit() or value[12] in UPN_LETTERS):
        return False
    return upn_check_letter(value[1:]) == value[0]
