"""Word pools drawn once from a seeded Faker, then sampled with ``random.Random``.

Calling Faker per record is the slow part of most generators; drawing values per locale once up front
keeps generation fast. Pools keep repetitions, so Faker's name frequencies carry over: common names stay
common, which is exactly the hard-negative material a matcher must face.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from faker import Faker

from datagen.catalog import LOCALES

# UPT rejects a record whose single-line strings contain these (mapping spec 2.4): never emit them.
_FORBIDDEN = re.compile(r"[\\\x08\x0c\n\r\t{}<>^=]")


@dataclass(frozen=True)
class LocalePool:
    locale: str
    country: str
    country_name: str
    language: str
    language_name: str
    phone_cc: int
    currency: str
    first_female: tuple[str, ...]
    first_male: tuple[str, ...]
    last: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    postcodes: tuple[str, ...]


@dataclass(frozen=True)
class Pools:
    locales: tuple[LocalePool, ...]
    weights: tuple[int, ...]
    companies: tuple[str, ...]
    jobs: tuple[str, ...]
    agents: tuple[str, ...]
    sentences: tuple[str, ...]


def _weighted(names, size: int = 4000) -> tuple[str, ...]:
    """Every name of a Faker list, repeated in proportion to its weight (uniform if unweighted).

    Taking the whole list (rather than a few thousand draws) keeps rare names; the repetition keeps
    common names common, so uniform picks from the result follow Faker's frequencies.
    """
    weights = dict(names) if isinstance(names, dict) else dict.fromkeys(names, 1.0)
    total = sum(weights.values())
    pool = []
    for name, weight in weights.items():
        if not _FORBIDDEN.search(name):
            pool.extend([name] * max(1, round(weight / total * size)))
    return tuple(pool)


def _person_provider(fake: Faker):
    return next(p for p in fake.get_providers() if hasattr(p, "last_names"))


def _cities(fake: Faker, n: int) -> tuple[str, ...]:
    """City names; a locale's fixed city list is sorted first because some Faker locales build it from
    a set (it_IT), whose order, and so every seeded draw from it, changes with PYTHONHASHSEED."""
    listed = next(
        (p.cities for p in fake.get_providers() if isinstance(getattr(p, "cities", None), list | tuple)), None
    )
    if listed is None:
        return _draw(fake.city, n)
    ordered = sorted(set(listed))
    return tuple(name for name in (fake.random.choice(ordered) for _ in range(n)) if not _FORBIDDEN.search(name))


def _draw(fn, n: int, max_len: int = 60) -> tuple[str, ...]:
    values = []
    for _ in range(n):
        value = fn()
        if len(value) <= max_len and not _FORBIDDEN.search(value):
            values.append(value)
    return tuple(values)


def build_pools(seed: int, size: int = 600) -> Pools:
    """Draw every pool from Faker instances seeded with ``seed`` (one per locale, in a fixed order)."""
    locales = []
    for locale, country, country_name, language, language_name, phone_cc, currency, _ in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        names = _person_provider(fake)
        locales.append(
            LocalePool(
                locale=locale,
                country=country,
                country_name=country_name,
                language=language,
                language_name=language_name,
                phone_cc=phone_cc,
                currency=currency,
                first_female=_weighted(names.first_names_female),
                first_male=_weighted(names.first_names_male),
                last=_weighted(names.last_names, size=8000),
                streets=_draw(fake.street_name, size),
                cities=_cities(fake, size // 3),
                postcodes=_draw(fake.postcode, size // 3),
            )
        )
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return Pools(
        locales=tuple(locales),
        weights=tuple(entry[-1] for entry in LOCALES),
        companies=_draw(fake.company, size),
        jobs=_draw(fake.job, size // 2),
        agents=tuple(f"{fake.first_name()} {fake.last_name()}" for _ in range(200)),
        sentences=_draw(fake.sentence, size, max_len=200),
    )
