"""``TrainedModel`` (JSON round trip) and ``score_pair``: the Fellegi-Sunter arithmetic in pure Python."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .comparisons import Comparison, build_comparisons
from .errors import LinkageError
from .normalise import normalise_text
from .prepare import normalise_record

__all__ = ["ENGINE_VERSION", "MODEL_FORMAT", "TrainedModel", "score_pair"]

ENGINE_VERSION = "1.1"
MODEL_FORMAT = "safehub-linkage-model"
#: Splink's floor for m and u before taking logs, and its stand-in for a level never seen in training.
_CLAMP = 1e-300
_NOT_OBSERVED = 1e-6


def probability_to_weight(p: float) -> float:
    return math.log2(p / (1 - p))


def weight_to_probability(weight: float) -> float:
    """Splink's numerically stable ``1 / (1 + 2^-w)``."""
    if weight >= 0:
        return 1.0 / (1.0 + 2.0 ** (-weight))
    return 2.0**weight / (1.0 + 2.0**weight)


def _resolve(value: Any, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, str):  # "level not observed in training dataset"
        return _NOT_OBSERVED
    return float(value)


@dataclass
class TrainedModel:
    """A trained linkage model: comparisons, m and u per level, the prior, term frequencies, metrics.

    ``parameters[name]`` lists ``[m, u]`` per level of comparison ``name`` (``None`` for its null
    level). ``tf_tables[column]`` maps a normalised value to its share of the training records.
    """

    comparisons: list[str]
    parameters: dict[str, list[list[float] | None]]
    prior: float
    term_frequency: bool
    tf_tables: dict[str, dict[str, float]] = field(default_factory=dict)
    extra_columns: dict[str, str] = field(default_factory=dict)  # extra_<name> -> input column name
    trained: bool = True
    metrics: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    version: str = ENGINE_VERSION
    splink_version: str = ""

    # --- JSON ---------------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": self.version,
            "splink_version": self.splink_version,
            "trained": self.trained,
            "prior": self.prior,
            "term_frequency": self.term_frequency,
            "comparisons": [
                {"name": c.name, "description": c.description,
                 "levels": [{"label": lv.label, "m": p[0] if p else None, "u": p[1] if p else None}
                            for lv, p in zip(c.levels, self.parameters[c.name], strict=True)]}
                for c in self.comparison_objects
            ],
            "extra_columns": self.extra_columns,
            "settings": self.settings,
            "metrics": self.metrics,
            "tf_tables": self.tf_tables,
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> TrainedModel:
        data = json.loads(text)
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainedModel:
        if data.get("format") != MODEL_FORMAT:
            raise LinkageError(f"not a safehub linkage model (format {data.get('format')!r})")
        major = str(data.get("version", "")).split(".")[0]
        if major != ENGINE_VERSION.split(".")[0]:
            raise LinkageError(f"model version {data.get('version')} cannot be read by engine {ENGINE_VERSION}")
        names = [c["name"] for c in data["comparisons"]]
        parameters = {
            c["name"]: [None if lv["m"] is None else [lv["m"], lv["u"]] for lv in c["levels"]] for c in data["comparisons"]
        }
        model = cls(
            comparisons=names,
            parameters=parameters,
            prior=float(data["prior"]),
            term_frequency=bool(data["term_frequency"]),
            tf_tables={k: dict(v) for k, v in data.get("tf_tables", {}).items()},
            extra_columns=dict(data.get("extra_columns", {})),
            trained=bool(data.get("trained", True)),
            metrics=dict(data.get("metrics", {})),
            settings=dict(data.get("settings", {})),
            version=str(data["version"]),
            splink_version=str(data.get("splink_version", "")),
        )
        for comparison, stored in zip(model.comparison_objects, data["comparisons"], strict=True):
            labels = [lv["label"] for lv in stored["levels"]]
            if labels != [lv.label for lv in comparison.levels]:
                raise LinkageError(f"comparison {comparison.name!r} in the model (engine {data.get('version')}) does not match "
                                   f"this engine's levels ({ENGINE_VERSION}): train a new model")
        return model

    # --- derived ------------------------------------------------------------------------------------------

    @cached_property
    def comparison_objects(self) -> list[Comparison]:
        return build_comparisons(self.comparisons, self.term_frequency)

    @cached_property
    def _weights(self) -> dict[str, list[float]]:
        """Match weight (log2 Bayes factor) of each level, as Splink computes it."""
        out: dict[str, list[float]] = {}
        for c in self.comparison_objects:
            weights = []
            for p in self.parameters[c.name]:
                if p is None:
                    weights.append(0.0)
                else:
                    m, u = max(p[0], _CLAMP), max(p[1], _CLAMP)
                    weights.append(math.log2(m / u))
            out[c.name] = weights
        return out

    @cached_property
    def _exact_u(self) -> dict[str, float]:
        """u of the exact-match level behind each term-frequency adjustment."""
        out = {}
        for c in self.comparison_objects:
            for i, level in enumerate(c.levels):
                if level.tf_column:
                    out[level.tf_column] = self.parameters[c.name][i][1]
        return out

    @property
    def prior_weight(self) -> float:
        return probability_to_weight(self.prior)

    def level_parameters(self) -> list[dict[str, Any]]:
        """One row per level: comparison, label, m, u, match weight (for display)."""
        rows = []
        for c in self.comparison_objects:
            for i, level in enumerate(c.levels):
                p = self.parameters[c.name][i]
                rows.append({"comparison": c.name, "level": level.label, "gamma": c.gamma(i),
                             "m": p[0] if p else None, "u": p[1] if p else None,
                             "match_weight": self._weights[c.name][i] if p else 0.0})
        return rows

    def splink_comparisons(self) -> list[dict[str, Any]]:
        """The comparisons as Splink settings with this model's parameters, fixed."""
        return [c.splink_dict(self.parameters[c.name], fixed=True) for c in self.comparison_objects]

    def tf_adjustment(self, column: str, left: Any, right: Any) -> float:
        table = self.tf_tables.get(column)
        if table is None:
            return 0.0
        values = [v for v in (table.get(left), table.get(right)) if v is not None]
        if not values:
            return 0.0
        return math.log2(self._exact_u[column]) - math.log2(max(*values, 0.0))


def _prepared(model: TrainedModel, record: Mapping[str, Any]) -> dict[str, Any]:
    out = normalise_record(record)
    for name, column in model.extra_columns.items():
        if name not in out or out[name] is None:
            out[name] = normalise_text(record.get(column, record.get(name)))
    return out


def score_pair(model: TrainedModel, left_record: Mapping[str, Any],
               right_record: Mapping[str, Any]) -> tuple[float, dict[str, Any]]:
    """Score two records with ``model`` in pure Python (no database): ``(match_probability, evidence)``.

    Records are dicts of :func:`prepare`'s input columns (or already-prepared rows). ``evidence`` is the
    waterfall: ``{"prior": {...}, <comparison>: {"level", "gamma", "match_weight", "tf_adjustment",
    "bayes_factor"}, ..., "total": {"match_weight", "match_probability"}}``; weights are log2 Bayes
    factors and add up to the total.
    """
    left, right = _prepared(model, left_record), _prepared(model, right_record)
    total = model.prior_weight
    evidence: dict[str, Any] = {"prior": {"match_weight": total, "probability": model.prior}}
    for comparison in model.comparison_objects:
        index = comparison.level_of(left, right)
        level = comparison.levels[index]
        weight = model._weights[comparison.name][index]
        tf = 0.0
        if level.tf_column and not level.is_null:
            tf = model.tf_adjustment(level.tf_column, left.get(level.tf_column), right.get(level.tf_column))
        total += weight + tf
        evidence[comparison.name] = {"level": level.label, "gamma": comparison.gamma(index),
                                     "match_weight": weight + tf, "tf_adjustment": tf,
                                     "bayes_factor": 2.0 ** (weight + tf)}
    probability = weight_to_probability(total)
    evidence["total"] = {"match_weight": total, "match_probability": probability}
    return probability, evidence
