"""Name, place, school and GP practice pools built once per seed with Faker.

Faker is slow per call, so it is only used here: a few thousand draws per
seed build pools that the generator then samples with ``random.Random``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from faker import Faker
from nicknames import NickNamer

from .config import ETHNICITY
from .identifiers import LA_CODES

#: Real postcode areas; each seed picks one or two for its partnership area.
POSTCODE_AREAS = ("BD", "HX", "WF", "HD", "LS", "OL", "BB", "PR", "DN", "ST", "TS", "NE", "SR", "LE", "NG", "CV")
#: Letters allowed in the last two characters of a postcode.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

SAINTS = ("Mary's", "John's", "Peter's", "Joseph's", "Anne's", "Michael's", "Paul's", "Patrick's", "Chad's", "Hilda's")
PRIMARY_FORMS = ("{n} Primary School", "{n} Community Primary School", "{n} Infant and Junior School",
                 "St {s} C of E Primary School", "St {s} RC Primary School", "{n} Primary Academy")
SECONDARY_FORMS = ("{n} Academy", "{n} High School", "{n} School", "{n} College", "St {s} Catholic College",
                   "{n} Community Academy")
STREET_WORDS = ("Church", "Mill", "Station", "Park", "Victoria", "Queen's", "King's", "High", "Oak", "Elm", "Beech",
                "Ash", "Willow", "Meadow", "Chapel", "Manor", "Grange", "Orchard", "Albert", "Windsor", "Priory",
                "Moor", "Hall", "Bridge", "Castle", "Springfield", "Westfield", "Brook", "Cedar", "Hawthorn")
#: UK street suffix -> weight.
STREET_SUFFIXES = {"Road": 30, "Street": 22, "Avenue": 10, "Close": 10, "Lane": 9, "Drive": 8, "Way": 6,
                   "Grove": 5, "Crescent": 5, "Gardens": 4, "Terrace": 4, "Court": 3, "Place": 3, "Walk": 2,
                   "Mews": 2, "Rise": 2, "View": 2, "Green": 2, "Fold": 1, "Croft": 1}
GP_FORMS = ("{n} Medical Centre", "{n} Surgery", "The {n} Practice", "{n} Health Centre", "{n} Family Practice")


@dataclass(slots=True)
class Town:
    name: str
    outward: list[str]
    streets: list[tuple[str, list[str]]] = field(default_factory=list)  # (street name, postcodes)
    primaries: list[tuple[int, str]] = field(default_factory=list)  # (DfE establishment no, name)
    secondaries: list[tuple[int, str]] = field(default_factory=list)
    gps: list[tuple[str, str]] = field(default_factory=list)  # (ODS code, name)


@dataclass(slots=True)
class Pools:
    male: dict[str, list[str]]  # locale -> weighted list of first names
    female: dict[str, list[str]]
    surnames: dict[str, list[str]]
    towns: list[Town]
    nicknames: dict[str, list[str]]  # given name -> sorted nicknames (title case)
    la_code: int
    other_la_codes: list[int]


def _draw(fn, n: int) -> list[str]:
    return [fn() for _ in range(n)]


def _nickname_map(names: set[str]) -> dict[str, list[str]]:
    namer = NickNamer()
    out: dict[str, list[str]] = {}
    for name in sorted(names):
        nicks = sorted(n for n in namer.nicknames_of(name) if n.isalpha() and len(n) >= 2 and n != name.lower())
        if nicks:
            out[name] = [n.title() for n in nicks]
    return out


def _postcode(rng: random.Random, outward: str) -> str:
    return f"{outward} {rng.randint(0, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"


def build_pools(seed: int, children: int) -> Pools:
    rng = random.Random(f"pools:{seed}")
    locales = sorted({loc for _, loc in ETHNICITY.values()})
    male: dict[str, list[str]] = {}
    female: dict[str, list[str]] = {}
    surnames: dict[str, list[str]] = {}
    gb = None
    for i, loc in enumerate(locales):
        fake = Faker(loc)
        fake.seed_instance(seed * 1000 + i)
        big = loc == "en_GB"
        if big:
            gb = fake
        if loc == "zh_CN":
            male[loc] = _draw(fake.first_romanized_name, 150)
            female[loc] = _draw(fake.first_romanized_name, 150)
            surnames[loc] = _draw(fake.last_romanized_name, 200)
            continue
        male[loc] = _draw(fake.first_name_male, 1500 if big else 200)
        surnames[loc] = _draw(fake.last_name, 3000 if big else 300)
        if loc == "en_PK":  # en_PK has no gendered first-name lists
            female[loc] = []
        else:
            female[loc] = _draw(fake.first_name_female, 1500 if big else 200)
    female["en_PK"] = female["en_IN"]
    assert gb is not None

    # Places: a fictional partnership area of a handful of towns.
    n_towns = max(4, min(14, 3 + children // 8000))
    areas = rng.sample(POSTCODE_AREAS, 2)
    town_names: list[str] = []
    while len(town_names) < n_towns:
        name = gb.city()
        if name not in town_names:
            town_names.append(name)
    used_outward: set[str] = set()
    towns: list[Town] = []
    for name in town_names:
        outward = []
        for _ in range(rng.randint(2, 4)):
            while True:
                code = f"{rng.choice(areas)}{rng.randint(1, 40)}"
                if code not in used_outward:
                    used_outward.add(code)
                    outward.append(code)
                    break
        towns.append(Town(name=name, outward=outward))

    # Streets: roughly one per 12 families, each with 1-4 postcode units.
    n_streets = max(60, children // 22)
    suffixes, suffix_w = list(STREET_SUFFIXES), list(STREET_SUFFIXES.values())
    street_names = []
    for _ in range(n_streets):
        r = rng.random()
        base = gb.last_name() if r < 0.45 else gb.first_name() if r < 0.6 else rng.choice(STREET_WORDS)
        street_names.append(f"{base} {rng.choices(suffixes, suffix_w)[0]}")
    for i, street in enumerate(street_names):
        town = towns[i % n_towns] if i < n_towns else towns[rng.randrange(n_towns)]
        outward = rng.choice(town.outward)
        sector = f"{outward} {rng.randint(0, 9)}"
        codes = sorted({f"{sector}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
                        for _ in range(rng.randint(1, 4))})
        town.streets.append((street, codes))

    # Schools and GP practices per town.
    estab = rng.sample(range(2000, 7000), max(60, children // 100))
    surname_pool = surnames["en_GB"]
    gp_codes = rng.sample(range(10000, 99999), max(10, children // 1000))
    gp_letter = rng.choice("BCDEFGHJKLMNPY")
    e = g = 0
    for t, town in enumerate(towns):
        share = max(1, children // n_towns)
        n_primary = max(1, share // 280)
        n_secondary = max(1, share // 1400)
        n_gp = max(1, share // 1600)
        for kind, count, forms in (("p", n_primary, PRIMARY_FORMS), ("s", n_secondary, SECONDARY_FORMS)):
            for k in range(count):
                base = town.name if k == 0 and kind == "s" else rng.choice(town.streets)[0].split()[0]
                label = rng.choice(forms).format(n=base, s=rng.choice(SAINTS))
                if k and kind == "s":
                    label = f"{rng.choice(surname_pool)} {label}" if rng.random() < 0.3 else label
                target = town.primaries if kind == "p" else town.secondaries
                if any(label == existing for _, existing in target):
                    label = f"{label} ({t + 1}{k})"
                target.append((estab[e % len(estab)], label))
                e += 1
        for _ in range(n_gp):
            base = rng.choice([town.name, rng.choice(town.streets)[0].split()[0], rng.choice(surname_pool)])
            town.gps.append((f"{gp_letter}{gp_codes[g % len(gp_codes)]:05d}", rng.choice(GP_FORMS).format(n=base)))
            g += 1

    given = {n for pool in (male["en_GB"], female["en_GB"]) for n in pool}
    la_code = rng.choice(LA_CODES)
    others = [c for c in LA_CODES if c != la_code]
    return Pools(
        male=male,
        female=female,
        surnames=surnames,
        towns=towns,
        nicknames=_nickname_map(given),
        la_code=la_code,
        other_la_codes=rng.sample(others, 12),
    )
