"""Synthetic statutory returns: an Annex A workbook, SSDA903 CSV files (header, episodes, missing) and a children in
need census XML, written from synthetic children (never real data). Pure Python, no Django.

The headings and element names are the DfE's (as published in the Annex A template, the SSDA903 and CIN census
guidance) and are written here independently of safehub's importer, so reading these files back tests the importer.

>>> from safehub.synth.dfe_returns import build_returns
>>> files = build_returns(Path("/tmp/returns"), children=200, seed=1)   # doctest: +SKIP
>>> files.annex_a, files.ssda903_header, files.cin_census               # doctest: +SKIP
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from .config import XLSX_TIMESTAMP
from .identifiers import upn

#: The end of the collection year the samples describe (returns cover the year ending 31 March).
YEAR_END = dt.date(2026, 3, 31)
LA_CODE = 999  # not a real local authority number
ETHNICITIES = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "AIND", "APKN", "BAFR", "BCRB", "CHNE", "OOTH", "NOBT")
SOURCES = ("1A", "2A", "3A", "3E", "5A", "6", "6", "8", "9")
NEEDS = ("N1", "N1", "N3", "N4", "N5", "N6", "N8")
CATEGORIES = ("NEG", "NEG", "EMO", "PHY", "SAB", "MUL")

CHILD_HEADINGS = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Disability"]
TEAM_HEADINGS = ["Allocated Team", "Allocated Worker"]
ANNEX_A_LISTS = {
    1: ("Contacts", ["Date of Contact", "Contact Source"]),
    2: ("Early Help", ["Assessment Start Date", "Assessment Completion Date", "Organisation Completing Assessment"]),
    3: ("Referrals", ["Date of Referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months",
                      *TEAM_HEADINGS]),
    4: ("Assessments", ["Continuation of Referral Date", "Assessment Start Date", "Child Seen During Assessment",
                        "Assessment Authorised Date", *TEAM_HEADINGS]),
    5: ("Section 47", ["Strategy Discussion Initiating Section 47 Enquiry Start Date",
                       "Date of Initial Child Protection Conference",
                       "Did the Initial Child Protection Conference Result in a Child Protection Plan", *TEAM_HEADINGS]),
    6: ("Children in Need", ["CIN Start Date", "Primary Need Code", "CIN Closure Date", "Reason for Closure",
                             *TEAM_HEADINGS]),
    7: ("Child Protection", ["Child Protection Plan Start Date", "Initial Category of Abuse",
                             "Latest Category of Abuse", "Date of the Last Statutory Visit",
                             "Child Protection Plan End Date", "Number of Previous Child Protection Plans",
                             *TEAM_HEADINGS]),
    8: ("Children in Care", ["UASC", "Legal Status", "Date Started to be Looked After", "Category of Need",
                             "Number of Placements in the Last 12 Months", "Placement Type",
                             "Date Ceased to be Looked After", "Reason Ceased to be Looked After", *TEAM_HEADINGS]),
    9: ("Care Leavers", ["Date of Leaving Care", "Activity", "Accommodation", "Date of Latest Contact"]),
    10: ("Adoption", ["Date Entered Care", "Date of Decision that Child Should be Placed for Adoption",
                      "Date of Placement Order", "Date of Matching Child and Prospective Adopters",
                      "Date Placed for Adoption", "Date of Adoption Order"]),
    11: ("Adopters", ["Individual Adopter Identifier", "Adopter Ethnicity", "Date Enquiry Received",
                      "Date Stage 1 Started", "Date Stage 2 Started", "Date Application Approved",
                      "Date Adopter Matched with Child(ren)", "Number of Children Placed"]),
}
SSDA903_HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
SSDA903_EPISODES = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]
SSDA903_MISSING = ["CHILD", "MISSING", "MIS_START", "MIS_END"]


@dataclass
class Referral:
    on: dt.date
    source: str = "6"
    nfa: bool = False


@dataclass
class Enquiry:
    """A section 47 enquiry; `icpc_on` the initial child protection conference, `plan` whether it made a CP plan."""

    started_on: dt.date
    icpc_on: dt.date | None = None
    plan: bool = False


@dataclass
class CpPlan:
    started_on: dt.date
    ended_on: dt.date | None = None
    category: str | None = "NEG"
    previous_plans: int = 0
    last_visit: dt.date | None = None


@dataclass
class Episode:
    """An SSDA903 episode of care."""

    started_on: dt.date
    ended_on: dt.date | None = None
    reason_new: str = "S"
    legal_status: str | None = "C2"
    need: str | None = "N1"
    placement: str | None = "U4"
    provider: str = "PR1"
    reason_ceased: str = ""
    reason_place_change: str = ""


@dataclass
class Missing:
    started_on: dt.date
    ended_on: dt.date | None = None
    kind: str = "M"  # M missing, A away from placement without authorisation


@dataclass
class ReturnChild:
    """One synthetic child as the council's returns see them."""

    child_id: str
    sex: str  # M or F
    date_of_birth: dt.date
    ethnicity: str = "WBRI"
    upn: str = ""
    contacts: list[tuple[dt.date, str]] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    assessments: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    enquiries: list[Enquiry] = field(default_factory=list)
    cin: list[tuple[dt.date, str, dt.date | None]] = field(default_factory=list)  # start, need code, closure
    cp_plans: list[CpPlan] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)


@dataclass(frozen=True)
class ReturnFiles:
    annex_a: Path
    ssda903_header: Path
    ssda903_episodes: Path
    ssda903_missing: Path
    cin_census: Path

    @property
    def ssda903(self) -> list[Path]:
        return [self.ssda903_header, self.ssda903_episodes, self.ssda903_missing]


def _age(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _ddmmyyyy(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _gender(sex: str) -> str:
    return {"M": "a) Male", "F": "b) Female"}.get(sex, "c) Not known")


def _yes_no(flag: bool) -> str:
    return "a) Yes" if flag else "b) No"


def annex_a_rows(child: ReturnChild, year_end: dt.date = YEAR_END, *, team: tuple[str, str] | None = None
                 ) -> dict[int, list[list]]:
    """The rows this child has in each Annex A list (dates as `date`s); `team` fills Allocated Team and Worker."""
    who = [child.child_id, _gender(child.sex), child.ethnicity or None, child.date_of_birth,
           _age(child.date_of_birth, year_end) if child.date_of_birth else None, None]
    team = list(team) if team else [None, None]
    rows: dict[int, list[list]] = {n: [] for n in ANNEX_A_LISTS}
    for on, source in child.contacts:
        rows[1].append([*who, on, source])
    for ref in child.referrals:
        earlier = sum(1 for r in child.referrals if ref.on - dt.timedelta(days=365) <= r.on < ref.on)
        rows[3].append([*who, ref.on, ref.source, _yes_no(ref.nfa), earlier, *team])
    for started, authorised in child.assessments:
        referral = max((r.on for r in child.referrals if r.on <= started), default=None)
        rows[4].append([*who, referral, started, "a) Yes", authorised, *team])
    for enquiry in child.enquiries:
        rows[5].append([*who, enquiry.started_on, enquiry.icpc_on,
                        _yes_no(enquiry.plan) if enquiry.icpc_on else None, *team])
    for started, need, closed in child.cin:
        rows[6].append([*who, started, need, closed, "RC7" if closed else None, *team])
    for plan in child.cp_plans:
        rows[7].append([*who, plan.started_on, plan.category, plan.category, plan.last_visit, plan.ended_on,
                        plan.previous_plans, *team])
    starts = [e for e in child.episodes if e.reason_new == "S"]
    for episode in starts:
        ceased = next((e for e in child.episodes if e.started_on >= episode.started_on and e.ended_on
                       and e.reason_ceased != "X1"), None)
        placements = sum(1 for e in child.episodes if e.started_on >= episode.started_on)
        rows[8].append([*who, "b) No", episode.legal_status, episode.started_on, episode.need, placements,
                        episode.placement, ceased.ended_on if ceased else None,
                        (ceased.reason_ceased or None) if ceased else None, *team])
    return rows


def write_annex_a(children: list[ReturnChild], path: Path, *, year_end: dt.date = YEAR_END,
                  extra_rows: dict[int, list[list]] | None = None, team: tuple[str, str] | None = ("Assessment team",
                                                                                                  "Worker A")) -> Path:
    """An Annex A workbook with all eleven lists (a sheet "List N - Title" each), dates as date cells."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.created = workbook.properties.modified = XLSX_TIMESTAMP
    per_list: dict[int, list[list]] = {n: [] for n in ANNEX_A_LISTS}
    for child in children:
        for number, rows in annex_a_rows(child, year_end, team=team).items():
            per_list[number].extend(rows)
    for number, rows in (extra_rows or {}).items():
        per_list[number].extend(rows)
    for number, (title, headings) in ANNEX_A_LISTS.items():
        sheet = workbook.create_sheet(f"List {number} - {title}")
        sheet.append([*(CHILD_HEADINGS if number != 11 else []), *headings])
        for row in per_list[number]:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_ssda903(children: list[ReturnChild], directory: Path, *, prefix: str = "ssda903") -> tuple[Path, Path, Path]:
    """The header, episodes and missing CSV files (dates dd/mm/yyyy) for the looked-after children among `children`."""
    looked_after = [c for c in children if c.episodes or c.missing]
    header = [[c.child_id, "1" if c.sex == "M" else "2", _ddmmyyyy(c.date_of_birth), c.ethnicity, c.upn or "UN1",
               "", ""] for c in looked_after]
    episodes = [[c.child_id, _ddmmyyyy(e.started_on), e.reason_new, e.legal_status, e.need, e.placement, e.provider,
                 _ddmmyyyy(e.ended_on), e.reason_ceased, e.reason_place_change, "ZZ1 1ZZ", "ZZ1 2ZZ", ""]
                for c in looked_after for e in c.episodes]
    missing = [[c.child_id, m.kind, _ddmmyyyy(m.started_on), _ddmmyyyy(m.ended_on)]
               for c in looked_after for m in c.missing]
    return (
        _write_csv(directory / f"{prefix}_header.csv", SSDA903_HEADER, header),
        _write_csv(directory / f"{prefix}_episodes.csv", SSDA903_EPISODES, episodes),
        _write_csv(directory / f"{prefix}_missing.csv", SSDA903_MISSING, missing),
    )


def _sub(parent: ET.Element, tag: str, text=None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text.isoformat() if isinstance(text, dt.date) else str(text)
    return element


def cin_census_tree(children: list[ReturnChild], *, year_end: dt.date = YEAR_END) -> ET.ElementTree:
    """The CIN census Message for the children with a referral (one CINdetails per referral, the child's assessments,
    section 47 enquiries and CP plans under the latest referral on or before each)."""
    message = ET.Element("Message")
    header = _sub(message, "Header")
    details = _sub(header, "CollectionDetails")
    _sub(details, "Collection", "CIN")
    _sub(details, "Year", year_end.year)
    _sub(details, "ReferenceDate", year_end)
    source = _sub(header, "Source")
    for tag, text in (("SourceLevel", "L"), ("LEA", f"{LA_CODE:03d}"), ("SoftwareCode", "safehub synth"),
                      ("Release", "1"), ("SerialNo", "1"), ("DateTime", f"{year_end.isoformat()}T00:00:00")):
        _sub(source, tag, text)
    children_element = _sub(message, "Children")
    for child in children:
        if not child.referrals:
            continue
        element = _sub(children_element, "Child")
        ids = _sub(element, "ChildIdentifiers")
        _sub(ids, "LAchildID", child.child_id)
        if child.upn:
            _sub(ids, "UPN", child.upn)
        _sub(ids, "PersonBirthDate", child.date_of_birth)
        _sub(ids, "GenderCurrent", "1" if child.sex == "M" else "2")
        characteristics = _sub(element, "ChildCharacteristics")
        _sub(characteristics, "Ethnicity", child.ethnicity)
        _sub(_sub(characteristics, "Disabilities"), "Disability", "NONE")
        referrals = sorted(child.referrals, key=lambda r: r.on)

        def owner(day: dt.date, referrals=referrals) -> dt.date:
            return max((r.on for r in referrals if r.on <= day), default=referrals[0].on)

        for referral in referrals:
            cin = _sub(element, "CINdetails")
            _sub(cin, "CINreferralDate", referral.on)
            _sub(cin, "ReferralSource", referral.source)
            _sub(cin, "PrimaryNeedCode", "N1")
            if referral.nfa:
                _sub(cin, "CINclosureDate", referral.on)
                _sub(cin, "ReasonForClosure", "RC8")
            _sub(cin, "ReferralNFA", "true" if referral.nfa else "false")
            for started, authorised in child.assessments:
                if owner(started) == referral.on:
                    assessment = _sub(cin, "Assessments")
                    _sub(assessment, "AssessmentActualStartDate", started)
                    if authorised:
                        _sub(assessment, "AssessmentAuthorisationDate", authorised)
            for enquiry in child.enquiries:
                if owner(enquiry.started_on) == referral.on:
                    s47 = _sub(cin, "Section47")
                    _sub(s47, "S47ActualStartDate", enquiry.started_on)
                    if enquiry.icpc_on:
                        _sub(s47, "DateOfInitialCPC", enquiry.icpc_on)
            for plan in child.cp_plans:
                if owner(plan.started_on) == referral.on:
                    cpp = _sub(cin, "ChildProtectionPlans")
                    _sub(cpp, "CPPstartDate", plan.started_on)
                    if plan.ended_on:
                        _sub(cpp, "CPPendDate", plan.ended_on)
                    _sub(cpp, "InitialCategoryOfAbuse", plan.category)
                    _sub(cpp, "LatestCategoryOfAbuse", plan.category)
                    _sub(cpp, "NumberOfPreviousCPP", plan.previous_plans)
    tree = ET.ElementTree(message)
    ET.indent(tree)
    return tree


def write_cin_census(children: list[ReturnChild], path: Path, *, year_end: dt.date = YEAR_END) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    cin_census_tree(children, year_end=year_end).write(path, encoding="utf-8", xml_declaration=True)
    return path


def synthetic_return_children(count: int, *, seed: int = 1, year_end: dt.date = YEAR_END) -> list[ReturnChild]:
    """`count` synthetic children with contacts, referrals, enquiries, plans, care episodes and missing episodes in the
    two years to `year_end`; the same seed always gives the same children."""
    rng = random.Random(seed)
    start = year_end - dt.timedelta(days=729)

    def day_after(first: dt.date, within: int) -> dt.date | None:
        last = min(year_end, first + dt.timedelta(days=within))
        return None if last < first else first + dt.timedelta(days=rng.randint(0, (last - first).days))

    children = []
    for serial in range(1, count + 1):
        dob = year_end - dt.timedelta(days=rng.randint(30, 17 * 365))
        child = ReturnChild(
            child_id=f"SYN{seed:02d}{serial:05d}",
            sex=rng.choice("MF"),
            date_of_birth=dob,
            ethnicity=rng.choice(ETHNICITIES),
            upn=upn(LA_CODE, 2000 + serial % 500, dob.year % 100, serial) if _age(dob, year_end) >= 5 else "",
        )
        first = max(start, dob)
        contact_days = {day_after(first, 729) for _ in range(rng.choice((1, 1, 1, 2, 3)))} - {None}
        child.contacts = [(on, rng.choice(SOURCES)) for on in sorted(contact_days)]
        for on, source in sorted(child.contacts):
            if rng.random() < 0.45:
                child.referrals.append(Referral(on, source, nfa=rng.random() < 0.15))
        for referral in child.referrals:
            if referral.nfa:
                continue
            started = referral.on
            authorised = day_after(started + dt.timedelta(days=5), 40)
            child.assessments.append((started, authorised))
            if authorised:
                child.cin.append((started, rng.choice(NEEDS), None if rng.random() < 0.6 else authorised))
            if rng.random() < 0.35:
                icpc = day_after(started + dt.timedelta(days=3), 20) if rng.random() < 0.6 else None
                plan = bool(icpc) and rng.random() < 0.8
                child.enquiries.append(Enquiry(started + dt.timedelta(days=1), icpc, plan))
                if plan and icpc and icpc not in {p.started_on for p in child.cp_plans}:
                    child.cp_plans.append(CpPlan(icpc, day_after(icpc + dt.timedelta(days=90), 300),
                                                 rng.choice(CATEGORIES), rng.choice((0, 0, 0, 1))))
        if child.referrals and rng.random() < 0.2:
            decom = day_after(child.referrals[0].on, 200) or child.referrals[0].on
            ended = day_after(decom + dt.timedelta(days=60), 500) if rng.random() < 0.5 else None
            child.episodes.append(Episode(decom, ended, "S", rng.choice(("C1", "C2", "V2")), rng.choice(NEEDS[:-1]),
                                          rng.choice(("U4", "U6", "K2", "U1")), "PR1", "E4A" if ended else ""))
            for _ in range(rng.choice((0, 0, 1, 3))):
                gone = day_after(decom, 300)
                if gone and (ended is None or gone < ended):
                    child.missing.append(Missing(gone, day_after(gone, 3), rng.choice("MMMA")))
            child.missing.sort(key=lambda m: m.started_on)
            seen = set()
            child.missing = [m for m in child.missing if not (m.started_on in seen or seen.add(m.started_on))]
        children.append(child)
    return children


def build_returns(out: Path, *, children: int = 200, seed: int = 1, year_end: dt.date = YEAR_END,
                  sample: list[ReturnChild] | None = None) -> ReturnFiles:
    """Write all three returns for synthetic children (or the given `sample`) into `out`."""
    sample = sample if sample is not None else synthetic_return_children(children, seed=seed, year_end=year_end)
    header, episodes, missing = write_ssda903(sample, out)
    return ReturnFiles(
        annex_a=write_annex_a(sample, out / "annex_a.xlsx", year_end=year_end),
        ssda903_header=header,
        ssda903_episodes=episodes,
        ssda903_missing=missing,
        cin_census=write_cin_census(sample, out / "cin_census.xml", year_end=year_end),
    )


def hand_checked_sample() -> list[ReturnChild]:
    """Four synthetic children whose indicator values for 2025-26 are worked out by hand (docs/dfe-returns.md):

    referrals (Annex A list 3 / CIN census) 5, of which re-referrals within 12 months 2 (40%); section 47 enquiries 3,
    of which with an ICPC 2; CP plans started 2, second or subsequent 1 (50%); looked after at 31 March 2026: 2;
    missing episodes (M) 3, by 2 children; referrals with no further action 1 of 5.
    """
    d = dt.date
    c1 = ReturnChild("HC1", "F", d(2015, 1, 1), "WBRI", referrals=[Referral(d(2025, 5, 1)), Referral(d(2025, 9, 1))],
                     contacts=[(d(2025, 5, 1), "6"), (d(2025, 9, 1), "2A")],
                     enquiries=[Enquiry(d(2025, 5, 2), d(2025, 5, 20), plan=True)],
                     cp_plans=[CpPlan(d(2025, 5, 20), None, "NEG", 0)],
                     episodes=[Episode(d(2025, 6, 1), d(2025, 12, 1), reason_ceased="E4A")],
                     missing=[Missing(d(2025, 3, 1), d(2025, 3, 2))])
    c2 = ReturnChild("HC2", "M", d(2012, 6, 1), "BAFR", referrals=[Referral(d(2024, 6, 1)), Referral(d(2025, 4, 10))],
                     enquiries=[Enquiry(d(2025, 4, 11))],
                     episodes=[Episode(d(2024, 11, 1), d(2025, 8, 1), reason_ceased="X1"),
                               Episode(d(2025, 8, 1), None, reason_new="P", placement="U6",
                                       reason_place_change="CARPL")],
                     missing=[Missing(d(2025, 9, 1), d(2025, 9, 2)), Missing(d(2025, 10, 10), d(2025, 10, 11)),
                              Missing(d(2025, 11, 1), d(2025, 11, 1), kind="A")])
    c3 = ReturnChild("HC3", "F", d(2010, 2, 2), "AIND",
                     referrals=[Referral(d(2024, 1, 15)), Referral(d(2025, 6, 1), "3E", nfa=True)],
                     cp_plans=[CpPlan(d(2025, 3, 1), d(2025, 9, 1), "EMO", 1)],
                     episodes=[Episode(d(2025, 1, 1), d(2026, 3, 31), reason_ceased="E4A")])
    c4 = ReturnChild("HC4", "M", d(2020, 3, 3), "WBRI", referrals=[Referral(d(2026, 2, 1), "5A")],
                     enquiries=[Enquiry(d(2026, 2, 2), d(2026, 2, 20), plan=True)],
                     cp_plans=[CpPlan(d(2026, 2, 20), None, "PHY", 1)],
                     episodes=[Episode(d(2026, 3, 31), None, legal_status="V2")],
                     missing=[Missing(d(2026, 3, 31), None)])
    return [c1, c2, c3, c4]
