"""How a source system sees a person: the true attributes after typical data-entry noise.

Each system keeps its own view (typos, nicknames, an old email, a reformatted phone, a missing birth
date), so the same person looks different across systems while a view stays stable inside one system.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from datagen.catalog import NICKNAMES, PRONOUNS
from datagen.people import Person
from datagen.pools import LocalePool

_KEYBOARD_NEIGHBOURS = {
    "a": "sq",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "y": "tu",
}


@dataclass(frozen=True)
class Noise:
    """Probabilities of each kind of noise in one system's view of a person."""

    typo: float = 0.03
    nickname: float = 0.08
    upper: float = 0.02
    no_middle: float = 0.4
    no_dob: float = 0.08
    no_gender: float = 0.1
    old_email: float = 0.12
    work_email: float = 0.1
    family_email: float = 0.5
    no_email: float = 0.06
    old_phone: float = 0.1
    no_phone: float = 0.15
    no_address: float = 0.1


PROFILE_NOISE = Noise()
BOOKING_NOISE = Noise(typo=0.015, nickname=0.05, no_dob=0.3, no_email=0.1, no_address=0.35)
COMPANION_NOISE = Noise(typo=0.03, nickname=0.1, no_dob=0.3, no_email=0.55, no_phone=0.6, no_address=0.5)
DIGITAL_NOISE = Noise(typo=0.04, nickname=0.15, upper=0.0, old_email=0.15, no_email=0.2, no_phone=0.5)


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: swap, drop, double or hit a neighbouring key."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    near = _KEYBOARD_NEIGHBOURS.get(text[i].lower())
    return text[:i] + rng.choice(near) + text[i + 1 :] if near else text[:i] + text[i + 1 :]


def phone_text(rng: random.Random, pool: LocalePool, digits: str) -> str:
    """The same number as people type it: E.164, spaced, dotted, bracketed or bare national."""
    style = rng.randrange(5)
    cc = pool.phone_cc
    if style == 0:
        return f"+{cc}{digits}"
    if style == 1:
        return f"+{cc} {digits[:3]} {digits[3:6]} {digits[6:]}"
    if pool.country == "US":
        if style == 2:
            return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
        if style == 3:
            return f"{digits[:3]}.{digits[3:6]}.{digits[6:]}"
        return digits
    if style == 2:
        return f"0{digits[:1]} {digits[1:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}"
    return f"0{digits}"


@dataclass(frozen=True)
class View:
    """A person as one system stores them. Empty strings mean the system does not have the value."""

    person: Person
    first: str
    middle: str
    last: str
    dob: str
    gender: str
    email: str
    email_type: str
    phone: str
    phone_type: str
    with_address: bool

    def person_fields(self) -> dict:
        """Name, demographics and employment keys shared by passenger, pax and guest profiles."""
        p = self.person
        fields = {
            "honorific": p.honorific,
            "firstName": self.first,
            "middleName": self.middle,
            "lastName": self.last,
            "gender": self.gender,
            "pronoun": PRONOUNS[self.gender] if self.gender else "",
            "dateOfBirth": self.dob,
            "language": {"code": p.pool.language, "name": p.pool.language_name},
            "nationality": {"code": p.pool.country, "name": p.pool.country_name},
            "jobTitle": p.job,
            "parentCompany": p.company,
        }
        if not self.middle:
            del fields["middleName"]
        return fields

    def emails(self, verified: bool | None = None) -> list[dict]:
        if not self.email:
            return []
        entry = {"type": self.email_type, "address": self.email, "primary": True}
        if verified is not None:
            entry["isVerified"] = verified
        return [entry]

    def phones(self, verified: bool | None = None) -> list[dict]:
        if not self.phone:
            return []
        entry = {
            "type": self.phone_type,
            "number": self.phone,
            "primary": True,
            "countryCode": self.person.pool.phone_cc,
        }
        if verified is not None:
            entry["isVerified"] = verified
        return [entry]

    def addresses(self, rng: random.Random) -> list[dict]:
        if not self.with_address:
            return []
        house = self.person.household
        line1 = house.street
        if rng.random() < 0.2:
            line1 = line1.replace("Street", "St").replace("Avenue", "Ave").replace("Road", "Rd")
        if rng.random() < 0.03:
            line1 = line1.upper()
        address = {
            "type": "home",
            "line1": line1,
            "city": house.city,
            "postalCode": house.postcode if rng.random() > 0.05 else "",
            "country": {"code": house.pool.country, "name": house.pool.country_name},
            "primary": True,
        }
        if house.state[0]:
            address["state"] = {"code": house.state[0], "name": house.state[1]}
        return [address]


def view(rng: random.Random, p: Person, noise: Noise) -> View:
    """Draw one system's view of ``p``."""
    first, last = p.first, p.last
    if rng.random() < noise.nickname and first in NICKNAMES:
        first = rng.choice(NICKNAMES[first])
    if rng.random() < noise.typo:
        first = typo(rng, first)
    if rng.random() < noise.typo:
        last = typo(rng, last)
    if rng.random() < noise.upper:
        last = last.upper()
    email, email_type = _pick_email(rng, p, noise)
    phone, phone_type = _pick_phone(rng, p, noise)
    return View(
        person=p,
        first=first,
        middle="" if rng.random() < noise.no_middle else p.middle,
        last=last,
        dob="" if rng.random() < noise.no_dob else p.dob,
        gender="" if rng.random() < noise.no_gender else p.gender,
        email=email,
        email_type=email_type,
        phone=phone,
        phone_type=phone_type,
        with_address=rng.random() >= noise.no_address,
    )


def _pick_email(rng: random.Random, p: Person, noise: Noise) -> tuple[str, str]:
    roll = rng.random()
    if roll < noise.no_email:
        return "", ""
    roll -= noise.no_email
    if p.old_email and roll < noise.old_email:
        return p.old_email, "personal"
    roll -= noise.old_email
    if p.work_email and roll < noise.work_email:
        return p.work_email, "business"
    if p.household.family_email and (not p.email or rng.random() < noise.family_email * 0.3):
        return p.household.family_email, "personal"
    if p.email:
        return p.email, "personal"
    return "", ""


def _pick_phone(rng: random.Random, p: Person, noise: Noise) -> tuple[str, str]:
    roll = rng.random()
    if roll < noise.no_phone:
        return "", ""
    roll -= noise.no_phone
    digits, kind = p.mobile, "mobile"
    if p.old_mobile and roll < noise.old_phone:
        digits = p.old_mobile
    elif not digits or (p.household.home_phone and rng.random() < 0.2):
        digits, kind = p.household.home_phone, "home"
    if not digits:
        return "", ""
    return phone_text(rng, p.pool, digits), kind
