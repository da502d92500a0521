"""Training and prediction with Splink 5 on DuckDB."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from .cluster import RefusedLink, constrained_clusters
from .comparisons import available_comparisons, build_comparisons
from .errors import LinkageError, LinkageInputError, SettingsError
from .model import ENGINE_VERSION, TrainedModel
from .prepare import to_polars
from .settings import BlockingRule, LinkageSettings

__all__ = ["Prediction", "predict", "train"]

#: Identifiers that can never differ within one child (clustering refuses such unions).
CONSTRAINING_IDENTIFIERS = ("nhs_number", "upn")
_LOGGER = logging.getLogger("safehub.linkage")


def _as_table(prepared: Any) -> pa.Table:
    if isinstance(prepared, pa.Table):
        table = prepared
    else:
        table = to_polars(prepared).to_arrow()
    if "unique_id" not in table.column_names or "given_name_aliases" not in table.column_names:
        raise LinkageInputError("train()/predict() need the output of prepare()")
    return table


def _numbered(table: pa.Table) -> pa.Table:
    """The table with ``unique_id`` replaced by its row number: DuckDB then joins, sorts and stores pairs of 8-byte
    integers instead of strings (a million records' blocked pairs are hundreds of megabytes less)."""
    index = table.column_names.index("unique_id")
    return table.set_column(index, "unique_id", pa.array(range(table.num_rows), pa.int64()))


def _by_id(pairs: pa.Table, ids: pa.ChunkedArray) -> pa.Table:
    """Row numbers back to ``unique_id`` (the smaller id on the left), strongest pair first."""
    import pyarrow.compute as pc

    left, right = ids.take(pairs["unique_id_l"]), ids.take(pairs["unique_id_r"])
    swap = pc.greater(left, right)
    pairs = pairs.set_column(0, "unique_id_l", pc.if_else(swap, right, left))
    pairs = pairs.set_column(1, "unique_id_r", pc.if_else(swap, left, right))
    return pairs.sort_by([("match_probability", "descending"), ("unique_id_l", "ascending"), ("unique_id_r", "ascending")])


def _register_blocked_pairs(con: Any, db: Any, linker: Any, table_name: str, rules: Sequence[BlockingRule],
                            sample: int = 1) -> None:
    """Generate the candidate pairs ourselves and hand them to Splink's ``predict``.

    Each rule is one equi-join over only the columns blocking needs, and the pairs are deduplicated once at the end
    (``GROUP BY``), instead of Splink's one join per rule that excludes every earlier rule's pairs with a growing
    ``NOT (...)``: on half a million records that is 14 seconds against most of a minute. With ``sample`` > 1, about one
    pair in ``sample`` is kept (by the left record's id).
    """
    columns = sorted({c for rule in rules for c in rule})
    keys = f"(SELECT unique_id, {', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)} FROM {table_name})"  # noqa: S608
    parts = [f"SELECT {i} AS k, l.unique_id AS a, r.unique_id AS b FROM {keys} AS l JOIN {keys} AS r "  # noqa: S608
             f"ON {_rule_sql(rule)} AND l.unique_id < r.unique_id" for i, rule in enumerate(rules)]
    where = f"WHERE hash(a) % {int(sample)} = 0" if sample > 1 else ""
    name = f"__safehub_blocked_pairs_{sample}"
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute(f"CREATE TABLE {name} AS SELECT CAST(min(k) AS VARCHAR) AS match_key, a AS join_key_l, "  # noqa: S608
                f"b AS join_key_r FROM ({' UNION ALL '.join(parts)}) {where} GROUP BY a, b")
    linker.table_management.register_blocked_pairs_for_predict(db.register(name, table_name=f"{name}_{id(linker)}"))


def _columns_with_values(table: pa.Table) -> list[str]:
    n = table.num_rows
    return [c for c in table.column_names if table[c].null_count < n]


def _usable(rules: Iterable[BlockingRule], present: Sequence[str]) -> list[BlockingRule]:
    have = set(present)
    return [r for r in rules if all(c in have for c in r)]


def _rule_sql(rule: BlockingRule) -> str:
    return " AND ".join(f'l."{c}" = r."{c}"' for c in rule)


#: Columns a too-broad blocking rule is split on, each with the prefixes of the columns that already imply it (a rule on
#: the surname implies its first letter). A rule is split on the first two it does not imply: every pair must then
#: also agree on one of them.
SPLIT_COLUMNS = (("given_initial", ("given_", "name_")), ("family_initial", ("family_", "name_")),
                 ("dob_year", ("dob",)), ("postcode_district", ("postcode", "address")))


def effective_rules(con: Any, table_name: str, rules: Sequence[BlockingRule], n: int, settings: LinkageSettings,
                    present: Sequence[str]) -> tuple[list[BlockingRule], dict[str, int]]:
    """The blocking rules to use on ``n`` records, and the pairs each generates (upper bound).

    A rule over ``settings.max_rule_pairs_per_record`` pairs per record is replaced by two narrower copies (see
    :data:`SPLIT_COLUMNS`: ``("dob",)`` -> ``("dob", "given_initial")``, ``("dob", "family_initial")``): a date of birth
    shared by a hundred children in a million records is no evidence on its own, and scoring all those pairs would be
    most of the cost.
    """
    counts = pair_count_upper_bound(con, table_name, rules)
    limit = settings.max_rule_pairs_per_record
    if limit is None:
        return list(rules), counts
    have = set(present)
    out: list[BlockingRule] = []
    out_counts: dict[str, int] = {}
    for rule in rules:
        key = " & ".join(rule)
        if counts[key] <= limit * max(n, 1):
            out.append(rule)
            out_counts[key] = counts[key]
            continue
        splits = [(*rule, column) for column, implied in SPLIT_COLUMNS
                  if column in have and not any(c.startswith(implied) for c in rule)][:2]
        if not splits:
            _LOGGER.warning("blocking rule %s generates %s pairs and cannot be split", key, f"{counts[key]:,}")
            out.append(rule)
            out_counts[key] = counts[key]
            continue
        split_counts = pair_count_upper_bound(con, table_name, splits)
        _LOGGER.info("blocking rule %s (%s pairs) split into %s", key, f"{counts[key]:,}", ", ".join(split_counts))
        out += [r for r in splits if r not in out]
        out_counts.update(split_counts)
    return out, out_counts


@contextmanager
def _duckdb(settings: LinkageSettings):
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET memory_limit = '{settings.memory_limit.strip()}'")
        con.execute("SET preserve_insertion_order = false")  # lets large joins and sorts stream and spill
        if settings.temp_directory:
            con.execute("SET temp_directory = ?", [settings.temp_directory])
        if settings.threads:
            con.execute(f"SET threads = {int(settings.threads)}")
        yield con, DuckDBAPI(connection=con)
    finally:
        con.close()


#: The backends ``train`` and ``predict`` run on (``engine=``): DuckDB in process, or Spark with the ``spark`` extra.
ENGINES = ("duckdb", "spark")


@contextmanager
def _session(settings: LinkageSettings, engine: str = "duckdb"):
    """``(connection, Splink db_api)`` for ``engine``; see :mod:`safehub.linkage.engine.spark` for Spark."""
    if engine == "duckdb":
        with _duckdb(settings) as pair:
            yield pair
    elif engine == "spark":
        from .spark import spark_session

        with spark_session(settings) as pair:
            yield pair
    else:
        raise SettingsError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")


def _for_backend(db: Any, splink_settings: dict[str, Any]) -> dict[str, Any]:
    """Splink settings in ``db``'s SQL dialect (the comparisons are written for DuckDB; Spark rewrites them)."""
    translate = getattr(db, "translate_settings", None)
    return translate(splink_settings) if translate else splink_settings


def _splink_settings(comparisons: list[dict], rules: Sequence[BlockingRule], prior: float, settings: LinkageSettings,
                     *, intermediate: bool) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [{"blocking_rule": _rule_sql(r)} for r in rules],
        "probability_two_random_records_match": prior,
        "retain_matching_columns": intermediate,
        "retain_intermediate_calculation_columns": intermediate,
        "em_convergence": settings.em_convergence,
        "max_iterations": settings.em_max_iterations,
    }


def _quiet_splink() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def _splink_version() -> str:
    import splink

    return getattr(splink, "__version__", "")


def pair_count_upper_bound(con: Any, table_name: str, rules: Sequence[BlockingRule]) -> dict[str, int]:
    """Pairs each rule generates (before removing pairs an earlier rule already found)."""
    counts = {}
    for rule in rules:
        cols = ", ".join(f'"{c}"' for c in rule)
        not_null = " AND ".join(f'"{c}" IS NOT NULL' for c in rule)
        sql = (f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM "  # noqa: S608 - column names from validated settings
               f"(SELECT count(*) AS n FROM {table_name} WHERE {not_null} GROUP BY {cols})")
        counts[" & ".join(rule)] = int(con.execute(sql).fetchall()[0][0])
    return counts


def train(prepared: Any, settings: LinkageSettings | None = None, *, engine: str = "duckdb") -> TrainedModel:
    """Train a model on prepared records, unsupervised.

    u (chance agreement) comes from random pairs, m (agreement among true matches) from expectation
    maximisation over ``settings.em_blocking_rules``, the prior from ``settings.prior_rules``. With
    fewer than ``settings.min_records_for_training`` records the built-in parameters are kept instead.
    Only comparisons whose columns have values are used. ``engine`` is ``"duckdb"`` or ``"spark"``.
    """
    from splink import Linker, block_on

    settings = settings or LinkageSettings()
    table = _as_table(prepared)
    n = table.num_rows
    if n < 2:
        raise LinkageInputError("train() needs at least two records")
    present = _columns_with_values(table)
    exclude = (*settings.exclude_comparisons, *(() if settings.twin_guard else ("twins",)))
    names = available_comparisons(present, exclude)
    if not names:
        raise LinkageInputError("none of the compared columns has any values")
    small = n < settings.min_records_for_training
    tf = settings.term_frequency and not small
    comparisons = build_comparisons(names, tf)
    metrics: dict[str, Any] = {"records": n, "comparisons": names, "trained": not small}
    timings: dict[str, float] = {}
    prior = 1.0 / max(n - 1, 1)
    _quiet_splink()
    start = time.perf_counter()
    with _session(settings, engine) as (con, db):
        sdf = db.register(_numbered(table), table_name="safehub_records")
        ss = _splink_settings([c.splink_dict() for c in comparisons], [], prior, settings, intermediate=False)
        linker = Linker(sdf, _for_backend(db, ss), log_level=None)
        metrics["prior_method"] = "1 / (records - 1)"
        if not small:
            t = time.perf_counter()
            prior_rules = _usable(settings.prior_rules, present)
            if prior_rules:
                try:
                    linker.training.estimate_probability_two_random_records_match(
                        [block_on(*r) for r in prior_rules], recall=settings.prior_recall)
                    metrics["prior_method"] = (f"deterministic rules {[list(r) for r in prior_rules]} "
                                               f"at recall {settings.prior_recall}")
                except ValueError as error:  # e.g. more matches than the recall allows
                    _LOGGER.warning("prior estimate failed, using 1/(n-1): %s", error)
            timings["prior"] = time.perf_counter() - t
            t = time.perf_counter()
            linker.training.estimate_u_using_random_sampling(max_pairs=settings.u_max_pairs, seed=settings.seed)
            timings["u"] = time.perf_counter() - t
            sessions = []
            em_rules = _usable(settings.em_blocking_rules, present)
            em_counts = pair_count_upper_bound(con, "safehub_records", em_rules)
            for rule in em_rules:
                t = time.perf_counter()
                cap = settings.em_max_pairs
                sample = cap is not None and em_counts[" & ".join(rule)] > cap
                session = linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*rule), max_pairs=cap if sample else None,
                    record_sample_proportion=min(1.0, max(0.01, 20_000 / n)))
                history = getattr(session, "_core_model_settings_history", [])
                sessions.append({"blocking_rule": list(rule), "pairs": em_counts[" & ".join(rule)], "sampled": sample,
                                 "iterations": max(len(history) - 1, 0),
                                 "seconds": round(time.perf_counter() - t, 2)})
            metrics["em_sessions"] = sessions
            timings["em"] = sum(s["seconds"] for s in sessions)
        trained = linker.misc.save_model_to_json()
        prior = float(trained["probability_two_random_records_match"])
        parameters = _parameters(comparisons, trained["comparisons"], settings.m_floor if not small else 0.0)
        rules = _usable(settings.blocking_rules, present)
        if not small and settings.refine_prior and rules:
            t = time.perf_counter()
            fixed = [c.splink_dict(parameters[c.name], fixed=True) for c in comparisons]
            rules, counts = effective_rules(con, "safehub_records", rules, n, settings, present)
            sample = max(1, math.ceil(sum(counts.values()) / settings.prior_sample_pairs))
            refined, history = _refine_prior(con, db, sdf, fixed, rules, prior, n, settings, sample)
            metrics["prior_rules_estimate"] = prior
            metrics["prior_refinement"] = history
            metrics["prior_refinement_sample"] = f"1 in {sample} blocked pairs"
            metrics["prior_method"] += "; refined to the expected number of matches among blocked pairs"
            prior = refined
            timings["prior_refinement"] = time.perf_counter() - t
        tf_tables: dict[str, dict[str, float]] = {}
        for comparison in comparisons:
            for level in comparison.levels:
                if level.tf_column:
                    tf_df = linker.table_management.compute_tf_table(level.tf_column)
                    rows = tf_df.as_pyarrow_table().to_pylist()
                    tf_tables[level.tf_column] = {r[level.tf_column]: r[f"tf_{level.tf_column}"] for r in rows}
    metrics["prior"] = prior
    metrics["seconds"] = round(time.perf_counter() - start, 2)
    metrics["timings"] = {k: round(v, 2) for k, v in timings.items()}
    extras = {c: c[len("extra_"):] for c in names if c.startswith("extra_")}
    return TrainedModel(comparisons=names, parameters=parameters, prior=prior, term_frequency=tf, tf_tables=tf_tables,
                        extra_columns=extras, trained=not small, metrics=metrics, settings=settings.to_dict(),
                        version=ENGINE_VERSION, splink_version=_splink_version())


def _refine_prior(con: Any, db: Any, sdf: Any, comparisons: list[dict], rules: Sequence[BlockingRule], prior: float, n: int,
                  settings: LinkageSettings, sample: int = 1) -> tuple[float, list[float]]:
    """Fixed point of ``prior = sum(match probability over blocked pairs) / all pairs``.

    The rules-based estimate assumes a recall for its deterministic rules; this one asks the trained
    model instead, which on FEBRL4 lands on the true 1/5000 where the rules estimate is 40% low.
    Pair scores are computed once (on about one blocked pair in ``sample``, scaled back up); each
    iteration only re-applies the prior in SQL.
    """
    from splink import Linker

    from .model import probability_to_weight

    ss = _splink_settings(comparisons, rules, prior, settings, intermediate=False)
    linker = Linker(sdf, _for_backend(db, ss), log_level=None)
    _register_blocked_pairs(con, db, linker, sdf.physical_name, rules, sample)
    scored = linker.inference.predict(warning_mode="never")
    base = f"(match_weight - {probability_to_weight(prior)!r})"
    total_pairs = n * (n - 1) / 2 / sample
    history = [prior]
    for _ in range(30):
        w = probability_to_weight(prior)
        sql = f"SELECT sum(1.0 / (1.0 + pow(2.0, -({base} + {w!r})))) FROM {scored.physical_name}"  # noqa: S608
        expected = float(con.execute(sql).fetchall()[0][0] or 0.0)
        new = min(max(expected / total_pairs, 1e-12), 0.5)
        history.append(new)
        done = abs(new - prior) <= 1e-3 * prior
        prior = new
        if done:
            break
    scored.drop_table_from_database_and_remove_from_cache()
    return prior, history


def _parameters(comparisons, trained: list[dict], m_floor: float) -> dict[str, list[list[float] | None]]:
    from .model import _resolve

    out: dict[str, list[list[float] | None]] = {}
    by_name = {c["output_column_name"]: c for c in trained}
    for comparison in comparisons:
        levels = by_name[comparison.name]["comparison_levels"]
        params: list[list[float] | None] = []
        for level, stored in zip(comparison.levels, levels, strict=True):
            if level.is_null:
                params.append(None)
            else:
                m = _resolve(stored.get("m_probability"), level.m)
                u = _resolve(stored.get("u_probability"), level.u)
                if level.fix_m:
                    m = level.m
                if level.fix_u:
                    u = level.u
                params.append([m if level.fix_m else max(m, m_floor), u])
        out[comparison.name] = params
    return out


@dataclass
class Prediction:
    """Scored pairs and the clusters built from them.

    ``pairs``: ``unique_id_l, unique_id_r, match_probability, match_weight`` and, per comparison,
    ``gamma_<name>`` (level reached; -1 missing, 0 no agreement) and ``mw_<name>`` (its match weight in
    bits, term frequency included). ``clusters``: ``unique_id, cluster_id, match_probability``.
    ``refused``: links at or above the threshold that clustering refused, with the reason.
    """

    pairs: pa.Table
    clusters: pa.Table
    refused: list[RefusedLink]
    model: TrainedModel
    threshold: float
    review_lower: float
    blocking_pair_counts: dict[str, int] = field(default_factory=dict)
    #: The blocking rules used (``settings.blocking_rules`` with any too-broad rule split; see ``effective_rules``).
    blocking_rules: list[BlockingRule] = field(default_factory=list)
    seconds: float = 0.0

    def evidence(self, index: int) -> dict[str, Any]:
        """The waterfall for pair ``index``: prior, then each comparison's level and match weight."""
        row = {name: self.pairs[name][index].as_py() for name in self.pairs.column_names}
        out: dict[str, Any] = {"prior": {"match_weight": self.model.prior_weight, "probability": self.model.prior}}
        for comparison in self.model.comparison_objects:
            gamma = row[f"gamma_{comparison.name}"]
            label = next(lv.label for i, lv in enumerate(comparison.levels) if comparison.gamma(i) == gamma)
            weight = row[f"mw_{comparison.name}"]
            out[comparison.name] = {"level": label, "gamma": gamma, "match_weight": weight, "bayes_factor": 2.0**weight}
        out["total"] = {"match_weight": row["match_weight"], "match_probability": row["match_probability"]}
        return out

    def review(self) -> pa.Table:
        """Pairs in the review band ``[review_lower, threshold)``."""
        import pyarrow.compute as pc

        p = self.pairs["match_probability"]
        mask = pc.and_(pc.greater_equal(p, self.review_lower), pc.less(p, self.threshold))
        return self.pairs.filter(mask)


def predict(prepared: Any, model: TrainedModel, settings: LinkageSettings | None = None, *,
            must_link: Iterable[tuple[str, str]] = (), cannot_link: Iterable[tuple[str, str]] = (),
            min_probability: float | None = None, engine: str = "duckdb") -> Prediction:
    """Score candidate pairs (from ``settings.blocking_rules``) with ``model`` and cluster them.

    Pairs below ``min_probability`` (default ``settings.review_lower``) are not returned. Clusters join
    pairs at or above ``settings.threshold``, never two different NHS numbers or UPNs, always the
    ``must_link`` pairs and never the ``cannot_link`` ones. Raises :class:`LinkageError` when the
    blocking rules would generate more than ``settings.max_pairs`` pairs. ``engine`` is ``"duckdb"`` or ``"spark"``.
    """
    from splink import Linker

    settings = settings or (LinkageSettings.from_dict(model.settings) if model.settings else LinkageSettings())
    table = _as_table(prepared)
    present = _columns_with_values(table)
    missing = sorted({col for c in model.comparison_objects for col in c.columns if col not in table.column_names})
    if missing:
        raise LinkageInputError(f"the records lack column(s) the model compares: {', '.join(missing)}")
    rules = _usable(settings.blocking_rules, present)
    if not rules:
        raise LinkageError("none of the blocking rules can be used: their columns have no values")
    floor = settings.review_lower if min_probability is None else min_probability
    _quiet_splink()
    start = time.perf_counter()
    with _session(settings, engine) as (con, db):
        sdf = db.register(_numbered(table), table_name="safehub_records")
        rules, counts = effective_rules(con, "safehub_records", rules, table.num_rows, settings, present)
        total = sum(counts.values())
        if total > settings.max_pairs:
            worst = max(counts, key=counts.get)
            raise LinkageError(f"the blocking rules would compare up to {total:,} pairs, more than max_pairs "
                               f"({settings.max_pairs:,}); the largest is {worst} ({counts[worst]:,} pairs)")
        ss = _splink_settings(model.splink_comparisons(), rules, model.prior, settings, intermediate=True)
        linker = Linker(sdf, _for_backend(db, ss), log_level=None)
        _register_blocked_pairs(con, db, linker, sdf.physical_name, rules)
        threshold = floor if floor and floor > 0 else None
        scored = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        columns = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
        for c in model.comparison_objects:
            tf = f" + coalesce(mw_tf_adj_{c.name}, 0)" if any(lv.tf_column for lv in c.levels) else ""
            columns += [f"gamma_{c.name}", f"mw_{c.name}{tf} AS mw_{c.name}"]
        sql = f"SELECT {', '.join(columns)} FROM {scored.physical_name}"  # noqa: S608 - the model's own names
        pairs = con.sql(sql).to_arrow_table()
    if isinstance(pairs, pa.RecordBatchReader):  # pragma: no cover - older duckdb
        pairs = pairs.read_all()
    pairs = _by_id(pairs, table["unique_id"])
    ids = table["unique_id"].to_pylist()
    identifiers = {name: table[name].to_pylist() for name in CONSTRAINING_IDENTIFIERS if name in table.column_names}
    edges = zip(pairs["unique_id_l"].to_pylist(), pairs["unique_id_r"].to_pylist(),
                pairs["match_probability"].to_pylist(), strict=True)
    result = constrained_clusters(ids, edges, settings.threshold, identifiers, must_link, cannot_link)
    clusters = pa.table({
        "unique_id": ids,
        "cluster_id": [result.cluster_of[i] for i in ids],
        "match_probability": [result.link_probability[i] for i in ids],
    }, schema=pa.schema([("unique_id", pa.string()), ("cluster_id", pa.string()), ("match_probability", pa.float64())]))
    return Prediction(pairs=pairs, clusters=clusters, refused=result.refused, model=model, threshold=settings.threshold,
                      review_lower=settings.review_lower, blocking_pair_counts=counts, blocking_rules=rules,
                      seconds=round(time.perf_counter() - start, 2))


def blocked_by(rules: Sequence[BlockingRule], left: dict[str, Any], right: dict[str, Any]) -> bool:
    """Whether any rule generates the pair (all its columns present and equal) — for measuring blocking recall."""
    for rule in rules:
        if all(left.get(c) is not None and left.get(c) == right.get(c) for c in rule):
            return True
    return False
