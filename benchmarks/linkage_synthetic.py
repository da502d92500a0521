"""The synthetic partnership (``safehub.synth``) through the linkage engine, against its ground truth.

    UV_PYTHON_DOWNLOADS=never uv run python benchmarks/linkage_synthetic.py --children 100000
    UV_PYTHON_DOWNLOADS=never uv run python benchmarks/linkage_synthetic.py --children 5000 --skip-baseline

Prints one JSON line per system: records, pairwise precision/recall/F1 at the threshold, blocking
recall (ours), clustered precision/recall/F1, seconds per step and peak RSS. "safehub" is the engine
with default settings; "splink_textbook" (unless --skip-baseline) is plain Splink with standard
library comparisons on the same normalised columns, clustered with Splink at the same threshold.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

from _common import blocking_recall, cluster_metrics, emit, pair_metrics, peak_rss_mb, timed

from safehub.linkage.engine import LinkageSettings, predict, prepare, train
from safehub.linkage.engine.metrics import true_pairs_from_truth


def load(children: int, seed: int, out: Path) -> tuple[list[dict], dict[str, str], float]:
    from safehub.synth import generate, read_extracts, read_ground_truth

    start = time.perf_counter()
    generate(children=children, seed=seed, out=out)
    truth = {f"{f}:{i}": child for (f, i), child in read_ground_truth(out).items()}
    rows = [
        dict(unique_id=f"{r.source_file}:{r.local_id}", source=r.agency, given_name=r.given_name, family_name=r.family_name,
             date_of_birth=r.date_of_birth, sex=r.sex, postcode=r.postcode, address=r.address, nhs_number=r.nhs_number,
             upn=r.upn, police_id=r.police_id)
        for r in read_extracts(out)
    ]
    return rows, truth, round(time.perf_counter() - start, 2)


def run_safehub(rows: list[dict], truth_pairs: set, settings: LinkageSettings) -> dict:
    result: dict = {"system": "safehub", "records": len(rows), "threshold": settings.threshold}
    timings: dict = {}
    with timed(timings, "prepare"):
        prepared = prepare(rows)
    with timed(timings, "train"):
        model = train(prepared, settings)
    with timed(timings, "predict_and_cluster"):
        prediction = predict(prepared, model, settings)
    result["seconds"] = round(sum(timings.values()), 2)
    result["timings"] = timings
    pairs = prediction.pairs
    edges = zip(pairs["unique_id_l"].to_pylist(), pairs["unique_id_r"].to_pylist(), pairs["match_probability"].to_pylist(),
                strict=True)
    result["pairwise"] = pair_metrics(edges, settings.threshold, truth_pairs)
    clusters = prediction.clusters
    cluster_of = dict(zip(clusters["unique_id"].to_pylist(), clusters["cluster_id"].to_pylist(), strict=True))
    result["clustered"] = cluster_metrics(cluster_of, truth_pairs)
    prepared_rows = {r["unique_id"]: r for r in prepared.to_pylist()}
    result["blocking_recall"] = blocking_recall(prepared_rows, prediction.blocking_rules, truth_pairs)
    result["blocked_pairs_upper_bound"] = sum(prediction.blocking_pair_counts.values())
    result["review_band_pairs"] = prediction.review().num_rows
    result["refused_links"] = len(prediction.refused)
    result["prior"] = model.prior
    result["model_timings"] = model.metrics.get("timings")
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def run_splink_textbook(rows: list[dict], truth_pairs: set, threshold: float) -> dict:
    """Plain Splink: library comparisons on lightly cleaned columns, no nicknames, twins or location tricks."""
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    result: dict = {"system": "splink_textbook", "records": len(rows), "threshold": threshold}

    def clean(value):
        text = " ".join(str(value).lower().split()) if value else ""
        return text or None

    with timed(result, "seconds"):
        table = pa.Table.from_pylist([
            {"unique_id": r["unique_id"], "first_name": clean(r["given_name"]), "surname": clean(r["family_name"]),
             "dob": r["date_of_birth"].isoformat() if r["date_of_birth"] else None, "postcode": clean(r["postcode"]),
             "nhs_number": clean(r["nhs_number"]), "upn": clean(r["upn"])}
            for r in rows
        ])
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
        linker = Linker(DuckDBAPI().register(table), settings, log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "dob")], recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=42)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
        predictions = linker.inference.predict(threshold_match_probability=0.5)
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold).as_pyarrow_table()
        pairs = predictions.as_pyarrow_table()
    edges = zip(pairs["unique_id_l"].to_pylist(), pairs["unique_id_r"].to_pylist(), pairs["match_probability"].to_pylist(),
                strict=True)
    result["pairwise"] = pair_metrics(edges, threshold, truth_pairs)
    cluster_of = dict(zip(clusters["unique_id"].to_pylist(), clusters["cluster_id"].to_pylist(), strict=True))
    result["clustered"] = cluster_metrics(cluster_of, truth_pairs)
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=LinkageSettings().threshold)
    parser.add_argument("--skip-baseline", action="store_true", help="only run safehub's engine")
    parser.add_argument("--out", type=Path, default=None, help="keep the generated extracts here")
    args = parser.parse_args(argv)
    settings = LinkageSettings(threshold=args.threshold)
    with tempfile.TemporaryDirectory(prefix="linkage-bench-") as tmp:
        rows, truth, generate_seconds = load(args.children, args.seed, args.out or Path(tmp))
    truth_pairs = true_pairs_from_truth(truth)
    results = []
    result = run_safehub(rows, truth_pairs, settings)
    result.update(children=args.children, seed=args.seed, true_pairs=len(truth_pairs), generate_seconds=generate_seconds)
    emit(result)
    results.append(result)
    if not args.skip_baseline:
        result = run_splink_textbook(rows, truth_pairs, args.threshold)
        result.update(children=args.children, seed=args.seed)
        emit(result)
        results.append(result)
    return results


if __name__ == "__main__":
    main()
