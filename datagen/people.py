"""The true population: households of people, with the ids each person holds in each system.

A household is generated whole from its own random stream, so companions and family members exist
without keeping anyone else in memory. Families are the main source of hard negatives: they share a
last name, an address, a home phone and sometimes an email; a junior shares his father's full name.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

from datagen.catalog import COMMON_NAMES, HOME_AIRPORTS, HONORIFICS, LOYALTY_LEVELS, PERSONAL_EMAIL_DOMAINS, US_STATES
from datagen.ids import IdFactory
from datagen.pools import LocalePool, Pools

REFERENCE_YEAR = 2024
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5)
HOUSEHOLD_WEIGHTS = (46, 28, 12, 10, 4)


@dataclass
class Household:
    hid: int
    pool: LocalePool
    last: str
    street: str
    city: str
    state: tuple[str, str]
    postcode: str
    home_phone: str
    family_email: str
    airport: str
    members: list[Person] = field(default_factory=list)


@dataclass
class Person:
    """One real traveller and every identifier the source systems know them by."""

    pid: str
    household: Household
    gender: str
    first: str
    middle: str
    last: str
    dob: str
    age: int
    email: str
    old_email: str
    work_email: str
    mobile: str
    old_mobile: str
    company: str
    job: str
    honorific: str
    pax_ids: list[str]
    guest_id: str
    ff_number: str
    ff_level: str
    hotel_loyalty: str
    hotel_level: str
    crm_id: str

    @property
    def adult(self) -> bool:
        return self.age >= 18

    @property
    def pool(self) -> LocalePool:
        return self.household.pool


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: the part of a name that can go into an email."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _mobile(rng: random.Random, pool: LocalePool) -> str:
    if pool.country == "US":
        return f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
    return f"{rng.choice('67')}{rng.randint(0, 99_999_999):08d}"


def _landline(rng: random.Random, pool: LocalePool) -> str:
    if pool.country == "US":
        return _mobile(rng, pool)
    return f"{rng.randint(1, 5)}{rng.randint(0, 99_999_999):08d}"


def _email(rng: random.Random, first: str, last: str, birth_year: int) -> str:
    f, la = fold(first) or "guest", fold(last) or "traveller"
    pattern = rng.randrange(6)
    if pattern == 0:
        local = f"{f}.{la}{rng.randint(1, 999)}"
    elif pattern == 1:
        local = f"{f}{la}{birth_year % 100:02d}"
    elif pattern == 2:
        local = f"{f[0]}{la}{rng.randint(10, 9999)}"
    elif pattern == 3:
        local = f"{f}_{la}_{rng.randint(1, 99)}"
    elif pattern == 4:
        local = f"{la}.{f}{rng.randint(100, 9999)}"
    else:
        local = f"{f}{rng.randint(1000, 99999)}"
    return f"{local}@{rng.choice(PERSONAL_EMAIL_DOMAINS)}"


def _company_domain(company: str) -> str:
    return (fold(company.split(",")[0].split(" ")[0]) or "corp") + ".example.com"


def _dob(rng: random.Random, age: int) -> str:
    return f"{REFERENCE_YEAR - age:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


class PopulationFactory:
    """Builds households one at a time; person ids are sequential (``P00000001``...)."""

    def __init__(self, pools: Pools, ids: IdFactory) -> None:
        self.pools = pools
        self.ids = ids
        self.next_person = 1

    def household(self, rng: random.Random, hid: int, max_members: int) -> Household:
        pool = rng.choices(self.pools.locales, weights=self.pools.weights)[0]
        state = rng.choice(US_STATES) if pool.country == "US" else ("", "")
        house = Household(
            hid=hid,
            pool=pool,
            last=rng.choice(pool.last),
            street=f"{rng.randint(1, 9999)} {rng.choice(pool.streets)}",
            city=rng.choice(pool.cities),
            state=state,
            postcode=rng.choice(pool.postcodes),
            home_phone=_landline(rng, pool) if rng.random() < 0.5 else "",
            family_email="",
            airport=rng.choice(HOME_AIRPORTS[pool.country]),
        )
        size = min(max_members, rng.choices(HOUSEHOLD_SIZES, weights=HOUSEHOLD_WEIGHTS)[0])
        if size > 1 and rng.random() < 0.25:
            house.family_email = f"{fold(house.last) or 'family'}family{rng.randint(1, 999)}@" + rng.choice(
                PERSONAL_EMAIL_DOMAINS
            )
        head_age = rng.randint(22, 80)
        head = self._person(rng, house, rng.choice(("female", "male", "male", "female", "other")), head_age, house.last)
        if size == 1 and rng.random() < 0.03:
            head.gender, head.first, head.last = rng.choice(COMMON_NAMES)
            head.honorific = rng.choice(HONORIFICS[head.gender])
        house.members.append(head)
        if size > 1 and rng.random() < 0.85:
            gender = (
                {"female": "male", "male": "female"}.get(head.gender, "female") if rng.random() < 0.9 else head.gender
            )
            last = house.last if rng.random() < 0.7 else rng.choice(pool.last)
            partner_age = max(20, min(85, head_age + rng.randint(-6, 6)))
            house.members.append(self._person(rng, house, gender, partner_age, last))
        youngest_parent = min(m.age for m in house.members)
        while len(house.members) < size:
            age = rng.randint(0, max(0, min(17, youngest_parent - 18)))
            child = self._person(rng, house, rng.choice(("female", "male")), age, house.last)
            father = next((m for m in house.members if m.gender == "male" and m.adult), None)
            if father and child.gender == "male" and rng.random() < 0.15:
                child.first, child.middle = father.first, father.middle  # a junior: same full name
            house.members.append(child)
        return house

    def _person(self, rng: random.Random, house: Household, gender: str, age: int, last: str) -> Person:
        pool = house.pool
        names = pool.first_female if gender == "female" else pool.first_male
        if gender == "other":
            names = rng.choice((pool.first_female, pool.first_male))
        first = rng.choice(names)
        middle = rng.choice(names) if rng.random() < 0.45 else ""
        adult = age >= 18
        employed = adult and age < 70 and rng.random() < 0.8
        company = rng.choice(self.pools.companies) if employed else ""
        has_email = adult or (age >= 13 and rng.random() < 0.7)
        has_air = rng.random() < (0.7 if adult else 0.45)
        has_hotel = rng.random() < (0.55 if adult else 0.08)
        pax_ids = [self.ids.pax.next()] if has_air else []
        if has_air and adult and rng.random() < 0.04:
            pax_ids.append(self.ids.pax.next())  # a forgotten second account
        ff = has_air and rng.random() < (0.6 if adult else 0.3)
        hotel_member = has_hotel and adult and rng.random() < 0.5
        pid = f"P{self.next_person:08d}"
        self.next_person += 1
        return Person(
            pid=pid,
            household=house,
            gender=gender,
            first=first,
            middle=middle,
            last=last,
            dob=_dob(rng, age),
            age=age,
            email=_email(rng, first, last, REFERENCE_YEAR - age) if has_email else "",
            old_email=_email(rng, first, last, REFERENCE_YEAR - age) if has_email and rng.random() < 0.35 else "",
            work_email=f"{fold(first)}.{fold(last)}@{_company_domain(company)}" if employed else "",
            mobile=_mobile(rng, pool) if age >= 13 else "",
            old_mobile=_mobile(rng, pool) if adult and rng.random() < 0.2 else "",
            company=company,
            job=rng.choice(self.pools.jobs) if employed else "",
            honorific=rng.choice(HONORIFICS[gender]) if adult else "",
            pax_ids=pax_ids,
            guest_id=self.ids.guest.next() if has_hotel else "",
            ff_number=self.ids.loyalty_air.next() if ff else "",
            ff_level=rng.choice(LOYALTY_LEVELS) if ff else "",
            hotel_loyalty=self.ids.loyalty_hotel.next() if hotel_member else "",
            hotel_level=rng.choice(LOYALTY_LEVELS) if hotel_member else "",
            crm_id=self.ids.crm.next() if adult and rng.random() < 0.3 else "",
        )
