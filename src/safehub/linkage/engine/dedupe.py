"""The ``safehub dedupe`` workflow: map columns of one or two files, link, cluster, write ``clusters.csv``.

Kept here (not in the CLI) so benchmarks and tests drive exactly what the command runs.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .backend import Prediction, predict, train
from .dates import parse_date_column
from .errors import LinkageInputError
from .model import TrainedModel
from .prepare import prepare
from .settings import LinkageSettings

__all__ = ["FIELDS", "DedupeResult", "MappingError", "Source", "dedupe", "read_csv", "write_clusters"]

#: ``--map`` names -> engine input column. ``address`` and ``town`` may be mapped to several columns
#: (joined with ", "); ``full_name`` is split into forename (first word) and surname (last word).
FIELDS: dict[str, str] = {
    "first_name": "given_name",
    "given_name": "given_name",
    "forename": "given_name",
    "surname": "family_name",
    "family_name": "family_name",
    "last_name": "family_name",
    "dob": "date_of_birth",
    "date_of_birth": "date_of_birth",
    "postcode": "postcode",
    "address": "address",
    "town": "town",
    "sex": "sex",
    "gender": "sex",
    "nhs_number": "nhs_number",
    "upn": "upn",
    "police_id": "police_id",
    "full_name": "full_name",
}
_MULTI = frozenset({"address", "town"})
OUTPUT_COLUMNS = ("source", "record_id", "cluster_id", "match_probability")


class MappingError(LinkageInputError):
    """A mapped column is not in a file, a map name is unknown, or ids are blank or repeated."""


@dataclass
class Source:
    """One input file: its name (the file stem) and its rows as dicts of strings."""

    name: str
    columns: list[str]
    rows: list[dict[str, str]]


@dataclass
class DedupeResult:
    rows: list[dict[str, Any]]  # OUTPUT_COLUMNS
    prediction: Prediction
    model: TrainedModel
    records: int
    clusters: int
    date_formats: dict[str, str | None] = field(default_factory=dict)
    #: (source, row number, value) of each date of birth that could not be read (treated as missing)
    unparseable_dates: list[tuple[str, int, str]] = field(default_factory=list)


def read_csv(path: Path, name: str | None = None) -> Source:
    """Read a CSV (UTF-8, optional BOM) as strings."""
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns = list(reader.fieldnames or [])
        rows = [{k: (v if v is not None else "") for k, v in row.items() if k is not None} for row in reader]
    return Source(name=name or Path(path).stem, columns=columns, rows=rows)


def parse_mapping(items: Sequence[str]) -> dict[str, list[str]]:
    """``["first_name=Forename", "address=Line1", "address=Line2"]`` -> ``{"first_name": ["Forename"], ...}``."""
    mapping: dict[str, list[str]] = {}
    for item in items:
        key, sep, column = item.partition("=")
        key = key.strip().lower()
        if not sep or not column.strip():
            raise MappingError(f"--map needs NAME=COLUMN, got {item!r}")
        if key not in FIELDS:
            raise MappingError(f"unknown --map name {key!r}; use one of: {', '.join(sorted(FIELDS))}")
        if key in mapping and key not in _MULTI:
            raise MappingError(f"--map {key} given twice (only address and town may name several columns)")
        mapping.setdefault(key, []).append(column.strip())
    return mapping


def _unique_names(sources: Sequence[Source]) -> list[str]:
    names: list[str] = []
    for source in sources:
        name, n = source.name, 2
        while name in names:
            name, n = f"{source.name}-{n}", n + 1
        names.append(name)
    return names


def build_records(sources: Sequence[Source], id_column: str | None, mapping: Mapping[str, Sequence[str]],
                  extras: Sequence[str] = (), dob_format: str | None = None):
    """Engine input rows from mapped files, plus the date formats used and unreadable dates."""
    if not any(k in mapping for k in ("first_name", "given_name", "forename", "surname", "family_name", "last_name",
                                      "full_name", "dob", "date_of_birth")):
        raise MappingError("map at least a name or a date of birth (e.g. --map first_name=COL --map surname=COL)")
    names = _unique_names(sources)
    records: list[dict[str, Any]] = []
    formats: dict[str, str | None] = {}
    bad_dates: list[tuple[str, int, str]] = []
    for source, name in zip(sources, names, strict=True):
        wanted = ([id_column] if id_column else []) + [c for cols in mapping.values() for c in cols] + list(extras)
        missing = [c for c in dict.fromkeys(wanted) if c not in source.columns]
        if missing:
            have = ", ".join(source.columns) or "(none)"
            raise MappingError(f"{source.name}: no column {', '.join(repr(c) for c in missing)} (columns: {have})")
        ids = [row[id_column].strip() for row in source.rows] if id_column else [str(i) for i in range(1, len(source.rows) + 1)]
        blank = [i + 1 for i, v in enumerate(ids) if not v]
        if blank:
            raise MappingError(f"{source.name}: blank id in column {id_column!r} at row(s) {blank[:10]}")
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            dupes = sorted({v for v in ids if v in seen or seen.add(v)})  # type: ignore[func-returns-value]
            raise MappingError(f"{source.name}: repeated id(s) in column {id_column!r}: {', '.join(dupes[:5])}")
        dob_cols = mapping.get("dob") or mapping.get("date_of_birth") or []
        dates = None
        if dob_cols:
            dates = parse_date_column([row[dob_cols[0]] for row in source.rows], dob_format)
            formats[name] = dates.format
            bad_dates += [(name, row, value) for row, value in dates.unparseable]
        for i, row in enumerate(source.rows):
            record: dict[str, Any] = {"unique_id": f"{name}:{ids[i]}", "source": name, "record_id": ids[i]}
            for key, cols in mapping.items():
                target = FIELDS[key]
                if target == "date_of_birth":
                    record[target] = dates.best(i) if dates is not None else None  # a day 93 keeps its year
                elif target == "full_name":
                    words = row[cols[0]].split()
                    record.setdefault("given_name", words[0] if words else None)
                    record.setdefault("family_name", words[-1] if len(words) > 1 else None)
                else:
                    record[target] = ", ".join(v for v in (row[c].strip() for c in cols) if v)
            for column in extras:
                record[column] = row[column]
            records.append(record)
    return records, formats, bad_dates


def dedupe(sources: Sequence[Source], id_column: str | None, mapping: Mapping[str, Sequence[str]], *,
           extras: Sequence[str] = (), dob_format: str | None = None, settings: LinkageSettings | None = None,
           status: Callable[[str], None] | None = None, engine: str = "duckdb") -> DedupeResult:
    """Link and deduplicate the records of one or more files; returns one output row per record.

    ``engine`` is ``"duckdb"`` (default) or ``"spark"`` (needs the ``spark`` extra)."""
    settings = settings or LinkageSettings()
    say = status or (lambda message: None)
    say("Reading and normalising records…")
    records, formats, bad_dates = build_records(sources, id_column, mapping, extras, dob_format)
    if len(records) < 2:
        raise MappingError("need at least two records to compare")
    prepared = prepare(records, extra_columns=list(extras))
    say(f"Training the model on {len(records):,} records…")
    model = train(prepared, settings, engine=engine)
    say("Scoring candidate pairs and clustering…")
    prediction = predict(prepared, model, settings, engine=engine)
    order: dict[str, int] = {}
    cluster_of = dict(zip(prediction.clusters["unique_id"].to_pylist(), prediction.clusters["cluster_id"].to_pylist(),
                          strict=True))
    probability = dict(zip(prediction.clusters["unique_id"].to_pylist(),
                           prediction.clusters["match_probability"].to_pylist(), strict=True))
    rows = []
    for record in records:
        cluster = cluster_of[record["unique_id"]]
        number = order.setdefault(cluster, len(order) + 1)
        p = probability[record["unique_id"]]
        rows.append({"source": record["source"], "record_id": record["record_id"], "cluster_id": number,
                     "match_probability": "" if p is None else round(p, 6)})
    return DedupeResult(rows=rows, prediction=prediction, model=model, records=len(records), clusters=len(order),
                        date_formats=formats, unparseable_dates=bad_dates)


def write_clusters(rows: Sequence[Mapping[str, Any]], out: Path) -> None:
    out = Path(out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=OUTPUT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
