from __future__ import annotations

import pytest

from safehub.linkage.engine import LinkageSettings, SettingsError


def test_defaults_are_valid_and_round_trip():
    settings = LinkageSettings()
    assert 0.5 <= settings.threshold < 1
    assert settings.review_lower < settings.threshold
    assert LinkageSettings.from_dict(settings.to_dict()) == settings
    assert settings.replace(threshold=0.8).threshold == 0.8


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"threshold": 1.5}, "threshold must be between 0 and 1"),
        ({"threshold": "high"}, "threshold must be a number"),
        ({"review_lower": 0.95}, r"review_lower must be above 0 and no more than threshold \(0.9\)"),
        ({"max_pairs": 0}, "max_pairs must be a positive whole number"),
        ({"memory_limit": "lots"}, "memory_limit must look like '4GB'"),
        ({"blocking_rules": [["dob", "shoe_size"]]}, "blocking_rules rule 1 uses unknown column 'shoe_size'"),
        ({"blocking_rules": []}, "blocking_rules needs at least one rule"),
        ({"em_blocking_rules": "dob"}, "em_blocking_rules must be a list of rules"),
        ({"threads": -1}, "threads must be a positive whole number or None"),
        ({"max_rule_pairs_per_record": 0}, "max_rule_pairs_per_record must be a positive number or None"),
        ({"temp_directory": " "}, "temp_directory must be a directory path or None"),
        ({"prior_sample_pairs": 0}, "prior_sample_pairs must be a positive whole number"),
    ],
)
def test_invalid_settings_say_what_is_wrong(changes, message):
    with pytest.raises(SettingsError, match=message):
        LinkageSettings(**changes)


def test_unknown_setting_is_named():
    with pytest.raises(SettingsError, match="unknown setting"):
        LinkageSettings.from_dict({"treshold": 0.9})


def test_string_rules_are_accepted_as_single_columns():
    assert LinkageSettings(blocking_rules=["dob", ("postcode", "given_name")]).blocking_rules == (
        ("dob",), ("postcode", "given_name"))
