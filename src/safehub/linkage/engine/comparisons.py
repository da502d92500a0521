"""The comparisons: each level is written once as a pair (DuckDB SQL for Splink, Python for ``score_pair``).

Levels are tried in order; the first that holds decides the comparison's evidence. The Python
functions follow SQL's NULL rules (any comparison with a missing value is false), so a pair gets
the same level from Splink and from :func:`safehub.linkage.engine.score_pair`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

__all__ = ["Comparison", "Level", "available_comparisons", "build_comparisons"]

Record = Mapping[str, Any]
Test = Callable[[Record, Record], bool]


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    test: Test
    m: float = 0.0  # default m (start of EM; used as is when the model is not trained)
    u: float = 0.0  # default u
    tf_column: str | None = None
    is_null: bool = False
    is_else: bool = False
    fix_m: bool = False
    fix_u: bool = False


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: tuple[Level, ...]
    columns: tuple[str, ...] = field(default=())

    def level_of(self, left: Record, right: Record) -> int:
        """Index into ``levels`` of the first level that holds."""
        for i, level in enumerate(self.levels):
            if level.is_else or level.test(left, right):
                return i
        raise AssertionError("a comparison always ends with an ELSE level")  # pragma: no cover

    def gamma(self, index: int) -> int:
        """Splink's comparison vector value for level ``index`` (-1 null, 0 else, higher = closer)."""
        level = self.levels[index]
        if level.is_null:
            return -1
        non_null = [lv for lv in self.levels if not lv.is_null]
        return len(non_null) - 1 - non_null.index(level)

    def splink_dict(self, params: Sequence[tuple[float, float]] | None = None, *, fixed: bool = False) -> dict:
        """Splink settings for this comparison; ``params`` gives (m, u) per level (null levels ignored)."""
        levels = []
        for i, level in enumerate(self.levels):
            entry: dict[str, Any] = {"sql_condition": "ELSE" if level.is_else else level.sql, "label_for_charts": level.label}
            if level.is_null:
                entry["is_null_level"] = True
            else:
                m, u = params[i] if params is not None else (level.m, level.u)
                entry["m_probability"] = m
                entry["u_probability"] = u
                if fixed or level.fix_m:
                    entry["fix_m_probability"] = True
                if fixed or level.fix_u:
                    entry["fix_u_probability"] = True
                if level.tf_column:
                    entry["tf_adjustment_column"] = level.tf_column
                    entry["tf_adjustment_weight"] = 1.0
            levels.append(entry)
        return {"output_column_name": self.name, "comparison_description": self.description, "comparison_levels": levels}


# --- building blocks: (sql, python) ---------------------------------------------------------------------


def _ok(*values: object) -> bool:
    return all(v is not None for v in values)


def null(*columns: str) -> tuple[str, Test]:
    sql = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return sql, lambda x, y: any(x.get(c) is None or y.get(c) is None for c in columns)


def exact(column: str) -> tuple[str, Test]:
    return f"{column}_l = {column}_r", lambda x, y: _ok(x.get(column), y.get(column)) and x[column] == y[column]


def jaro_winkler(column: str, threshold: float) -> tuple[str, Test]:
    def test(x: Record, y: Record) -> bool:
        a, b = x.get(column), y.get(column)
        return _ok(a, b) and JaroWinkler.similarity(a, b) >= threshold

    return f"jaro_winkler_similarity({column}_l, {column}_r) >= {threshold}", test


def levenshtein(column: str, distance: int) -> tuple[str, Test]:
    def test(x: Record, y: Record) -> bool:
        a, b = x.get(column), y.get(column)
        return _ok(a, b) and Levenshtein.distance(a, b) <= distance

    return f"levenshtein({column}_l, {column}_r) <= {distance}", test


def guarded(guard: tuple[str, Test], rule: tuple[str, Test]) -> tuple[str, Test]:
    """``rule`` only where the cheap ``guard`` holds: DuckDB then runs the costly function on few pairs (a plain
    ``AND`` does not promise to test the cheap side first). The guard is part of the definition, in SQL and Python."""
    return (f"CASE WHEN {guard[0]} THEN {rule[0]} ELSE false END",
            lambda x, y: bool(guard[1](x, y)) and bool(rule[1](x, y)))


def damerau(column: str, distance: int = 1, min_length: int = 0) -> tuple[str, Test]:
    """Within ``distance`` edits, a swap of two neighbouring characters counting as one (``3192``/``3129``), tested
    only where Jaro-Winkler >= 0.7 (one edit in four or more characters implies it); with ``min_length``, only when both
    values are at least that long (a letter is a lot of a short name)."""

    def test(x: Record, y: Record) -> bool:
        a, b = x.get(column), y.get(column)
        return _ok(a, b) and min(len(a), len(b)) >= min_length and DamerauLevenshtein.distance(a, b) <= distance

    sql = f"damerau_levenshtein({column}_l, {column}_r) <= {distance}"
    rule = guarded(jaro_winkler(column, 0.7), (sql, test))
    if min_length:
        rule = (f"least(length({column}_l), length({column}_r)) >= {min_length} AND {rule[0]}", rule[1])
    return rule


def digits_typo(column: str) -> tuple[str, Test]:
    """Strings of equal length (dates as ``YYYYMMDD``) one character different or with two neighbours swapped
    (Damerau-Levenshtein <= 1, tested only where at most two positions differ, which it implies)."""

    def hamming(x: Record, y: Record) -> bool:
        a, b = x.get(column), y.get(column)
        return _ok(a, b) and len(a) == len(b) and sum(p != q for p, q in zip(a, b, strict=True)) <= 2

    def test(x: Record, y: Record) -> bool:
        return DamerauLevenshtein.distance(x[column], y[column]) <= 1

    same_length = (f"length({column}_l) = length({column}_r)",
                   lambda x, y: _ok(x.get(column), y.get(column)) and len(x[column]) == len(y[column]))
    close = guarded(same_length, (f"hamming({column}_l, {column}_r) <= 2", hamming))
    return guarded(close, (f"damerau_levenshtein({column}_l, {column}_r) <= 1", test))


def either(*parts: tuple[str, Test]) -> tuple[str, Test]:
    sql = " OR ".join(f"({p[0]})" for p in parts)
    tests = [p[1] for p in parts]
    return sql, lambda x, y: any(t(x, y) for t in tests)


def swapped(a: str, b: str) -> tuple[str, Test]:
    def test(x: Record, y: Record) -> bool:
        return _ok(x.get(a), y.get(b), x.get(b), y.get(a)) and x[a] == y[b] and x[b] == y[a]

    return f"{a}_l = {b}_r AND {b}_l = {a}_r", test


def in_list(list_column: str, column: str) -> tuple[str, Test]:
    """Either side's value appears in the other side's list (nicknames)."""

    def test(x: Record, y: Record) -> bool:
        ll, rl, lv, rv = x.get(list_column), y.get(list_column), x.get(column), y.get(column)
        return bool((ll is not None and rv is not None and rv in ll) or (rl is not None and lv is not None and lv in rl))

    sql = f"list_contains({list_column}_l, {column}_r) OR list_contains({list_column}_r, {column}_l)"
    return sql, test


def lists_share(column: str) -> tuple[str, Test]:
    def test(x: Record, y: Record) -> bool:
        a, b = x.get(column), y.get(column)
        return _ok(a, b) and not set(a).isdisjoint(b)

    return f"list_has_any({column}_l, {column}_r)", test


def jaccard(column: str, threshold: float) -> tuple[str, Test]:
    """Share of distinct tokens in common (both lists are distinct already)."""

    def test(x: Record, y: Record) -> bool:
        a, b = x.get(column), y.get(column)
        if not _ok(a, b):
            return False
        sa, sb = set(a), set(b)
        return len(sa & sb) >= threshold * len(sa | sb)

    sql = (f"len(list_intersect({column}_l, {column}_r)) >= "
           f"{threshold} * len(list_distinct(list_concat({column}_l, {column}_r)))")
    return sql, test


def partly_swapped(a: str, b: str, threshold: float = 0.9) -> tuple[str, Test]:
    """One name found in the other field, or both swapped with small typos (FEBRL's "ryna chloe")."""
    return either(exact_cross(a, b), exact_cross(b, a),
                  both(jaro_winkler_cross(a, b, threshold), jaro_winkler_cross(b, a, threshold)))


def exact_cross(a: str, b: str) -> tuple[str, Test]:
    return f"{a}_l = {b}_r", lambda x, y: _ok(x.get(a), y.get(b)) and x[a] == y[b]


def jaro_winkler_cross(a: str, b: str, threshold: float) -> tuple[str, Test]:
    def test(x: Record, y: Record) -> bool:
        p, q = x.get(a), y.get(b)
        return _ok(p, q) and JaroWinkler.similarity(p, q) >= threshold

    return f"jaro_winkler_similarity({a}_l, {b}_r) >= {threshold}", test


def both(*parts: tuple[str, Test]) -> tuple[str, Test]:
    sql = " AND ".join(f"({p[0]})" for p in parts)
    tests = [p[1] for p in parts]
    return sql, lambda x, y: all(t(x, y) for t in tests)


def _digits(record: Record, start: int, end: int) -> str | None:
    value = record.get("dob_digits")
    return None if value is None else value[start:end]


def dob_transposed() -> tuple[str, Test]:
    """Same year, day and month the other way round (on the digits as written, so ``19451304`` still counts)."""

    def test(x: Record, y: Record) -> bool:
        if not _ok(x.get("dob_digits"), y.get("dob_digits")):
            return False
        return (_digits(x, 0, 4) == _digits(y, 0, 4) and _digits(x, 4, 6) == _digits(y, 6, 8)
                and _digits(x, 6, 8) == _digits(y, 4, 6))

    sql = ("substr(dob_digits_l, 1, 4) = substr(dob_digits_r, 1, 4) AND substr(dob_digits_l, 5, 2) = substr(dob_digits_r, 7, 2) "
           "AND substr(dob_digits_l, 7, 2) = substr(dob_digits_r, 5, 2)")
    return sql, test


def dob_two_of_three() -> tuple[str, Test]:
    parts = ((0, 4), (4, 6), (6, 8))

    def test(x: Record, y: Record) -> bool:
        if not _ok(x.get("dob_digits"), y.get("dob_digits")):
            return False
        return sum(_digits(x, a, b) == _digits(y, a, b) for a, b in parts) >= 2

    sql = " + ".join(f"CAST(substr(dob_digits_l, {a + 1}, {b - a}) = substr(dob_digits_r, {a + 1}, {b - a}) AS INTEGER)"
                     for a, b in parts) + " >= 2"
    return sql, test


def within(column: str, amount: int) -> tuple[str, Test]:
    def test(x: Record, y: Record) -> bool:
        a, b = x.get(column), y.get(column)
        return _ok(a, b) and abs(a - b) <= amount

    return f"abs({column}_l - {column}_r) <= {amount}", test


def _level(label: str, rule: tuple[str, Test], m: float, u: float, **kwargs: Any) -> Level:
    return Level(label=label, sql=rule[0], test=rule[1], m=m, u=u, **kwargs)


def _comparison(name: str, description: str, columns: tuple[str, ...], null_columns: tuple[str, ...],
                levels: list[Level]) -> Comparison:
    m_rest = max(1e-4, 1 - sum(lv.m for lv in levels))
    u_rest = max(1e-4, 1 - sum(lv.u for lv in levels))
    fix_m = all(lv.fix_m for lv in levels)
    sql, test = null(*null_columns)
    return Comparison(
        name=name,
        description=description,
        columns=columns,
        levels=(
            Level("missing on either side", sql, test, is_null=True),
            *levels,
            Level("all other comparisons", "ELSE", lambda x, y: True, m=m_rest, u=u_rest, is_else=True, fix_m=fix_m),
        ),
    )


# --- the comparisons ------------------------------------------------------------------------------------


def _given_name(tf: bool) -> Comparison:
    return _comparison("given_name", "Forename: exact (term-frequency adjusted), swapped with surname, nickname, fuzzy",
                       ("given_name",), ("given_name",), [
        _level("exact", exact("given_name"), 0.86, 0.006, tf_column="given_name" if tf else None),
        _level("swapped with surname", swapped("given_name", "family_name"), 0.005, 1e-5),
        _level("partly swapped (one name in the other field, or swapped with typos)",
               partly_swapped("given_name", "family_name"), 0.002, 1e-4),
        _level("nickname (nicknames: bill = william)", in_list("given_name_aliases", "given_name"), 0.03, 0.0015),
        _level("Jaro-Winkler >= 0.92", jaro_winkler("given_name", 0.92), 0.05, 0.002),
        _level("sounds alike (metaphone)", exact("given_name_mp"), 0.02, 0.01),
        _level("one letter different or two swapped, in 5 letters or more (Damerau-Levenshtein 1, Jaro-Winkler >= 0.7)",
               damerau("given_name", 1, 5), 0.02, 0.002),
        _level("Jaro-Winkler >= 0.8", jaro_winkler("given_name", 0.8), 0.01, 0.04),
    ])


def _family_name(tf: bool) -> Comparison:
    return _comparison("family_name", "Surname: exact (term-frequency adjusted), swapped, hyphenated part, fuzzy",
                       ("family_name",), ("family_name",), [
        _level("exact", exact("family_name"), 0.85, 0.004, tf_column="family_name" if tf else None),
        # A swap is already counted once by the forename comparison: here it only avoids the
        # "all other comparisons" penalty (weight fixed at 0), so it is not counted twice.
        _level("swapped with forename (counted under given_name)", swapped("given_name", "family_name"), 0.001, 0.001,
               fix_m=True, fix_u=True),
        _level("partly swapped (counted under given_name)", partly_swapped("given_name", "family_name"), 0.001, 0.001,
               fix_m=True, fix_u=True),
        _level("shares a part of a double-barrelled name", lists_share("family_name_parts"), 0.02, 0.0005),
        _level("Jaro-Winkler >= 0.92", jaro_winkler("family_name", 0.92), 0.05, 0.002),
        _level("sounds alike (metaphone)", exact("family_name_mp"), 0.02, 0.01),
        _level("one letter different or two swapped, in 5 letters or more (Damerau-Levenshtein 1, Jaro-Winkler >= 0.7)",
               damerau("family_name", 1, 5), 0.02, 0.002),
        _level("Jaro-Winkler >= 0.8", jaro_winkler("family_name", 0.8), 0.01, 0.03),
    ])


def _dob(tf: bool) -> Comparison:
    # On the digits as written (``dob_digits``), so an impossible date such as 19450493 still compares by its parts.
    return _comparison("dob", "Date of birth: exact, day and month transposed, one digit different or two swapped, "
                       "two of three parts, within a year", ("dob_digits",), ("dob_digits",), [
        _level("exact", exact("dob_digits"), 0.93, 0.0003),
        _level("day and month transposed", dob_transposed(), 0.01, 0.00005),
        _level("one character different, or two next to each other swapped", digits_typo("dob_digits"), 0.02, 0.003),
        _level("two of day, month and year agree", dob_two_of_three(), 0.02, 0.03),
        _level("within a year", within("dob_days", 365), 0.005, 0.08),
    ])


def _sex(tf: bool) -> Comparison:
    return _comparison("sex", "Sex: same or different (unknown counts as missing)", ("sex",), ("sex",), [
        _level("same", exact("sex"), 0.98, 0.5),
    ])


def _both_present(*columns: str) -> tuple[str, Test]:
    sql = " OR ".join(f"({c}_l IS NOT NULL AND {c}_r IS NOT NULL)" for c in columns)
    return sql, lambda x, y: any(x.get(c) is not None and y.get(c) is not None for c in columns)


def _street_similar() -> tuple[str, Test]:
    """The words of the address other than numbers are alike: Jaro-Winkler >= 0.92 in order or sorted (so spaces typed
    in the wrong place and address lines in another order cost little), or one contains the other (six letters or more:
    ``highstreet`` / ``highstreetleeds``)."""
    key = "address_street"

    def contains(x: Record, y: Record) -> bool:
        a, b = x.get(key), y.get(key)
        return _ok(a, b) and ((len(b) >= 6 and b in a) or (len(a) >= 6 and a in b))

    sql = f"(length({key}_r) >= 6 AND contains({key}_l, {key}_r)) OR (length({key}_l) >= 6 AND contains({key}_r, {key}_l))"
    return either(jaro_winkler(key, 0.92), jaro_winkler("address_street_sorted", 0.92), (sql, contains))


def _numbers_agree() -> tuple[str, Test]:
    """No house or flat number on one side, or a number in common (``flat 3 12 high street`` / ``12 high street``)."""

    def test(x: Record, y: Record) -> bool:
        a, b = x.get("address_numbers"), y.get("address_numbers")
        return a is None or b is None or not set(a).isdisjoint(b)

    return ("(address_numbers_l IS NULL OR address_numbers_r IS NULL "
            "OR list_has_any(address_numbers_l, address_numbers_r))"), test


def _location(tf: bool) -> Comparison:
    """Address and postcode as one comparison: they are nearly redundant, and counting both as
    independent evidence doubles the weight every sibling in a household gets for free.

    "Similar address" needs the house numbers to agree (or one to be missing); the same street with another number is
    a neighbour, and gets its own, weaker, levels.
    """
    comparable = _both_present("address", "postcode")
    street = _street_similar()
    numbers = _numbers_agree()
    similar = guarded(numbers, street)
    numbers_differ = (f"NOT ({numbers[0]})", lambda x, y: not numbers[1](x, y))
    postcode_typo = damerau("postcode", 1)
    same_number = exact("address_number")
    return Comparison(
        name="location",
        description="Address and postcode: same address; similar address with the same or a mistyped postcode; same "
                    "house number and postcode; same street and postcode; same postcode; similar address; same number, "
                    "postcode mistyped; same street; same sector; postcode mistyped; same district",
        columns=("address", "postcode"),
        levels=(
            Level("missing on either side", f"NOT ({comparable[0]})", lambda x, y: not comparable[1](x, y), is_null=True),
            _level("same address", exact("address"), 0.6, 0.001),
            _level("similar address, same postcode", guarded(exact("postcode"), similar), 0.05, 0.0005),
            _level("similar address, postcode one character different or two swapped", guarded(postcode_typo, similar),
                   0.01, 0.0001),
            _level("same house number and postcode", both(exact("postcode"), same_number), 0.01, 0.0002),
            _level("same street (another house number) and postcode", guarded(exact("postcode"), street), 0.01, 0.001),
            _level("same postcode", exact("postcode"), 0.2, 0.003),
            _level("similar address (street words alike, numbers agree)", similar,
                   0.05, 0.003),
            _level("same house number, postcode one character different or two swapped",
                   guarded(same_number, postcode_typo), 0.005, 0.0002),
            # Reached only when "similar address" failed, so the street is alike only where the numbers disagree: test it
            # only there (the same level, without running the street test twice on every pair).
            _level("same street, another house number", guarded(numbers_differ, street), 0.01, 0.005),
            _level("same postcode sector", exact("postcode_sector"), 0.03, 0.01),
            _level("postcode one character different or two swapped", postcode_typo, 0.02, 0.005),
            _level("same postcode district", exact("postcode_district"), 0.02, 0.05),
            Level("all other comparisons", "ELSE", lambda x, y: True, m=0.03, u=0.9, is_else=True),
        ),
    )


def _town(tf: bool) -> Comparison:
    return _comparison("town", "Town: exact or Jaro-Winkler >= 0.88", ("town",), ("town",), [
        _level("exact", exact("town"), 0.8, 0.05),
        _level("Jaro-Winkler >= 0.88", jaro_winkler("town", 0.88), 0.05, 0.01),
    ])


#: Bits the twin guard subtracts (a Bayes factor of 2^-25, about 1 in 33 million).
TWIN_PENALTY_BITS = 25.0


def unrelated_forenames() -> tuple[str, Test]:
    """Both forenames present and no forename level other than "all other comparisons" holds."""
    related = either(exact("given_name"), swapped("given_name", "family_name"), in_list("given_name_aliases", "given_name"),
                     exact("given_name_mp"), jaro_winkler("given_name", 0.8))
    sql = f"given_name_l IS NOT NULL AND given_name_r IS NOT NULL AND NOT ({related[0]})"
    return sql, lambda x, y: x.get("given_name") is not None and y.get("given_name") is not None and not related[1](x, y)


def _twins(tf: bool) -> Comparison:
    """A fixed correction for what conditional independence gets wrong about twins.

    Twins share a surname (or one spelt alike), a date of birth, an address and a postcode; the model adds those up as
    if they were independent coincidences and the forename disagreement cannot outweigh them. When
    the date of birth and surname agree exactly but the forenames are unrelated, this comparison
    subtracts :data:`TWIN_PENALTY_BITS`; otherwise it adds almost nothing. Its m and u are fixed
    (never trained), and EM sees it too, so twins stop inflating the forename's m.
    """
    unrelated = unrelated_forenames()
    surname = either(exact("family_name"), lists_share("family_name_parts"), exact("family_name_mp"),
                     jaro_winkler("family_name", 0.92))
    sql, test = guarded(exact("dob"), both(surname, unrelated))

    u = 0.01
    m = u * 2.0 ** -TWIN_PENALTY_BITS
    null_sql, null_test = null("dob", "family_name", "given_name")
    return Comparison(
        name="twins",
        description="Twin guard: same date of birth and surname but unrelated forenames (fixed penalty)",
        columns=("dob", "family_name", "given_name"),
        levels=(
            Level("missing on either side", null_sql, null_test, is_null=True),
            Level("possible twins: same date of birth and surname, unrelated forenames", sql, test, m=m, u=u,
                  fix_m=True, fix_u=True),
            Level("all other comparisons", "ELSE", lambda x, y: True, m=1 - m, u=1 - u, is_else=True, fix_m=True, fix_u=True),
        ),
    )


def _identifier(name: str, description: str, m: float, fix_m: bool) -> Callable[[bool], Comparison]:
    def build(tf: bool) -> Comparison:
        return _comparison(name, description, (name,), (name,), [
            _level("same", exact(name), m, 1e-5, fix_m=fix_m),
        ])

    return build


#: name -> builder(term_frequency) in the order comparisons appear in the model.
BUILDERS: dict[str, Callable[[bool], Comparison]] = {
    "given_name": _given_name,
    "family_name": _family_name,
    "dob": _dob,
    "sex": _sex,
    "location": _location,
    "town": _town,
    "nhs_number": _identifier("nhs_number", "NHS number (valid Modulus 11): same or different", 0.999, True),
    "upn": _identifier("upn", "Unique Pupil Number: same or different", 0.999, True),
    "police_id": _identifier("police_id", "Police person reference: same or different", 0.6, False),
    "twins": _twins,
}


def _extra(name: str) -> Comparison:
    return _comparison(name, f"{name[len('extra_'):]}: same or different", (name,), (name,), [
        _level("same", exact(name), 0.9, 0.05),
    ])


def available_comparisons(columns_with_values: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """Comparison names whose column has at least one value, in model order."""
    present = set(columns_with_values)
    if present & {"address", "postcode"}:
        present.add("location")
    if "dob_digits" in present:
        present.add("dob")
    if {"dob", "family_name", "given_name"} <= present:
        present.add("twins")
    names = [n for n in BUILDERS if n in present and n not in exclude]
    names += sorted(c for c in present if c.startswith("extra_") and c not in exclude)
    return names


def build_comparisons(names: Sequence[str], term_frequency: bool) -> list[Comparison]:
    return [BUILDERS[n](term_frequency) if n in BUILDERS else _extra(n) for n in names]
