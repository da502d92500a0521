import datetime as dt
import random

import nhs_number

from safehub.synth.corrupt import transpose_dob, typo
from safehub.synth.identifiers import nhs_numbers, upn, upn_check_letter, upn_is_valid
from safehub.synth.read import normalise_postcode, normalise_sex, parse_date, split_postcode


def test_upn_check_letter_matches_dfe_example():
    assert upn_check_letter("801200005001") == "B"
    assert upn_is_valid("B801200005001")
    assert not upn_is_valid("A801200005001")
    assert not upn_is_valid("B80120000500")


def test_built_upns_are_valid_and_13_chars():
    rng = random.Random(1)
    for _ in range(500):
        value = upn(rng.randint(201, 938), rng.randint(2000, 6999), rng.randint(2008, 2026), rng.randint(1, 999))
        assert len(value) == 13
        assert upn_is_valid(value)


def test_nhs_numbers_valid_distinct_synthetic_and_seeded():
    numbers = nhs_numbers(random.Random(5), 3000)
    assert len(set(numbers)) == 3000
    assert all(n.startswith("999") and len(n) == 10 for n in numbers)
    assert all(nhs_number.is_valid(n) for n in numbers)
    assert numbers == nhs_numbers(random.Random(5), 3000)


def test_typo_is_a_single_edit():
    rng = random.Random(2)
    for name in ["William", "Olivia", "McDonald", "Smith-Jones"] * 50:
        bad = typo(name, rng)
        assert bad != name
        assert abs(len(bad) - len(name)) <= 1


def test_transpose_dob_only_when_day_le_12():
    assert transpose_dob(dt.date(2012, 3, 4)) == dt.date(2012, 4, 3)
    assert transpose_dob(dt.date(2012, 3, 14)) is None
    assert transpose_dob(dt.date(2012, 5, 5)) is None


def test_parse_date_formats():
    expected = dt.date(2012, 3, 4)
    for text in ["04/03/2012", "2012-03-04", "04-Mar-2012", "04/03/12", "2012-03-04 00:00:00", " 4/3/2012 "]:
        assert parse_date(text) == expected, text
    assert parse_date("") is None
    assert parse_date("31/02/2012") is None
    assert parse_date("not a date") is None


def test_normalisers():
    assert [normalise_sex(v) for v in ["Male", "f", "1", "2", "9", "Unknown", "", "Not stated"]] == [
        "M", "F", "M", "F", "U", "U", "U", "U"]
    assert normalise_postcode(" bd23  5rd") == "BD23 5RD"
    assert normalise_postcode("CV113DP") == "CV11 3DP"
    assert split_postcode("1 High Street, Town, bd5 2rd") == ("1 High Street, Town", "BD5 2RD")
    assert split_postcode("1 High Street, Town") == ("1 High Street, Town", "")
