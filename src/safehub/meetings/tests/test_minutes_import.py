"""The minutes importer against the labelled set: exact values for the five public seed minutes, the whole labelled set
field by field, and nothing in a document silently dropped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from safehub.meetings.minutes import UnreadableMinutes, parse_minutes, read_minutes

CORPUS = Path(__file__).parent / "minutes_corpus"
DOCUMENTS = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".html", ".pdf", ".docx"))


def parsed(name: str) -> dict:
    path = CORPUS / name
    return parse_minutes(path.read_bytes(), path.name).to_json()


def test_labelled_set_is_big_enough():
    assert len(DOCUMENTS) >= 15
    assert {p.suffix for p in DOCUMENTS} == {".txt", ".html", ".pdf", ".docx"}


def test_southampton_scrutiny_seed():
    result = parsed("000_7860a8828d0d6f1f.txt")
    assert [i["number"] for i in result["items"]] == ["23", "24", "25", "26", "27", "28", "29"]
    assert [a["name"] for a in result["apologies"]] == ["Nicola Brown", "Catherine Hobbs", "Claire Rogers"]
    assert result["present"] == []
    items = {i["number"]: i for i in result["items"]}
    assert items["24"]["decisions"] == [
        "that the minutes of the meeting held on 7 November 2019 be approved and signed as a correct record"]
    assert items["29"]["decisions"] == [
        "That details of the scheduled learning event for social workers (CPD) is circulated to the Panel",
        "That the recruitment of foster carers is considered at a future meeting of the Panel"]
    assert (items["27"]["exempt"], items["28"]["exempt"], items["28"]["exempt_category"]) == (False, True, "1,7")


def test_southwark_executive_seed():
    result = parsed("001_f2bc773d1bab88f7.txt")
    assert (result["body"], result["date"]) == ("Southwark Safeguarding Children Executive Board", "2014-02-19")
    assert [i["number"] for i in result["items"]] == ["1", "1a", "1b", "2", "3", "4", "5", "6a", "6b", "6c"]
    assert len(result["present"]) == 19 and result["present"][0] == {"name": "Michael O'Connor", "role": "Independent Chair"}
    assert [a["name"] for a in result["apologies"]] == [
        "Andrew Bland", "Eva Edohen", "Rosalinda James", "Gwen Kennedy", "Chris McCree", "Paula Townsend", "Geraldine Walters"]
    actions = [a for i in result["items"] for a in i["actions"]]
    assert [a["reference"] for a in actions] == [str(n) for n in range(1, 14)]
    assert actions[1] == {"reference": "2", "owner": "AF & EA", "due": None,
                          "text": "Review processes and terms of reference around new subgroups to ensure they strengthen "
                                  "existing governance arrangements"}
    assert all(i["decisions"] == [] for i in result["items"])  # Southwark records "decisions and/or actions" as actions


def test_southampton_report_seed_is_not_minutes():
    result = parsed("002_f1c013f82c657c8e.txt")
    assert result["items"] == [{"number": None, "title": "Document text", "exempt": False, "exempt_category": None,
                                "decisions": [], "actions": []}]
    assert (result["body"], result["date"], result["present"], result["apologies"]) == (None, None, [], [])


def test_staffordshire_scrutiny_seed():
    result = parsed("003_196985354e999e62.txt")
    assert (result["body"], result["date"]) == ("Safeguarding Overview and Scrutiny Committee", "2021-04-22")
    assert [i["number"] for i in result["items"]] == ["5", "6", "7", "8", "9"]
    assert [d for i in result["items"] for d in i["decisions"]] == [
        "That the minutes of the Safe and Strong Communities Select Committee meeting held on 1 March 2021 be confirmed "
        "and signed by the Chairman", "That the work programme be noted"]


def test_nottingham_partnership_board_seed():
    result = parsed("004_81d86c97e4813351.txt")
    assert (result["body"], result["date"]) == ("Children's Partnership Board", "2017-09-27")
    assert [i["number"] for i in result["items"]] == [str(n) for n in range(16, 26)]
    assert result["apologies"][:2] == [{"name": "Councillor Sam Webster", "role": "Co Chair"},
                                       {"name": "Sean Kelly", "role": "Vice Chair"}]
    assert len(result["apologies"]) == 10
    items = {i["number"]: i for i in result["items"]}
    assert [d[:20] for d in items["23"]["decisions"]] == ["approve the changes ", "ask each agency to l", "note where Partners "]
    assert items["21"]["decisions"] == ["to note the content of"]  # the published page truncates it


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_labelled_document(path):
    expected = json.loads((CORPUS / f"{path.stem}.expected.json").read_text())
    assert parse_minutes(path.read_bytes(), path.name).to_json() == expected


@pytest.mark.parametrize("path", [p for p in DOCUMENTS if p.suffix == ".txt"], ids=lambda p: p.name)
def test_nothing_silently_dropped(path):
    """Every word of the document is somewhere in the proposal: a field, an item's minutes or description."""
    proposal = parse_minutes(path.read_bytes(), path.name)
    kept = " ".join([json.dumps(proposal.to_json(), ensure_ascii=False), proposal.venue or "",
                     *(f"{i.description} {i.minutes}" for i in proposal.items)]).lower()
    words = set(re.findall(r"[a-z]{4,}", path.read_text(encoding="utf-8").lower()))
    labels = {"view", "directions", "full", "text", "minutes", "icon", "venue", "additional", "documents", "attendance",
              "attendees", "also", "name"}  # printed labels the proposal keeps as structure
    dates = {"january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
             "december", "monday", "tuesday", "wednesday", "thursday", "friday"}  # kept as the ISO date
    missing = {w for w in words if w not in kept} - labels - dates
    assert missing == set()


def test_unreadable_files_are_refused():
    with pytest.raises(UnreadableMinutes, match="must be a .txt, .html, .pdf or .docx"):
        read_minutes(b"x", "minutes.xlsx")
    with pytest.raises(UnreadableMinutes, match="could not be read as .pdf"):
        read_minutes(b"not a pdf", "minutes.pdf")
