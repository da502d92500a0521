"""The search index and ranking on their own: no database, a handful of records, the engine's built-in parameters."""

from __future__ import annotations

import datetime as dt

import pytest

from safehub.linkage.engine import score_pair
from safehub.people.search import Scope, SearchIndex, SearchQuery, default_model, search_index, split_name
from safehub.people.search.explain import matched_on
from safehub.people.search.query import PairScorer

D = dt.date
PEOPLE = [
    # record_id, child_id, agency_id, given, family, dob, postcode, nhs
    (1, 101, 1, "William", "Smith", D(2012, 3, 4), "LS1 4AB", ""),
    (2, 102, 1, "John", "Carter", D(2010, 7, 19), "LS2 7QQ", ""),
    (3, 103, 2, "Robert", "Jones", D(2011, 1, 30), "LS6 2ZZ", ""),
    (4, 104, 1, "Amelia", "Smith-Okafor", D(2015, 11, 2), "BD7 1AA", ""),
    (5, 105, 2, "John", "Smith", D(2012, 3, 4), "LS9 9XY", "9434765919"),
    (6, 106, 1, "John", "Smith", D(2012, 3, 4), "LS1 4AB", ""),
    (7, 107, 2, "Grace", "Whitfield", D(2009, 5, 21), "HX1 1AA", ""),
    (8, 101, 2, "Will", "Smith", D(2012, 3, 4), "", ""),
]


def _rows():
    for record_id, child_id, agency_id, given, family, dob, postcode, nhs in PEOPLE:
        yield {"record_id": record_id, "child_id": child_id, "agency_id": agency_id, "caveat": "partnership",
               "given_name": given, "family_name": family, "date_of_birth": dob, "postcode": postcode,
               "nhs_number": nhs}


@pytest.fixture(scope="module")
def index():
    return SearchIndex.build(_rows(), chunk_size=3)  # several chunks, to exercise the joins


@pytest.fixture(scope="module")
def model(index):
    return default_model(len(index))


def children(index, model, **query):
    return [m.child_id for m in search_index(index, model, SearchQuery(**query))]


def top(index, model, **query):
    return search_index(index, model, SearchQuery(**query))[0]


def test_nickname_bill_finds_william(index, model):
    best = top(index, model, name="Bill Smith", date_of_birth=D(2012, 3, 4))
    assert best.child_id == 101
    assert "nickname of first name" in best.matched_on


def test_typo_jonh_finds_john(index, model):
    assert children(index, model, name="Jonh Carter")[0] == 102
    assert "first name spelt slightly differently" in top(index, model, name="Jonh Carter").matched_on


def test_day_and_month_transposed(index, model):
    transposed = top(index, model, name="Will Smith", date_of_birth=D(2012, 4, 3))
    assert transposed.child_id == 101
    assert "date of birth with day and month swapped" in transposed.matched_on


def test_a_year_out(index, model):
    best = top(index, model, name="Grace Whitfield", date_of_birth=D(2010, 5, 21))
    assert best.child_id == 107
    assert "date of birth a year out" in best.matched_on


def test_date_of_birth_alone(index, model):
    best = top(index, model, date_of_birth=D(2011, 1, 30))
    assert best.child_id == 103
    assert best.matched_on == ["date of birth"]
    assert top(index, model, date_of_birth=D(2011, 1, 31)).child_id == 103  # a day out: same year and month


def test_phonetic_surname_smyth_finds_smith(index, model):
    best = top(index, model, name="Will Smyth")
    assert best.child_id == 101
    assert "surname sounds alike" in best.matched_on


def test_postcode_narrows(index, model):
    without = search_index(index, model, SearchQuery(name="John Smith", date_of_birth=D(2012, 3, 4)))
    assert {m.child_id for m in without[:2]} == {105, 106}
    with_postcode = search_index(index, model, SearchQuery(name="John Smith", date_of_birth=D(2012, 3, 4),
                                                            postcode="ls1 4ab"))
    assert with_postcode[0].child_id == 106
    assert "postcode" in with_postcode[0].matched_on
    assert with_postcode[0].match_weight > max(m.match_weight for m in with_postcode if m.child_id == 105)


def test_nhs_number_exact_ranks_first(index, model):
    best = top(index, model, name="John Smith", nhs_number="9434765919")
    assert best.child_id == 105
    assert best.matched_on[0] == "NHS number"
    assert top(index, model, nhs_number="9434765919").child_id == 105


def test_double_barrelled_surname_part(index, model):
    best = top(index, model, name="Amelia Okafor")
    assert best.child_id == 104
    assert "part of a double-barrelled surname" in best.matched_on


def test_as_you_type_prefixes(index, model):
    assert children(index, model, name="Whitf")[0] == 107
    assert 101 in children(index, model, name="Willi Smi")[:2]


def test_single_word_is_tried_as_first_name_and_surname(index, model):
    assert children(index, model, name="Whitfield")[0] == 107
    assert children(index, model, name="Grace")[0] == 107
    assert split_name("Smith, John") == ("John", "Smith")
    assert split_name("  Mary  Jane   Smith ") == ("Mary", "Smith")
    assert split_name("Smith,") == (None, "Smith")
    assert split_name("") == (None, None)


def test_scope_limits_rows_to_an_agency(index, model):
    own_only = search_index(index, model, SearchQuery(name="John Smith"), scope=Scope(own_agency_id=2))
    assert {m.agency_id for m in own_only} == {2}
    assert search_index(index, model, SearchQuery(name="Grace Whitfield"), scope=Scope(own_agency_id=1)) == []
    assert search_index(index, model, SearchQuery(name="Grace Whitfield"), scope=Scope()) == []
    shared = search_index(index, model, SearchQuery(name="Grace Whitfield"),
                          scope=Scope(own_agency_id=1, shared_caveats=frozenset({"partnership"})))
    assert shared[0].child_id == 107


def test_empty_query_finds_nothing(index, model):
    assert search_index(index, model, SearchQuery()) == []
    assert search_index(index, model, SearchQuery(name="   ")) == []


def test_ranking_weight_is_score_pairs_total(index, model):
    scorer = PairScorer(model)
    for match in search_index(index, scorer, SearchQuery(name="Bill Smyth", date_of_birth=D(2012, 4, 3))):
        assert match.match_weight == pytest.approx(score_pair(model, match.query, match.candidate)[1]["total"]["match_weight"])
        assert 0 <= match.probability <= 1


def test_matched_on_reads_the_evidence():
    evidence = {
        "prior": {"match_weight": -10.0},
        "given_name": {"level": "nickname (nicknames: bill = william)", "gamma": 3, "match_weight": 4.0},
        "family_name": {"level": "exact", "gamma": 5, "match_weight": 7.5},
        "dob": {"level": "day and month transposed", "gamma": 4, "match_weight": 6.0},
        "sex": {"level": "all other comparisons", "gamma": 0, "match_weight": -1.0},
        "location": {"level": "missing on either side", "gamma": -1, "match_weight": 0.0},
        "shoe_size": {"level": "same", "gamma": 1, "match_weight": 1.0},
        "total": {"match_weight": 7.5},
    }
    assert matched_on(evidence) == ["surname", "date of birth with day and month swapped", "nickname of first name",
                                    "shoe size: same"]


def test_empty_index():
    empty = SearchIndex.build([])
    assert len(empty) == 0
    assert search_index(empty, default_model(0), SearchQuery(name="Anyone")) == []
