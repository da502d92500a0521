"""The optional Spark backend: same levels, scores and clusters as DuckDB; a clear error without pyspark.

The Spark tests are skipped when pyspark is not installed (``uv sync --extra spark``) or when
``SAFEHUB_TEST_NO_SPARK=1`` (to check the skip path with the extra installed); training on Spark (minutes on two busy
cores) only with ``SAFEHUB_TEST_SPARK_TRAIN=1``.
"""

from __future__ import annotations

import builtins
import os

import pytest
from typer.testing import CliRunner

from safehub.cli import app
from safehub.linkage.engine import LinkageError, LinkageSettings, predict, train
from safehub.linkage.engine.comparisons import BUILDERS
from safehub.linkage.engine.spark import SPARK_MISSING, SparkUnavailableError, require_spark, spark_sql_condition

runner = CliRunner()
CSV = """id,Forename,Surname,DOB,Postcode
1,William,Smith,17/03/2015,BD5 9ZL
2,Bill,Smith,17/03/2015,BD5 9ZL
3,Priya,Shah,30/11/2012,BD23 5RD
"""


def _pyspark():
    if os.environ.get("SAFEHUB_TEST_NO_SPARK"):
        pytest.skip("SAFEHUB_TEST_NO_SPARK is set")
    return pytest.importorskip("pyspark", reason="pyspark not installed (uv sync --extra spark)")


@pytest.fixture
def no_pyspark(monkeypatch):
    """Simulate an environment without the spark extra: importing pyspark fails."""
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


# --- without pyspark (always run) ------------------------------------------------------------------------------------


def test_every_comparison_level_has_spark_sql():
    for build in BUILDERS.values():
        for level in build(True).levels:
            sql = spark_sql_condition(level.sql)
            assert "list_" not in sql and "jaro_winkler_similarity" not in sql and "hamming(" not in sql


def test_spark_sql_rewrites_duckdb_functions():
    assert spark_sql_condition("list_contains(a_l, b_r) OR list_has_any(c_l, c_r)") == (
        "array_contains(a_l, b_r) OR arrays_overlap(c_l, c_r)")
    assert spark_sql_condition("jaro_winkler_similarity(x_l, x_r) >= 0.9") == "safehub_jaro_winkler(x_l, x_r) >= 0.9"
    assert spark_sql_condition("contains(s_l, s_r)") == "(instr(s_l, s_r) > 0)"
    with pytest.raises(LinkageError, match="list_distinct"):
        spark_sql_condition("len(list_distinct(a_l)) > 1")


def test_missing_pyspark_is_a_clear_error(no_pyspark, synth_run):
    with pytest.raises(SparkUnavailableError, match="uv sync --extra spark"):
        require_spark()
    with pytest.raises(SparkUnavailableError, match="uv sync --extra spark"):
        train(synth_run.prepared, LinkageSettings(), engine="spark")
    with pytest.raises(SparkUnavailableError, match="uv sync --extra spark"):
        predict(synth_run.prepared, synth_run.model, engine="spark")


def test_cli_engine_spark_without_pyspark(no_pyspark, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(CSV, encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["dedupe", str(path), "--id", "id", "--map", "first_name=Forename", "--map",
                                 "surname=Surname", "--map", "dob=DOB", "--engine", "spark", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "install the spark extra: uv sync --extra spark" in " ".join(result.output.split())
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)  # typer.Exit(2), no crash
    assert not out.exists()
    assert SPARK_MISSING.endswith("uv sync --extra spark")


def test_cli_unknown_engine(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(CSV, encoding="utf-8")
    result = runner.invoke(app, ["dedupe", str(path), "--map", "first_name=Forename", "--engine", "oracle",
                                 "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "duckdb or spark" in result.output


def test_unknown_engine_in_the_api(synth_run):
    with pytest.raises(LinkageError, match="unknown engine"):
        predict(synth_run.prepared, synth_run.model, engine="oracle")


# --- with pyspark ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark_stopped():
    _pyspark()
    from safehub.linkage.engine.spark import stop_spark

    yield
    stop_spark()


def _clusters(prediction) -> list[list[str]]:
    members: dict[str, list[str]] = {}
    for uid, cluster in zip(prediction.clusters["unique_id"].to_pylist(), prediction.clusters["cluster_id"].to_pylist(),
                            strict=True):
        members.setdefault(cluster, []).append(uid)
    return sorted(sorted(m) for m in members.values())


def test_spark_scores_exactly_like_duckdb(spark_stopped, synth_run):
    """The same model on both engines: the same candidate pairs, the same level on every comparison, the same weights
    (to 1e-9) and so the same clusters."""
    duck = predict(synth_run.prepared, synth_run.model, min_probability=0.0)
    spark = predict(synth_run.prepared, synth_run.model, min_probability=0.0, engine="spark")
    assert spark.pairs.num_rows == duck.pairs.num_rows > 0
    left = {(r["unique_id_l"], r["unique_id_r"]): r for r in duck.pairs.to_pylist()}
    right = {(r["unique_id_l"], r["unique_id_r"]): r for r in spark.pairs.to_pylist()}
    assert left.keys() == right.keys()
    for key, row in left.items():
        other = right[key]
        for column, value in row.items():
            if column.startswith("gamma_"):
                assert other[column] == value, (key, column)
            elif column.startswith("mw_") or column in ("match_weight", "match_probability"):
                assert other[column] == pytest.approx(value, abs=1e-9), (key, column)
    assert _clusters(spark) == _clusters(duck)
    assert spark.blocking_rules == duck.blocking_rules


@pytest.mark.skipif(not os.environ.get("SAFEHUB_TEST_SPARK_TRAIN"),
                    reason="Spark training takes minutes on 2 busy cores: set SAFEHUB_TEST_SPARK_TRAIN=1")
def test_spark_trains_and_dedupes_like_duckdb(spark_stopped, synth_run):
    """Trained on Spark (its own random u pairs and EM sample): the clusters' pairwise F1 against the truth is within
    0.01 of DuckDB's."""
    from safehub.linkage.engine.metrics import pairs_from_clusters, pairwise_scores, true_pairs_from_truth

    settings = LinkageSettings(u_max_pairs=50_000, threads=2, em_max_iterations=10)
    model = train(synth_run.prepared, settings, engine="spark")
    assert model.trained and model.comparisons == synth_run.model.comparisons
    spark = predict(synth_run.prepared, model, settings, engine="spark")
    truth = true_pairs_from_truth(synth_run.truth)

    def f1(prediction) -> float:
        cluster_of = dict(zip(prediction.clusters["unique_id"].to_pylist(), prediction.clusters["cluster_id"].to_pylist(),
                              strict=True))
        return pairwise_scores(pairs_from_clusters(cluster_of), truth)["f1"]

    assert abs(f1(spark) - f1(synth_run.prediction)) <= 0.01
    assert f1(spark) > 0.9


def test_cli_dedupe_engine_spark(spark_stopped, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(CSV, encoding="utf-8")
    outs = {}
    for engine in ("duckdb", "spark"):
        outs[engine] = tmp_path / f"{engine}.csv"
        result = runner.invoke(app, ["dedupe", str(path), "--id", "id", "--map", "first_name=Forename", "--map",
                                     "surname=Surname", "--map", "dob=DOB", "--map", "postcode=Postcode",
                                     "--engine", engine, "--out", str(outs[engine])])
        assert result.exit_code == 0, result.output
    assert outs["spark"].read_text() == outs["duckdb"].read_text()


def test_run_linkage_backend_reaches_the_engine():
    from safehub.linkage.services import default_engine
    from safehub.linkage.splink_engine import link_with_splink

    assert default_engine() is link_with_splink
    spark = default_engine("spark")
    assert spark.func is link_with_splink and spark.keywords == {"backend": "spark"}
