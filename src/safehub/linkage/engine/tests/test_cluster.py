from __future__ import annotations

import datetime as dt

import pytest

from safehub.linkage.engine import LinkageSettings, constrained_clusters, predict, prepare, train

IDS = ["a", "b", "c", "d"]


def test_components_at_threshold():
    result = constrained_clusters(IDS, [("a", "b", 0.99), ("b", "c", 0.95), ("c", "d", 0.4)], 0.9)
    assert result.cluster_of == {"a": "a", "b": "a", "c": "a", "d": "d"}
    assert result.link_probability == {"a": 0.99, "b": 0.99, "c": 0.95, "d": None}


def test_never_joins_two_different_nhs_numbers():
    # c (no NHS number) looks like both twins; the strongest link wins and the chain stops there.
    nhs = ["111", "222", None, None]
    edges = [("a", "c", 0.99), ("b", "c", 0.98), ("a", "b", 0.95)]
    result = constrained_clusters(IDS, edges, 0.9, {"nhs_number": nhs})
    assert result.cluster_of["a"] == result.cluster_of["c"] != result.cluster_of["b"]
    assert {(r.unique_id_l, r.unique_id_r) for r in result.refused} == {("b", "c"), ("a", "b")}
    assert all(r.reason == "different nhs_number" for r in result.refused)


def test_cannot_link_is_respected_through_chains():
    edges = [("a", "b", 0.99), ("b", "c", 0.99)]
    result = constrained_clusters(IDS, edges, 0.9, cannot_link=[("a", "c")])
    assert result.cluster_of["a"] == result.cluster_of["b"] != result.cluster_of["c"]
    assert "cannot_link" in result.refused[0].reason


def test_must_link_joins_below_threshold_and_even_across_identifiers():
    result = constrained_clusters(IDS, [("a", "b", 0.2)], 0.9, {"upn": ["X", "Y", None, None]}, must_link=[("a", "b")])
    assert result.cluster_of["a"] == result.cluster_of["b"]
    assert result.link_probability["a"] == 1.0


def test_contradictory_human_decisions_are_an_error():
    with pytest.raises(ValueError, match="cannot_link keeps apart"):
        constrained_clusters(IDS, [], 0.9, must_link=[("a", "b"), ("b", "c")], cannot_link=[("a", "c")])
    with pytest.raises(ValueError, match="unknown record"):
        constrained_clusters(IDS, [], 0.9, must_link=[("a", "zz")])


def _twins_records() -> list[dict]:
    base = {"family_name": "Okafor", "date_of_birth": dt.date(2016, 5, 1), "postcode": "BD5 9ZL",
            "address": "4 Ash Road, Port Adrian"}
    return [
        {**base, "unique_id": "health:1", "given_name": "Amara", "sex": "F", "nhs_number": "9434765919"},
        {**base, "unique_id": "health:2", "given_name": "Chidi", "sex": "M", "nhs_number": "9434765870"},
        {**base, "unique_id": "police:9", "given_name": "", "sex": ""},  # could be either twin
        {**base, "unique_id": "school:5", "given_name": "Amara", "sex": "F"},
        {"unique_id": "other:1", "given_name": "Zed", "family_name": "Quinn", "date_of_birth": dt.date(2010, 1, 1)},
    ]


def test_twins_with_different_nhs_numbers_are_never_one_child():
    prepared = prepare(_twins_records())
    settings = LinkageSettings()
    model = train(prepared, settings)  # too few records to train: built-in parameters
    assert not model.trained
    result = predict(prepared, model, settings)
    cluster = dict(zip(result.clusters["unique_id"].to_pylist(), result.clusters["cluster_id"].to_pylist(), strict=True))
    assert cluster["health:1"] != cluster["health:2"]
    assert cluster["health:1"] == cluster["school:5"]
    # the unnamed police record scores highly against both twins, but joins at most one of them
    assert sum(cluster["police:9"] == cluster[t] for t in ("health:1", "health:2")) <= 1
    assert cluster["other:1"] == "other:1"


def test_must_and_cannot_link_in_predict():
    prepared = prepare(_twins_records())
    model = train(prepared)
    result = predict(prepared, model, must_link=[("other:1", "health:2")], cannot_link=[("health:1", "school:5")])
    cluster = dict(zip(result.clusters["unique_id"].to_pylist(), result.clusters["cluster_id"].to_pylist(), strict=True))
    assert cluster["other:1"] == cluster["health:2"]
    assert cluster["health:1"] != cluster["school:5"]


def test_too_broad_blocking_rules_are_split_on_initials(tmp_path):
    """Everyone born on one day: the date of birth rule alone would pair them all, so it is split by initials."""
    names = [("Amy", "Khan"), ("Amie", "Kahn"), ("Ben", "Khan"), ("Cara", "Lee"), ("Dan", "Moss"), ("Eve", "Nash")]
    records = [{"unique_id": str(i), "given_name": g, "family_name": f, "date_of_birth": dt.date(2014, 2, 3)}
               for i, (g, f) in enumerate(names * 3)]
    prepared = prepare(records)
    settings = LinkageSettings(blocking_rules=[("dob_digits",)], max_rule_pairs_per_record=1.0, threads=1,
                               temp_directory=str(tmp_path))
    result = predict(prepared, train(prepared, settings), settings, min_probability=0.0)
    assert result.blocking_rules == [("dob_digits", "given_initial"), ("dob_digits", "family_initial")]
    pairs = set(zip(result.pairs["unique_id_l"].to_pylist(), result.pairs["unique_id_r"].to_pylist(), strict=True))
    assert ("0", "1") in pairs  # Amy Khan / Amie Kahn: both initials agree
    assert ("0", "2") in pairs  # Amy Khan / Ben Khan: the surname initial agrees
    assert ("0", "3") not in pairs  # Amy Khan / Cara Lee: neither
    unsplit = predict(prepared, train(prepared, settings), settings.replace(max_rule_pairs_per_record=None))
    assert unsplit.blocking_rules == [("dob_digits",)]
