"""Which linkage model scores a search: the trained one when there is one, else the engine's built-in parameters."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from safehub.linkage.engine import LinkageError, TrainedModel
from safehub.linkage.engine.comparisons import available_comparisons, build_comparisons

__all__ = ["SEARCHED_COLUMNS", "default_model", "search_model"]

_LOGGER = logging.getLogger("safehub.search")
#: Columns the index holds for every row, so the comparisons a default model uses.
SEARCHED_COLUMNS = ("given_name", "family_name", "dob", "sex", "postcode", "address", "nhs_number", "upn", "police_id")


def default_model(records: int) -> TrainedModel:
    """An untrained model: the engine's starting m and u per level, prior one in ``records``."""
    names = available_comparisons(SEARCHED_COLUMNS)
    comparisons = build_comparisons(names, False)
    parameters = {c.name: [None if lv.is_null else [lv.m, lv.u] for lv in c.levels] for c in comparisons}
    prior = 1.0 / max(records, 2)
    return TrainedModel(comparisons=names, parameters=parameters, prior=prior, term_frequency=False, trained=False,
                        metrics={"source": "built-in parameters (no trained model yet)"})


def search_model(definition: Mapping[str, Any] | None, records: int) -> TrainedModel:
    """The model saved as ``definition`` (``TrainedModel.to_dict()``), or :func:`default_model` when there is none or the
    engine can no longer read it (its comparisons changed since it was trained)."""
    if definition:
        try:
            return TrainedModel.from_dict(definition)
        except (LinkageError, KeyError, TypeError, ValueError) as error:
            _LOGGER.warning("search falls back to built-in parameters: the saved linkage model is unreadable (%s)", error)
    return default_model(records)
