"""The true population: families and children (the ground truth)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .config import ETHNICITY, FAMILY_MOVED, FAMILY_SIZE_WEIGHTS, FAMILY_TYPES, REFERENCE_DATE, TWIN_RATE
from .identifiers import nhs_numbers, upn
from .pools import Pools, Town

#: Age (in whole years) on 31 August of the current academic year drives school phase.
ACADEMIC_CUTOFF = dt.date(REFERENCE_DATE.year if REFERENCE_DATE.month >= 9 else REFERENCE_DATE.year - 1, 8, 31)
#: Oldest possible date of birth for a child aged 0-17 on the reference date.
EARLIEST_DOB = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - 18) + dt.timedelta(days=1)
DOB_RANGE_DAYS = (REFERENCE_DATE - EARLIEST_DOB).days + 1


@dataclass(slots=True)
class Address:
    line: str
    town: str
    postcode: str


@dataclass(slots=True)
class Family:
    family_id: str
    kind: str
    ethnicity: str
    locale: str
    carers: list[tuple[str, str, str]]  # (given, family, relationship)
    address: Address
    previous: Address | None
    alt_surnames: list[str]  # other surnames in the household (mother's, new partner's)
    partner_surname: str  # new partner's surname in a step family, else ""
    town: Town
    primary: tuple[int, str]
    secondary: tuple[int, str]
    gp: tuple[str, str]


@dataclass(slots=True)
class Child:
    child_id: str
    given: str
    middle: str
    family_name: str
    dob: dt.date
    sex: str
    ethnicity: str
    nhs: str
    upn: str
    school: str
    nc_year: str
    family: Family
    twin_of: str
    age: int  # on REFERENCE_DATE
    school_age: bool


def age_on(dob: dt.date, when: dt.date) -> int:
    return when.year - dob.year - ((when.month, when.day) < (dob.month, dob.day))


def _address(rng: random.Random, town: Town) -> Address:
    street, codes = rng.choice(town.streets)
    number = rng.randint(1, 90) if rng.random() < 0.85 else rng.randint(91, 320)
    line = f"{number} {street}"
    if rng.random() < 0.12:
        line = f"Flat {rng.randint(1, 24)}, {line}"
    return Address(line=line, town=town.name, postcode=codes[number % len(codes)])


def _pick_distinct(rng: random.Random, pool: list[str], avoid: set[str]) -> str:
    for _ in range(20):
        name = rng.choice(pool)
        if name not in avoid:
            return name
    return rng.choice(pool)


def build_population(rng: random.Random, pools: Pools, children: int) -> tuple[list[Family], list[Child]]:
    eth_codes = list(ETHNICITY)
    eth_cum = []
    acc = 0.0
    for code in eth_codes:
        acc += ETHNICITY[code][0]
        eth_cum.append(acc)
    sizes, size_w = list(FAMILY_SIZE_WEIGHTS), list(FAMILY_SIZE_WEIGHTS.values())
    kinds, kind_w = list(FAMILY_TYPES), list(FAMILY_TYPES.values())
    towns = pools.towns
    gb_surnames = pools.surnames["en_GB"]

    nhs = nhs_numbers(rng, children)
    upn_serial: dict[tuple[int, int, int], int] = {}

    families: list[Family] = []
    out: list[Child] = []
    while len(out) < children:
        fid = f"F{len(families) + 1:06d}"
        ethnicity = rng.choices(eth_codes, cum_weights=eth_cum)[0]
        locale = ETHNICITY[ethnicity][1]
        male, female, surnames = pools.male[locale], pools.female[locale], pools.surnames[locale]
        kind = rng.choices(kinds, kind_w)[0]
        town = rng.choice(towns)
        surname = rng.choice(surnames)
        other = _pick_distinct(rng, surnames, {surname})
        partner = ""
        if kind == "two_parent":
            mother_surname = surname if rng.random() < 0.75 else other
            carers = [(rng.choice(female), mother_surname, "Mother"), (rng.choice(male), surname, "Father")]
            alt = [other]
            child_surname = surname
        elif kind == "single_mother":
            child_surname = surname if rng.random() < 0.5 else other
            carers = [(rng.choice(female), surname, "Mother")]
            alt = [surname, other]
        elif kind == "step_family":
            partner = _pick_distinct(rng, surnames if rng.random() < 0.7 else gb_surnames, {surname, other})
            mother_surname = partner if rng.random() < 0.5 else surname
            carers = [(rng.choice(female), mother_surname, "Mother"), (rng.choice(male), partner, "Stepfather")]
            child_surname = other
            alt = [surname, partner]
        elif kind == "single_father":
            carers = [(rng.choice(male), surname, "Father")]
            child_surname = surname
            alt = [other]
        else:  # kinship care by a grandparent
            carers = [(rng.choice(female), other, "Grandmother")]
            if rng.random() < 0.5:
                carers.append((rng.choice(male), other, "Grandfather"))
            child_surname = surname
            alt = [other]
        alt = [s for s in dict.fromkeys(alt) if s != child_surname]
        address = _address(rng, town)
        previous = None
        if rng.random() < FAMILY_MOVED:
            previous = _address(rng, town if rng.random() < 0.7 else rng.choice(towns))
        secondary_town = town if rng.random() < 0.8 else rng.choice(towns)
        fam = Family(
            family_id=fid,
            kind=kind,
            ethnicity=ethnicity,
            locale=locale,
            carers=carers,
            address=address,
            previous=previous,
            alt_surnames=alt,
            partner_surname=partner,
            town=town,
            primary=rng.choice(town.primaries),
            secondary=rng.choice(secondary_town.secondaries),
            gp=rng.choice(town.gps),
        )
        families.append(fam)

        k = min(rng.choices(sizes, size_w)[0], children - len(out))
        gaps = [rng.randint(300, 2200) for _ in range(k - 1)]
        twin_at = -1
        if k >= 2 and rng.random() < TWIN_RATE:
            twin_at = rng.randrange(k - 1)
            gaps[twin_at] = 0
        span = sum(gaps)
        while span >= DOB_RANGE_DAYS:  # too many/too wide gaps: squeeze
            gaps = [g // 2 for g in gaps]
            span = sum(gaps)
        offset = rng.randrange(DOB_RANGE_DAYS - span)
        dobs = [EARLIEST_DOB + dt.timedelta(days=offset)]
        for g in gaps:
            dobs.append(dobs[-1] + dt.timedelta(days=g))

        used: set[str] = set()
        first_idx = len(out)
        for i, dob in enumerate(dobs):
            sex = "M" if rng.random() < 0.512 else "F"
            pool = male if sex == "M" else female
            given = _pick_distinct(rng, pool, used)
            used.add(given)
            middle = _pick_distinct(rng, pool, used | {given}) if rng.random() < 0.65 else ""
            fam_name = child_surname
            if kind == "step_family" and i == k - 1 and k >= 2 and twin_at != k - 2 and rng.random() < 0.5:
                fam_name = partner  # youngest is a half-sibling with the new partner's surname
            age = age_on(dob, REFERENCE_DATE)
            age_aug = age_on(dob, ACADEMIC_CUTOFF)
            school_age = age_aug >= 4
            school = nc_year = child_upn = ""
            if school_age:
                if age_aug <= 10:
                    school = fam.primary[1]
                elif age_aug <= 15 or rng.random() < 0.75:
                    school = fam.secondary[1]
                nc_year = "R" if age_aug == 4 else str(age_aug - 4)
                entry_year = ACADEMIC_CUTOFF.year - (age_aug - 4)
                if rng.random() < 0.12:
                    la, estab = rng.choice(pools.other_la_codes), rng.randint(2000, 6999)
                else:
                    la, estab = pools.la_code, fam.primary[0]
                key = (la, estab, entry_year)
                serial = upn_serial.get(key, 0) + 1
                if serial > 999:  # very large runs: spill into another establishment number
                    estab = (estab + 1) % 10000
                    key = (la, estab, entry_year)
                    serial = upn_serial.get(key, 0) + 1
                upn_serial[key] = serial
                child_upn = upn(la, estab, entry_year, serial)
            idx = len(out)
            out.append(
                Child(
                    child_id=f"C{idx + 1:07d}",
                    given=given,
                    middle=middle,
                    family_name=fam_name,
                    dob=dob,
                    sex=sex,
                    ethnicity=ethnicity,
                    nhs=nhs[idx],
                    upn=child_upn,
                    school=school,
                    nc_year=nc_year,
                    family=fam,
                    twin_of="",
                    age=age,
                    school_age=school_age,
                )
            )
        if twin_at >= 0:
            a, b = out[first_idx + twin_at], out[first_idx + twin_at + 1]
            a.twin_of, b.twin_of = b.child_id, a.child_id
    return families, out

