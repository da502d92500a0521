"""Small-number suppression for everything the board sees (pages, PDF, XLSX, API). The rules are in docs/suppression.md:

1. Primary: a count of 1 to 4 is shown as "*". Zero is shown.
2. A percentage or rate is not shown ("*") when its count is suppressed, and not shown ("–", "denominator under 10")
   when its denominator is under 10.
3. Secondary: in a table whose cells add up to a total that is shown (an indicator by agency), if exactly one cell is
   suppressed the next smallest non-zero cell is suppressed too, so the total minus the others cannot reveal it; if no
   such cell exists the total is suppressed.
4. Differences between suppressed values are never shown: direction of travel is "Not shown" if either value is
   suppressed, and sparklines and charts leave a gap rather than plot a suppressed value.
"""

from __future__ import annotations

SUPPRESSED = "*"
NOT_SHOWN = "–"
SMALL_MIN, SMALL_MAX = 1, 4
MIN_DENOMINATOR = 10


def is_small(count: int | None) -> bool:
    return count is not None and SMALL_MIN <= count <= SMALL_MAX


def count_text(count: int | None) -> str:
    if count is None:
        return NOT_SHOWN
    return SUPPRESSED if is_small(count) else f"{count:,}"


def secondary(counts: list[int | None], total: int | None = None) -> tuple[list[bool], bool]:
    """Which cells (and whether the total) to suppress, primary and secondary, for cells that add up to `total`."""
    hidden = [is_small(c) for c in counts]
    total_hidden = is_small(total)
    if sum(hidden) == 1 and not total_hidden:
        candidates = [(c, i) for i, c in enumerate(counts) if not hidden[i] and c]
        if candidates:
            hidden[min(candidates)[1]] = True
        else:
            total_hidden = True
    return hidden, total_hidden


def table_text(counts: list[int | None], total: int | None = None) -> tuple[list[str], str]:
    hidden, total_hidden = secondary(counts, total)
    cells = [SUPPRESSED if h else count_text(c) for c, h in zip(counts, hidden, strict=True)]
    return cells, (SUPPRESSED if total_hidden else count_text(total))


def value_text(unit: str, value: float | None, numerator: int | None, denominator: int | None,
               *, numerator_hidden: bool | None = None) -> tuple[str, bool]:
    """The value as the board sees it, and whether it was suppressed (or withheld)."""
    if value is None:
        return NOT_SHOWN, False
    hidden = is_small(numerator) if numerator_hidden is None else numerator_hidden
    if unit == "count":
        return (SUPPRESSED, True) if hidden else (f"{int(value):,}", False)
    if hidden:
        return SUPPRESSED, True
    if unit == "percent" and denominator is not None and denominator < MIN_DENOMINATOR:
        return NOT_SHOWN, True
    return (f"{value:.1f}%" if unit == "percent" else f"{value:,.1f}"), False
