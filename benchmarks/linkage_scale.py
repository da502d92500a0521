"""A million agency records on two cores: safehub's engine beside plain Splink, each in its own process.

    UV_PYTHON_DOWNLOADS=never uv run python benchmarks/linkage_scale.py --records 1000000
    UV_PYTHON_DOWNLOADS=never uv run python benchmarks/linkage_scale.py --records 100000 --skip-baseline   # quick

The records come from ``safehub.synth.generate`` (about 2.5 agency records per child, so ~400,000 children for a
million records), generated once into ``--data`` and kept there (generation is not timed). Each system then runs in
a fresh process with the same DuckDB limits (``--threads``, ``--memory-limit``, a temporary directory to spill to)
and reports wall time and peak resident memory of that whole process (``VmHWM``: Python, pyarrow and the in-process
DuckDB). Accuracy is measured afterwards, in this process, against the generator's ground truth, with SQL joins so
a million-record truth never has to fit in Python sets.

"safehub" is the engine with default settings plus the limits (prepare -> train -> predict -> constrained
clustering). "splink_textbook" is the same plain Splink model as ``linkage_synthetic.py`` (library comparisons,
``block_on("dob")`` among its rules, u from 2 million random pairs, EM on date of birth and on names, Splink's own
clustering). Prints one JSON line per system; ``uptime`` load averages are recorded before and after, because the
development machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Input columns handed to both systems (as the agencies wrote them, after ``safehub.synth.read``'s tidying).
COLUMNS = ("unique_id", "source", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address",
           "nhs_number", "upn", "police_id")
RECORDS_PER_CHILD = 2.5  # safehub.synth gives about 2.51 at its default rates


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def peak_rss_mb() -> float:
    """VmHWM: the peak resident set of this process (DuckDB runs in-process, so it is included)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- data ---------------------------------------------------------------------------------------------------


def build_input(records: int, seed: int, data: Path) -> tuple[Path, Path, dict]:
    """Generate (once) and write ``input.parquet`` (COLUMNS) and ``truth.parquet`` (unique_id, child) for ``records``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from safehub.synth import generate, read_extracts, read_ground_truth

    children = max(1, round(records / RECORDS_PER_CHILD))
    folder = data / f"synth-{children}-{seed}"
    input_path, truth_path = folder / f"input-{records}.parquet", folder / f"truth-{records}.parquet"
    info = {"children": children, "seed": seed}
    if input_path.exists() and truth_path.exists():
        info["records"] = pq.read_metadata(input_path).num_rows
        return input_path, truth_path, info
    start = time.perf_counter()
    if not (folder / "manifest.json").exists():
        generate(children=children, seed=seed, out=folder)
    info["generate_seconds"] = round(time.perf_counter() - start, 1)
    truth = {f"{f}:{i}": child for (f, i), child in read_ground_truth(folder).items()}
    columns: dict[str, list] = {c: [] for c in COLUMNS}
    child_of: list[str] = []
    for r in read_extracts(folder):
        if len(child_of) >= records:
            break
        uid = f"{r.source_file}:{r.local_id}"
        row = (uid, r.agency, r.given_name, r.family_name, r.date_of_birth, r.sex, r.postcode, r.address, r.nhs_number,
               r.upn, r.police_id)
        for c, v in zip(COLUMNS, row, strict=True):
            columns[c].append(v if v != "" else None)
        child_of.append(truth[uid])
    pq.write_table(pa.table(columns), input_path)
    pq.write_table(pa.table({"unique_id": columns["unique_id"], "child": child_of}), truth_path)
    info["records"] = len(child_of)
    return input_path, truth_path, info


# --- the systems (each run in a fresh process by ``--worker``) ----------------------------------------------


def run_safehub(input_path: Path, out: Path, threads: int, memory_limit: str, temp: str) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from safehub.linkage.engine import LinkageSettings, predict, prepare, train

    frame = pq.read_table(input_path)
    timings: dict[str, float] = {}
    settings = LinkageSettings(threads=threads, memory_limit=memory_limit, temp_directory=temp)
    start = time.perf_counter()
    prepared = prepare(frame)
    del frame
    timings["prepare"] = round(time.perf_counter() - start, 2)
    t = time.perf_counter()
    model = train(prepared, settings)
    timings["train"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    prediction = predict(prepared, model, settings)
    timings["predict_and_cluster"] = round(time.perf_counter() - t, 2)
    seconds = round(time.perf_counter() - start, 2)
    pairs = prediction.pairs
    linked = pairs.filter(pa.compute.greater_equal(pairs["match_probability"], settings.threshold))
    pq.write_table(linked.select(["unique_id_l", "unique_id_r"]), out / "pairs.parquet")
    pq.write_table(prediction.clusters.select(["unique_id", "cluster_id"]), out / "clusters.parquet")
    return {"system": "safehub", "records": prepared.num_rows, "threshold": settings.threshold, "seconds": seconds,
            "timings": timings, "model_timings": model.metrics.get("timings"), "prior": model.prior,
            "blocking_rules": [" & ".join(r) for r in prediction.blocking_rules],
            "blocked_pairs_upper_bound": sum(prediction.blocking_pair_counts.values()),
            "scored_pairs_kept": pairs.num_rows, "refused_links": len(prediction.refused),
            "peak_rss_mb": peak_rss_mb()}


def run_splink_textbook(input_path: Path, out: Path, threads: int, memory_limit: str, temp: str) -> dict:
    """Plain Splink, as in ``linkage_synthetic.py``: library comparisons on lightly cleaned columns."""
    import logging

    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    threshold = 0.9
    frame = pq.read_table(input_path)
    start = time.perf_counter()

    def clean(column: str) -> pa.Array:
        values = pc.utf8_lower(pc.utf8_trim_whitespace(frame[column]))
        return pc.if_else(pc.equal(values, ""), None, values)

    table = pa.table({
        "unique_id": frame["unique_id"], "first_name": clean("given_name"), "surname": clean("family_name"),
        "dob": pc.cast(frame["date_of_birth"], pa.string()), "postcode": clean("postcode"),
        "nhs_number": clean("nhs_number"), "upn": clean("upn"),
    })
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET temp_directory = ?", [temp])
    con.execute(f"SET threads = {threads}")
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"), block_on("dob"), block_on("postcode", "first_name"),
            block_on("nhs_number"), block_on("upn"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("nhs_number"),
            cl.ExactMatch("upn"),
        ],
    )
    linker = Linker(DuckDBAPI(connection=con).register(table), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match([block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold_match_probability=threshold)
    seconds = round(time.perf_counter() - start, 2)
    con.execute(f"COPY (SELECT unique_id_l, unique_id_r FROM {predictions.physical_name} "  # noqa: S608 - Splink's table
                f"WHERE match_probability >= {threshold}) TO '{out / 'pairs.parquet'}' (FORMAT parquet)")
    con.execute(f"COPY (SELECT unique_id, cluster_id FROM {clusters.physical_name}) "  # noqa: S608
                f"TO '{out / 'clusters.parquet'}' (FORMAT parquet)")
    return {"system": "splink_textbook", "records": table.num_rows, "threshold": threshold, "seconds": seconds,
            "peak_rss_mb": peak_rss_mb()}


SYSTEMS = {"safehub": run_safehub, "splink_textbook": run_splink_textbook}


# --- accuracy -----------------------------------------------------------------------------------------------


def accuracy(truth_path: Path, out: Path) -> dict:
    """Pairwise (linked pairs) and clustered precision / recall / F1 against the truth, in DuckDB."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"CREATE TABLE truth AS SELECT * FROM read_parquet('{truth_path}')")  # noqa: S608 - our own file
    con.execute("""CREATE TABLE true_pairs AS SELECT a.unique_id AS l, b.unique_id AS r FROM truth a JOIN truth b
                   ON a.child = b.child AND a.unique_id < b.unique_id""")
    true_count = con.execute("SELECT count(*) FROM true_pairs").fetchone()[0]

    def scores(predicted: str) -> dict:
        found = con.execute(f"SELECT count(*) FROM ({predicted})").fetchone()[0]  # noqa: S608 - our own SQL
        tp = con.execute(f"SELECT count(*) FROM ({predicted}) p JOIN true_pairs t USING (l, r)").fetchone()[0]  # noqa: S608
        precision = tp / found if found else 1.0
        recall = tp / true_count if true_count else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 5), "recall": round(recall, 5), "f1": round(f1, 5), "tp": tp,
                "fp": found - tp, "fn": true_count - tp}

    pairs = (f"SELECT least(unique_id_l, unique_id_r) AS l, greatest(unique_id_l, unique_id_r) AS r "  # noqa: S608
             f"FROM read_parquet('{out / 'pairs.parquet'}')")
    clustered = (f"SELECT a.unique_id AS l, b.unique_id AS r FROM read_parquet('{out / 'clusters.parquet'}') a "  # noqa: S608
                 f"JOIN read_parquet('{out / 'clusters.parquet'}') b ON a.cluster_id = b.cluster_id "
                 f"AND a.unique_id < b.unique_id")
    return {"pairwise": scores(pairs), "clustered": scores(clustered), "true_pairs": true_count}


def worker(system: str, input_path: Path, out: Path, threads: int, memory_limit: str, temp: str) -> None:
    result = SYSTEMS[system](input_path, out, threads, memory_limit, temp)
    sys.stdout.write(json.dumps(result) + "\n")


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit for both systems")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "safehub-linkage-scale",
                        help="where the generated partnership is kept between runs")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-safehub", action="store_true")
    parser.add_argument("--worker", choices=sorted(SYSTEMS), help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--temp", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.input, args.out, args.threads, args.memory_limit, args.temp)
        return []
    args.data.mkdir(parents=True, exist_ok=True)
    input_path, truth_path, info = build_input(args.records, args.seed, args.data)
    systems = [s for s in SYSTEMS if not (s == "safehub" and args.skip_safehub)
               and not (s == "splink_textbook" and args.skip_baseline)]
    results = []
    for system in systems:
        with tempfile.TemporaryDirectory(prefix=f"scale-{system}-", dir=args.data) as tmp:
            out = Path(tmp)
            spill = out / "duckdb-spill"
            spill.mkdir()
            load_before = load_average()
            command = [sys.executable, __file__, "--worker", system, "--input", str(input_path), "--out", str(out),
                       "--temp", str(spill), "--threads", str(args.threads), "--memory-limit", args.memory_limit]
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - this script
            if done.returncode != 0:
                sys.stderr.write(done.stderr)
                raise SystemExit(f"{system} failed (exit {done.returncode})")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result.update(accuracy(truth_path, out))
            result.update(info, threads=args.threads, memory_limit=args.memory_limit,
                          load_average_before=load_before, load_average_after=load_average())
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
        results.append(result)
    return results


if __name__ == "__main__":
    main()
