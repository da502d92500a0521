"""The optional Spark backend (``safehub[spark]``, ``engine="spark"``, ``--engine spark``).

The same prepared table, comparisons, training steps and :class:`~safehub.linkage.engine.backend.Prediction` as the
DuckDB backend: :func:`~safehub.linkage.engine.backend.train` and ``predict`` run unchanged on a
:func:`spark_session` instead of an in-process DuckDB connection. Two things differ:

- The comparison SQL is written for DuckDB (see ``comparisons.py``); :func:`spark_sql_condition` rewrites its few
  DuckDB-only functions for Spark SQL: ``list_contains`` -> ``array_contains``, ``list_has_any`` ->
  ``arrays_overlap``, ``contains`` -> ``instr(..) > 0``, ``hamming`` -> a higher-order ``aggregate`` over the
  positions, and ``jaro_winkler_similarity`` / ``damerau_levenshtein`` -> vectorised (Arrow) Python UDFs that call
  rapidfuzz, the library ``score_pair`` uses, so every level means exactly what it means in DuckDB and in
  ``score_pair`` (Splink's Scala jar is not needed; Python and rapidfuzz are, on every executor).
- Random sampling (u from random pairs, EM's record sample) draws different pairs than DuckDB with the same seed, so
  trained m and u differ slightly between engines; a model trained on one engine predicts identically on the other.

The raw SQL the engine runs itself (pair counts, blocked pairs, prior refinement) goes through :class:`SparkConnection`,
which accepts the DuckDB statements ``backend.py`` writes.
"""

from __future__ import annotations

import atexit
import copy
import importlib.util
import logging
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from .errors import LinkageError

__all__ = ["SPARK_MISSING", "SparkConnection", "SparkUnavailableError", "require_spark", "spark_available",
           "spark_session", "spark_sql_condition", "stop_spark"]

SPARK_MISSING = "the Spark engine needs pyspark: install the spark extra: uv sync --extra spark"
_LOGGER = logging.getLogger("safehub.linkage")
_SESSION: Any = None


class SparkUnavailableError(LinkageError):
    """``engine="spark"`` without pyspark installed (or without Java)."""


def spark_available() -> bool:
    return importlib.util.find_spec("pyspark") is not None


def require_spark() -> None:
    """Raise :class:`SparkUnavailableError` (with the install command) unless pyspark can be imported."""
    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        raise SparkUnavailableError(SPARK_MISSING) from error


# --- comparison SQL: DuckDB -> Spark ------------------------------------------------------------------------------

_ARG = r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*"
_CALL = re.compile(rf"\b(jaro_winkler_similarity|damerau_levenshtein|hamming|list_contains|list_has_any|contains)"
                   rf"\({_ARG},{_ARG}\)", re.IGNORECASE)
#: DuckDB functions the comparisons use that Spark SQL lacks or names otherwise (checked after rewriting).
_DUCKDB_ONLY = re.compile(r"\b(list_[a-z_]+|len|jaro_winkler_similarity|damerau_levenshtein|hamming|contains)\s*\(",
                          re.IGNORECASE)


_UDF_PREFIX = "" if os.environ.get("SAFEHUB_SPARK_UDFS") == "jar" else "safehub_"


def _call(match: re.Match) -> str:
    name, a, b = match[1].lower(), match[2], match[3]
    if name == "jaro_winkler_similarity":
        return f"{_UDF_PREFIX}jaro_winkler({a}, {b})"
    if name == "damerau_levenshtein":
        return f"{_UDF_PREFIX}damerau_levenshtein({a}, {b})"
    if name == "hamming":  # positions that differ (used only where the lengths are equal)
        return (f"aggregate(sequence(1, greatest(length({a}), 1)), 0, "
                f"(acc, i) -> acc + IF(substr({a}, i, 1) <=> substr({b}, i, 1), 0, 1))")
    if name == "list_contains":
        return f"array_contains({a}, {b})"
    if name == "list_has_any":
        return f"arrays_overlap({a}, {b})"
    return f"(instr({a}, {b}) > 0)"  # contains


def spark_sql_condition(sql: str) -> str:
    """A comparison level's DuckDB ``sql_condition`` in Spark SQL (same meaning, NULLs included)."""
    if sql.strip().upper() == "ELSE":
        return sql
    out = _CALL.sub(_call, sql)
    left = next((m for m in _DUCKDB_ONLY.finditer(out) if _UDF_PREFIX or m[1].lower() != "damerau_levenshtein"), None)
    if left:
        raise LinkageError(f"no Spark SQL for {left[1]}() in comparison level: {sql}")
    return out


def spark_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Splink settings with every comparison level's SQL rewritten for Spark."""
    out = copy.deepcopy(settings)
    for comparison in out.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = spark_sql_condition(level["sql_condition"])
    return out


# --- UDFs -----------------------------------------------------------------------------------------------------------


def _register_udfs(spark: Any) -> None:
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    def jaro_winkler(a, b):
        from rapidfuzz.distance import JaroWinkler

        return pd.Series([JaroWinkler.similarity(x, y) if isinstance(x, str) and isinstance(y, str) else None
                          for x, y in zip(a, b, strict=True)], dtype="Float64")

    def damerau_levenshtein(a, b):
        from rapidfuzz.distance import DamerauLevenshtein

        return pd.Series([DamerauLevenshtein.distance(x, y) if isinstance(x, str) and isinstance(y, str) else None
                          for x, y in zip(a, b, strict=True)], dtype="Int32")

    for name, fn, kind in (("safehub_jaro_winkler", jaro_winkler, "double"),
                           ("safehub_damerau_levenshtein", damerau_levenshtein, "int")):
        fn.__annotations__ = {"a": pd.Series, "b": pd.Series, "return": pd.Series}  # real types, not strings
        spark.udf.register(name, pandas_udf(fn, kind))


# --- the session ----------------------------------------------------------------------------------------------------


def _session(settings: Any) -> Any:
    """One local SparkSession per process (starting the JVM takes seconds): ``local[threads or 2]``, few shuffle
    partitions, quiet logs. An existing active session (e.g. on a cluster) is used as it is."""
    global _SESSION
    require_spark()
    from pyspark.sql import SparkSession

    if _SESSION is not None:
        return _SESSION
    active = SparkSession.getActiveSession()
    if active is not None:
        _SESSION = active
    else:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        threads = int(getattr(settings, "threads", 0) or 2)
        local = tempfile.mkdtemp(prefix="safehub-spark-")
        builder = (SparkSession.builder.master(os.environ.get("SAFEHUB_SPARK_MASTER", f"local[{threads}]"))
                   .appName("safehub-linkage")
                   .config("spark.sql.shuffle.partitions", str(max(2, threads * 2)))
                   .config("spark.default.parallelism", str(max(2, threads * 2)))
                   .config("spark.driver.memory", os.environ.get("SAFEHUB_SPARK_DRIVER_MEMORY", "2g"))
                   .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                   .config("spark.sql.adaptive.enabled", "true")
                   # the comparison CASE expressions are too big for whole-stage code generation (64 KB)
                   .config("spark.sql.codegen.wholeStage", "false")
                   .config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.local.dir", local)
                   .config("spark.sql.warehouse.dir", os.path.join(local, "warehouse"))
                   .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{_log4j(local)}"))
        if not _UDF_PREFIX:
            from splink.backends.spark import similarity_jar_location

            builder = builder.config("spark.jars", similarity_jar_location())
        try:
            _SESSION = builder.getOrCreate()
        except Exception as error:  # no Java, or it cannot start
            raise SparkUnavailableError(f"Spark could not start (is Java 17+ installed?): {error}") from error
        _SESSION.sparkContext.setLogLevel("ERROR")
        atexit.register(stop_spark)
    for name in ("py4j", "pyspark"):
        logging.getLogger(name).setLevel(logging.ERROR)
    _register_udfs(_SESSION)
    return _SESSION


_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
"""


def _log4j(directory: str) -> str:
    """A log4j2 configuration that keeps Spark's start-up chatter (and WARNs) out of the console: errors only."""
    path = os.path.join(directory, "log4j2.properties")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(_LOG4J)
    return path


def stop_spark() -> None:
    """Stop the session :func:`spark_session` started (tests call this; the process exit does too)."""
    global _SESSION
    if _SESSION is not None:
        try:
            _SESSION.stop()
        finally:
            _SESSION = None


class _Result:
    def __init__(self, frame: Any) -> None:
        self.frame = frame

    def fetchall(self) -> list[tuple]:
        return [] if self.frame is None else [tuple(row) for row in self.frame.collect()]

    def to_arrow_table(self) -> pa.Table:
        if hasattr(self.frame, "toArrow"):  # Spark 4
            return self.frame.toArrow()
        return pa.Table.from_pandas(self.frame.toPandas(), preserve_index=False)  # pragma: no cover - Spark 3.5


_QUOTED = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"')
_CREATE = re.compile(r"\s*CREATE\s+TABLE\s+(\w+)\s+AS\s+(.*)$", re.IGNORECASE | re.DOTALL)
_DROP = re.compile(r"\s*DROP\s+TABLE\s+IF\s+EXISTS\s+(\w+)\s*$", re.IGNORECASE)


class SparkConnection:
    """The part of a DuckDB connection ``backend.py`` uses (``execute(sql).fetchall()``, ``sql(sql).to_arrow_table()``),
    on Spark. ``CREATE TABLE x AS SELECT`` becomes a persisted temporary view, ``"column"`` becomes `` `column` ``."""

    def __init__(self, spark: Any) -> None:
        self.spark = spark
        self.views: list[str] = []
        self.persisted: list[Any] = []

    def execute(self, sql: str, parameters: Any = None) -> _Result:
        if parameters:
            raise LinkageError("SparkConnection.execute takes no parameters")
        sql = _QUOTED.sub(r"`\1`", sql).replace(" AS VARCHAR)", " AS STRING)")
        drop = _DROP.match(sql)
        if drop:
            self.spark.catalog.dropTempView(drop[1])
            return _Result(None)
        create = _CREATE.match(sql)
        if create:
            frame = self.spark.sql(create[2]).persist()
            frame.count()
            frame.createOrReplaceTempView(create[1])
            self.views.append(create[1])
            self.persisted.append(frame)
            return _Result(None)
        return _Result(self.spark.sql(sql))

    sql = execute

    def close(self) -> None:
        for name in self.views:
            self.spark.catalog.dropTempView(name)
        for frame in self.persisted:
            frame.unpersist()


def _splink_api(spark: Any) -> Any:
    from splink.backends.spark import SparkAPI

    class SafehubSparkAPI(SparkAPI):
        """Splink's SparkAPI that takes pyarrow tables and rewrites comparison SQL for Spark."""

        def _table_registration(self, input: Any, table_name: str) -> None:  # noqa: A002 - Splink's name
            if isinstance(input, pa.Table):
                input = self.spark.createDataFrame(input)  # noqa: A001
            super()._table_registration(input, table_name)

        @staticmethod
        def translate_settings(settings: dict[str, Any]) -> dict[str, Any]:
            return spark_settings(settings)

    # Intermediate tables persisted in memory (no checkpoint directory); no Scala jar (our UDFs are Python).
    return SafehubSparkAPI(spark_session=spark, break_lineage_method="persist",
                           register_udfs_automatically=not _UDF_PREFIX)


@contextmanager
def spark_session(settings: Any):
    """``(connection, Splink db_api)`` on the process's SparkSession, like ``backend._duckdb``; the views and cached
    tables made inside are dropped on exit (the session itself is kept for the next call)."""
    spark = _session(settings)
    con = SparkConnection(spark)
    db = _splink_api(spark)
    before = {t.name for t in spark.catalog.listTables() if t.isTemporary}
    try:
        yield con, db
    finally:
        con.close()
        for table in spark.catalog.listTables():
            if table.isTemporary and table.name not in before:
                spark.catalog.dropTempView(table.name)
        spark.catalog.clearCache()
