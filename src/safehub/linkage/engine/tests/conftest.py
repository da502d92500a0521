"""Shared fixtures: one small synthetic partnership, prepared, trained and predicted once per session."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pytest

from safehub.linkage.engine import LinkageSettings, Prediction, TrainedModel, predict, prepare, train


@dataclass
class SynthRun:
    prepared: pa.Table
    model: TrainedModel
    prediction: Prediction
    truth: dict[str, str]  # unique_id -> child id


def synth_rows(out) -> tuple[list[dict], dict[str, str]]:
    from safehub.synth import read_extracts, read_ground_truth

    truth = {f"{f}:{i}": child for (f, i), child in read_ground_truth(out).items()}
    rows = [
        dict(unique_id=f"{r.source_file}:{r.local_id}", source=r.agency, given_name=r.given_name, family_name=r.family_name,
             date_of_birth=r.date_of_birth, sex=r.sex, postcode=r.postcode, address=r.address, nhs_number=r.nhs_number,
             upn=r.upn, police_id=r.police_id)
        for r in read_extracts(out)
    ]
    return rows, truth


@pytest.fixture(scope="session")
def synth_run(tmp_path_factory) -> SynthRun:
    from safehub.synth import generate

    out = tmp_path_factory.mktemp("synth")
    generate(children=300, seed=11, out=out)
    rows, truth = synth_rows(out)
    prepared = prepare(rows)
    settings = LinkageSettings(u_max_pairs=300_000, threads=1)
    model = train(prepared, settings)
    prediction = predict(prepared, model, settings, min_probability=0.0)
    return SynthRun(prepared=prepared, model=model, prediction=prediction, truth=truth)
