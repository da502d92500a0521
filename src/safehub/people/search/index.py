"""The in-memory search index: every child's agency records, normalised by the linkage engine, with posting lists.

Pure Python, numpy and polars (no Django), so the benchmark builds it straight from synthetic extracts.

A posting list maps one key (a normalised surname, a metaphone code, a date of birth, a postcode, an NHS number...) to the
rows that carry it, stored CSR-style: the distinct keys sorted in one numpy array, the rows grouped by key in another, and
the offsets between them. A lookup is one binary search; a prefix ("Bren" while typing) is one contiguous slice. Typos in
names are found through a deletion neighbourhood over the *distinct* names (SymSpell's trick): "jonh" and "john" share
"jon" and "joh", so the index holds a few hundred thousand short keys rather than one per row.

The rows' prepared values (the engine's :func:`~safehub.linkage.engine.prepare` output) stay in one polars DataFrame, from
which the few hundred candidates of a query are fetched for exact scoring.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np
import polars as pl

from safehub.linkage.engine import prepare

__all__ = ["INDEX_FIELDS", "Postings", "SearchIndex", "deletions"]

#: What each indexed row carries: who it belongs to, who may see it, and the values as the agency recorded them.
INDEX_FIELDS: tuple[str, ...] = (
    "record_id", "child_id", "agency_id", "caveat", "origin",
    "given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "nhs_number", "upn", "police_id",
)  # fmt: skip
#: ``origin`` of a row: an agency source record, or a name recorded in safehub itself (an alias a practitioner added).
ORIGIN_RECORD, ORIGIN_SAFEHUB = 0, 1
_ENGINE_COLUMNS = ("given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "nhs_number", "upn",
                   "police_id")
#: Prepared columns the exact scoring never reads.
_DROPPED = ("unique_id", "source", "name_sorted")
_EMPTY = np.zeros(0, dtype=np.int32)
_META_TYPES = {"record_id": np.int64, "child_id": np.int64, "agency_id": np.int32, "caveat": np.int8, "origin": np.int8}
#: Names shorter than this get no deletion keys (a one-letter edit of "al" is anything).
MIN_FUZZY_LENGTH = 3


def deletions(name: str) -> set[str]:
    """The name with each one character removed (the SymSpell neighbourhood of distance 1)."""
    if len(name) < MIN_FUZZY_LENGTH:
        return set()
    return {name[:i] + name[i + 1 :] for i in range(len(name))}


@dataclass
class Postings:
    """Key -> rows, CSR-style: ``rows[starts[i]:starts[i + 1]]`` carry ``keys[i]``; ``keys`` sorted and distinct."""

    keys: np.ndarray
    starts: np.ndarray
    rows: np.ndarray

    @classmethod
    def build(cls, keys: pl.Series, rows: np.ndarray | pl.Series, *, string: bool) -> Postings:
        frame = pl.DataFrame({"k": keys, "r": rows}).drop_nulls("k").sort(["k", "r"])
        runs = frame["k"].rle()
        lengths = runs.struct.field("len").to_numpy()
        values = runs.struct.field("value")
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        key_array = np.array(values.to_list(), dtype=str) if string else values.to_numpy().astype(np.int64)
        if string and key_array.size == 0:
            key_array = np.zeros(0, dtype="<U1")
        return cls(keys=key_array, starts=starts, rows=frame["r"].to_numpy().astype(np.int32))

    def position(self, key: Any) -> int:
        """Index of ``key`` in ``keys``, or -1."""
        i = int(np.searchsorted(self.keys, key))
        return i if i < len(self.keys) and self.keys[i] == key else -1

    def rows_at(self, position: int) -> np.ndarray:
        return self.rows[self.starts[position] : self.starts[position + 1]] if position >= 0 else _EMPTY

    def lookup(self, key: Any) -> np.ndarray:
        return self.rows_at(self.position(key))

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        """Positions ``[lo, hi)`` of the keys starting with ``prefix`` (string keys only)."""
        lo = int(np.searchsorted(self.keys, prefix, side="left"))
        hi = int(np.searchsorted(self.keys, prefix + "\U0010ffff", side="left"))
        return lo, hi

    def rows_between(self, lo: int, hi: int) -> np.ndarray:
        """Rows of every key at positions ``[lo, hi)`` (one contiguous slice)."""
        return self.rows[self.starts[lo] : self.starts[hi]] if hi > lo else _EMPTY

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + self.starts.nbytes + self.rows.nbytes


def _deletion_postings(names: np.ndarray) -> Postings:
    """Deletion key -> positions of the distinct names it comes from (the "rows" here are positions in ``names``)."""
    keys: list[str] = []
    owners: list[int] = []
    for position, name in enumerate(names.tolist()):
        for key in deletions(name):
            keys.append(key)
            owners.append(position)
    return Postings.build(pl.Series(keys, dtype=pl.String), np.asarray(owners, dtype=np.int32), string=True)


def _chunks(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _blank(value: Any) -> Any:
    return None if value in ("", None) else value


@dataclass
class SearchIndex:
    """Every indexed row's owner, visibility and prepared values, with the posting lists a query reads.

    Build it with :meth:`build` from rows carrying :data:`INDEX_FIELDS`; rows are numbered 0..n-1 in the order given.
    """

    record_id: np.ndarray  # int64: SourceRecord pk (or Name pk for names recorded in safehub)
    child_id: np.ndarray  # int64
    agency_id: np.ndarray  # int32, 0 for names recorded in safehub
    caveat: np.ndarray  # int8 codes into ``caveats``
    origin: np.ndarray  # int8: ORIGIN_RECORD or ORIGIN_SAFEHUB
    caveats: tuple[str, ...]
    prepared: pl.DataFrame  # the engine's prepared columns, one row per indexed row
    postings: dict[str, Postings]
    fuzzy: dict[str, Postings]  # "given" / "family": deletion key -> positions in postings[kind].keys
    built_at: float = field(default_factory=time.time)
    build_seconds: float = 0.0
    signature: Any = None  # what the caller uses to tell whether its source data changed since

    def __len__(self) -> int:
        return len(self.record_id)

    @property
    def nbytes(self) -> int:
        """Approximate memory held (numpy arrays and the polars frame)."""
        arrays = (self.record_id, self.child_id, self.agency_id, self.caveat, self.origin)
        return (sum(a.nbytes for a in arrays) + int(self.prepared.estimated_size())
                + sum(p.nbytes for p in self.postings.values()) + sum(p.nbytes for p in self.fuzzy.values()))

    def candidate_records(self, rows: Sequence[int] | np.ndarray) -> list[dict[str, Any]]:
        """The prepared values of ``rows``, as dicts :func:`~safehub.linkage.engine.score_pair` reads unchanged."""
        if len(rows) == 0:
            return []
        return self.prepared[np.asarray(rows, dtype=np.int64)].to_dicts()

    # --- building --------------------------------------------------------------------------------------------------

    @classmethod
    def build(cls, rows: Iterable[Mapping[str, Any]], *, chunk_size: int = 50_000, signature: Any = None) -> SearchIndex:
        """Normalise ``rows`` with the linkage engine (a chunk at a time, so memory stays bounded) and index them."""
        start = time.perf_counter()
        frames: list[pl.DataFrame] = []
        meta: dict[str, list[np.ndarray]] = {name: [] for name in _META_TYPES}
        caveats: dict[str, int] = {}
        offset = 0
        for chunk in _chunks(rows, chunk_size):
            engine_rows = [{"unique_id": str(i), **{c: _blank(row.get(c)) for c in _ENGINE_COLUMNS}}
                           for i, row in enumerate(chunk, offset)]
            frames.append(pl.from_arrow(prepare(engine_rows)).drop(_DROPPED))  # type: ignore[union-attr]
            del engine_rows
            values = {
                "record_id": [int(row["record_id"]) for row in chunk],
                "child_id": [int(row["child_id"]) for row in chunk],
                "agency_id": [int(row.get("agency_id") or 0) for row in chunk],
                "caveat": [caveats.setdefault(str(row.get("caveat") or ""), len(caveats)) for row in chunk],
                "origin": [int(row.get("origin") or ORIGIN_RECORD) for row in chunk],
            }
            for name, dtype in _META_TYPES.items():
                meta[name].append(np.asarray(values[name], dtype=dtype))
            offset += len(chunk)
        prepared = pl.concat(frames, how="vertical_relaxed", rechunk=True) if frames else _empty_frame()
        del frames

        columns = {name: np.concatenate(parts) if parts else np.zeros(0, dtype=_META_TYPES[name])
                   for name, parts in meta.items()}
        del meta
        index = cls(
            **columns,
            caveats=tuple(sorted(caveats, key=caveats.__getitem__)),
            prepared=prepared,
            postings={},
            fuzzy={},
            signature=signature,
        )
        index._build_postings()
        index.build_seconds = time.perf_counter() - start
        return index

    def _build_postings(self) -> None:
        frame = self.prepared
        row = np.arange(frame.height, dtype=np.int32)
        strings = {
            "given": frame["given_name"],
            "given_mp": frame["given_name_mp"],
            "family": frame["family_name"],
            "family_mp": frame["family_name_mp"],
            "postcode": frame["postcode"],
        }
        for kind, keys in strings.items():
            self.postings[kind] = Postings.build(keys, row, string=True)
        numbers = {
            "nhs": frame["nhs_number"].cast(pl.Int64, strict=False),
            "dob": frame["dob_days"].cast(pl.Int64),
            "year_month": (frame["dob_year"].cast(pl.Int64) * 12 + frame["dob_month"].cast(pl.Int64)),
        }
        for kind, keys in numbers.items():
            self.postings[kind] = Postings.build(keys, row, string=False)
        # Parts of double-barrelled surnames ("smith-jones" is found by "jones"); single-part names are in "family" already.
        parts = (frame.select(pl.col("family_name_parts"), pl.Series("r", row))
                 .filter(pl.col("family_name_parts").list.len() > 1).explode("family_name_parts"))
        self.postings["family_part"] = Postings.build(parts["family_name_parts"], parts["r"], string=True)
        for kind in ("given", "family"):
            self.fuzzy[kind] = _deletion_postings(self.postings[kind].keys)


def _empty_frame() -> pl.DataFrame:
    return pl.from_arrow(prepare([{"unique_id": "0"}])).drop(_DROPPED).clear()  # type: ignore[union-attr]


def rows_from_extracts(records: Iterable[Any], child_of: Mapping[tuple[str, str], Any], agency_ids: Mapping[str, int],
                       *, caveat: str = "partnership") -> Iterator[dict[str, Any]]:
    """Index rows from :class:`safehub.synth.ExtractRecord` objects and the ground truth (for the benchmark and tests)."""
    for number, record in enumerate(records, 1):
        yield {
            "record_id": number,
            "child_id": int(str(child_of[(record.source_file, record.local_id)]).lstrip("C") or 0),
            "agency_id": agency_ids[record.agency],
            "caveat": caveat,
            "origin": ORIGIN_RECORD,
            "given_name": record.given_name,
            "family_name": record.family_name,
            "date_of_birth": record.date_of_birth,
            "sex": record.sex if record.sex in ("M", "F") else None,
            "postcode": record.postcode,
            "address": record.address,
            "nhs_number": record.nhs_number,
            "upn": record.upn,
            "police_id": record.police_id,
        }
