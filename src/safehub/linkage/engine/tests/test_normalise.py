from __future__ import annotations

import datetime as dt

import pytest

from safehub.linkage.engine import LinkageInputError, normalise_record, prepare
from safehub.linkage.engine.normalise import (
    ascii_fold,
    canonical_forename,
    family_name_parts,
    forename_aliases,
    nhs_number_valid,
    normalise_forename,
    normalise_nhs_number,
    normalise_sex,
    normalise_surname,
    phonetic,
    postcode_parts,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" Mary-Jane Ann", "maryjane"), ("ZOË", "zoe"), ("Mr John", "john"), ("o'neil", "oneil"), ("", None), (None, None)],
)
def test_forename_is_first_name_lower_ascii(raw, expected):
    assert normalise_forename(raw) == expected


def test_surname_keeps_parts_for_double_barrelled_names():
    assert normalise_surname("O'Brien-Smith") == "obriensmith"
    assert normalise_surname("  smith   JONES ") == "smithjones"
    assert family_name_parts("Smith-Jones") == ["jones", "smith"]
    assert ascii_fold("Łukasz Żółć") == "Lukasz Zolc"


def test_nicknames_relate_both_ways():
    assert "william" in forename_aliases("bill")
    assert "bill" in forename_aliases("william")
    assert forename_aliases("zzyzx") == ["zzyzx"]
    assert canonical_forename("will") == "william"
    assert canonical_forename("zzyzx") == "zzyzx"
    assert phonetic("smith") == phonetic("smyth")


def test_postcode_sector_and_district():
    assert postcode_parts("sw1a1aa") == ("SW1A 1AA", "SW1A 1", "SW1A")
    assert postcode_parts(" bd5 9zl ") == ("BD5 9ZL", "BD5 9", "BD5")
    assert postcode_parts("4223") == ("4223", None, None)  # not a UK postcode: kept, no sector
    assert postcode_parts("") == (None, None, None)


def test_identifiers_and_sex():
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")
    assert normalise_nhs_number("943 476 5919") == "9434765919"
    assert normalise_nhs_number("1234567890") is None  # fails Modulus 11: treated as absent
    assert [normalise_sex(v) for v in ("M", "female", "2", "U", "")] == ["m", "f", "f", None, None]


def test_prepare_builds_every_column():
    table = prepare([
        {"unique_id": "a", "given_name": "Bill", "family_name": "Smith-Jones", "date_of_birth": dt.date(2015, 3, 4),
         "postcode": "bd59zl", "address": "1 High St, Town", "nhs_number": "9434765919", "sex": "M"},
        {"unique_id": "b", "given_name": "Jones", "family_name": "Bill", "date_of_birth": "04/03/2015"},
    ])
    a, b = table.to_pylist()
    assert a["given_name_canon"] and "william" in a["given_name_aliases"]
    assert a["family_name_parts"] == ["jones", "smith"]
    assert a["dob"] == b["dob"] == "2015-03-04"
    assert (a["dob_year"], a["dob_month"], a["dob_day"]) == (2015, 3, 4)
    assert a["postcode_sector"] == "BD5 9"
    assert a["address_number"] == "1"
    assert a["sex"] == "m" and b["sex"] is None
    assert b["name_sorted"] == "bill jones"  # swapped names still block together
    assert a["nhs_number"] == "9434765919" and b["nhs_number"] is None


def test_prepare_accepts_polars_and_pandas():
    import pandas as pd
    import polars as pl

    rows = {"unique_id": ["1", "2"], "given_name": ["Ann", None], "family_name": ["Lee", "Ng"]}
    assert prepare(pl.DataFrame(rows)).num_rows == 2
    assert prepare(pd.DataFrame(rows))["given_name"].to_pylist() == ["ann", None]


def test_prepare_rejects_bad_ids():
    with pytest.raises(LinkageInputError, match="unique_id"):
        prepare([{"given_name": "x"}])
    with pytest.raises(LinkageInputError, match="repeated: 1"):
        prepare([{"unique_id": "1"}, {"unique_id": "1"}])


def test_normalise_record_matches_prepare():
    record = {"unique_id": "x", "given_name": "Bob", "family_name": "O'Neil", "date_of_birth": "2012-01-31"}
    assert normalise_record(record) == prepare([record]).to_pylist()[0]


def test_address_street_keys_ignore_numbers_spaces_and_line_order():
    from safehub.linkage.engine.normalise import address_numbers, address_street

    assert address_street("74 karl place port adrian") == ("karlplaceportadrian", "adriankarlplaceport")
    assert address_street("74 karlp lace port adrian")[0] == "karlplaceportadrian"
    assert address_street("port adrian 74 karl place")[1] == address_street("74 karl place port adrian")[1]
    assert address_street("74") == (None, None) and address_street(None) == (None, None)
    assert address_numbers("flat 3 12 high street") == ["12", "3"]


def test_prepare_keeps_digits_of_impossible_dates_and_name_order():
    from safehub.linkage.engine.dates import PartialDate

    a, b, c = prepare([
        {"unique_id": "a", "given_name": "Hannah", "family_name": "Mihal", "date_of_birth": "19450493"},
        {"unique_id": "b", "given_name": "Mihal", "family_name": "Hannsh", "date_of_birth": PartialDate(1945, 4, 39)},
        {"unique_id": "c", "date_of_birth": dt.date(2015, 3, 4), "address": "12 High Street"},
    ]).to_pylist()
    assert a["dob"] is None and a["dob_year"] is None and a["dob_digits"] == "19450493"
    assert b["dob_digits"] == "19450439" and c["dob_digits"] == "20150304"
    assert a["name_max"] == b["name_max"] == "mihal"  # blocks "one name typed in the other field"
    assert (a["name_min"], b["name_min"]) == ("hannah", "hannsh")
    assert c["address_street"] == "highstreet" and c["address_numbers"] == ["12"]


def test_columnar_and_row_inputs_prepare_alike():
    """A DataFrame goes through the per-distinct-value (pyarrow) path, a list of dicts through the per-row one."""
    import polars as pl

    rows = [
        {"unique_id": "1", "given_name": " Mary-Jane Ann", "family_name": "O'Brien-Smith", "date_of_birth": "19450493",
         "sex": "Female", "postcode": "bd59zl", "address": "Flat 3, 12 High St", "nhs_number": "943 476 5919"},
        {"unique_id": "2", "given_name": "  ", "family_name": "Smyth", "date_of_birth": "31/02/2015", "sex": "",
         "postcode": "4223", "address": "12 high st leeds", "upn": "a123", "police_id": "x-9"},
        {"unique_id": "3", "given_name": "Bill", "family_name": "Bill", "date_of_birth": "2015-03-04", "sex": "M",
         "postcode": None, "address": None, "nhs_number": "1234567890"},
        {"unique_id": "4", "given_name": None, "family_name": None, "date_of_birth": None, "sex": None,
         "postcode": "SW1A 1AA", "address": "74 karlp lace port adrian"},
    ]
    by_rows = prepare(rows)
    by_columns = prepare(pl.DataFrame(rows))
    assert by_rows.schema == by_columns.schema
    assert by_rows.to_pylist() == by_columns.to_pylist()
