"""Write a synthetic partnership: truth files plus one extract per agency system."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

from .config import (
    AGENCY_QUALITY,
    CORRUPTION,
    COVERAGE,
    DUPLICATE_RATE,
    FILES,
    GENERATOR_VERSION,
    MISSING_REPORTS_PER_CHILD,
    NHS_RECORDED,
    REFERENCE_DATE,
    YJ_POLICE_REF,
    YJ_UPN,
)
from .corrupt import case_variant, postcode_variant, transpose_dob, typo, whitespace
from .pools import Pools, build_pools
from .population import Address, Child, Family, build_population
from .xlsx import write_xlsx

Progress = Callable[[int, int], None]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: DfE code -> (description, NHS ethnic category, police officer-defined ethnicity)
ETHNICITY_INFO = {
    "WBRI": ("White - British", "A", "IC1"),
    "WIRI": ("White - Irish", "B", "IC1"),
    "WIRT": ("Traveller of Irish Heritage", "C", "IC1"),
    "WROM": ("Gypsy/Roma", "C", "IC1"),
    "WOTH": ("Any other White background", "C", "IC2"),
    "MWBC": ("Mixed - White and Black Caribbean", "D", "IC3"),
    "MWBA": ("Mixed - White and Black African", "E", "IC3"),
    "MWAS": ("Mixed - White and Asian", "F", "IC4"),
    "MOTH": ("Any other Mixed background", "G", "IC9"),
    "AIND": ("Asian or Asian British - Indian", "H", "IC4"),
    "APKN": ("Asian or Asian British - Pakistani", "J", "IC4"),
    "ABAN": ("Asian or Asian British - Bangladeshi", "K", "IC4"),
    "AOTH": ("Any other Asian background", "L", "IC4"),
    "BCRB": ("Black or Black British - Caribbean", "M", "IC3"),
    "BAFR": ("Black or Black British - African", "N", "IC3"),
    "BOTH": ("Any other Black background", "P", "IC3"),
    "CHNE": ("Chinese", "R", "IC5"),
    "OOTH": ("Any other ethnic group", "S", "IC6"),
    "REFU": ("Refused", "Z", "IC9"),
    "NOBT": ("Information not yet obtained", "Z", "IC9"),
}

COLUMNS = {
    "police": ["Person URN", "Surname", "Forename(s)", "DOB", "Gender", "Officer Defined Ethnicity", "Address",
               "Postcode", "Occurrence Ref", "Occurrence Date", "Occurrence Type", "Role"],
    "missing": ["Report Ref", "Person URN", "Forename", "Surname", "DOB", "Gender", "Missing From", "Postcode",
                "Date Missing", "Date Found", "Risk Grade", "Location Found", "Reported By"],
    "health": ["CLIENT_ID", "NHS_NUMBER", "PATIENT_SURNAME", "PATIENT_FORENAME", "PATIENT_OTHER_FORENAMES",
               "DATE_OF_BIRTH", "SEX_CODE", "ETHNIC_CATEGORY", "ADDRESS_LINE_1", "ADDRESS_LINE_2", "POSTCODE",
               "GP_PRACTICE_CODE"],
    "education": ["Person ID", "UPN", "Legal Surname", "Legal Forename", "Middle Name(s)", "Preferred Surname",
                  "Preferred Forename", "DOB", "Gender", "Ethnicity", "Address", "Postcode", "School", "NC Year"],
    "social_care": ["LCS ID", "First Name", "Last Name", "Known As", "Date of Birth", "Sex", "Ethnicity",
                    "NHS Number", "Address", "Postcode", "Case Status", "Allocated Team"],
    "youth_justice": ["ChildViewID", "Surname", "Forenames", "BirthDate", "Gender", "Ethnicity", "HomeAddress",
                      "PoliceRef", "UPN", "EducationProvider", "YJSStatus"],
}
#: The first column of every agency file is the record's local id.

CHILDREN_COLUMNS = ["child_id", "given_name", "middle_name", "family_name", "date_of_birth", "sex", "ethnicity",
                    "nhs_number", "upn", "address_line", "town", "postcode", "school", "gp_practice", "family_id",
                    "twin_of"]
FAMILY_COLUMNS = ["family_id", "family_type", "ethnicity", "carer_1_name", "carer_1_relationship", "carer_2_name",
                  "carer_2_relationship", "address_line", "town", "postcode", "previous_address_line",
                  "previous_town", "previous_postcode"]

OCCURRENCE_TYPES = ("Domestic Abuse", "Concern for Safety", "Assault", "Theft", "Criminal Damage",
                    "Anti-Social Behaviour", "Child Sexual Exploitation Concern", "Drugs", "Robbery", "Public Order")
ROLES_YOUNG = ("Child Present", "Victim", "Witness", "Person at Risk")
ROLES_OLD = ("Victim", "Witness", "Suspect", "Person at Risk", "Offender")
CASE_STATUS = ("Closed", "Closed", "Closed", "Open - Early Help", "Open - Child in Need", "Open - Child Protection",
               "Open - Child Looked After", "Open - Assessment")
TEAMS = ("Front Door / MASH", "Assessment Team", "Children in Need North", "Children in Need South",
         "Child Protection", "Children Looked After", "Early Help Hub", "Disabled Children's Team")
YJS_STATUS = ("Out of Court Disposal", "Referral Order", "Youth Rehabilitation Order", "Prevention", "Closed")
RISK_GRADES = ("high", "medium", "low", "no apparent risk")
RISK_WEIGHTS = (8, 42, 38, 12)
REPORTED_BY = ("Parent/carer", "Parent/carer", "Foster carer", "Children's home", "School", "Other")
FOUND_AT = ("Home address", "Friend's address", "Returned of own accord", "Address of known adult", "Park",
            "Shopping centre", "Out of area", "Hospital")


@dataclass
class Summary:
    children: int
    records: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _Rates:
    """Corruption thresholds for one agency (base rate x agency quality)."""

    def __init__(self, agency: str):
        q = AGENCY_QUALITY[agency]
        for f in fields(CORRUPTION):
            setattr(self, f.name, min(1.0, getattr(CORRUPTION, f.name) * q))


def _unique_ids(rng: random.Random, n: int, lo: int, hi: int) -> list[int]:
    while hi - lo < n * 3:
        hi *= 10
    return rng.sample(range(lo, hi), n)


def _dmy(d: dt.date | None, sep: str = "/") -> str:
    return "" if d is None else f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}"


def _view(child: Child, rt, rng: random.Random, pools: Pools):
    """The child as one agency record sees them, with corruption applied."""
    r = rng.random
    fam = child.family
    given, family = child.given, child.family_name
    if r() < rt.nickname:
        nicks = pools.nicknames.get(given)
        if nicks:
            given = rng.choice(nicks)
    if r() < rt.changed_surname and fam.alt_surnames:
        family = rng.choice(fam.alt_surnames)
    elif r() < rt.hyphenated_surname:
        other = fam.alt_surnames[0] if fam.alt_surnames else rng.choice(pools.surnames["en_GB"])
        family = f"{family}-{other}" if r() < 0.7 else f"{other}-{family}"
    if r() < rt.typo_given:
        given = typo(given, rng)
    if r() < rt.typo_family:
        family = typo(family, rng)
    if r() < rt.case_variation:
        if r() < 0.5:
            given = case_variant(given, rng)
        else:
            family = case_variant(family, rng)
    if r() < rt.swap_names:
        given, family = family, given
    if r() < rt.whitespace:
        if r() < 0.5:
            given = whitespace(given, rng)
        else:
            family = whitespace(family, rng)
    dob: dt.date | None = child.dob
    if r() < rt.dob_missing:
        dob = None
    elif r() < rt.dob_transposed:
        dob = transpose_dob(child.dob) or child.dob
    sex = child.sex if r() >= rt.sex_unknown else "U"
    addr = fam.address
    if fam.previous is not None and r() < rt.moved_address:
        addr = fam.previous
    postcode = addr.postcode
    if r() < rt.postcode_missing:
        postcode = ""
    elif r() < rt.case_variation:
        postcode = postcode_variant(postcode, rng)
    return given, family, dob, sex, addr, postcode


def _preferred_forename(child: Child, rng: random.Random, pools: Pools, rate: float) -> str:
    if rng.random() < rate:
        nicks = pools.nicknames.get(child.given)
        if nicks:
            return rng.choice(nicks)
    return ""


def generate(children: int, seed: int, out: Path, progress: Progress | None = None) -> Summary:
    """Generate a synthetic partnership of ``children`` children into directory ``out``.

    Same ``(children, seed)`` -> byte-identical files. ``progress(done, total)``
    is called periodically (``total = children + number of files written``).
    """
    if children < 1:
        raise ValueError("children must be >= 1")
    t0 = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    n_files = 10
    total = children + n_files
    step = max(1, children // 50)

    def tick(done: int) -> None:
        if progress is not None:
            progress(done, total)

    tick(0)
    pools = build_pools(seed, children)
    families, kids = build_population(random.Random(f"population:{seed}"), pools, children)

    # --- who is known to whom ------------------------------------------------
    rng = random.Random(f"membership:{seed}")
    r = rng.random
    n8 = sum(1 for c in kids if c.age >= 8) or 1
    p_missing = min(1.0, COVERAGE["missing"] * children / n8)
    flags = []
    forced = 0
    for c in kids:
        health = 1 + (r() < DUPLICATE_RATE["health"]) if r() < COVERAGE["health"] else 0
        edu = 1 + (r() < DUPLICATE_RATE["education"]) if c.school_age and r() < COVERAGE["education"] else 0
        missing = rng.randint(*MISSING_REPORTS_PER_CHILD) if c.age >= 8 and r() < p_missing else 0
        yj = 1 + (r() < DUPLICATE_RATE["youth_justice"]) if c.age >= 10 and r() < COVERAGE["youth_justice"] else 0
        forced += bool(missing or yj)
        flags.append([0, missing, health, edu, 0, yj])
    rest = max(1, children - forced)
    p_police = max(0.0, (COVERAGE["police"] * children - forced) / rest)
    p_social = max(0.0, (COVERAGE["social_care"] * children - 0.8 * forced) / rest)
    for f in flags:
        hot = f[1] or f[5]
        if hot or r() < p_police:
            f[0] = 1 + (r() < DUPLICATE_RATE["police"])
        if r() < (0.8 if hot else p_social):
            f[4] = 1 + (r() < DUPLICATE_RATE["social_care"])

    counts = [sum(f[i] for f in flags) for i in range(6)]
    police_ids = iter(_unique_ids(rng, counts[0], 1_000_000, 9_999_999))
    missing_ids = iter(_unique_ids(rng, counts[1], 1, 999_999))
    health_ids = iter(_unique_ids(rng, counts[2], 1_000_000, 9_999_999))
    edu_ids = iter(_unique_ids(rng, counts[3], 100_000, 999_999))
    lcs_ids = iter(_unique_ids(rng, counts[4], 100_000, 1_999_999))
    yj_ids = iter(_unique_ids(rng, counts[5], 1, 999_999))

    # --- build agency rows ---------------------------------------------------
    rates = {a: _Rates(a) for a in FILES}
    rows: dict[str, list[tuple[str, list, str]]] = {a: [] for a in FILES}
    rng = random.Random(f"records:{seed}")
    r = rng.random
    choice = rng.choice
    gender_word = {"M": "Male", "F": "Female", "U": "Unknown"}
    sex_code = {"M": "1", "F": "2", "U": "9"}
    ref = REFERENCE_DATE
    for i, (c, f) in enumerate(zip(kids, flags, strict=True)):
        if i % step == 0:
            tick(i)
        fam = c.family
        cid = c.child_id
        info = ETHNICITY_INFO[c.ethnicity]
        urn = ""
        if f[0]:
            rt = rates["police"]
            for copy in range(f[0]):
                pid = str(next(police_ids))
                if not copy:
                    urn = pid
                given, family, dob, sex, addr, pc = _view(c, rt, rng, pools)
                forenames = f"{given} {c.middle}" if c.middle and r() < 0.6 else given
                occ = ref - dt.timedelta(days=rng.randrange(max(1, min(1095, (ref - c.dob).days))))
                if f[1] and not copy:
                    otype, role = "Missing Person", "Missing Person"
                else:
                    otype, role = choice(OCCURRENCE_TYPES), choice(ROLES_OLD if c.age >= 10 else ROLES_YOUNG)
                rows["police"].append((pid, [
                    pid, family.upper() if r() > rt.case_variation else family, forenames, _dmy(dob),
                    gender_word[sex], info[2], f"{addr.line}, {addr.town}", pc,
                    f"{rng.randint(10, 99)}/{rng.randint(100000, 999999)}/{occ.year % 100:02d}", _dmy(occ),
                    otype, role], cid))
        if f[1]:
            _missing_reports(c, f[1], urn, rng, rates["missing"], pools, missing_ids, rows["missing"])
        if f[2]:
            rt = rates["health"]
            for copy in range(f[2]):
                lid = str(next(health_ids))
                given, family, dob, sex, addr, pc = _view(c, rt, rng, pools)
                nhs = c.nhs if r() < NHS_RECORDED["health"] * (0.4 if copy else 1.0) else ""
                rows["health"].append((lid, [
                    lid, nhs, family.upper(), given, c.middle if r() < 0.8 else "",
                    "" if dob is None else dob.isoformat(), sex_code[sex], info[1], addr.line, addr.town, pc,
                    fam.gp[0] if r() < 0.98 else ""], cid))
        if f[3]:
            rt = rates["education"]
            for copy in range(f[3]):
                lid = str(next(edu_ids))
                given, family, dob, sex, addr, pc = _view(c, rt, rng, pools)
                upn = "" if (copy and r() < 0.5) or r() < 0.01 else c.upn
                preferred = family
                if fam.partner_surname and family == c.family_name and r() < 0.4:
                    preferred = fam.partner_surname
                rows["education"].append((lid, [
                    lid, upn, family, given, c.middle, preferred, _preferred_forename(c, rng, pools, 0.12),
                    dob, "" if sex == "U" else sex, c.ethnicity, f"{addr.line}, {addr.town}", pc, c.school,
                    c.nc_year], cid))
        if f[4]:
            rt = rates["social_care"]
            for _ in range(f[4]):
                lid = str(next(lcs_ids))
                given, family, dob, sex, addr, pc = _view(c, rt, rng, pools)
                nhs = ""
                if r() < NHS_RECORDED["social_care"]:
                    nhs = f"{c.nhs[:3]} {c.nhs[3:6]} {c.nhs[6:]}" if r() < 0.7 else c.nhs
                rows["social_care"].append((lid, [
                    lid, given, family, _preferred_forename(c, rng, pools, 0.05),
                    "" if dob is None else f"{dob.day:02d}-{MONTHS[dob.month - 1]}-{dob.year}",
                    "Not stated" if sex == "U" and r() < 0.5 else gender_word[sex], info[0], nhs,
                    f"{addr.line}, {addr.town}", pc, choice(CASE_STATUS), choice(TEAMS)], cid))
        if f[5]:
            rt = rates["youth_justice"]
            for _ in range(f[5]):
                lid = f"CV{next(yj_ids):06d}"
                given, family, dob, sex, addr, pc = _view(c, rt, rng, pools)
                home = f"{addr.line}, {addr.town}, {pc}" if pc else f"{addr.line}, {addr.town}"
                rows["youth_justice"].append((lid, [
                    lid, family, f"{given} {c.middle}" if c.middle and r() < 0.5 else given,
                    "" if dob is None else f"{dob.isoformat()} 00:00:00",
                    "Not Known" if sex == "U" else gender_word[sex], c.ethnicity, home,
                    urn if urn and r() < YJ_POLICE_REF else "", c.upn if r() < YJ_UPN else "", c.school,
                    choice(YJS_STATUS)], cid))
    tick(children)

    # --- write files ---------------------------------------------------------
    done = children
    summary = Summary(children=children)

    def wrote(name: str, n: int) -> None:
        nonlocal done
        summary.records[name] = n
        done += 1
        tick(done)

    _write_csv(out / "children.csv", CHILDREN_COLUMNS, (_child_row(c) for c in kids), "\n")
    wrote("children.csv", len(kids))
    _write_csv(out / "families.csv", FAMILY_COLUMNS, (_family_row(fm) for fm in families), "\n")
    wrote("families.csv", len(families))
    truth: list[tuple[str, str, str]] = []
    for agency, (name, _system) in FILES.items():
        agency_rows = rows[agency]
        agency_rows.sort(key=lambda t: t[0])
        truth.extend((name, lid, cid) for lid, _row, cid in agency_rows)
        if name.endswith(".xlsx"):
            write_xlsx(out / name, "Pupils", COLUMNS[agency], (row for _lid, row, _cid in agency_rows),
                       date_col=COLUMNS[agency].index("DOB"))
        else:
            encoding = "utf-8-sig" if agency == "social_care" else "utf-8"
            _write_csv(out / name, COLUMNS[agency], (row for _lid, row, _cid in agency_rows), "\r\n", encoding)
        wrote(name, len(agency_rows))
    truth.sort()
    _write_csv(out / "ground_truth.csv", ["source_file", "local_id", "child_id"], truth, "\n")
    wrote("ground_truth.csv", len(truth))
    manifest = {
        "generator": GENERATOR_VERSION,
        "seed": seed,
        "children": children,
        "reference_date": REFERENCE_DATE.isoformat(),
        "counts": dict(sorted(summary.records.items())),
        "files": {a: {"file": n, "system": s} for a, (n, s) in FILES.items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    wrote("manifest.json", 1)
    summary.records.pop("manifest.json")
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


def _missing_reports(c: Child, n: int, urn: str, rng: random.Random, rt, pools: Pools, ids, out: list) -> None:
    days = sorted(rng.sample(range(1, 730), n), reverse=True)
    starts = []
    for d in days:
        start = dt.datetime.combine(REFERENCE_DATE - dt.timedelta(days=d), dt.time(), tzinfo=dt.UTC)
        starts.append(start + dt.timedelta(minutes=rng.randrange(24 * 60)))
    fam = c.family
    for k, start in enumerate(starts):
        hours = min(24 * 14, rng.lognormvariate(2.1, 1.0))
        end = start + dt.timedelta(minutes=max(30, int(hours * 60)))
        if k + 1 < len(starts) and end >= starts[k + 1]:
            end = starts[k + 1] - dt.timedelta(hours=1)
            if end <= start:
                end = start + dt.timedelta(minutes=30)
        given, family, dob, sex, addr, pc = _view(c, rt, rng, pools)
        ref = f"MP/{start.year}/{next(ids):06d}"
        found = rng.choice(FOUND_AT) if rng.random() < 0.6 else rng.choice(
            (f"{fam.town.name} town centre", f"{fam.town.name} bus station", f"{fam.town.name} railway station"))
        out.append((ref, [
            ref, urn, given, family,
            "" if dob is None else f"{dob.day:02d}/{dob.month:02d}/{dob.year % 100:02d}", sex,
            f"{addr.line}, {addr.town}", pc, f"{start:%Y-%m-%dT%H:%M:%SZ}", f"{end:%Y-%m-%dT%H:%M:%SZ}",
            rng.choices(RISK_GRADES, RISK_WEIGHTS)[0], found, rng.choice(REPORTED_BY)], c.child_id))


def _child_row(c: Child) -> list[str]:
    a: Address = c.family.address
    return [c.child_id, c.given, c.middle, c.family_name, c.dob.isoformat(), c.sex, c.ethnicity, c.nhs, c.upn,
            a.line, a.town, a.postcode, c.school, c.family.gp[0], c.family.family_id, c.twin_of]


def _family_row(f: Family) -> list[str]:
    carers = [(f"{g} {s}", rel) for g, s, rel in f.carers] + [("", "")]
    p = f.previous
    return [f.family_id, f.kind, f.ethnicity, carers[0][0], carers[0][1], carers[1][0], carers[1][1],
            f.address.line, f.address.town, f.address.postcode, p.line if p else "", p.town if p else "",
            p.postcode if p else ""]


def _write_csv(path: Path, header: list[str], rows, terminator: str, encoding: str = "utf-8") -> None:
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, lineterminator=terminator)
        writer.writerow(header)
        writer.writerows(rows)
