"""Answering a query: candidates from the posting lists, then exact scoring of the best few with the linkage model.

Stage 1 (numpy, proportional to the candidates): every key the query shares with a row adds a rough weight to the row's
pre-score, in one float32 array over the index. Stage 2 (pure Python, a fixed number of rows): the best ``candidates``
rows by pre-score are scored with :func:`~safehub.linkage.engine.score_pair` — the same Fellegi-Sunter arithmetic and the
same trained m and u values the linkage runs use — and ranked by match weight.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from safehub.linkage.engine import TrainedModel, normalise_record, score_pair
from safehub.linkage.engine.model import weight_to_probability

from .explain import matched_on
from .index import ORIGIN_SAFEHUB, SearchIndex, deletions

__all__ = ["PairScorer", "RecordMatch", "Scope", "SearchQuery", "search_index", "split_name"]

#: Rough pre-score weights (bits) for each kind of key a query shares with a row. They only choose which rows are scored
#: exactly, so they need to order candidates sensibly, not be calibrated.
WEIGHTS = {
    "nhs": 20.0,
    "dob": 10.0,
    "dob_transposed": 7.0,
    "dob_year_out": 4.0,
    "year_month": 2.0,
    "given": 6.0,
    "given_alias": 4.0,
    "given_fuzzy": 3.0,
    "given_prefix": 2.0,
    "given_mp": 3.0,
    "family": 7.0,
    "family_part": 5.0,
    "family_fuzzy": 3.5,
    "family_prefix": 2.5,
    "family_mp": 4.0,
    "swapped": 3.0,
    "postcode": 6.0,
}
#: A name typed so far matches names starting with it; short prefixes match too much to help.
MIN_PREFIX = 2
#: Names found through the deletion neighbourhood are kept within this edit distance of the name typed.
MAX_EDITS = 2
_NAME_SPLIT = re.compile(r"[\s]+")


def split_name(name: str) -> tuple[str | None, str | None]:
    """``"Bill Smyth"`` and ``"Smyth, Bill"`` -> ``("Bill", "Smyth")``; middle names are dropped; one word: ``(word, None)``."""
    name = " ".join(name.split())
    if not name:
        return None, None
    if "," in name:
        family, _, given = name.partition(",")
        given_words = given.split()
        return (given_words[0] if given_words else None), (family.strip() or None)
    words = _NAME_SPLIT.split(name)
    if len(words) == 1:
        return words[0], None
    return words[0], words[-1]


@dataclass(frozen=True)
class SearchQuery:
    """What the user typed. Every part is optional; an empty query finds nothing."""

    name: str = ""
    date_of_birth: dt.date | None = None
    postcode: str = ""
    nhs_number: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.postcode.strip() or self.nhs_number.strip())

    def records(self) -> list[dict[str, Any]]:
        """The query as one or two engine records: a single word may be a first name or a surname, so both are tried."""
        common = {"date_of_birth": self.date_of_birth, "postcode": self.postcode or None,
                  "nhs_number": self.nhs_number or None}
        given, family = split_name(self.name)
        if given and not family and "," not in self.name:
            return [normalise_record({**common, "given_name": given}),
                    normalise_record({**common, "family_name": given})]
        return [normalise_record({**common, "given_name": given, "family_name": family})]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
                "postcode": self.postcode, "nhs_number": self.nhs_number}


@dataclass(frozen=True)
class Scope:
    """Which rows a user may match on, mirroring the source-record caveat rules (the database has the final word).

    ``own_agency_id``: the user's agency (all its records). ``shared_caveats``: caveats of other agencies' records the user
    may match on (empty for agency contributors: their own agency's records only). ``safehub_names``: names recorded in
    safehub itself (partnership roles).
    """

    own_agency_id: int | None = None
    shared_caveats: frozenset[str] = frozenset()
    safehub_names: bool = False

    def allowed(self, index: SearchIndex, rows: np.ndarray) -> np.ndarray:
        agency = index.agency_id[rows]
        origin = index.origin[rows]
        keep = np.zeros(len(rows), dtype=bool)
        if self.own_agency_id:
            keep |= (agency == self.own_agency_id) & (origin != ORIGIN_SAFEHUB)
        codes = [i for i, c in enumerate(index.caveats) if c in self.shared_caveats]
        if codes:
            keep |= np.isin(index.caveat[rows], codes) & (origin != ORIGIN_SAFEHUB)
        if self.safehub_names:
            keep |= origin == ORIGIN_SAFEHUB
        return keep


EVERYTHING = None  # pass as scope to search every row (benchmarks, tools)


@dataclass
class RecordMatch:
    """One indexed row the query matched, ranked by its match weight; the engine's evidence is worked out on demand."""

    row: int
    record_id: int
    child_id: int
    agency_id: int
    origin: int
    match_weight: float
    prescore: float
    query: dict[str, Any] = field(repr=False)
    candidate: dict[str, Any] = field(repr=False)
    model: TrainedModel = field(repr=False)

    @cached_property
    def evidence(self) -> dict[str, Any]:
        """:func:`~safehub.linkage.engine.score_pair`'s waterfall for this pair."""
        return score_pair(self.model, self.query, self.candidate)[1]

    @property
    def probability(self) -> float:
        return weight_to_probability(self.match_weight)

    @cached_property
    def matched_on(self) -> list[str]:
        return matched_on(self.evidence, self.query, self.candidate)


class PairScorer:
    """:func:`~safehub.linkage.engine.score_pair`'s total match weight without building the evidence (several times
    faster, and the number that ranks candidates); tests check it equals ``score_pair``'s total."""

    def __init__(self, model: TrainedModel):
        self.model = model
        weights: dict[str, list[float]] = {}
        for level in model.level_parameters():
            weights.setdefault(level["comparison"], []).append(level["match_weight"])
        self.plan = [(c, weights[c.name]) for c in model.comparison_objects]
        self.prior = model.prior_weight
        self.extra = list(model.extra_columns)

    def weight(self, query: dict[str, Any], candidate: dict[str, Any]) -> float:
        for name in self.extra:
            query.setdefault(name, None)
            candidate.setdefault(name, None)
        total = self.prior
        for comparison, weights in self.plan:
            index = comparison.level_of(query, candidate)
            total += weights[index]
            level = comparison.levels[index]
            if level.tf_column and not level.is_null:
                total += self.model.tf_adjustment(level.tf_column, query.get(level.tf_column),
                                                  candidate.get(level.tf_column))
        return total


class _Accumulator:
    """Pre-scores over the whole index, one float32 per row."""

    def __init__(self, index: SearchIndex):
        self.index = index
        self.scores = np.zeros(len(index), dtype=np.float32)

    def add(self, rows: np.ndarray, weight: float) -> None:
        if rows.size:
            self.scores[rows] += weight

    def add_positions(self, kind: str, weighted: dict[int, float]) -> None:
        """Add each key position's weight to its rows (positions are distinct keys, so their rows never overlap)."""
        postings = self.index.postings[kind]
        for position, weight in weighted.items():
            self.add(postings.rows_at(position), weight)


def _name_positions(index: SearchIndex, kind: str, name: str | None, aliases: Iterable[str] = (),
                    *, exact: float, alias: float, fuzzy: float, prefix: float, acc: _Accumulator) -> None:
    """Exact, nickname and fuzzy (one or two edits) matches of a normalised name, then names it is the start of."""
    if not name:
        return
    postings = index.postings[kind]
    weighted: dict[int, float] = {}

    def offer(position: int, weight: float) -> None:
        if position >= 0 and weight > weighted.get(position, 0.0):
            weighted[position] = weight

    offer(postings.position(name), exact)
    for other in aliases:
        if other != name:
            offer(postings.position(other), alias)
    neighbours = index.fuzzy[kind]
    probes = deletions(name) | ({name} if len(name) >= 3 else set())
    seen: set[int] = set()
    for probe in probes:
        for position in neighbours.lookup(probe).tolist():
            if position in seen:
                continue
            seen.add(position)
            if Levenshtein.distance(name, str(postings.keys[position])) <= MAX_EDITS:
                offer(position, fuzzy)
    acc.add_positions(kind, weighted)
    if len(name) >= MIN_PREFIX:
        lo, hi = postings.prefix_range(name)
        acc.add(postings.rows_between(lo, hi), prefix)


def _date_keys(days: int | None, year: int | None, month: int | None, day: int | None) -> list[tuple[str, int]]:
    if days is None or year is None or month is None or day is None:
        return []
    keys = [("dob", days)]
    epoch = dt.date(1970, 1, 1)

    def to_days(y: int, m: int, d: int) -> int | None:
        try:
            return (dt.date(y, m, d) - epoch).days
        except ValueError:
            return None

    if day != month and day <= 12:
        swapped = to_days(year, day, month)
        if swapped is not None:
            keys.append(("dob_transposed", swapped))
    for other_year in (year - 1, year + 1):
        shifted = to_days(other_year, month, day)
        if shifted is not None:
            keys.append(("dob_year_out", shifted))
    return keys


def _prescore(index: SearchIndex, records: list[dict[str, Any]]) -> np.ndarray:
    acc = _Accumulator(index)
    first = records[0]
    single_word = len(records) > 1
    if first.get("nhs_number"):
        acc.add(index.postings["nhs"].lookup(int(first["nhs_number"])), WEIGHTS["nhs"])
    dob = index.postings["dob"]
    for kind, days in _date_keys(first.get("dob_days"), first.get("dob_year"), first.get("dob_month"),
                                 first.get("dob_day")):
        acc.add(dob.lookup(days), WEIGHTS[kind])
    if first.get("dob_year") is not None:
        acc.add(index.postings["year_month"].lookup(first["dob_year"] * 12 + first["dob_month"]), WEIGHTS["year_month"])
    if first.get("postcode"):
        acc.add(index.postings["postcode"].lookup(first["postcode"]), WEIGHTS["postcode"])
    for record in records:
        given, family = record.get("given_name"), record.get("family_name")
        _name_positions(index, "given", given, record.get("given_name_aliases") or (), exact=WEIGHTS["given"],
                        alias=WEIGHTS["given_alias"], fuzzy=WEIGHTS["given_fuzzy"], prefix=WEIGHTS["given_prefix"],
                        acc=acc)
        if record.get("given_name_mp"):
            acc.add(index.postings["given_mp"].lookup(record["given_name_mp"]), WEIGHTS["given_mp"])
        _name_positions(index, "family", family, (), exact=WEIGHTS["family"], alias=0.0, fuzzy=WEIGHTS["family_fuzzy"],
                        prefix=WEIGHTS["family_prefix"], acc=acc)
        if record.get("family_name_mp"):
            acc.add(index.postings["family_mp"].lookup(record["family_name_mp"]), WEIGHTS["family_mp"])
        parts = record.get("family_name_parts") or []
        for part in parts:
            acc.add(index.postings["family_part"].lookup(part), WEIGHTS["family_part"])
            if len(parts) > 1:
                acc.add(index.postings["family"].lookup(part), WEIGHTS["family_part"])
        if given and family and not single_word:  # first name and surname the other way round
            acc.add(index.postings["family"].lookup(given), WEIGHTS["swapped"])
            acc.add(index.postings["given"].lookup(family), WEIGHTS["swapped"])
    return acc.scores


def _shortlist(scores: np.ndarray, rows: np.ndarray, *, most: int, least: int, margin: float) -> np.ndarray:
    """The rows worth scoring exactly: the best ``most`` by pre-score, dropping any more than ``margin`` bits below the
    best (they cannot catch up), but always the best ``least``."""
    if rows.size > most:
        rows = rows[np.argpartition(-scores[rows], most - 1)[:most]]
    if rows.size > least:
        order = np.argsort(-scores[rows], kind="stable")
        rows = rows[order]
        floor = scores[rows[0]] - margin
        keep = max(least, int(np.count_nonzero(scores[rows] >= floor)))
        rows = rows[:keep]
    return np.sort(rows)


def search_index(index: SearchIndex, model: TrainedModel | PairScorer, query: SearchQuery, *,
                 scope: Scope | None = EVERYTHING, candidates: int = 120, at_least: int = 30,
                 margin: float = 10.0) -> list[RecordMatch]:
    """The rows best matching ``query`` that ``scope`` allows, ranked by ``model``'s match weight, best first.

    At most ``candidates`` rows are scored exactly (fewer when the rest trail the best by over ``margin`` bits of
    pre-score, but never fewer than ``at_least``). Pass a :class:`PairScorer` to reuse one across queries.
    """
    if query.is_empty or len(index) == 0:
        return []
    scorer = model if isinstance(model, PairScorer) else PairScorer(model)
    records = query.records()
    scores = _prescore(index, records)
    rows = np.flatnonzero(scores)
    if scope is not None and rows.size:
        rows = rows[scope.allowed(index, rows)]
    rows = _shortlist(scores, rows, most=candidates, least=at_least, margin=margin)
    matches: list[RecordMatch] = []
    for row, candidate in zip(rows.tolist(), index.candidate_records(rows), strict=True):
        best_weight, best_query = -np.inf, records[0]
        for record in records:
            weight = scorer.weight(record, candidate)
            if weight > best_weight:
                best_weight, best_query = weight, record
        matches.append(RecordMatch(
            row=row,
            record_id=int(index.record_id[row]),
            child_id=int(index.child_id[row]),
            agency_id=int(index.agency_id[row]),
            origin=int(index.origin[row]),
            match_weight=float(best_weight),
            prescore=float(scores[row]),
            query=best_query,
            candidate=candidate,
            model=scorer.model,
        ))
    matches.sort(key=lambda m: (-m.match_weight, -m.prescore, m.row))
    return matches
