"""The default engine for `run_linkage`: safehub's Splink/DuckDB engine, trained on the partnership's own records."""

from __future__ import annotations

from collections.abc import Callable

from .services import EngineResult

COMPARISON_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "names_swapped": "Names swapped",
    "name_swap": "Names swapped",
    "date_of_birth": "Date of birth",
    "dob": "Date of birth",
    "sex": "Sex",
    "postcode": "Postcode",
    "address": "Address",
    "nhs_number": "NHS number",
    "upn": "UPN",
}


def _evidence(raw: dict) -> dict:
    """Turn the engine's waterfall into what the pages show: a label, the level reached and its weight per comparison."""
    comparisons = [
        {"name": COMPARISON_LABELS.get(name, name.replace("_", " ").capitalize()), "level": value["level"],
         "match_weight": round(value["match_weight"], 2)}
        for name, value in raw.items()
        if name not in ("prior", "total") and value.get("gamma", -1) != -1
    ]
    return {"comparisons": comparisons, "match_weight": round(raw["total"]["match_weight"], 2)}


def link_with_splink(records: list[dict], *, must_link, cannot_link, model_definition: dict | None,
                     progress: Callable[[str], None] | None = None, backend: str = "duckdb") -> EngineResult:
    from .engine import LinkageSettings, TrainedModel, predict, prepare, train

    say = progress or (lambda message: None)
    if len(records) < 2:
        return EngineResult(clusters={r["unique_id"]: r["unique_id"] for r in records}, model_definition=model_definition)
    say("Preparing records")
    prepared = prepare(records)
    if model_definition:
        model = TrainedModel.from_dict(model_definition)
    else:
        say("Training the matching model on the partnership's records")
        model = train(prepared, LinkageSettings(), engine=backend)
    say("Scoring candidate pairs and building clusters")
    prediction = predict(prepared, model, must_link=must_link, cannot_link=cannot_link, engine=backend)
    clusters = dict(zip(prediction.clusters["unique_id"].to_pylist(),
                        (str(c) for c in prediction.clusters["cluster_id"].to_pylist()), strict=True))
    for record in records:  # singletons the engine did not list
        clusters.setdefault(record["unique_id"], f"single-{record['unique_id']}")
    left = prediction.pairs["unique_id_l"].to_pylist()
    right = prediction.pairs["unique_id_r"].to_pylist()
    probability = prediction.pairs["match_probability"].to_pylist()
    pairs = [(left[i], right[i], probability[i], _evidence(prediction.evidence(i))) for i in range(len(left))]
    return EngineResult(clusters=clusters, pairs=pairs, model_definition=model.to_dict(),
                        metrics=dict(getattr(model, "metrics", {}) or {}))
