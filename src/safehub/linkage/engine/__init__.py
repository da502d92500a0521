"""safehub's record-linkage engine: one child from many agency records (pure Python + Splink/DuckDB, no Django).

>>> from safehub.linkage.engine import prepare, train, predict, score_pair, LinkageSettings
>>> prepared = prepare(records)                       # doctest: +SKIP  (unique_id, source, given_name, ...)
>>> model = train(prepared, LinkageSettings())        # doctest: +SKIP  unsupervised: u sampling + EM
>>> result = predict(prepared, model)                 # doctest: +SKIP  result.pairs, result.clusters
>>> probability, evidence = score_pair(model, a, b)   # doctest: +SKIP  pure Python, no database

See ``docs/adr/0004-linkage.md`` and ``docs/benchmarks.md``.
"""

from .backend import Prediction, predict, train
from .cluster import ClusterResult, RefusedLink, constrained_clusters
from .dates import DateColumn, detect_date_format, parse_date, parse_date_column
from .errors import LinkageError, LinkageInputError, SettingsError
from .model import ENGINE_VERSION, TrainedModel, score_pair
from .prepare import INPUT_COLUMNS, PREPARED_COLUMNS, normalise_record, prepare
from .settings import DEFAULT_BLOCKING_RULES, LinkageSettings

__all__ = [
    "DEFAULT_BLOCKING_RULES",
    "ENGINE_VERSION",
    "INPUT_COLUMNS",
    "PREPARED_COLUMNS",
    "ClusterResult",
    "DateColumn",
    "LinkageError",
    "LinkageInputError",
    "LinkageSettings",
    "Prediction",
    "RefusedLink",
    "SettingsError",
    "TrainedModel",
    "constrained_clusters",
    "detect_date_format",
    "normalise_record",
    "parse_date",
    "parse_date_column",
    "predict",
    "prepare",
    "score_pair",
    "train",
]
