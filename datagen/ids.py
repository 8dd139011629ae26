"""Identifiers that are unique without remembering them, and reproducible from the seed.

Every id is a fixed bijection of a per-kind counter (multiply by an odd constant that is prime to
the id space, add a seed-derived offset, reduce modulo the space). Ids therefore never collide within a
kind, look random, and cost no memory: a million travellers need no "already used" set. Kinds draw
from disjoint spaces (different lengths or alphabets), so a source traveller id names one person only.
"""

from __future__ import annotations

import random

_ALPHABET36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Prime to 2, 3 and 5, hence to every 10**k, 9*10**k and 36**k id space.
_MULTIPLIER = 2654435761


class Counter:
    """One id kind: ``width`` characters over ``alphabet``, optionally after a fixed prefix."""

    def __init__(self, rng: random.Random, width: int, alphabet: str = _ALPHABET36, prefix: str = "") -> None:
        self.alphabet = alphabet
        self.width = width
        self.prefix = prefix
        self.space = len(alphabet) ** width
        self.offset = rng.randrange(self.space)
        self.count = 0
        self._decimal = alphabet == "0123456789"
        self._pairs = [a + b for a in alphabet for b in alphabet]

    def next(self) -> str:
        value = (self.count * _MULTIPLIER + self.offset) % self.space
        self.count += 1
        if self._decimal:
            return f"{self.prefix}{value:0{self.width}d}"
        pairs, base2, chars = self._pairs, len(self._pairs), []
        for _ in range((self.width + 1) // 2):
            value, pair = divmod(value, base2)
            chars.append(pairs[pair])
        return self.prefix + "".join(reversed(chars))[-self.width :]


class IdFactory:
    """All id kinds of one generation run, seeded once so that the same seed yields the same ids."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"ids/{seed}")  # stock Random: offsets need the full id space
        digits = "0123456789"
        # Traveller ids: numeric for airline systems, prefixed for hotel systems (as a PMS would).
        self.pax = Counter(rng, 10, digits)
        self.passenger = Counter(rng, 9, digits, prefix="T")
        self.guest = Counter(rng, 9, digits, prefix="G")
        self.pms_guest = Counter(rng, 8, digits, prefix="PMS")
        # Business keys.
        self.pnr = Counter(rng, 6)
        self.hotel_booking = Counter(rng, 10)
        self.segment = Counter(rng, 10)
        self.product = Counter(rng, 8)
        self.stay = Counter(rng, 10)
        self.loyalty_air = Counter(rng, 9, digits, prefix="FF")
        self.loyalty_hotel = Counter(rng, 9, digits, prefix="HR")
        self.transaction = Counter(rng, 12)
        self.ancillary = Counter(rng, 10)
        self.crm = Counter(rng, 12, prefix="CRM-")
        self.card = Counter(rng, 16, digits, prefix="tok_")


def uuid_like(rng: random.Random) -> str:
    """A version-4-shaped UUID from ``rng`` (uuid4 would break reproducibility)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"
