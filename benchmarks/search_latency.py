"""Real-time search: latency and recall@5 of safehub's index at scale, beside Splink's own real-time scoring.

    UV_PYTHON_DOWNLOADS=never uv run python benchmarks/search_latency.py --records 1000000
    UV_PYTHON_DOWNLOADS=never uv run python benchmarks/search_latency.py --records 50000 --queries 300 --splink-queries 20

No Django: the synthetic partnership (``safehub.synth``) is generated, read back and indexed directly, as if linkage had
linked every record to its true child. A model is trained with the linkage engine on a sample (or loaded with --model).
Queries come from randomly chosen records, perturbed the way people mistype: forename or surname typos, a nickname
instead of the forename, day and month swapped, the year one out, no date of birth, sometimes a postcode. A query is a
hit at 5 (``recall_at_5``) when one of the five best-ranked records belongs to the true child; ``recall_at_5_children``
counts the first five distinct children instead (what the search page lists).

Splink comparison: the same model (comparisons, m and u, prior, term frequencies) and the engine's blocking rules in
Splink 5's incremental API (``linker.inference.predict_between``: the indexed table on the left, the query on the right —
Splink's way to find matches for a new record), on a --splink-records table and --splink-queries queries; safehub's index
is run on the same smaller table and queries too, so the recall is compared like for like.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import math
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from safehub.linkage.engine import (
    DEFAULT_BLOCKING_RULES,
    LinkageSettings,
    TrainedModel,
    prepare,
    train,
)
from safehub.linkage.engine.normalise import forename_aliases, normalise_forename
from safehub.people.search import SearchIndex, SearchQuery, rows_from_extracts, search_index
from safehub.people.search.query import PairScorer
from safehub.synth.corrupt import typo

RECORDS_PER_CHILD = 2.51  # what safehub.synth produces (about 50,300 records for 20,000 children)


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Extract(NamedTuple):
    """The fields of :class:`safehub.synth.ExtractRecord` the benchmark needs (without the raw row, to save memory)."""

    agency: str
    source_file: str
    local_id: str
    given_name: str
    family_name: str
    date_of_birth: Any
    sex: str
    nhs_number: str
    upn: str
    police_id: str
    postcode: str
    address: str


def load_extracts(records: int, seed: int, synth_dir: Path | None) -> tuple[list[Extract], dict, float]:
    from safehub.synth import generate, read_extracts, read_ground_truth

    start = time.perf_counter()
    children = math.ceil(records / RECORDS_PER_CHILD * 1.01)
    out = synth_dir or Path(tempfile.mkdtemp(prefix="search-bench-"))
    if not (out / "ground_truth.csv").exists():
        generate(children=children, seed=seed, out=out)
    extracts = [Extract(*(getattr(r, f) for f in Extract._fields)) for r in read_extracts(out)]
    truth = read_ground_truth(out)
    if len(extracts) > records:
        extracts = random.Random(seed).sample(extracts, records)
    return extracts, truth, round(time.perf_counter() - start, 1)


def engine_row(record: Any, uid: str) -> dict[str, Any]:
    return {"unique_id": uid, "source": record.agency, "given_name": record.given_name or None,
            "family_name": record.family_name or None, "date_of_birth": record.date_of_birth,
            "sex": record.sex if record.sex in ("M", "F") else None, "postcode": record.postcode or None,
            "address": record.address or None, "nhs_number": record.nhs_number or None, "upn": record.upn or None,
            "police_id": record.police_id or None}


def train_model(extracts: list[Any], sample: int, seed: int) -> tuple[TrainedModel, float]:
    start = time.perf_counter()
    rows = random.Random(seed + 1).sample(extracts, min(sample, len(extracts)))
    prepared = prepare([engine_row(r, str(i)) for i, r in enumerate(rows)])
    model = train(prepared, LinkageSettings(threads=1, memory_limit="1GB"))
    return model, round(time.perf_counter() - start, 1)


# --- queries ---------------------------------------------------------------------------------------------------------


def nickname(given: str, rng: random.Random) -> str | None:
    name = normalise_forename(given)
    others = [a for a in forename_aliases(name) if a != name and a[:1] == (name or "")[:1]] if name else []
    return rng.choice(others).title() if others else None


def make_query(record: Any, rng: random.Random) -> tuple[SearchQuery, list[str]]:
    given, family, dob = record.given_name, record.family_name, record.date_of_birth
    changes: list[str] = []
    roll = rng.random()
    if roll < 0.2 and given:
        given, changes = typo(given, rng), ["forename typo"]
    elif roll < 0.4 and family:
        family, changes = typo(family, rng), ["surname typo"]
    elif roll < 0.55 and given and (nick := nickname(given, rng)):
        given, changes = nick, ["nickname"]
    roll = rng.random()
    if dob is None or roll < 0.25:
        dob = None
        changes.append("no date of birth")
    elif roll < 0.4 and dob.day <= 12 and dob.day != dob.month:
        dob = dob.replace(month=dob.day, day=dob.month)
        changes.append("day and month swapped")
    elif roll < 0.55:
        try:
            dob = dob.replace(year=dob.year + rng.choice((-1, 1)))
            changes.append("year one out")
        except ValueError:
            pass
    postcode = record.postcode if record.postcode and rng.random() < 0.2 else ""
    if postcode:
        changes.append("postcode")
    name = f"{given} {family}".strip()
    return SearchQuery(name=name, date_of_birth=dob, postcode=postcode), changes


def build_queries(extracts: list[Any], n: int, seed: int) -> list[tuple[int, SearchQuery, list[str]]]:
    rng = random.Random(seed + 2)
    chosen = rng.sample(range(len(extracts)), min(n, len(extracts)))
    out = []
    for i in chosen:
        query, changes = make_query(extracts[i], rng)
        if not query.is_empty:
            out.append((i, query, changes))
    return out


def child_of(truth: dict, record: Any) -> int:
    return int(str(truth[(record.source_file, record.local_id)]).lstrip("C"))


def first_children(children: list[int], n: int = 5) -> list[int]:
    """The first ``n`` distinct children in ranked order (what the search page lists)."""
    out: list[int] = []
    for child in children:
        if child not in out:
            out.append(child)
            if len(out) == n:
                break
    return out


def summary(latencies_ms: list[float], hits: list[bool], child_hits: list[bool]) -> dict[str, Any]:
    arr = np.asarray(latencies_ms)
    return {"queries": len(arr), "p50_ms": round(float(np.percentile(arr, 50)), 2),
            "p95_ms": round(float(np.percentile(arr, 95)), 2), "p99_ms": round(float(np.percentile(arr, 99)), 2),
            "mean_ms": round(float(arr.mean()), 2), "recall_at_5": round(sum(hits) / max(len(hits), 1), 4),
            "recall_at_5_children": round(sum(child_hits) / max(len(child_hits), 1), 4)}


def run_index(index: SearchIndex, scorer: PairScorer, queries, extracts, truth) -> tuple[dict, dict]:
    latencies, cpu, hits, child_hits = [], [], [], []
    by_change: dict[str, list[bool]] = {}
    for _ in range(3):  # warm caches (nickname tables, numpy)
        search_index(index, scorer, queries[0][1])
    for i, query, changes in queries:
        wall, proc = time.perf_counter(), time.process_time()
        matches = search_index(index, scorer, query)
        latencies.append((time.perf_counter() - wall) * 1000)
        cpu.append((time.process_time() - proc) * 1000)
        true_child = child_of(truth, extracts[i])
        hit = true_child in {m.child_id for m in matches[:5]}
        hits.append(hit)
        child_hits.append(true_child in first_children([m.child_id for m in matches]))
        for change in changes or ["as recorded"]:
            by_change.setdefault(change, []).append(hit)
    result = summary(latencies, hits, child_hits)
    result["cpu_p50_ms"] = round(statistics.median(cpu), 2)
    result["cpu_p95_ms"] = round(float(np.percentile(cpu, 95)), 2)
    return result, {k: round(sum(v) / len(v), 3) for k, v in sorted(by_change.items())}


# --- Splink ------------------------------------------------------------------------------------------------------------


def run_splink(model: TrainedModel, extracts: list[Any], queries, truth) -> dict:
    import duckdb
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    con = duckdb.connect(":memory:")
    con.execute("SET threads = 1")
    db = DuckDBAPI(connection=con)
    table = prepare([engine_row(r, str(i)) for i, r in enumerate(extracts)])
    existing = db.register(table, table_name="indexed_records")
    settings = {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": model.splink_comparisons(),
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": " AND ".join(f'l."{c}" = r."{c}"' for c in rule)} for rule in DEFAULT_BLOCKING_RULES],
        "probability_two_random_records_match": model.prior,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }
    linker = Linker(existing, settings, log_level=None)
    for comparison in model.comparison_objects:
        for level in comparison.levels:
            if level.tf_column:
                linker.table_management.compute_tf_table(level.tf_column)
    latencies, hits, child_hits = [], [], []
    for n, (i, query, _changes) in enumerate(queries):
        start = time.perf_counter()
        record = {"unique_id": "query", "given_name": None, "family_name": None}
        record.update({k: v for k, v in query_input(query).items() if v is not None})
        new = db.register(prepare([record]).cast(table.schema), table_name=f"query_{n}")
        scored = linker.inference.predict_between(existing, new, warning_mode="never")
        sql = f"SELECT unique_id_l, unique_id_r FROM {scored.physical_name} ORDER BY match_weight DESC LIMIT 50"  # noqa: S608
        ranked = [int(a) if b == "query" else int(b) for a, b in con.execute(sql).fetchall()]
        latencies.append((time.perf_counter() - start) * 1000)
        true_child = child_of(truth, extracts[i])
        hits.append(true_child in {child_of(truth, extracts[f]) for f in ranked[:5]})
        child_hits.append(true_child in first_children([child_of(truth, extracts[f]) for f in ranked]))
        scored.drop_table_from_database_and_remove_from_cache()
    con.close()
    return summary(latencies, hits, child_hits)


def query_input(query: SearchQuery) -> dict[str, Any]:
    records = query.records()
    raw = {"date_of_birth": query.date_of_birth, "postcode": query.postcode or None, "nhs_number": query.nhs_number or None}
    if len(records) == 1:
        raw["given_name"], raw["family_name"] = records[0]["given_name"], records[0]["family_name"]
    else:
        raw["family_name"] = records[1]["family_name"]
    return raw


# --- main --------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--splink-records", type=int, default=50_000)
    parser.add_argument("--splink-queries", type=int, default=50)
    parser.add_argument("--train-records", type=int, default=50_000, help="records sampled to train the model")
    parser.add_argument("--model", type=Path, help="a saved TrainedModel JSON instead of training")
    parser.add_argument("--save-model", type=Path, help="write the trained model here")
    parser.add_argument("--synth-dir", type=Path, help="generate into (or reuse) this directory")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-splink", action="store_true")
    args = parser.parse_args(argv)

    result: dict[str, Any] = {"benchmark": "search_latency", "python": sys.version.split()[0]}
    extracts, truth, load_seconds = load_extracts(args.records, args.seed, args.synth_dir)
    result["records"] = len(extracts)
    result["load_seconds"] = load_seconds
    if args.model:
        model, train_seconds = TrainedModel.from_json(args.model.read_text()), 0.0
    else:
        model, train_seconds = train_model(extracts, args.train_records, args.seed)
        if args.save_model:
            args.save_model.write_text(model.to_json())
    result["model"] = {"trained": model.trained, "train_seconds": train_seconds, "comparisons": model.comparisons,
                       "prior": model.prior}
    agency_ids = {a: i for i, a in enumerate(sorted({r.agency for r in extracts}), 1)}
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    index = SearchIndex.build(rows_from_extracts(extracts, truth, agency_ids))
    gc.collect()
    result["index"] = {"rows": len(index), "build_seconds": round(time.perf_counter() - start, 1),
                       "nbytes_mb": round(index.nbytes / 1e6, 1), "rss_growth_mb": round(rss_mb() - before, 1),
                       "peak_rss_mb": peak_rss_mb()}
    scorer = PairScorer(model)
    queries = build_queries(extracts, args.queries, args.seed)
    result["safehub"], result["safehub_recall_by_change"] = run_index(index, scorer, queries, extracts, truth)

    if not args.skip_splink:
        del index
        gc.collect()
        rng = random.Random(args.seed + 3)
        subset = rng.sample(extracts, min(args.splink_records, len(extracts)))
        small_queries = build_queries(subset, args.splink_queries, args.seed + 4)
        small_index = SearchIndex.build(rows_from_extracts(subset, truth, agency_ids))
        result["same_table"] = {"records": len(subset)}
        result["same_table"]["safehub"], _ = run_index(small_index, scorer, small_queries, subset, truth)
        result["same_table"]["splink_predict_between"] = run_splink(model, subset, small_queries, truth)
    result["peak_rss_mb"] = peak_rss_mb()
    sys.stdout.write(json.dumps(result) + "\n")
    return result


if __name__ == "__main__":
    main()
